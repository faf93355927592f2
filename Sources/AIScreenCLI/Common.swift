import ArgumentParser
import Foundation
import RulePacks
import RulesEngine
import Security

/// Options shared by commands that load packs.
struct PackOptions: ParsableArguments {
    @Option(name: .long, help: "Deployment config with pack parameter overrides (default: config/aiscreen.yaml if present).")
    var config: String?

    init() {}

    init(config: String?) {
        self.config = config
    }

    /// Parameter overrides from the config file; exits with the config's diagnostics when it is broken.
    /// - Parameter fallback: the config read when none is given (nil: none, the packs' own defaults).
    func overrides(default fallback: String? = "config/aiscreen.yaml") throws -> [String: [String: Located<JSONValue>]] {
        let path = config ?? fallback.flatMap { FileManager.default.fileExists(atPath: $0) ? $0 : nil }
        guard let path else { return [:] }
        let (overrides, diagnostics) = PackOverrides.load(path: path)
        if !diagnostics.isEmpty {
            for d in diagnostics { Console.error(d.description) }
            throw ExitCode.failure
        }
        return overrides
    }

    func loader(default fallback: String? = "config/aiscreen.yaml") throws -> PackLoader {
        PackLoader(overrides: try overrides(default: fallback))
    }
}

enum Console {
    static func error(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }
}

extension PackLoader {
    /// Loads every pack under `paths`; prints diagnostics; throws when a path has no pack or a pack has errors, or,
    /// with `signatures`, when a pack is not a bundle signed by one of its trusted signers.
    func loadAll(_ paths: [String], printWarnings: Bool = true, signatures: SignaturePolicy? = nil) throws -> [CompiledPack] {
        try loadAllLocated(paths, printWarnings: printWarnings, signatures: signatures).map(\.pack)
    }

    /// ``loadAll(_:printWarnings:signatures:)`` with the folder or bundle file each pack came from.
    func loadAllLocated(_ paths: [String], printWarnings: Bool = true, signatures: SignaturePolicy? = nil) throws -> [(pack: CompiledPack, path: String)] {
        let (directories, missing) = PackLoader.discover(paths)
        for path in missing {
            Console.error("error: no rule pack at '\(path)' (expected a folder with pack.yaml, or a folder of such folders)")
        }
        var packs: [CompiledPack] = []
        var failed = !missing.isEmpty
        for directory in directories {
            let loaded = load(directory: directory)
            for d in loaded.diagnostics where d.severity == .error || printWarnings { Console.error(d.description) }
            if let signatures, loaded.pack != nil, let refusal = PackTrust.refusal(of: loaded, among: signatures.trusted, trustedFrom: signatures.directory) {
                Console.error(refusal.description)
                Console.error("error: pack \(loaded.pack?.id ?? directory) was not activated (packs.require_signature is true)")
                throw ExitCode.failure
            }
            if let pack = loaded.pack { packs.append(pack) } else { failed = true }
        }
        if failed {
            Console.error("error: fix the rule pack problems above, then run 'aiscreen pack check' again")
            throw ExitCode.failure
        }
        var seen: [String: String] = [:]
        for (pack, directory) in zip(packs, directories) {
            if let other = seen[pack.id] {
                Console.error("error: pack id '\(pack.id)' is used by both \(other) and \(directory)")
                throw ExitCode.failure
            }
            seen[pack.id] = directory
        }
        return Array(zip(packs, directories)).map { (pack: $0.0, path: $0.1) }
    }
}

/// Trusted signers: with `packs.require_signature`, only bundles signed by a key in `directory` may be activated.
struct SignaturePolicy {
    var directory: String
    var trusted: [TrustedSigner]

    /// The deployment's policy, nil when it requires no signature.
    static func of(_ deployment: DeploymentConfig) -> SignaturePolicy? {
        deployment.requireSignature ? SignaturePolicy(reading: deployment.trustedSigners) : nil
    }

    /// The signers' public keys in `directory`; prints the key files it skips.
    init(reading directory: String) {
        let (keys, problems) = SignerKeyFiles.load(directory)
        for problem in problems { Console.error("warning: skipped \(problem)") }
        self.directory = directory
        trusted = keys.map { TrustedSigner(name: $0.name, publicKey: $0.key, path: $0.path) }
    }
}
