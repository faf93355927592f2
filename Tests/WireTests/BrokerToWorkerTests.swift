import Testing
import Wire

struct BrokerToWorkerTests {
    @Test func messagesEncodeToTheDocumentedFrames() throws {
        #expect(
            BrokerToWorker.request(ticket: try TicketID("t-1"), body: bytes("{}")).encode()
                == [[], bytes("AISW01"), [0x02], bytes("t-1"), bytes("{}")]
        )
        #expect(BrokerToWorker.heartbeat.encode() == [[], bytes("AISW01"), [0x04]])
        #expect(
            BrokerToWorker.disconnect(reason: "protocol violation").encode()
                == [[], bytes("AISW01"), [0x05], bytes("protocol violation")]
        )
    }

    @Test(arguments: [
        BrokerToWorker.request(ticket: try! TicketID("t"), body: bytes(#"{"department":"IT"}"#)),
        BrokerToWorker.heartbeat,
        BrokerToWorker.disconnect(reason: nil),
        BrokerToWorker.disconnect(reason: "unknown worker"),
    ])
    func messagesRoundTrip(message: BrokerToWorker) throws {
        #expect(try BrokerToWorker.decode(frames: message.encode()) == message)
    }

    static let malformed: [MalformedCase] = [
        MalformedCase("READY sent to a worker", [[], bytes("AISW01"), [1], bytes("pack.x"), []], .unknownCommand),
        MalformedCase("FINAL sent to a worker", [[], bytes("AISW01"), [3], bytes("t"), []], .unknownCommand),
        MalformedCase(
            "ERROR sent to a worker",
            [[], bytes("AISW01"), [6], bytes("t"), bytes("x"), []],
            .unknownCommand
        ),
        MalformedCase("REQUEST without body", [[], bytes("AISW01"), [2], bytes("t")], .missingFrames),
        MalformedCase("REQUEST with extra frame", [[], bytes("AISW01"), [2], bytes("t"), [], []], .extraFrames),
        MalformedCase("REQUEST with spaced ticket", [[], bytes("AISW01"), [2], bytes("t 1"), []], .invalidTicket),
        MalformedCase("HEARTBEAT with a frame", [[], bytes("AISW01"), [4], bytes("x")], .extraFrames),
        MalformedCase("client header", [[], bytes("AISC01"), [4]], .unknownProtocol),
        MalformedCase("lower-case header", [[], bytes("aisw01"), [4]], .unknownProtocol),
    ]

    @Test(arguments: malformed)
    func malformedFramesThrowTheRightCode(_ input: MalformedCase) {
        let error = #expect(throws: WireError.self) { try BrokerToWorker.decode(frames: input.frames) }
        #expect(error?.code == input.code, "\(error?.description ?? "no error")")
    }
}
