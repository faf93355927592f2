import ArgumentParser
import Foundation
import RulePacks
import Security
import ZeroMQ

struct Keys: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Make and list the CURVE keys that decide who may connect to the broker.",
        discussion: helpText("""
            The key directory (security.keys in config/aiscreen.yaml, AISCREEN_KEYS or --dir; default keys/):
              broker/broker.key, broker.key_secret   the broker's key pair: with it every TCP endpoint speaks CURVE
              clients/NAME.key                       may submit requests (and fetch its own verdicts)
              auditors/NAME.key                      a client that may also fetch any verdict
              admins/NAME.key                        a client that may also use admin services
              workers/PACK/NAME.key                  may serve pack PACK only
              subscribers/NAME.key                   may read the verdict feed
              signers/NAME.key                       signs pack bundles (Ed25519, not a CURVE key; packs.trusted_signers)
            Each NAME.key_secret (mode 0600) belongs on the peer's host: copy it there with the broker's
            broker.key and delete it here. Deleting NAME.key revokes that key for new connections at once.
            """),
        subcommands: [KeysGenerate.self, KeysList.self])
}

struct KeysGenerate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Make a key pair: NAME.key (public, Z85, one line with the role, name and pack as comments) and NAME.key_secret (mode 0600).",
        discussion: "CURVE keys for every role but signer; --role signer makes an Ed25519 key for signing pack bundles (signers/NAME.key).")

    @Option(name: .long, help: "client, auditor, admin, worker, subscriber, broker or signer.")
    var role: String

    @Option(name: .long, help: "The key's name: 1-64 of a-z, 0-9, '.', '_', '-'. It becomes the principal in the journal (default for --role broker: broker).")
    var name: String?

    @Option(name: .long, help: "For --role worker: the pack id the key may serve, e.g. gdpr.")
    var pack: String?

    @Option(name: .long, help: "Key directory (default: security.keys of the config, else keys).")
    var dir: String?

    @Option(name: .long, help: "Deployment config (default: config/aiscreen.yaml if present).")
    var config: String?

    func run() async throws {
        guard let role = Role(rawValue: role) else {
            throw ValidationError("--role must be one of client, auditor, admin, worker, subscriber, broker, signer")
        }
        let name = self.name ?? (role == .broker ? "broker" : "")
        guard Principal.isValidName(name) else { throw ValidationError("--name must be 1-64 of a-z, 0-9, '.', '_', '-' (starting with a letter or digit)") }
        if role == .signer {
            guard pack == nil else { throw ValidationError("--pack is only for --role worker") }
            let directory = (try dir ?? NetworkCommands.deployment(config: config).keysDirectory) + "/" + Role.signer.folder
            let pair = PackSigner.generateKeyPair()
            do {
                let (publicPath, secretPath) = try SignerKeyFiles.write(name: name, publicKey: pair.publicKey, secretKey: pair.secretKey, in: directory)
                print("signer:\(name): public key \(publicPath), secret key \(secretPath) (mode 0600)")
                print("sign bundles with 'aiscreen pack bundle PACK --sign \(secretPath)'; give \(publicPath) to every deployment that should trust them (packs.trusted_signers)")
            } catch {
                Console.error("error: \(error)")
                throw ExitCode.failure
            }
            return
        }
        try requireCurve()
        if role == .worker {
            guard let pack, Principal.isValidName(pack) else { throw ValidationError("--role worker needs --pack ID (the pack the key may serve)") }
        } else if pack != nil {
            throw ValidationError("--pack is only for --role worker")
        }
        let directory = try dir ?? NetworkCommands.deployment(config: config).keysDirectory
        let principal = Principal(role: role, name: name, pack: pack)
        let (publicPath, secretPath) = KeyRing.paths(principal, in: directory)
        try FileManager.default.createDirectory(atPath: (publicPath as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let pair = try ZMQCurve.keyPair()
        var comments = ["role": role.rawValue, "name": name]
        if let pack { comments["pack"] = pack }
        do {
            if FileManager.default.fileExists(atPath: publicPath) {
                throw KeyFileError(path: publicPath, "already exists; remove it (and its .key_secret) first to make a new key")
            }
            try KeyFile.write(KeyFile(key: pair.secretKey, comments: comments).text(title: "aiscreen CURVE secret key: keep it private (mode 0600)"), to: secretPath, mode: 0o600)
            try KeyFile.write(KeyFile(key: pair.publicKey, comments: comments).text(title: "aiscreen CURVE public key"), to: publicPath, mode: 0o644)
        } catch {
            Console.error("error: \(error)")
            throw ExitCode.failure
        }
        print("\(principal.userID): public key \(publicPath), secret key \(secretPath) (mode 0600)")
        if role != .broker {
            print("copy \(secretPath) and the broker's public key to the \(role.rawValue)'s host, then delete the secret key here")
        }
    }
}

struct KeysList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the keys the broker would accept, by role, with their fingerprints.")

    @Option(name: .long, help: "Key directory (default: security.keys of the config, else keys).")
    var dir: String?

    @Option(name: .long, help: "Deployment config (default: config/aiscreen.yaml if present).")
    var config: String?

    func run() async throws {
        let directory = try dir ?? NetworkCommands.deployment(config: config).keysDirectory
        let (ring, problems) = try KeyRing.load(directory, strict: false)
        let broker = try? ServerKeys.read(directory: directory)
        print("broker: " + (broker.map { "CURVE on, key \(KeyRing.fingerprint($0.publicKey))…" } ?? "no key pair in \(directory)/broker/: endpoints are plaintext (loopback only)"))
        for entry in ring.entries.sorted(by: { ($0.principal.role.rawValue, $0.principal.userID) < ($1.principal.role.rawValue, $1.principal.userID) }) {
            print("\(entry.principal.userID)  \(KeyRing.fingerprint(entry.publicKey))…  \(entry.path)")
        }
        if ring.entries.isEmpty { print("no peer keys") }
        let signers = SignerKeyFiles.load(directory + "/" + Role.signer.folder)
        for signer in signers.keys { print("signer:\(signer.name)  \(signer.key.prefix(8).map { String(format: "%02x", $0) }.joined())…  \(signer.path)") }
        for problem in signers.problems { Console.error("warning: skipped \(problem)") }
        for problem in problems { Console.error("warning: skipped \(problem)") }
    }
}
