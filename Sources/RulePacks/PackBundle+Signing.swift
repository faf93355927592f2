public import RulesEngine
public import Foundation
internal import Crypto

/// A signer's Ed25519 key pair, as raw 32-byte keys (the CLI keeps them in key files under `keys/signers/`).
public struct PackSigner: Sendable {
    /// The key's name: it goes into the manifest as `signer`.
    public var name: String
    /// The 32-byte Ed25519 private key (seed).
    public var secretKey: [UInt8]

    public init(name: String, secretKey: [UInt8]) {
        self.name = name
        self.secretKey = secretKey
    }

    /// A new random key pair.
    public static func generateKeyPair() -> (publicKey: [UInt8], secretKey: [UInt8]) {
        let key = Curve25519.Signing.PrivateKey()
        return (Array(key.publicKey.rawRepresentation), Array(key.rawRepresentation))
    }

    /// The public key of a 32-byte private key; nil when it is not one.
    public static func publicKey(secretKey: [UInt8]) -> [UInt8]? {
        (try? Curve25519.Signing.PrivateKey(rawRepresentation: secretKey)).map { Array($0.publicKey.rawRepresentation) }
    }
}

/// A public key a deployment trusts to sign packs (`packs.trusted_signers`).
public struct TrustedSigner: Sendable, Hashable {
    public var name: String
    /// The 32-byte Ed25519 public key.
    public var publicKey: [UInt8]
    /// Where it was read from.
    public var path: String

    public init(name: String, publicKey: [UInt8], path: String) {
        self.name = name
        self.publicKey = publicKey
        self.path = path
    }
}

extension PackBundle {
    /// A manifest's `created`: RFC 3339 UTC to the second, e.g. `2026-12-02T13:55:42Z`.
    public static func timestamp(_ date: Date) -> String { date.formatted(.iso8601) }

    /// Bundles the pack folder `directory`: `pack.yaml`, the schema it reads, the shared `duties.yaml` when there is
    /// one, and its test cases (`tests/*.yaml`); signed by `signer` when given. The pack is loaded without local
    /// parameters first: a pack with errors is not bundled.
    /// - Parameter created: the RFC 3339 UTC time to record.
    /// - Throws: ``PackCompilationError`` with the pack's diagnostics when it does not load.
    public static func make(directory: String, created: String, signer: PackSigner?) throws(PackCompilationError) -> PackBundle {
        let file = directory.hasSuffix("/") ? directory + "pack.yaml" : directory + "/pack.yaml"
        let files = PackLoader.CompanionFiles.disk(directory)
        let loaded = PackLoader().load(directory: directory)
        guard let pack = loaded.pack else { throw PackCompilationError(diagnostics: loaded.diagnostics) }
        let at = SourceLocation(file: file, line: 1, column: 1)
        guard let packBytes = FileManager.default.contents(atPath: file), let text = String(data: packBytes, encoding: .utf8) else {
            throw PackCompilationError(diagnostics: [RuleDiagnostic(.error, .missingField, "cannot read pack.yaml", at: at)])
        }
        let named = PackReader.read(yaml: text, file: file).schemaPath?.value
        guard let schema = files.schema(named) else {
            throw PackCompilationError(diagnostics: [RuleDiagnostic(.error, .schemaNotFound, "cannot find the request schema", at: at)])
        }
        var contents: [(path: String, role: Role, bytes: [UInt8])] = [("pack.yaml", .pack, Array(packBytes))]
        contents.append(("schema/" + (schema.file as NSString).lastPathComponent, .schema, Array(schema.data)))
        if let duties = files.duties() { contents.append(("duties.yaml", .duties, Array(duties.data))) }
        let testsDirectory = (directory.hasSuffix("/") ? directory : directory + "/") + "tests"
        for name in ((try? FileManager.default.contentsOfDirectory(atPath: testsDirectory)) ?? []).sorted() where name.hasSuffix(".yaml") {
            guard let bytes = FileManager.default.contents(atPath: testsDirectory + "/" + name), isSafePath("tests/" + name) else { continue }
            contents.append(("tests/" + name, .test, Array(bytes)))
        }
        let manifest = Manifest(
            id: pack.id, version: pack.version,
            digest: PackLoader.digest(packText: packBytes, schemaText: schema.data, overrides: [:], dutiesText: files.duties()?.data),
            legalBasis: pack.legalBasis, created: created, signer: nil, signerKey: nil,
            files: contents.map { File(path: $0.path, role: $0.role, sha256: sha256Hex($0.bytes), bytes: $0.bytes.count) })
        var bundle = PackBundle(manifest: manifest, signature: nil, files: Dictionary(uniqueKeysWithValues: contents.map { ($0.path, $0.bytes) }))
        if let signer {
            guard bundle.sign(by: signer) else {
                throw PackCompilationError(diagnostics: [RuleDiagnostic(.error, .signatureInvalid, "the signing key of \(signer.name) is not an Ed25519 key", at: at)])
            }
        }
        return bundle
    }

    /// Signs the bundle: the manifest names `signer` and its public key, the signature covers the manifest (and so
    /// every file's SHA-256). Returns false when the key is not an Ed25519 private key.
    public mutating func sign(by signer: PackSigner) -> Bool {
        guard let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: signer.secretKey) else { return false }
        manifest.signer = signer.name
        manifest.signerKey = hex(Array(key.publicKey.rawRepresentation))
        guard let signature = try? key.signature(for: manifest.signedBytes) else { return false }
        self.signature = Array(signature)
        return true
    }

    /// Whether the bundle has a signature that verifies with the public key its manifest names.
    public var signatureIsValid: Bool {
        guard let signature, let hexKey = manifest.signerKey, let raw = bytesFromHex(hexKey),
            let key = try? Curve25519.Signing.PublicKey(rawRepresentation: raw)
        else { return false }
        return key.isValidSignature(signature, for: manifest.signedBytes)
    }

    /// The signer's public key, when the manifest names one.
    public var signerPublicKey: [UInt8]? { manifest.signerKey.flatMap(bytesFromHex) }
}

/// Whether a deployment may use a loaded pack: with `packs.require_signature`, only a bundle whose signature
/// verifies with one of the trusted signers' keys.
public enum PackTrust {
    /// The trusted signer whose key signed `loaded`, if any.
    public static func signer(of loaded: LoadedPack, among trusted: [TrustedSigner]) -> TrustedSigner? {
        guard loaded.signed, let key = loaded.bundle?.signerKey.flatMap(bytesFromHex) else { return nil }
        return trusted.first { $0.publicKey == key }
    }

    /// Nil when `loaded` may be used; else the error that says why not and what to do.
    public static func refusal(of loaded: LoadedPack, among trusted: [TrustedSigner], trustedFrom setting: String) -> RuleDiagnostic? {
        let at = SourceLocation(file: loaded.directory, line: 1, column: 1)
        guard let manifest = loaded.bundle, loaded.signed else {
            return RuleDiagnostic(
                .error, .unsigned,
                "the pack is not a signed bundle, and packs.require_signature is true: sign it with 'aiscreen pack bundle \(loaded.directory) --sign KEYFILE -o FILE.aispack' and deploy the .aispack",
                at: at)
        }
        guard signer(of: loaded, among: trusted) != nil else {
            let key = manifest.signerKey.map { String($0.prefix(16)) } ?? "?"
            return RuleDiagnostic(
                .error, .signerUntrusted,
                "signed by '\(manifest.signer ?? "?")' (key \(key)…), who is not among the trusted signers in \(setting): add that signer's public key there if you trust it",
                at: at)
        }
        return nil
    }
}
