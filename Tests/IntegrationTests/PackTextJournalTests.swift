import Foundation
import RulesEngine
import Testing
import Wire
import ZeroMQ

/// The journal keeps the text of every pack revision a broker activated: `pack show` prints it back byte for byte
/// after the files changed, and a changed copy is refused.
@Suite(.serialized)
struct PackTextJournalTests {
    @Test func theRulesThatJudgedAScreeningCanBeReadBackAfterTheFilesChanged() throws {
        let root = NSTemporaryDirectory() + "aiscreen-packtext-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        // A copy of the rules to edit later, with the repository's schema beside it.
        let rules = root + "/rules"
        try FileManager.default.copyItem(atPath: Repo.path("rules"), toPath: rules)
        try FileManager.default.createDirectory(atPath: root + "/config/schema", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: Repo.path("config/schema/ai-tool-request.v1.1.json"), toPath: root + "/config/schema/ai-tool-request.v1.1.json")
        let journal = root + "/journal.sqlite"
        let config = root + "/aiscreen.yaml"
        try "packs:\n  workplace:\n    parameters:\n      control_notice_min_weeks: 8\n".write(toFile: config, atomically: true, encoding: .utf8)

        func start() throws -> Child {
            try Child(["broker", "--config", config, "--rules", rules, "--journal", journal, "--client", "tcp://127.0.0.1:*", "--worker", "tcp://127.0.0.1:*",
                       "--publish", "tcp://127.0.0.1:*", "--http", "off", "--insecure"], captureStandardError: true)
        }
        /// The first log line (stderr) of `child` that satisfies `predicate`.
        func logLine(_ child: Child, _ predicate: (String) -> Bool) throws -> String {
            _ = try child.line { $0.contains("\"listening\"") }
            for _ in 0..<100 {
                if let line = child.errorOutput.first(where: predicate) { return line }
                Thread.sleep(forTimeInterval: 0.05)
            }
            throw HarnessError(description: "no such log line: \(child.errorOutput)")
        }
        let broker = try start()
        let recorded = try logLine(broker) { $0.contains("\"pack-text-recorded\"") && $0.contains("\"workplace\"") }
        #expect(recorded.contains("\"version\":\"1.1.0\""), "\(recorded)")
        broker.kill(SIGTERM)
        #expect(broker.exitStatus(within: 10) == 0)

        // The officer edits the pack (and forgets the version); the journal still has what judged before.
        let original = try String(contentsOfFile: rules + "/workplace/pack.yaml", encoding: .utf8)
        try original.replacingOccurrences(of: "verdict: needs-review", with: "verdict: approved").write(toFile: rules + "/workplace/pack.yaml", atomically: true, encoding: .utf8)
        let shown = try runCommand(["pack", "show", "workplace@1.1.0", "--journal", journal])
        #expect(shown.status == 0, "\(shown.err)")
        #expect(shown.out == original, "pack.yaml byte for byte as it was activated")
        for (file, path) in [("schema", Repo.path("config/schema/ai-tool-request.v1.1.json")), ("duties", Repo.path("rules/duties.yaml"))] {
            let part = try runCommand(["pack", "show", "workplace@1.1.0", "--file", file, "--journal", journal])
            let expected = try String(contentsOfFile: path, encoding: .utf8)
            #expect(part.status == 0 && part.out == expected, "\(file): \(part.err)")
        }
        let overrides = try runCommand(["pack", "show", "workplace@1.1.0", "--file", "overrides", "--journal", journal])
        #expect(overrides.out == "{\"control_notice_min_weeks\":8}\n", "\(overrides.out)")
        // The stored revision as a bundle is a pack again: with the same local parameter it has the same digest.
        let bundle = root + "/workplace-1.1.0.aispack"
        #expect(try runCommand(["pack", "show", "workplace@1.1.0", "-o", bundle, "--journal", journal]).status == 0)
        let tested = try runCommand(["pack", "test", bundle])
        #expect(tested.status == 0 && tested.out.contains("workplace: "), "\(tested.out)\(tested.err)")

        // pack check knows the version was not bumped from what the broker activated.
        let checked = try runCommand(["pack", "check", rules + "/workplace", "--config", config, "--journal", journal])
        #expect(checked.out.contains("[version-not-bumped]") || checked.err.contains("[version-not-bumped]"), "\(checked.out)\(checked.err)")
        // A second start stores the edited revision under its own digest; both are listed.
        let again = try start()
        _ = try logLine(again) { $0.contains("\"pack-text-recorded\"") }
        again.kill(SIGTERM)
        _ = again.exitStatus(within: 10)
        let versions = try runCommand(["pack", "versions", "workplace", "--json", "--journal", journal])
        #expect(versions.out.split(separator: "\n").count == 2, "\(versions.out)")
        let ambiguous = try runCommand(["pack", "show", "workplace@1.1.0", "--journal", journal])
        #expect(ambiguous.status != 0 && ambiguous.err.contains("name one by its digest"), "\(ambiguous.err)")

        // A copy changed behind the journal's back is refused, and journal verify says so.
        let edit = "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute(\"UPDATE pack_text SET overrides='{\\\"control_notice_min_weeks\\\":2}' WHERE pack_id='workplace'\"); c.commit()"
        #expect(try runCommand(["-c", edit, journal], executable: "python3").status == 0)
        let digest = try #require(recorded.split(separator: "\"").drop { $0 != "digest" }.dropFirst(2).first.map(String.init))
        let refused = try runCommand(["pack", "show", "workplace@\(digest)", "--journal", journal])
        #expect(refused.status != 0 && refused.err.contains("does not give its digest"), "\(refused.err)")
        let verified = try runCommand(["journal", "verify", "--journal", journal])
        #expect(verified.status != 0 && verified.out.contains("BROKEN: the stored text of pack workplace@1.1.0"), "\(verified.out)")
    }
}
