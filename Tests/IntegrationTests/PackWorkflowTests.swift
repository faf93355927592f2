import Foundation
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
}
