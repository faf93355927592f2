import Foundation
import RulesEngine
import Testing
import Wire
import ZeroMQ

/// A department with ESC/OSC/BEL bytes and a newline (a request is untrusted text) never reaches the terminal raw.
@Suite(.serialized, .timeLimit(.minutes(2)))
struct TerminalOutputTests {
    @Test func historyVerdictAndSubmitEscapeControlCharacters() throws {
        let journal = NSTemporaryDirectory() + "aiscreen-term-\(UUID().uuidString).sqlite"
        defer { for suffix in ["", "-wal", "-shm", ".lock", ".head"] { try? FileManager.default.removeItem(atPath: journal + suffix) } }
        let cluster = try Cluster(extraConfig: "journal:\n  path: \(journal)\n")
        let file = Repo.path("examples/requests/08-spell-grammar-checker.json")
        var text = String(decoding: try exampleBody(file, id: "term-1"), as: UTF8.self)
        let hostile = #"\u001b]0;pwned\u0007IT\n2026-01-01T00:00:00.000Z  FORGED  x  approved"#
        text = text.replacingOccurrences(of: #""department": ""#, with: #""department": "\#(hostile)"#)
        #expect(text.contains("pwned"))
        let requester = Requester(socket: try cluster.dealer())
        defer { requester.socket.close() }
        try requester.send("term-1", body: Array(text.utf8))
        #expect(try requester.collect(["term-1"])["term-1"]?.first?.finalJSON != nil)
        let body = NSTemporaryDirectory() + "term-\(UUID().uuidString).json"
        try text.write(toFile: body, atomically: true, encoding: .utf8)
        for arguments in [["history", "--journal", journal], ["verdict", "term-1", "--journal", journal],
                          ["submit", "--connect", cluster.client, "--id-from-request", body]] {
            let run = try runCommand(arguments)
            #expect(run.status == 0, "\(arguments): \(run.err)")
            for output in [run.out, run.err] {
                #expect(!output.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 }, "\(arguments[0]) printed a raw control character")
            }
            if arguments[0] != "submit" {  // the explanation does not show the department
                #expect(run.out.contains("\\e]0;pwned\\x07IT\\n2026"), "\(arguments[0]): \(run.out.prefix(400))")
            }
            #expect(!run.out.contains("\nFORGED") && !run.out.contains("\n2026-01-01T00:00:00.000Z  FORGED"), "\(arguments[0]) printed a forged line")
        }
    }
}
