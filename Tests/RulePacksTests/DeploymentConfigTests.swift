import Foundation
import Testing

@testable import RulePacks
@testable import RulesEngine

/// `config/aiscreen.yaml` settings read by `DeploymentConfig`.
struct DeploymentConfigTests {
    static func load(_ yaml: String) -> (DeploymentConfig, [RuleDiagnostic]) {
        var config = DeploymentConfig()
        let problems = config.apply(yaml: yaml, file: "test.yaml")
        return (config, problems)
    }

    @Test func theJournalSizeCapIsReadAndHasNoDefault() {
        #expect(Self.load("journal:\n  path: j.sqlite\n").0.journalMaxBytes == nil)
        let (config, problems) = Self.load("journal:\n  path: j.sqlite\n  max_bytes: 1048576\n")
        #expect(problems.isEmpty, "\(problems)")
        #expect(config.journalMaxBytes == 1_048_576)
    }

    @Test func aJournalSizeCapBelow64KiBIsAnError() {
        let (config, problems) = Self.load("journal:\n  max_bytes: 4096\n")
        #expect(config.journalMaxBytes == nil)
        #expect(problems.contains { $0.severity == .error && $0.message.contains("max_bytes") && $0.message.contains("65536") }, "\(problems)")
    }

    @Test func theBundledConfigParsesWithoutProblems() throws {
        let text = try String(contentsOfFile: BundledPacks.rulesDirectory + "/../config/aiscreen.yaml", encoding: .utf8)
        let (_, problems) = Self.load(text)
        #expect(problems.isEmpty, "\(problems)")
    }
}
