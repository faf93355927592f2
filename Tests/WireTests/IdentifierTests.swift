import Testing
import Wire

struct IdentifierTests {
    @Test func requestIDsAcceptPrintableASCIIUpTo128Bytes() throws {
        #expect(try RequestID("0b8e5c1e-6a42-4a57-9d1f-3f0f7e8f2b11").bytes.count == 36)
        #expect(try RequestID("!").rawValue == "!")
        #expect(try RequestID(String(repeating: "x", count: 128)).bytes.count == 128)
        #expect(throws: WireError.self) { try RequestID(String(repeating: "x", count: 129)) }
        #expect(throws: WireError.self) { try RequestID("tab\there") }
        #expect(try RequestID(bytes: bytes("abc")) == RequestID("abc"))
    }

    @Test func ticketIDsAcceptPrintableASCIIUpTo64Bytes() throws {
        #expect(try TicketID(String(repeating: "t", count: 64)).rawValue.count == 64)
        let error = #expect(throws: WireError.self) { try TicketID(String(repeating: "t", count: 65)) }
        #expect(error?.code == .invalidTicket)
    }

    @Test(arguments: ["screen", "pack.gdpr", "pack.ai-act", "pack.eu_ai_act.v2", "mmi.service", "0day"])
    func validServiceNames(_ name: String) throws {
        #expect(try ServiceName(name).rawValue == name)
    }

    @Test(arguments: ["", "Screen", "pack gdpr", "-pack", ".x", "pack/gdpr", "pæk", String(repeating: "s", count: 65)])
    func invalidServiceNames(_ name: String) {
        let error = #expect(throws: WireError.self) { try ServiceName(name) }
        #expect(error?.code == .invalidService)
    }

    @Test func packServicesCarryTheirPackID() throws {
        #expect(try ServiceName.pack("gdpr") == ServiceName("pack.gdpr"))
        #expect(try ServiceName.pack("gdpr").packID == "gdpr")
        #expect(ServiceName.screen.packID == nil)
        #expect(try ServiceName("pack.").packID == nil)
        #expect(throws: WireError.self) { try ServiceName.pack("GDPR") }
    }

    @Test func errorCodesAreKebabCaseAndOpen() throws {
        let known: [ErrorCode] = [
            .malformed, .invalidJSON, .schemaViolation, .unknownService, .noWorkers, .tooLarge, .deadlineExceeded,
            .conflict, .overloaded, .shuttingDown, .internalError,
        ]
        #expect(
            known.map(\.rawValue) == [
                "malformed", "invalid-json", "schema-violation", "unknown-service", "no-workers", "too-large",
                "deadline-exceeded", "conflict", "overloaded", "shutting-down", "internal",
            ]
        )
        for code in known {
            #expect(try ErrorCode(code.rawValue) == code)
        }
        #expect(try ErrorCode("rate-limited").description == "rate-limited")
        for bad in ["", "Internal", "9lives", "under_score", "-x", String(repeating: "e", count: 65)] {
            let error = #expect(throws: WireError.self) { try ErrorCode(bad) }
            #expect(error?.code == .invalidErrorCode)
        }
    }

    @Test func deadlinesAreCanonicalDecimalMilliseconds() throws {
        #expect(try Deadline(bytes: bytes("0")) == .brokerDefault)
        #expect(Deadline.brokerDefault.isBrokerDefault)
        #expect(Deadline.brokerDefault.duration == nil)
        #expect(try Deadline(bytes: bytes("4294967295")).milliseconds == .max)
        #expect(Deadline(milliseconds: 1_500).duration == .milliseconds(1_500))
        #expect(Deadline(milliseconds: 30_000).bytes == bytes("30000"))
    }

    @Test func requestOptionsUseCommaSeparatedNames() throws {
        #expect(RequestOptions().bytes == [])
        #expect(RequestOptions.partials.bytes == bytes("partials"))
        #expect(try RequestOptions(bytes: []) == [])
        #expect(try RequestOptions(bytes: bytes("partials")) == .partials)
        #expect(RequestOptions(rawValue: 0xFF).bytes == bytes("partials,detail=summary"))
        #expect(try RequestOptions(bytes: RequestOptions(rawValue: 0xFF).bytes) == [.partials, .summaryDetail])
    }

    @Test func wireErrorsDescribeThemselvesByCode() {
        let error = WireError(code: .invalidDeadline, message: "frame 5 (deadline): bad")
        #expect(error.description == "[invalid-deadline] frame 5 (deadline): bad")
        #expect(WireError.Code.missingDelimiter.description == "missing-delimiter")
    }

    @Test func protocolConstantsMatchTheSpecification() {
        #expect(WireProtocol.clientHeader == bytes("AISC01"))
        #expect(WireProtocol.workerHeader == bytes("AISW01"))
        #expect(WireProtocol.defaultClientEndpoint == "tcp://127.0.0.1:5555")
        #expect(WireProtocol.defaultWorkerEndpoint == "tcp://127.0.0.1:5556")
        #expect(WireProtocol.defaultPublisherEndpoint == "tcp://127.0.0.1:5557")
        #expect(WireProtocol.defaultHeartbeatInterval == .seconds(1))
        #expect(WireProtocol.defaultHeartbeatLiveness == 3)
        #expect(WireProtocol.defaultMaxMessageSize == 1_048_576)
    }
}
