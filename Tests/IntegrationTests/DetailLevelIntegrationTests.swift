import Foundation
import RulesEngine
import Testing

/// `detail=summary` through real processes: an independent pyzmq peer checks the summary FINAL and the `summary.`
/// feed against the full ones, `aiscreen submit --detail summary` prints it, and after a restart the journal answers a
/// retry at the detail it asks for while `aiscreen verdict` keeps the full bytes.
@Suite(.serialized, .timeLimit(.minutes(3)))
struct DetailLevelIntegrationTests {
    static func examples() throws -> [String] {
        try ["examples/requests", "examples/minimal"].flatMap { folder in
            try FileManager.default.contentsOfDirectory(atPath: Repo.path(folder)).filter { $0.hasSuffix(".json") }.sorted().map { Repo.path("\(folder)/\($0)") }
        }
    }

    @Test func anIndependentPeerGetsTheSummaryOfEveryExampleAnswerAndFeed() throws {
        try PythonClientAndRestartTests.requirePyzmq()
        let cluster = try Cluster()
        let files = try Self.examples()
        let result = try runCommand(
            [Repo.path("Tests/IntegrationTests/Peers/detail.py"), "--client", cluster.client, "--publish", cluster.publish] + files,
            executable: "python3", within: 120)
        #expect(result.status == 0, "\(result.out) \(result.err)")
        let line = try JSONParser().parse(result.out.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(line["ok"] == .bool(true), "\(result.out)")
        #expect(line["checked"] == .int(Int64(files.count)), "\(result.out)")
    }

    @Test func submitPrintsTheSummaryAndAJournaledAnswerReplaysAtEitherDetail() throws {
        let journal = NSTemporaryDirectory() + "aiscreen-detail-\(UUID().uuidString).sqlite"
        defer { for suffix in ["", "-wal", "-shm", ".head", ".lock"] { try? FileManager.default.removeItem(atPath: journal + suffix) } }
        let file = Repo.path("examples/requests/04-cv-screening-recruitment.json")
        func startUp() throws -> (Child, String) {
            let up = try Child(["up", "--client", "tcp://127.0.0.1:*", "--publish", "tcp://127.0.0.1:*", "--journal", journal, "--http", "off"])
            let ready = try JSONParser().parse(try up.line { $0.contains("\"ready\"") })
            let endpoint = try #require(ready["client"].flatMap { if case .string(let s) = $0 { s } else { nil } })
            return (up, endpoint)
        }
        var (up, endpoint) = try startUp()
        let readable = try runCommand(["submit", "--connect", endpoint, "--detail", "summary", "--lang", "da", file])
        #expect(readable.status == 0, "\(readable.err)")
        #expect(readable.out.contains("Samlet vurdering: KRÆVER VURDERING"), "\(readable.out)")
        #expect(readable.out.contains("Udløste regler: AIA-HR-4A"), "\(readable.out)")
        #expect(readable.out.contains("fria-art27 (kommende: gælder fra 2. december 2027)"), "\(readable.out)")
        #expect(!readable.out.contains("Grundlag:"), "a summary has no evidence")
        up.kill(SIGTERM)
        #expect(up.exitStatus(within: 10) == 0)
        // After a restart the answer comes from the journal, at the detail each retry asks for.
        (up, endpoint) = try startUp()
        defer {
            up.kill(SIGTERM)
            _ = up.exitStatus(within: 10)
        }
        let summary = try runCommand(["submit", "--connect", endpoint, "--detail", "summary", "--json", file])
        let full = try runCommand(["submit", "--connect", endpoint, "--json", file])
        #expect(summary.status == 0 && full.status == 0, "\(summary.err) \(full.err)")
        let summaryJSON = try JSONParser().parse(summary.out.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(summaryJSON["detail"] == .string("summary"))
        #expect(summaryJSON["packs"]?["ai-act"]?["findings"] == nil)
        var fullBytes = Array(full.out.utf8)
        if fullBytes.last == 0x0A { fullBytes.removeLast() }
        var summaryBytes = Array(summary.out.utf8)
        if summaryBytes.last == 0x0A { summaryBytes.removeLast() }
        #expect(summaryBytes == (try ScreeningSummary(json: fullBytes)).bytes)
        let stored = try runCommand(["verdict", "AAK-SCR-2026-004", "--json", "--journal", journal])
        var storedBytes = Array(stored.out.utf8)
        if storedBytes.last == 0x0A { storedBytes.removeLast() }
        #expect(storedBytes == fullBytes, "the journal keeps the full result: \(stored.err)")
    }
}
