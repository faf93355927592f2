import Testing
import Wire

struct WorkerMessageTests {
    @Test func messagesEncodeToTheDocumentedFrames() throws {
        let ticket = try TicketID("t-1")
        let metadata = bytes(#"{"id":"gdpr","version":"3","digest":"sha256:ab"}"#)
        #expect(
            WorkerMessage.ready(service: try .pack("gdpr"), metadata: metadata).encode()
                == [[], bytes("AISW01"), [0x01], bytes("pack.gdpr"), metadata]
        )
        #expect(
            WorkerMessage.final(ticket: ticket, body: bytes("{}")).encode()
                == [[], bytes("AISW01"), [0x03], bytes("t-1"), bytes("{}")]
        )
        #expect(WorkerMessage.heartbeat.encode() == [[], bytes("AISW01"), [0x04]])
        #expect(WorkerMessage.disconnect(reason: nil).encode() == [[], bytes("AISW01"), [0x05]])
        #expect(
            WorkerMessage.disconnect(reason: "bye").encode() == [[], bytes("AISW01"), [0x05], bytes("bye")]
        )
        #expect(
            WorkerMessage.error(ticket: ticket, code: .invalidJSON, message: "line 1").encode()
                == [[], bytes("AISW01"), [0x06], bytes("t-1"), bytes("invalid-json"), bytes("line 1")]
        )
    }

    @Test(arguments: [
        WorkerMessage.ready(service: try! .pack("gdpr"), metadata: bytes("{}")),
        WorkerMessage.final(ticket: try! TicketID(String(repeating: "t", count: 64)), body: []),
        WorkerMessage.error(ticket: try! TicketID("t"), code: .internalError, message: "øv"),
        WorkerMessage.heartbeat,
        WorkerMessage.disconnect(reason: nil),
        WorkerMessage.disconnect(reason: ""),
        WorkerMessage.disconnect(reason: "shutting down"),
    ])
    func messagesRoundTrip(message: WorkerMessage) throws {
        #expect(try WorkerMessage.decode(frames: message.encode()) == message)
    }

    static let malformed: [MalformedCase] = [
        MalformedCase("client header", [[], bytes("AISC01"), [4]], .unknownProtocol),
        MalformedCase("REQUEST from a worker", [[], bytes("AISW01"), [2], bytes("t"), []], .unknownCommand),
        MalformedCase("command 0x00", [[], bytes("AISW01"), [0]], .unknownCommand),
        MalformedCase("READY without metadata", [[], bytes("AISW01"), [1], bytes("pack.gdpr")], .missingFrames),
        MalformedCase("READY with bad service", [[], bytes("AISW01"), [1], bytes("pack/gdpr"), []], .invalidService),
        MalformedCase("FINAL with empty ticket", [[], bytes("AISW01"), [3], [], []], .invalidTicket),
        MalformedCase(
            "FINAL with 65-byte ticket",
            [[], bytes("AISW01"), [3], bytes(String(repeating: "t", count: 65)), []],
            .invalidTicket
        ),
        MalformedCase("HEARTBEAT with a frame", [[], bytes("AISW01"), [4], []], .extraFrames),
        MalformedCase("DISCONNECT with two frames", [[], bytes("AISW01"), [5], [], []], .extraFrames),
        MalformedCase("DISCONNECT with invalid UTF-8", [[], bytes("AISW01"), [5], [0xFF]], .invalidText),
        MalformedCase(
            "ERROR without message",
            [[], bytes("AISW01"), [6], bytes("t"), bytes("internal")],
            .missingFrames
        ),
        MalformedCase(
            "ERROR with bad code",
            [[], bytes("AISW01"), [6], bytes("t"), bytes("1x"), []],
            .invalidErrorCode
        ),
        MalformedCase("missing delimiter", [bytes("AISW01"), [4]], .missingDelimiter),
    ]

    @Test(arguments: malformed)
    func malformedFramesThrowTheRightCode(_ input: MalformedCase) {
        let error = #expect(throws: WireError.self) { try WorkerMessage.decode(frames: input.frames) }
        #expect(error?.code == input.code, "\(error?.description ?? "no error")")
    }
}
