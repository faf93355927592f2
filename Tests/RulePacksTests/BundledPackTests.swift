import Foundation
import Testing

@testable import RulePacks
@testable import RulesEngine

/// The packs shipped under `rules/`: each must pass `aiscreen pack check` (no errors) and its own YAML test cases.
///
/// The packs are found next to this file (`<repo>/rules`). `AISCREEN_RULES_DIR` points the suite at another
/// folder of packs, e.g. a colleague's working copy, without copying it.
enum BundledPacks {
    static let rulesDirectory: String =
        ProcessInfo.processInfo.environment["AISCREEN_RULES_DIR"] ?? Repository.path("rules")

    /// Pack folder names (`ai-act`, `gdpr`, …) that exist right now.
    static let names: [String] = PackLoader.discover([rulesDirectory]).packs.map { ($0 as NSString).lastPathComponent }

    static func directory(_ name: String) -> String { rulesDirectory + "/" + name }

    static let exampleRequests: [String] = {
        let folder = Repository.path("examples/requests")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return names.filter { $0.hasSuffix(".json") }.sorted()
    }()
}

struct BundledPackTests {
    @Test(arguments: BundledPacks.names)
    func packCheckFindsNoErrors(pack name: String) throws {
        let loaded = PackLoader().load(directory: BundledPacks.directory(name))
        for error in loaded.errors { Issue.record("\(error)") }
        let pack = try #require(loaded.pack, "rules/\(name) does not compile")
        #expect(!pack.ruleIDs.isEmpty)
        #expect(pack.digest.hasPrefix("sha256:"))
    }

    @Test(arguments: BundledPacks.names)
    func everyTestCasePasses(pack name: String) {
        let report = PackTestRunner().run(directory: BundledPacks.directory(name))
        for diagnostic in report.diagnostics where diagnostic.severity == .error { Issue.record("\(diagnostic)") }
        #expect(!report.results.isEmpty, "rules/\(name) has no test cases")
        for result in report.failed {
            Issue.record(
                "\(result.testCase.location): \(result.testCase.name)\n    \(result.failures.joined(separator: "\n    "))"
            )
        }
        #expect(report.succeeded)
    }

    @Test
    func bundledPacksHaveDistinctIDsAndShareOneSchema() throws {
        let loader = PackLoader()
        // The three packs the project ships; an empty rules/ must fail here, not skip the checks above.
        #expect(Set(BundledPacks.names).isSuperset(of: ["ai-act", "gdpr", "workplace"]), "\(BundledPacks.names)")
        let packs = BundledPacks.names.compactMap { loader.load(directory: BundledPacks.directory($0)).pack }
        #expect(packs.count == BundledPacks.names.count, "every bundled pack compiles")
        #expect(Set(packs.map(\.id)).count == packs.count, "pack ids are unique: \(packs.map(\.id))")
        #expect(packs.allSatisfy { $0.schema === packs.first?.schema }, "one decoded request serves every pack")
    }

    @Test(arguments: BundledPacks.exampleRequests)
    func everyExampleRequestIsScreenedByEveryPackWithoutErrors(file: String) throws {
        let loader = PackLoader()
        let packs = BundledPacks.names.compactMap { loader.load(directory: BundledPacks.directory($0)).pack }
        let text = try Repository.text("examples/requests/" + file)
        let result = try Screener(packs: packs).screen(json: text)
        #expect(result.errors.isEmpty, "\(result.errors)")
        #expect(result.packs.count == packs.count)
        #expect(Set(result.packs.map(\.pack)) == Set(packs.map(\.id)))
    }
}
