public import RulesEngine
internal import Foundation
internal import Crypto

/// One file that carries a rule pack from one municipality to another (`.aispack`): the pack's files, a manifest
/// that names the pack and lists every file with its SHA-256, and optionally an Ed25519 signature over the manifest
/// (so over every file). The file is JSON:
///
/// ```
/// {"format":"aiscreen-pack-bundle/1",
///  "manifest":{"id","version","digest","legal_basis","created","signer","signer_key","files":[{"path","role","sha256","bytes"}]},
///  "signature":"<hex>"|null,
///  "files":{"pack.yaml":"<base64>", "schema/….json":"…", "duties.yaml":"…", "tests/….yaml":"…"}}
/// ```
///
/// `digest` is the pack's digest without local parameters: a deployment's overrides still change the digest of
/// the pack it loads, as for a folder.
public struct PackBundle: Sendable, Hashable {
    /// The `format` member.
    public static let format = "aiscreen-pack-bundle/1"
    /// The file name extension.
    public static let fileExtension = ".aispack"
    /// What a bundle's JSON may hold: files are base64 strings of up to 64 MiB.
    public static let jsonLimits = JSONLimits(maxDepth: 16, maxStringLength: 64 << 20, maxContainerCount: 10_000, maxValues: 1_000_000)

    public var manifest: Manifest
    /// The Ed25519 signature over ``Manifest/signedBytes``; nil for an unsigned bundle.
    public var signature: [UInt8]?
    /// The files' bytes by bundle path, as the manifest lists them.
    public var files: [String: [UInt8]]

    /// What a bundle says about itself: the part the signature covers.
    public struct Manifest: Sendable, Hashable {
        public var id: String
        public var version: String
        /// The pack's content digest (`sha256:…`, no local parameters).
        public var digest: String
        /// The pack's `legal_basis`.
        public var legalBasis: String
        /// When the bundle was made, RFC 3339 UTC.
        public var created: String
        /// The signer's key name; nil when unsigned.
        public var signer: String?
        /// The signer's Ed25519 public key, 64 hex digits; nil when unsigned.
        public var signerKey: String?
        /// Every file, in bundle order.
        public var files: [File]

        /// The bytes the signature signs: the format name and the manifest as canonical JSON.
        public var signedBytes: [UInt8] { Array((PackBundle.format + "\n").utf8) + JSONWriter.bytes(json) }
    }

    /// A file of the bundle.
    public struct File: Sendable, Hashable {
        /// The path inside the bundle: `pack.yaml`, `schema/NAME`, `duties.yaml` or `tests/NAME`.
        public var path: String
        public var role: Role
        /// 64 hex digits.
        public var sha256: String
        public var bytes: Int
    }

    /// What a file is to the pack.
    public enum Role: String, Sendable, Hashable {
        /// `pack.yaml`.
        case pack
        /// The request schema the pack reads.
        case schema
        /// The shared `duties.yaml` next to the pack's folder.
        case duties
        /// A test case (`tests/*.yaml`).
        case test
    }

    public init(manifest: Manifest, signature: [UInt8]?, files: [String: [UInt8]]) {
        self.manifest = manifest
        self.signature = signature
        self.files = files
    }

    /// The bytes of the file with `role` (the first, for tests), if the bundle has one.
    public func file(_ role: Role) -> (path: String, bytes: [UInt8])? {
        guard let entry = manifest.files.first(where: { $0.role == role }), let bytes = files[entry.path] else { return nil }
        return (entry.path, bytes)
    }

    /// The test cases: bundle path and bytes, in manifest order.
    public var tests: [(path: String, bytes: [UInt8])] {
        manifest.files.filter { $0.role == .test }.compactMap { entry in files[entry.path].map { (entry.path, $0) } }
    }

    /// The bundle file's bytes.
    public var encoded: [UInt8] {
        var text = JSONWriter.bytes(.object([
            ("format", .string(Self.format)),
            ("manifest", manifest.json),
            ("signature", signature.map { .string(hex($0)) } ?? .null),
            ("files", .object(manifest.files.map { ($0.path, .string(Data(files[$0.path] ?? []).base64EncodedString())) })),
        ]))
        text.append(UInt8(ascii: "\n"))
        return text
    }

    /// Reads a bundle file's bytes.
    /// - Parameter file: the bundle's path, for diagnostics.
    /// - Throws: a ``RuleDiagnostic`` `[bundle-invalid]` when the bytes are not a bundle, `[bundle-tampered]` when
    ///   its files are not those its manifest lists. The signature is not checked here (``verify(trusted:file:)``).
    public init(decoding bytes: [UInt8], file: String) throws(RuleDiagnostic) {
        let at = SourceLocation(file: file, line: 1, column: 1)
        func invalid(_ message: String) -> RuleDiagnostic { RuleDiagnostic(.error, .bundleInvalid, message, at: at) }
        let json: JSONValue
        do {
            json = try JSONParser(limits: Self.jsonLimits).parse(bytes)
        } catch {
            throw invalid("not a pack bundle: \(error)")
        }
        guard case .string(let format)? = json["format"], format == Self.format else {
            throw invalid("not a pack bundle of format \(Self.format) (made by 'aiscreen pack bundle')")
        }
        guard let manifestJSON = json["manifest"], let manifest = Manifest(json: manifestJSON) else {
            throw invalid("the manifest is missing or lacks id, version, digest, legal_basis, created or files")
        }
        var signature: [UInt8]?
        switch json["signature"] {
        case .null?, nil: signature = nil
        case .string(let text)?:
            guard let decoded = bytesFromHex(text), decoded.count == 64 else { throw invalid("the signature is not 128 hex digits") }
            signature = decoded
        default: throw invalid("the signature is not a string")
        }
        guard case .object(let members)? = json["files"] else { throw invalid("the bundle has no files") }
        var files: [String: [UInt8]] = [:]
        for (path, value) in members {
            guard case .string(let text) = value, let data = Data(base64Encoded: text) else { throw invalid("file \(path) is not base64") }
            files[path] = Array(data)
        }
        func tampered(_ message: String) -> RuleDiagnostic { RuleDiagnostic(.error, .bundleTampered, message, at: at) }
        let listed = Set(manifest.files.map(\.path))
        guard listed.count == manifest.files.count else { throw tampered("the manifest lists a file twice") }
        if let extra = files.keys.sorted().first(where: { !listed.contains($0) }) { throw tampered("file \(extra) is not in the manifest") }
        for entry in manifest.files {
            guard let content = files[entry.path] else { throw tampered("file \(entry.path) is in the manifest but not in the bundle") }
            guard content.count == entry.bytes, sha256Hex(content) == entry.sha256 else {
                throw tampered("file \(entry.path) is not the file the manifest lists (its SHA-256 differs)")
            }
        }
        guard manifest.files.filter({ $0.role == .pack }).count == 1, manifest.files.filter({ $0.role == .schema }).count == 1 else {
            throw invalid("a bundle holds exactly one pack.yaml and one schema")
        }
        self.init(manifest: manifest, signature: signature, files: files)
    }
}

extension PackBundle.Manifest {
    var json: JSONValue {
        .object([
            ("id", .string(id)), ("version", .string(version)), ("digest", .string(digest)), ("legal_basis", .string(legalBasis)),
            ("created", .string(created)), ("signer", signer.map(JSONValue.string) ?? .null),
            ("signer_key", signerKey.map(JSONValue.string) ?? .null),
            ("files", .array(files.map { file in
                .object([("path", .string(file.path)), ("role", .string(file.role.rawValue)), ("sha256", .string(file.sha256)), ("bytes", .int(Int64(file.bytes)))])
            })),
        ])
    }

    init?(json: JSONValue) {
        guard case .string(let id)? = json["id"], case .string(let version)? = json["version"], case .string(let digest)? = json["digest"],
            case .string(let legalBasis)? = json["legal_basis"], case .string(let created)? = json["created"],
            case .array(let list)? = json["files"]
        else { return nil }
        var files: [PackBundle.File] = []
        for entry in list {
            guard case .string(let path)? = entry["path"], PackBundle.isSafePath(path), case .string(let roleName)? = entry["role"],
                let role = PackBundle.Role(rawValue: roleName), case .string(let sha)? = entry["sha256"], case .int(let size)? = entry["bytes"], size >= 0
            else { return nil }
            files.append(PackBundle.File(path: path, role: role, sha256: sha, bytes: Int(size)))
        }
        func optional(_ key: String) -> String?? {
            switch json[key] {
            case .string(let value)?: return .some(value)
            case .null?, nil: return .some(nil)
            default: return nil
            }
        }
        guard let signer = optional("signer"), let signerKey = optional("signer_key") else { return nil }
        self.init(id: id, version: version, digest: digest, legalBasis: legalBasis, created: created, signer: signer, signerKey: signerKey, files: files)
    }
}

extension PackBundle {
    /// A bundle path is relative, one or two plain components, never `..`: it names a file in the bundle, never
    /// one on the reader's disk.
    static func isSafePath(_ path: String) -> Bool {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), !path.hasPrefix("/") else { return false }
        return parts.allSatisfy { part in
            !part.isEmpty && part != "." && part != ".." && part.unicodeScalars.allSatisfy { $0.value >= 0x21 && $0.value < 0x7F && $0 != "\\" }
        }
    }
}

func sha256Hex(_ bytes: [UInt8]) -> String { hex(Array(SHA256.hash(data: bytes))) }

func hex(_ bytes: [UInt8]) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var out: [UInt8] = []
    out.reserveCapacity(bytes.count * 2)
    for byte in bytes {
        out.append(digits[Int(byte >> 4)])
        out.append(digits[Int(byte & 0x0F)])
    }
    return String(decoding: out, as: UTF8.self)
}

func bytesFromHex(_ text: String) -> [UInt8]? {
    let utf8 = Array(text.utf8)
    guard utf8.count % 2 == 0 else { return nil }
    func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        default: nil
        }
    }
    var out: [UInt8] = []
    out.reserveCapacity(utf8.count / 2)
    var i = 0
    while i < utf8.count {
        guard let high = nibble(utf8[i]), let low = nibble(utf8[i + 1]) else { return nil }
        out.append(high << 4 | low)
        i += 2
    }
    return out
}
