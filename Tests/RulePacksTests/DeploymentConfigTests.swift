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

    @Test func signatureSettingsAreReadAndAreNotPackOverrides() {
        let (plain, _) = Self.load("security:\n  keys: /srv/keys\n")
        #expect(!plain.requireSignature)
        #expect(plain.trustedSigners == "/srv/keys/signers", "by default the signers folder of the key directory")
        let yaml = "packs:\n  require_signature: true\n  trusted_signers: shared/signers\n  workplace:\n    parameters:\n      broad_rollout_staff: 300\n"
        let (config, problems) = Self.load(yaml)
        #expect(problems.isEmpty, "\(problems)")
        #expect(config.requireSignature)
        #expect(config.trustedSigners == "shared/signers")
        #expect(Set(config.overrides.keys) == ["workplace"], "the settings are not taken for packs")
        let (bad, badProblems) = Self.load("packs:\n  require_signature: yes please\n")
        #expect(!bad.requireSignature)
        #expect(badProblems.contains { $0.severity == .error && $0.message.contains("'require_signature' must be true or false") }, "\(badProblems)")
        let (_, shapeProblems) = Self.load("packs: 5\n")
        #expect(shapeProblems.filter { $0.code == .wrongShape }.count == 1, "one error for a section of the wrong shape: \(shapeProblems)")
    }

    @Test func theJournalSizeCapIsReadAndHasNoDefault() {
        #expect(Self.load("journal:\n  path: j.sqlite\n").0.journalMaxBytes == nil)
        let (config, problems) = Self.load("journal:\n  path: j.sqlite\n  max_bytes: 1048576\n")
        #expect(problems.isEmpty, "\(problems)")
        #expect(config.journalMaxBytes == 1_048_576)
    }

    @Test func workerCapacityIsReadAndOutsideOneTo256IsAnError() {
        #expect(Self.load("broker:\n  heartbeat_ms: 500\n").0.workerCapacity == 8)
        #expect(Self.load("broker:\n  worker_capacity: 32\n").0.workerCapacity == 32)
        #expect(Self.load("broker:\n  worker_capacity: 256\n").0.workerCapacity == 256)
        for bad in ["0", "257", "1000", "eight"] {
            let (config, problems) = Self.load("broker:\n  worker_capacity: \(bad)\n")
            #expect(config.workerCapacity == 8, "\(bad)")
            #expect(problems.contains { $0.severity == .error && $0.message.contains("'worker_capacity' must be a whole number from 1 to 256") }, "\(bad): \(problems)")
        }
    }

    @Test func idleSpinIsReadAndBounded() {
        #expect(Self.load("").0.idleSpinMicroseconds == 0)
        #expect(Self.load("broker:\n  idle_spin_us: 500\n").0.idleSpinMicroseconds == 500)
        for bad in ["-1", "100001", "fast"] {
            let (config, problems) = Self.load("broker:\n  idle_spin_us: \(bad)\n")
            #expect(config.idleSpinMicroseconds == 0, "\(bad)")
            #expect(problems.contains { $0.severity == .error && $0.message.contains("'idle_spin_us'") }, "\(bad): \(problems)")
        }
    }

    @Test func completedCacheIsRead() {
        #expect(Self.load("broker:\n  completed_cache: 0\n").0.completedCache == 0)
        #expect(Self.load("broker:\n  completed_cache: 500\n").0.completedCache == 500)
        #expect(Self.load("broker:\n  completed_cache: -1\n").1.contains { $0.severity == .error })
    }

    @Test func emptyEnvironmentVariablesCountAsUnset() {
        let (config, _) = DeploymentConfig.load(path: nil, environment: ["AISCREEN_JOURNAL": "", "AISCREEN_RULES": "", "AISCREEN_CLIENT_ENDPOINT": "tcp://127.0.0.1:7000"])
        let (unset, _) = DeploymentConfig.load(path: nil, environment: [:])
        #expect(config.journalPath == unset.journalPath, "an empty AISCREEN_JOURNAL is not a journal path")
        #expect(config.journalPath != "")
        #expect(config.rules == unset.rules)
        #expect(config.clientEndpoint == "tcp://127.0.0.1:7000")
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
