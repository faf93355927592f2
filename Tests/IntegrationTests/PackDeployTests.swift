import Foundation
import RulesEngine
import Testing

/// `aiscreen up` rolls out an edited pack without a restart: checked, tested, recorded, then made active, while
/// requests keep coming; a pack with an error or a failing case is refused and the old revision stays.
@Suite(.serialized)
struct PackDeployTests {
    @Test(.timeLimit(.minutes(3)))
    func anEditedPackIsDeployedUnderLoadWithoutLosingOrFailingARequestAndABrokenOneIsRefused() throws {
        let scratch = try PackAdminTests.Scratch()
        defer { scratch.remove() }
        let (root, config, journal) = (scratch.root, scratch.config, scratch.journal)
        let up = try Child(
            ["up", "--config", config, "--journal", journal, "--client", "tcp://127.0.0.1:*", "--publish", "tcp://127.0.0.1:*", "--http", "off"],
            captureStandardError: true)
        defer {
            up.kill(SIGTERM)
            _ = up.exitStatus(within: 10)
        }
        let ready = try JSONParser().parse(try up.line { $0.contains("\"ready\"") })
        guard case .string(let endpoint)? = ready["client"] else { throw HarnessError(description: "\(ready)") }
        func log(_ event: String, within seconds: Double = 20) throws -> String {
            let end = Date().addingTimeInterval(seconds)
            while Date() < end {
                if let line = up.errorOutput.first(where: { $0.contains("\"event\":\"\(event)\"") }) { return line }
                Thread.sleep(forTimeInterval: 0.05)
            }
            throw HarnessError(description: "no \(event) in the log: \(up.errorOutput.suffix(5))")
        }
        let gdpr = root + "/rules/gdpr/pack.yaml"
        let original = try String(contentsOfFile: gdpr, encoding: .utf8)
        #expect(original.contains("\nversion: 1.1.0\n"))

        // Pipelined load for 6 s; one second in, the officer raises gdpr's version.
        let load = try Child(["load", "--connect", endpoint, "--seconds", "6", "--service", "screen", "--window", "50"])
        Thread.sleep(forTimeInterval: 1.5)
        try original.replacingOccurrences(of: "\nversion: 1.1.0\n", with: "\nversion: 1.2.0\n").write(toFile: gdpr, atomically: true, encoding: .utf8)
        let deployed = try log("pack-deployed")
        #expect(deployed.contains("\"version\":\"1.2.0\"") && deployed.contains("\"previous\":\"1.1.0 "), "\(deployed)")
        let result = try load.line(within: 30) { $0.contains("replies/s") }
        #expect(load.exitStatus(within: 10) == 0)
        #expect(result.contains("; 0 errors"), "every request answered: \(result)")

        // Nothing failed closed, and both revisions judged screenings.
        let query = "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); print(c.execute(\"select count(*) from entry where kind='completed' and provisional is not null\").fetchone()[0]); print(' '.join(f'{v}:{n}' for v,n in c.execute(\"select p.version, count(*) from entry_pack p join entry e on e.seq=p.seq where p.pack_id='gdpr' group by p.version order by p.version\")))"
        let counted = try runCommand(["-c", query, journal], executable: "python3")
        let lines = counted.out.split(separator: "\n").map(String.init)
        #expect(lines.first == "0", "no screening failed closed: \(counted.out) \(counted.err)")
        let versions = lines.dropFirst().first?.split(separator: " ").map { $0.split(separator: ":").map(String.init) } ?? []
        #expect(versions.map { $0.first } == ["1.1.0", "1.2.0"], "\(counted.out)")
        #expect(versions.allSatisfy { Int($0.last ?? "") ?? 0 > 0 }, "\(counted.out)")
        let status = try runCommand(["status", "--connect", endpoint])
        #expect(status.out.split(separator: "\n").contains { $0.hasPrefix("gdpr ") && $0.contains(" 1.2.0 ") && $0.contains("1.2.0 sha256:") && $0.contains(": 2 ") && $0.contains("deployed 1.2.0 at ") }, "\(status.out)")
        let shown = try runCommand(["pack", "show", "gdpr@1.2.0", "--journal", journal])
        #expect(shown.status == 0 && shown.out.contains("\nversion: 1.2.0\n"), "the deployed revision's text is in the journal: \(shown.err)")

        // A pack with an error, then one whose own test case fails: refused, 1.2.0 stays active.
        let bumped = original.replacingOccurrences(of: "\nversion: 1.1.0\n", with: "\nversion: 1.3.0\n")
        try (bumped + "\nbroken: [\n").write(toFile: gdpr, atomically: true, encoding: .utf8)
        let broken = try log("deploy-refused")
        #expect(broken.contains("the pack has errors") && broken.contains("[yaml-syntax]"), "\(broken)")
        let failing = bumped.replacingOccurrences(of: "verdict: rejected", with: "verdict: approved")
        #expect(failing != bumped)
        try failing.write(toFile: gdpr, atomically: true, encoding: .utf8)
        let end = Date().addingTimeInterval(20)
        var refusedForCases: String?
        while Date() < end, refusedForCases == nil {
            refusedForCases = up.errorOutput.first { $0.contains("\"event\":\"deploy-refused\"") && $0.contains("test case(s) fail") }
            Thread.sleep(forTimeInterval: 0.05)
        }
        #expect(refusedForCases != nil, "\(up.errorOutput.suffix(3))")
        let still = try runCommand(["status", "--connect", endpoint])
        #expect(still.out.split(separator: "\n").contains { $0.hasPrefix("gdpr ") && $0.contains(" 1.2.0 ") && $0.contains("refused 1.3.0 at ") && $0.contains("test case(s) fail") }, "\(still.out)")

        // The MED report of a screening judged by 1.2.0 still names the pack: the folder now holds another revision,
        // so its title and legal basis come from the journal's copy.
        let pick = "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); print(c.execute(\"select e.request_id from entry_pack p join entry e on e.seq=p.seq where p.pack_id='gdpr' and p.version='1.2.0' and e.kind='completed' limit 1\").fetchone()[0])"
        let id = try runCommand(["-c", pick, journal], executable: "python3").out.trimmingCharacters(in: .whitespacesAndNewlines)
        let report = try runCommand(["report", id, "--journal", journal, "--rules", root + "/rules", "--config", config])
        #expect(report.status == 0, "\(report.err)")
        #expect(report.out.contains("Databeskyttelse (GDPR og databeskyttelsesloven)"), "the gdpr 1.2.0 title is in the report")
    }
}
