import Foundation
import Testing

@testable import RulePacks
@testable import RulesEngine

/// Pack bundles (`.aispack`): one file that carries a pack between municipalities, with a manifest and an Ed25519
/// signature, loaded wherever a pack folder is.
struct PackBundleTests {
    static let signer = PackSigner(name: "aarhus-jura", secretKey: PackSigner.generateKeyPair().secretKey)
    static var trusted: [TrustedSigner] {
        [TrustedSigner(name: "aarhus-jura", publicKey: PackSigner.publicKey(secretKey: signer.secretKey) ?? [], path: "signers/aarhus-jura.key")]
    }

    static func bundle(_ name: String, signer: PackSigner? = PackBundleTests.signer) throws -> PackBundle {
        try PackBundle.make(directory: BundledPacks.directory(name), created: "2026-12-02T10:00:00Z", signer: signer)
    }

    /// Decodes `bytes` and loads the pack, as `worker` and `up` do with a file.
    static func load(_ bytes: [UInt8], overrides: [String: [String: Located<JSONValue>]] = [:]) -> LoadedPack {
        do {
            return PackLoader(overrides: overrides).load(bundle: try PackBundle(decoding: bytes, file: "x.aispack"), file: "x.aispack")
        } catch {
            return LoadedPack(directory: "x.aispack", pack: nil, diagnostics: [error])
        }
    }

    @Test(arguments: BundledPacks.names)
    func aBundledPackIsThePackOfItsFolder(pack name: String) throws {
        let folder = try #require(PackLoader().load(directory: BundledPacks.directory(name)).pack)
        let bundle = try Self.bundle(name)
        #expect(bundle.manifest.id == folder.id && bundle.manifest.version == folder.version && bundle.manifest.digest == folder.digest)
        #expect(bundle.manifest.files.map(\.path).first == "pack.yaml")
        #expect(bundle.manifest.files.contains { $0.role == .schema && $0.path == "schema/ai-tool-request.v1.1.json" })
        #expect(bundle.manifest.files.contains { $0.role == .duties }, "the shared duties.yaml travels with the pack")
        #expect(bundle.tests.count == ((try? FileManager.default.contentsOfDirectory(atPath: BundledPacks.directory(name) + "/tests")) ?? []).filter { $0.hasSuffix(".yaml") }.count)
        let loaded = Self.load(bundle.encoded)
        #expect(loaded.errors.isEmpty, "\(loaded.errors)")
        let pack = try #require(loaded.pack)
        #expect(pack.digest == folder.digest)
        #expect(pack.ruleIDs == folder.ruleIDs)
        #expect(loaded.signed)
        #expect(PackTrust.refusal(of: loaded, among: Self.trusted, trustedFrom: "signers") == nil)
        #expect(PackTrust.signer(of: loaded, among: Self.trusted)?.name == "aarhus-jura")
    }

    @Test func localParametersChangeTheLoadedDigestAsForAFolder() throws {
        let overrides = ["workplace": ["broad_rollout_staff": Located(JSONValue.int(300), at: SourceLocation(file: "config", line: 1, column: 1))]]
        let folder = try #require(PackLoader(overrides: overrides).load(directory: BundledPacks.directory("workplace")).pack)
        let bundle = try Self.bundle("workplace")
        let pack = try #require(Self.load(bundle.encoded, overrides: overrides).pack)
        #expect(pack.digest == folder.digest)
        #expect(pack.digest != bundle.manifest.digest, "the manifest names the content without local parameters")
    }

    @Test func anUnsignedOrUntrustedBundleIsRefusedWhereASignatureIsRequired() throws {
        let unsigned = Self.load(try Self.bundle("gdpr", signer: nil).encoded)
        #expect(unsigned.pack != nil && !unsigned.signed, "an unsigned bundle is a usable pack")
        #expect(PackTrust.refusal(of: unsigned, among: Self.trusted, trustedFrom: "signers")?.code == .unsigned)
        let stranger = PackSigner(name: "aarhus-jura", secretKey: PackSigner.generateKeyPair().secretKey)
        let other = Self.load(try Self.bundle("gdpr", signer: stranger).encoded)
        #expect(other.signed)
        let refusal = PackTrust.refusal(of: other, among: Self.trusted, trustedFrom: "keys/signers")
        #expect(refusal?.code == .signerUntrusted, "the same name with another key is not trusted")
        #expect(refusal?.message.contains("keys/signers") == true)
        let folder = PackLoader().load(directory: BundledPacks.directory("gdpr"))
        #expect(PackTrust.refusal(of: folder, among: Self.trusted, trustedFrom: "signers")?.code == .unsigned)
    }

    /// The bundle file as JSON text, changed by `edit`.
    static func edited(_ bundle: PackBundle, _ edit: (inout [String: Any]) throws -> Void) throws -> [UInt8] {
        var object = try #require(try JSONSerialization.jsonObject(with: Data(bundle.encoded)) as? [String: Any])
        try edit(&object)
        return Array(try JSONSerialization.data(withJSONObject: object))
    }

    static func changedPackYAML(_ bundle: PackBundle) -> [UInt8] {
        Array(String(decoding: bundle.files["pack.yaml"] ?? [], as: UTF8.self).replacingOccurrences(of: "verdict: rejected", with: "verdict: approved").utf8)
    }

    @Test func aChangedFileIsCaughtWhetherOrNotTheManifestWasChangedWithIt() throws {
        let bundle = try Self.bundle("gdpr")
        let changed = Self.changedPackYAML(bundle)
        #expect(changed != bundle.files["pack.yaml"])
        // The file alone: its SHA-256 no longer matches the manifest.
        let fileOnly = Self.load(try Self.edited(bundle) { object in
            var files = object["files"] as? [String: Any] ?? [:]
            files["pack.yaml"] = Data(changed).base64EncodedString()
            object["files"] = files
        })
        #expect(fileOnly.pack == nil)
        #expect(fileOnly.errors.first?.code == .bundleTampered)
        #expect(fileOnly.errors.first?.message.contains("pack.yaml") == true)
        // File and manifest (hash, size and digest recomputed): the signature no longer verifies.
        var rebuilt = bundle
        rebuilt.files["pack.yaml"] = changed
        rebuilt.manifest.files[0].sha256 = sha256Hex(changed)
        rebuilt.manifest.files[0].bytes = changed.count
        let both = Self.load(rebuilt.encoded)
        #expect(both.pack == nil)
        #expect(both.errors.map(\.code) == [.signatureInvalid])
        // Re-signed by someone else with the digest left as it was: the manifest's digest is not the content's.
        let stranger = PackSigner(name: "aarhus-jura", secretKey: PackSigner.generateKeyPair().secretKey)
        var staleDigest = rebuilt
        let signedStale = staleDigest.sign(by: stranger)
        #expect(signedStale)
        #expect(Self.load(staleDigest.encoded).errors.map(\.code) == [.bundleTampered])
        // Everything recomputed and re-signed by someone else: a valid signature, but not a trusted one.
        let schema = try #require(rebuilt.file(.schema)), duties = rebuilt.file(.duties)
        rebuilt.manifest.digest = PackLoader.digest(packText: Data(changed), schemaText: Data(schema.bytes), overrides: [:], dutiesText: duties.map { Data($0.bytes) })
        var resigned = rebuilt
        let signed = resigned.sign(by: stranger)
        #expect(signed)
        let forged = Self.load(resigned.encoded)
        #expect(forged.pack != nil && forged.signed)
        #expect(PackTrust.refusal(of: forged, among: Self.trusted, trustedFrom: "signers")?.code == .signerUntrusted)
        // Signature removed, everything consistent: an unsigned pack, refused where signatures are required.
        rebuilt.signature = nil
        rebuilt.manifest.signer = nil
        rebuilt.manifest.signerKey = nil
        let stripped = Self.load(rebuilt.encoded)
        #expect(stripped.pack != nil && !stripped.signed)
        #expect(PackTrust.refusal(of: stripped, among: Self.trusted, trustedFrom: "signers")?.code == .unsigned)
    }

    @Test func aChangedManifestBreaksTheSignature() throws {
        let bundle = try Self.bundle("gdpr")
        for edit in [
            { (m: inout PackBundle.Manifest) in m.version = "9.9.9" }, { m in m.signer = "datatilsynet" }, { m in m.created = "2020-01-01T00:00:00Z" },
            { m in m.legalBasis = "none" },
        ] {
            var changed = bundle
            edit(&changed.manifest)
            #expect(Self.load(changed.encoded).errors.map(\.code) == [.signatureInvalid])
        }
    }

    @Test(arguments: [
        ("not json", RuleDiagnostic.Code.bundleInvalid), (#"{"format":"zip"}"#, .bundleInvalid),
    ])
    func aFileThatIsNotABundleSaysSo(text: String, code: RuleDiagnostic.Code) throws {
        #expect(Self.load(Array(text.utf8)).errors.map(\.code) == [code])
    }

    @Test func filesOutsideTheManifestAndPathsOutsideTheBundleAreRefused() throws {
        let bundle = try Self.bundle("gdpr")
        let extra = Self.load(try Self.edited(bundle) { object in
            var files = object["files"] as? [String: Any] ?? [:]
            files["tests/extra.yaml"] = Data("x".utf8).base64EncodedString()
            object["files"] = files
        })
        #expect(extra.errors.map(\.code) == [.bundleTampered])
        for path in ["../pack.yaml", "/etc/passwd", "a/b/c", "tests/../../x", ""] {
            let escaping = Self.load(try Self.edited(bundle) { object in
                var manifest = object["manifest"] as? [String: Any] ?? [:]
                var files = manifest["files"] as? [[String: Any]] ?? []
                files[files.count - 1]["path"] = path
                manifest["files"] = files
                object["manifest"] = manifest
            })
            #expect(escaping.errors.map(\.code) == [.bundleInvalid], "\(path)")
        }
        #expect(!PackBundle.isSafePath("tests/a b.yaml") && PackBundle.isSafePath("tests/case-1.yaml"))
    }

    @Test func theBundleFileIsStable() throws {
        let bundle = try Self.bundle("gdpr")
        let decoded = try PackBundle(decoding: bundle.encoded, file: "x.aispack")
        #expect(decoded == bundle)
        #expect(decoded.encoded == bundle.encoded)
        #expect(decoded.signatureIsValid)
    }
}
