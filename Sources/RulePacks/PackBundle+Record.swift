public import RulesEngine
internal import Foundation

/// A pack revision's text as a journal keeps it: its files as a bundle and the deployment's overrides, which
/// together give its digest.
public struct RecordedPackText: Sendable, Hashable {
    /// The bundle file's bytes (signed when the pack was loaded from a signed bundle).
    public var content: [UInt8]
    /// The overrides as canonical JSON; nil when there were none.
    public var overrides: String?

    public init(content: [UInt8], overrides: String?) {
        self.content = content
        self.overrides = overrides
    }

    /// The text of `pack`, loaded from `path` (a folder or a bundle file) with `overrides`; nil when the files no
    /// longer give the pack's digest (they changed since it was loaded).
    public static func of(_ pack: CompiledPack, at path: String, overrides: [String: [String: Located<JSONValue>]]) -> RecordedPackText? {
        let bundle: PackBundle
        if path.hasSuffix(PackBundle.fileExtension) {
            guard let data = FileManager.default.contents(atPath: path), let read = try? PackBundle(decoding: Array(data), file: path) else { return nil }
            bundle = read
        } else {
            guard let made = try? PackBundle.make(directory: path, created: PackBundle.timestamp(Date.now), signer: nil) else { return nil }
            bundle = made
        }
        let text = RecordedPackText(content: bundle.encoded, overrides: PackLoader.canonicalOverrides(overrides[pack.id] ?? [:]))
        return text.digest == pack.digest ? text : nil
    }

    /// The overrides as the loader takes them (``PackLoader/overrides`` of one pack); empty when there are none or
    /// they are not a JSON object.
    public var parsedOverrides: [String: Located<JSONValue>] {
        guard let overrides, case .object(let members)? = try? JSONParser().parse(overrides) else { return [:] }
        let at = SourceLocation(file: "journal:overrides", line: 1, column: 1)
        return Dictionary(members.map { ($0.0, Located($0.1, at: at)) }, uniquingKeysWith: { _, last in last })
    }

    /// The bundle, when ``content`` is one.
    public var bundle: PackBundle? { try? PackBundle(decoding: content, file: "journal") }

    /// The digest the content and overrides give (`sha256:…`), nil when the content is not a bundle with a pack and a
    /// schema. A journal's copy is the pack's text exactly when this equals the digest it is stored under.
    public var digest: String? {
        guard let bundle, let pack = bundle.file(.pack), let schema = bundle.file(.schema) else { return nil }
        return PackLoader.digest(
            packText: Data(pack.bytes), schemaText: Data(schema.bytes), canonicalOverrides: overrides, dutiesText: bundle.file(.duties).map { Data($0.bytes) })
    }
}
