import Testing
import Wire

struct BrokerReplyTests {
    @Test func repliesEncodeToTheDocumentedFrames() throws {
        let id = try RequestID("req-42")
        #expect(
            BrokerReply.partial(service: .screen, requestID: id, body: bytes("{}")).encode()
                == [[], bytes("AISC01"), [0x02], bytes("screen"), bytes("req-42"), bytes("{}")]
        )
        #expect(
            BrokerReply.final(service: .screen, requestID: id, body: bytes("{}")).encode()
                == [[], bytes("AISC01"), [0x03], bytes("screen"), bytes("req-42"), bytes("{}")]
        )
        #expect(
            BrokerReply.error(service: nil, requestID: id, code: .malformed, message: "frame 5").encode()
                == [[], bytes("AISC01"), [0x04], [], bytes("req-42"), bytes("malformed"), bytes("frame 5")]
        )
    }

    @Test(arguments: [
        BrokerReply.partial(service: .screen, requestID: try! RequestID("p"), body: bytes(#"{"pack":"gdpr"}"#)),
        BrokerReply.final(service: try! .pack("ai-act"), requestID: try! RequestID("f"), body: []),
        BrokerReply.error(service: .screen, requestID: try! RequestID("e"), code: .noWorkers, message: "ingen ærlig"),
        BrokerReply.error(service: nil, requestID: try! RequestID("e"), code: .malformed, message: ""),
        BrokerReply.error(
            service: .screen,
            requestID: try! RequestID("e"),
            code: try! ErrorCode("future-code-2"),
            message: "x"
        ),
    ])
    func repliesRoundTrip(reply: BrokerReply) throws {
        #expect(try BrokerReply.decode(frames: reply.encode()) == reply)
    }

    @Test func terminalRepliesAreFinalAndError() throws {
        let id = try RequestID("r")
        #expect(!BrokerReply.partial(service: .screen, requestID: id, body: []).isTerminal)
        #expect(BrokerReply.final(service: .screen, requestID: id, body: []).isTerminal)
        #expect(BrokerReply.error(service: nil, requestID: id, code: .conflict, message: "").isTerminal)
        #expect(BrokerReply.error(service: nil, requestID: id, code: .conflict, message: "").requestID == id)
    }

    static let malformed: [MalformedCase] = [
        MalformedCase("REQUEST sent to a client", [[], bytes("AISC01"), [1], bytes("screen")], .unknownCommand),
        MalformedCase("command 0x05", [[], bytes("AISC01"), [5]], .unknownCommand),
        MalformedCase("worker header", [[], bytes("AISW01"), [3]], .unknownProtocol),
        MalformedCase("FINAL without body", [[], bytes("AISC01"), [3], bytes("screen"), bytes("r")], .missingFrames),
        MalformedCase(
            "PARTIAL with extra frame",
            [[], bytes("AISC01"), [2], bytes("screen"), bytes("r"), [], []],
            .extraFrames
        ),
        MalformedCase(
            "FINAL with empty service",
            [[], bytes("AISC01"), [3], [], bytes("r"), []],
            .invalidService
        ),
        MalformedCase(
            "ERROR with bad code",
            [[], bytes("AISC01"), [4], [], bytes("r"), bytes("Not-Found"), []],
            .invalidErrorCode
        ),
        MalformedCase(
            "ERROR with empty code",
            [[], bytes("AISC01"), [4], [], bytes("r"), [], []],
            .invalidErrorCode
        ),
        MalformedCase(
            "ERROR with invalid UTF-8 message",
            [[], bytes("AISC01"), [4], [], bytes("r"), bytes("internal"), [0xC3, 0x28]],
            .invalidText
        ),
        MalformedCase(
            "ERROR with bad request id",
            [[], bytes("AISC01"), [4], [], [], bytes("internal"), []],
            .invalidRequestID
        ),
    ]

    @Test(arguments: malformed)
    func malformedFramesThrowTheRightCode(_ input: MalformedCase) {
        let error = #expect(throws: WireError.self) { try BrokerReply.decode(frames: input.frames) }
        #expect(error?.code == input.code, "\(error?.description ?? "no error")")
    }
}
