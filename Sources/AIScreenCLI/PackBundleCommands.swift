import ArgumentParser
import Foundation
import RulePacks
import RulesEngine
import Security

struct PackBundleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bundle",
        abstract: "Put a pack folder into one file (.aispack) to share it, signed by you.",
        discussion: helpText("""
            The bundle holds pack.yaml, the request schema it reads, the shared duties.yaml (if any) and its test
            cases, with a manifest (id, version, digest, legal basis, created, signer) that lists every file's SHA-256,
            and an Ed25519 signature over the manifest. Local parameters are not in it: they stay in each deployment's
            config/aiscreen.yaml. 'aiscreen pack verify FILE' checks a bundle; worker, up and broker load a bundle
            wherever they take a pack folder (also as a file in the rules folder).
            Make a signing key once with 'aiscreen keys generate --role signer --name NAME'.
            """))

    @Argument(help: "The pack folder, e.g. rules/gdpr.")
    var pack: String

    @Option(name: .long, help: "The signer's secret key file (keys/signers/NAME.key_secret). Without it the bundle is unsigned.")
    var sign: String?

    @Option(name: .shortAndLong, help: "The bundle file to write (default: ID-VERSION.aispack).")
    var output: String?

    func run() async throws {
        let bundle = try Self.make(pack, signedWith: sign, otherwise: "then bundle again")
        let path = output ?? "\(bundle.manifest.id)-\(bundle.manifest.version)\(PackBundle.fileExtension)"
        guard FileManager.default.createFile(atPath: path, contents: Data(bundle.encoded)) else {
            Console.error("error: cannot write \(path)")
            throw ExitCode.failure
        }
        let m = bundle.manifest
        print("\(path): \(m.id) \(m.version) \(m.digest), \(m.files.count) files, " + (m.signer.map { "signed by \($0) (key \(String(m.signerKey?.prefix(16) ?? ""))…)" } ?? "unsigned"))
    }
}

extension PackBundleCommand {
    /// The bundle of the pack folder `folder`, signed with the secret key file `sign` when given; prints the pack's
    /// errors (or the key's) and fails otherwise.
    /// - Parameter next: what the user does after fixing the pack, e.g. "then bundle again".
    static func make(_ folder: String, signedWith sign: String?, otherwise next: String) throws -> PackBundle {
        var signer: PackSigner?
        if let sign {
            do {
                let (name, key) = try SignerKeyFiles.readSecret(sign)
                signer = PackSigner(name: name, secretKey: key)
            } catch {
                Console.error("error: \(error)")
                throw ExitCode.failure
            }
        }
        do {
            return try PackBundle.make(directory: folder, created: PackBundle.timestamp(Date.now), signer: signer)
        } catch {
            for d in error.diagnostics where d.severity == .error { Console.error(d.description) }
            Console.error("error: fix the rule pack problems above ('aiscreen pack check \(folder)'), \(next)")
            throw ExitCode.failure
        }
    }
}

struct PackVerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check that a bundle arrived unchanged and who signed it.",
        discussion: helpText("""
            Checks every file against the manifest, the content's digest, the signature against the key the manifest
            names, that the pack loads (with this deployment's local parameters), and that the signer's public key is
            among the trusted signers (--trusted, else packs.trusted_signers of the config, else keys/signers).
            Exit status 0 only when all hold.
            """))

    @Argument(help: "The bundle file (.aispack).")
    var bundle: String

    @Option(name: .long, help: "Folder of trusted signers' public keys (NAME.key).")
    var trusted: String?

    @Option(name: .long, help: "Deployment config (default: config/aiscreen.yaml if present).")
    var config: String?

    func run() async throws {
        let deployment = try NetworkCommands.deployment(config: config)
        let loaded = PackLoader(overrides: deployment.overrides).load(bundleFile: bundle)
        for d in loaded.diagnostics { Console.error(d.description) }
        guard let manifest = loaded.bundle, let pack = loaded.pack else {
            Console.error("error: \(bundle) is not a usable bundle: do not deploy it; ask its maker for a new one")
            throw ExitCode.failure
        }
        print("\(bundle): \(TerminalText.escaped(manifest.id)) \(TerminalText.escaped(manifest.version)) \(manifest.digest), created \(TerminalText.escaped(manifest.created))")
        print("  files: " + manifest.files.map { TerminalText.escaped($0.path) }.joined(separator: ", ") + " (each matches its SHA-256)")
        print("  legal basis: \(TerminalText.escaped(manifest.legalBasis))")
        if pack.digest != manifest.digest { print("  with this deployment's local parameters: digest \(pack.digest)") }
        guard loaded.signed else {
            Console.error("error: the bundle is not signed: nothing says who approved it (sign it with 'aiscreen pack bundle --sign KEYFILE')")
            throw ExitCode.failure
        }
        let signers = SignaturePolicy(reading: trusted ?? deployment.trustedSigners)
        print("  signature: valid, by \(TerminalText.escaped(manifest.signer ?? "?")) (key \(String(manifest.signerKey?.prefix(16) ?? ""))…)")
        if let refusal = PackTrust.refusal(of: loaded, among: signers.trusted, trustedFrom: signers.directory) {
            Console.error(refusal.description)
            throw ExitCode.failure
        }
        if let signer = PackTrust.signer(of: loaded, among: signers.trusted) { print("  trusted: \(TerminalText.escaped(signer.path))") }
    }
}
