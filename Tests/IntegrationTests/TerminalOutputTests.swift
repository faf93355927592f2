import Foundation
import Journal
import RulesEngine
import Testing
import Wire
import ZeroMQ

/// A department with ESC/OSC/BEL bytes and a newline (a request is untrusted text) never reaches the terminal raw:
/// the broker refuses it (free text allows no control characters), and whatever a journal holds (written by an
/// older aiscreen, or by anyone with the file) is escaped when printed.
@Suite(.serialized, .timeLimit(.minutes(2)))
struct TerminalOutputTests {
    static let hostile = #"\u001b]0;pwned\u0007IT\n2026-01-01T00:00:00.000Z  FORGED  x  approved"#

    static func hostileRequest(_ id: String) throws -> String {
        let file = Repo.path("examples/requests/08-spell-grammar-checker.json")
        let text = String(decoding: try exampleBody(file, id: id), as: UTF8.self)
            .replacingOccurrences(of: #""department": ""#, with: #""department": "\#(hostile)"#)
        #expect(text.contains("pwned"))
        return text
    }

    static func expectEscaped(_ run: (status: Int32, out: String, err: String), _ what: String) {
        for output in [run.out, run.err] {
            #expect(!output.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 }, "\(what) printed a raw control character")
        }
        #expect(!run.out.contains("\nFORGED") && !run.out.contains("\n2026-01-01T00:00:00.000Z  FORGED"), "\(what) printed a forged line")
    }

    @Test func theBrokerRefusesControlCharactersInTextAndSubmitPrintsTheRefusalEscaped() throws {
        let cluster = try Cluster()
        let requester = Requester(socket: try cluster.dealer())
        defer { requester.socket.close() }
        try requester.send("term-1", body: Array(try Self.hostileRequest("term-1").utf8))
        guard case .error(_, _, let code, let message)? = try requester.collect(["term-1"])["term-1"]?.first else {
            Issue.record("the hostile department was accepted")
            return
        }
        #expect(code == .schemaViolation)
        #expect(message.contains("$.requester.department") && message.contains("U+001B"), "\(message)")
        let body = NSTemporaryDirectory() + "term-\(UUID().uuidString).json"
        defer { try? FileManager.default.removeItem(atPath: body) }
        try Self.hostileRequest("term-2").write(toFile: body, atomically: true, encoding: .utf8)
        let run = try runCommand(["submit", "--connect", cluster.client, body])
        #expect(run.status == 1)
        #expect(run.err.contains("[schema-violation]"), "\(run.err)")
        Self.expectEscaped(run, "submit")
    }

    @Test func historyAndVerdictEscapeWhatAJournalHolds() throws {
        let journal = NSTemporaryDirectory() + "aiscreen-term-\(UUID().uuidString).sqlite"
        defer { for suffix in ["", "-wal", "-shm", ".lock", ".head"] { try? FileManager.default.removeItem(atPath: journal + suffix) } }
        // Raw control characters in the department, as a journal written before they were refused may hold.
        let department = "\u{1B}]0;pwned\u{07}IT\n2026-01-01T00:00:00.000Z  FORGED  x  approved"
        let result = Array(#"{"request_id":"term-1","verdict":"approved","packs":{},"conditions":[],"errors":[]}"#.utf8)
        do {
            let writer = try Journal(path: journal)
            try writer.commit([
                .accepted(AcceptedRequest(requestID: "term-1", service: "screen", body: Array(#"{"request_id":"term-1"}"#.utf8), receivedAt: .now(), principal: "anonymous", department: department)),
                .completed(CompletedScreening(requestID: "term-1", verdict: "approved\u{1B}[2J", result: result, packs: [], completedAt: .now())),
            ])
            try writer.close()
        }
        for arguments in [["history", "--journal", journal], ["verdict", "term-1", "--journal", journal]] {
            let run = try runCommand(arguments)
            #expect(run.status == 0, "\(arguments): \(run.err)")
            Self.expectEscaped(run, arguments[0])
            #expect(run.out.contains("\\e]0;pwned\\x07IT\\n2026"), "\(arguments[0]): \(run.out.prefix(400))")
        }
    }
}
