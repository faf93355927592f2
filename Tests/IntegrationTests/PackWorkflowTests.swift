import Foundation
import Journal
import RulesEngine
import Testing

/// A compliance officer's pack commands, run as processes.
@Suite(.serialized, .timeLimit(.minutes(2)))
struct PackWorkflowTests {
    /// A scratch folder with the repository's packs and a deployment config of its own, like a municipality's.
    static func deployment(config: String) throws -> URL {
        let folder = URL(fileURLWithPath: NSTemporaryDirectory() + "aiscreen-deployment-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("config"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(at: folder.appendingPathComponent("rules"), withDestinationURL: Repo.root.appendingPathComponent("rules"))
        try FileManager.default.createSymbolicLink(at: folder.appendingPathComponent("config/schema"), withDestinationURL: Repo.root.appendingPathComponent("config/schema"))
        try config.write(to: folder.appendingPathComponent("config/aiscreen.yaml"), atomically: true, encoding: .utf8)
        return folder
    }

    @Test func packTestUsesThePacksOwnDefaultsUnlessAConfigIsGiven() throws {
        // A local value, as rules/README.md §6 step 2 advises: 4 weeks' notice instead of the pack's 6.
        let folder = try Self.deployment(config: "packs:\n  workplace:\n    parameters:\n      control_notice_min_weeks: 4\n")
        defer { try? FileManager.default.removeItem(at: folder) }
        let shipped = try runCommand(["pack", "test", "rules/workplace"], directory: folder)
        #expect(shipped.status == 0, "\(shipped.out)")
        #expect(!shipped.out.contains("overrides"))
        let local = try runCommand(["pack", "test", "--config", "config/aiscreen.yaml", "rules/workplace"], directory: folder)
        #expect(local.out.hasPrefix("testing with the parameter overrides of config/aiscreen.yaml"), "\(local.out.prefix(200))")
        #expect(local.status != 0, "the shipped cases pin the default of 6 weeks: some must fail with 4")
    }

    @Test func packCheckWarnsWhenTheJournalKnowsTheVersionWithOtherContentAndPackVersionsListsThem() throws {
        let journal = NSTemporaryDirectory() + "aiscreen-versions-\(UUID().uuidString).sqlite"
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: journal + suffix) } }
        let manifest = try String(contentsOfFile: Repo.path("rules/gdpr/pack.yaml"), encoding: .utf8)
        let version = try #require(manifest.split(separator: "\n").first { $0.hasPrefix("version:") }?.dropFirst("version:".count)
            .trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\"'")))
        do {
            // Screenings judged by this version with other content (the pack was edited without a new version).
            let writer = try Journal(path: journal)
            try writer.commit([
                .accepted(AcceptedRequest(requestID: "old-1", service: "screen", body: Array(#"{"request_id":"old-1"}"#.utf8), receivedAt: .now(), principal: "anonymous")),
                .completed(CompletedScreening(requestID: "old-1", verdict: "approved", result: Array("{}".utf8),
                                              packs: [PackRevision(id: "gdpr", version: version, digest: "sha256:0123456789abcdef0123")], completedAt: .now())),
            ])
            try writer.close()
        }
        let check = try runCommand(["pack", "check", "--journal", journal, "rules/gdpr"])
        #expect(check.status == 0, "a warning does not fail: \(check.out)")
        #expect(check.out.contains("rules/gdpr/pack.yaml:"), "\(check.out)")
        #expect(check.out.contains("warning: [version-not-bumped] content changed but version is still \(version)"), "\(check.out)")
        // Without a journal that knows the version, no warning.
        let clean = try runCommand(["pack", "check", "--journal", "/nonexistent/journal.sqlite", "rules/gdpr"])
        #expect(!clean.out.contains("version-not-bumped"), "\(clean.out)")
        let versions = try runCommand(["pack", "versions", "gdpr", "--journal", journal, "--json"])
        #expect(versions.status == 0, "\(versions.err)")
        let line = try JSONParser().parse(versions.out.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(line["version"] == .string(version) && line["screenings"] == .int(1) && line["digest"] == .string("sha256:0123456789abcdef0123"), "\(versions.out)")
    }
}
