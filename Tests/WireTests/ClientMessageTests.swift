import Testing
import Wire

struct ClientMessageTests {
    @Test func aRequestEncodesToTheDocumentedFrames() throws {
        let message = ClientMessage.request(
            service: .screen,
            requestID: try RequestID("req-42"),
            deadline: Deadline(milliseconds: 30_000),
            options: .partials,
            body: bytes(#"{"tool":"x"}"#)
        )
        #expect(
            message.encode() == [
                [], bytes("AISC01"), [0x01], bytes("screen"), bytes("req-42"), bytes("30000"), bytes("partials"),
                bytes(#"{"tool":"x"}"#),
            ]
        )
    }

    @Test(arguments: [
        ClientMessage.request(service: .screen, requestID: try! RequestID("a"), body: []),
        ClientMessage.request(
            service: try! ServiceName.pack("gdpr"),
            requestID: try! RequestID(String(repeating: "~", count: 128)),
            deadline: Deadline(milliseconds: UInt32.max),
            options: .partials,
            body: bytes(#"{"department":"IT"}"#)
        ),
        ClientMessage.request(service: .mmiService, requestID: try! RequestID("mmi-1"), body: bytes("{}")),
        ClientMessage.request(service: .screen, requestID: try! RequestID("s"), options: [.partials, .summaryDetail], body: bytes("{}")),
        ClientMessage.request(service: .screen, requestID: try! RequestID("f"), options: .fullDetail, body: bytes("{}")),
    ])
    func requestsRoundTrip(message: ClientMessage) throws {
        #expect(try ClientMessage.decode(frames: message.encode()) == message)
    }

    @Test func detailLevelsAreOptionTokensInWireOrder() throws {
        #expect(RequestOptions([.partials, .summaryDetail]).description == "partials,detail=summary")
        #expect(RequestOptions.fullDetail.description == "detail=full")
        #expect(try RequestOptions(bytes: bytes("partials,detail=summary")) == [.partials, .summaryDetail])
        #expect(try RequestOptions(bytes: bytes("detail=full")) == .fullDetail)
    }

    @Test func defaultsAreBrokerDeadlineAndNoOptions() throws {
        let frames: [[UInt8]] = [[], bytes("AISC01"), [1], bytes("screen"), bytes("r"), bytes("0"), [], bytes("{}")]
        let message = try ClientMessage.decode(frames: frames)
        #expect(message == .request(service: .screen, requestID: try RequestID("r"), body: bytes("{}")))
        #expect(message.requestID.rawValue == "r")
    }

    static let malformed: [MalformedCase] = {
        func request(
            service: String = "screen",
            id: String = "r1",
            deadline: String = "0",
            options: String = "",
            extra: [[UInt8]] = []
        ) -> [[UInt8]] {
            [[], bytes("AISC01"), [0x01], bytes(service), bytes(id), bytes(deadline), bytes(options), bytes("{}")]
                + extra
        }
        return [
            MalformedCase("no frames", [], .missingFrames),
            MalformedCase("non-empty delimiter", [[0]], .missingDelimiter),
            MalformedCase("only the delimiter", [[]], .missingFrames),
            MalformedCase("future version", [[], bytes("AISC02"), [1]], .unknownProtocol),
            MalformedCase("worker header", [[], bytes("AISW01"), [1]], .unknownProtocol),
            MalformedCase("no command", [[], bytes("AISC01")], .missingFrames),
            MalformedCase("empty command", [[], bytes("AISC01"), []], .malformedFrames),
            MalformedCase("two-byte command", [[], bytes("AISC01"), [1, 1]], .malformedFrames),
            MalformedCase("PARTIAL from a client", [[], bytes("AISC01"), [2], bytes("screen")], .unknownCommand),
            MalformedCase("command 0x7f", [[], bytes("AISC01"), [0x7F]], .unknownCommand),
            MalformedCase("REQUEST without body", Array(request().dropLast()), .missingFrames),
            MalformedCase("REQUEST with extra frame", request(extra: [[]]), .extraFrames),
            MalformedCase("upper-case service", request(service: "Screen"), .invalidService),
            MalformedCase("empty service", request(service: ""), .invalidService),
            MalformedCase("service with space", request(service: "pack gdpr"), .invalidService),
            MalformedCase("service starting with dot", request(service: ".screen"), .invalidService),
            MalformedCase("65-byte service", request(service: String(repeating: "s", count: 65)), .invalidService),
            MalformedCase("empty request id", request(id: ""), .invalidRequestID),
            MalformedCase("129-byte request id", request(id: String(repeating: "r", count: 129)), .invalidRequestID),
            MalformedCase("request id with space", request(id: "a b"), .invalidRequestID),
            MalformedCase("request id with DEL", request(id: "a\u{7F}"), .invalidRequestID),
            MalformedCase("non-ASCII request id", request(id: "æble"), .invalidRequestID),
            MalformedCase("empty deadline", request(deadline: ""), .invalidDeadline),
            MalformedCase("negative deadline", request(deadline: "-1"), .invalidDeadline),
            MalformedCase("leading zero deadline", request(deadline: "0100"), .invalidDeadline),
            MalformedCase("double zero deadline", request(deadline: "00"), .invalidDeadline),
            MalformedCase("33-bit deadline", request(deadline: "4294967296"), .invalidDeadline),
            MalformedCase("11-digit deadline", request(deadline: "10000000000"), .invalidDeadline),
            MalformedCase("deadline with unit", request(deadline: "30s"), .invalidDeadline),
            MalformedCase("unknown option", request(options: "partial"), .invalidOptions),
            MalformedCase("repeated option", request(options: "partials,partials"), .invalidOptions),
            MalformedCase("two detail levels", request(options: "detail=full,detail=summary"), .invalidOptions),
            MalformedCase("detail levels misordered", request(options: "detail=summary,partials"), .invalidOptions),
            MalformedCase("an unknown detail level", request(options: "detail=brief"), .invalidOptions),
            MalformedCase("trailing comma", request(options: "partials,"), .invalidOptions),
            MalformedCase("lone comma", request(options: ","), .invalidOptions),
            MalformedCase("option with space", request(options: " partials"), .invalidOptions),
        ]
    }()

    @Test(arguments: malformed)
    func malformedFramesThrowTheRightCode(_ input: MalformedCase) {
        let error = #expect(throws: WireError.self) { try ClientMessage.decode(frames: input.frames) }
        #expect(error?.code == input.code, "\(error?.description ?? "no error")")
    }

    @Test func aBadFieldAfterAValidRequestIDStillReportsTheRequestIDAndService() throws {
        let frames: [[UInt8]] = [[], bytes("AISC01"), [1], bytes("screen"), bytes("r9"), bytes("soon"), [], []]
        let error = #expect(throws: WireError.self) { try ClientMessage.decode(frames: frames) }
        #expect(error?.code == .invalidDeadline)
        #expect(error?.requestID == (try RequestID("r9")))
        #expect(error?.service == .screen)
        #expect(error?.message.hasPrefix("frame 5 (deadline): ") == true)
    }

    @Test func aBadServiceStillReportsTheRequestID() throws {
        let frames: [[UInt8]] = [[], bytes("AISC01"), [1], bytes("SCREEN"), bytes("r9"), bytes("0"), [], []]
        let error = #expect(throws: WireError.self) { try ClientMessage.decode(frames: frames) }
        #expect(error?.code == .invalidService)
        #expect(error?.requestID == (try RequestID("r9")))
        #expect(error?.service == nil)
    }

    @Test func aWrongFrameCountStillReportsTheRequestID() throws {
        let frames: [[UInt8]] = [[], bytes("AISC01"), [1], bytes("screen"), bytes("r9")]
        let error = #expect(throws: WireError.self) { try ClientMessage.decode(frames: frames) }
        #expect(error?.code == .missingFrames)
        #expect(error?.requestID == (try RequestID("r9")))
    }

    @Test func aBadRequestIDReportsNoContext() {
        let frames: [[UInt8]] = [[], bytes("AISC01"), [1], bytes("screen"), [], bytes("0"), [], []]
        let error = #expect(throws: WireError.self) { try ClientMessage.decode(frames: frames) }
        #expect(error?.code == .invalidRequestID)
        #expect(error?.requestID == nil)
        #expect(error?.service == nil)
    }
}
