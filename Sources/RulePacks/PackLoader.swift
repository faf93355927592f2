public import RulesEngine
internal import Foundation
internal import Crypto
internal import Synchronization

/// The outcome of loading one pack directory: the compiled pack (nil when any error was found) and every
/// diagnostic, errors and warnings, in file order.
public struct LoadedPack: Sendable {
    public var directory: String
    public var pack: CompiledPack?
    public var diagnostics: [RuleDiagnostic]
    /// The manifest, when the pack came from a bundle file (`.aispack`); nil for a folder.
    public var bundle: PackBundle.Manifest? = nil
    /// Whether that bundle's signature verified with the key it names (who that key belongs to is the
    /// deployment's question: ``PackTrust``).
    public var signed = false

    public var errors: [RuleDiagnostic] { diagnostics.filter { $0.severity == .error } }
    public var warnings: [RuleDiagnostic] { diagnostics.filter { $0.severity == .warning } }
}

/// Finds, reads, checks and compiles rule packs from disk.
public struct PackLoader: Sendable {
    /// The default request schema, relative to the repository root.
    public static let defaultSchemaPath = "config/schema/ai-tool-request.v1.1.json"

    public var compiler: PackCompiler
    /// Deployment parameter overrides, by pack id then parameter name.
    public var overrides: [String: [String: Located<JSONValue>]]
    /// Packs loaded by one loader that read the same schema file share its ``SchemaNode``.
    private let schemas = SchemaCache()

    public init(compiler: PackCompiler = PackCompiler(), overrides: [String: [String: Located<JSONValue>]] = [:]) {
        self.compiler = compiler
        self.overrides = overrides
    }

    /// The packs at or under `paths`: a directory holding `pack.yaml`, a `pack.yaml` file, a bundle file
    /// (`.aispack`), or a directory whose subdirectories hold packs or that holds bundle files. Sorted, without
    /// duplicates.
    public static func discover(_ paths: [String]) -> (packs: [String], missing: [String]) {
        var packs: [String] = []
        var missing: [String] = []
        let fm = FileManager.default
        for path in paths {
            var isDirectory: ObjCBool = false
            guard fm.fileExists(atPath: path, isDirectory: &isDirectory) else {
                missing.append(path)
                continue
            }
            if !isDirectory.boolValue {
                if path.hasSuffix(PackBundle.fileExtension) {
                    packs.append(path)
                } else if path.hasSuffix("pack.yaml") {
                    let folder = (path as NSString).deletingLastPathComponent
                    packs.append(folder.isEmpty ? "." : folder)
                } else {
                    missing.append(path)
                }
                continue
            }
            if fm.fileExists(atPath: path + "/pack.yaml") {
                packs.append(path)
                continue
            }
            let children = ((try? fm.contentsOfDirectory(atPath: path)) ?? []).sorted()
            let found = children.map { path.hasSuffix("/") ? path + $0 : path + "/" + $0 }.filter {
                fm.fileExists(atPath: $0 + "/pack.yaml") || ($0.hasSuffix(PackBundle.fileExtension) && fm.fileExists(atPath: $0))
            }
            if found.isEmpty { missing.append(path) } else { packs += found }
        }
        var seen = Set<String>()
        return (packs.filter { seen.insert($0).inserted }, missing)
    }

    /// Loads one pack directory.
    public func load(directory: String) -> LoadedPack {
        if directory.hasSuffix(PackBundle.fileExtension) { return load(bundleFile: directory) }
        let file = directory.isEmpty ? "pack.yaml" : directory.hasSuffix("/") ? directory + "pack.yaml" : directory + "/pack.yaml"
        return load(yaml: FileManager.default.contents(atPath: file).map { Array($0) }, file: file, directory: directory)
    }

    /// Loads a pack from the bytes of its `pack.yaml` (nil: the file could not be read), as if read from `file`
    /// in `directory`. The request schema is still looked up from `directory` on disk.
    public func load(yaml bytes: [UInt8]?, file: String, directory: String) -> LoadedPack {
        load(yaml: bytes, file: file, directory: directory, files: .disk(directory))
    }

    /// Where the files a pack reads besides `pack.yaml` come from: the disk around its folder, or a bundle.
    struct CompanionFiles {
        /// The request schema for the path `pack.yaml` names (nil: the default): its file name and bytes.
        var schema: (_ named: String?) -> (file: String, data: Data)?
        /// The shared duties file, if there is one: its name and bytes.
        var duties: () -> (file: String, data: Data)?

        static func disk(_ directory: String) -> CompanionFiles {
            CompanionFiles(
                schema: { named in
                    PackLoader.schemaFile(for: directory, named: named).flatMap { file in FileManager.default.contents(atPath: file).map { (file, $0) } }
                },
                duties: {
                    let file = PackLoader.dutiesFile(for: directory)
                    return FileManager.default.contents(atPath: file).map { (file, $0) }
                })
        }
    }

    func load(yaml bytes: [UInt8]?, file: String, directory: String, files: CompanionFiles) -> LoadedPack {
        let data = bytes.map { Data($0) }
        guard let data, let text = String(data: data, encoding: .utf8) else {
            return LoadedPack(
                directory: directory, pack: nil,
                diagnostics: [RuleDiagnostic(.error, .missingField, "cannot read pack.yaml (missing or not UTF-8 text)", at: SourceLocation(file: file, line: 1, column: 1))])
        }
        let (readSyntax, schemaPath, structural) = PackReader.read(yaml: text, file: file)
        var syntax = readSyntax
        var diagnostics = structural
        if structural.contains(where: { $0.code == .yamlSyntax }) || (syntax.id == nil && syntax.rules.isEmpty && !structural.isEmpty) {
            // The YAML itself is broken: compiling what little was read would only add noise.
            return LoadedPack(directory: directory, pack: nil, diagnostics: diagnostics)
        }
        let schemaLocation = schemaPath?.location ?? SourceLocation(file: file, line: 1, column: 1)
        guard let (schemaFile, schemaData) = files.schema(schemaPath?.value), let schemaText = String(data: schemaData, encoding: .utf8) else {
            let named = schemaPath?.value ?? Self.defaultSchemaPath
            diagnostics.append(RuleDiagnostic(.error, .schemaNotFound, "cannot find the request schema '\(named)' (looked relative to the pack and its parent folders)", at: schemaLocation))
            return LoadedPack(directory: directory, pack: nil, diagnostics: diagnostics)
        }
        let schema: SchemaNode
        do {
            schema = try schemas.schema(path: schemaFile, text: schemaText)
        } catch {
            diagnostics.append(RuleDiagnostic(.error, .invalidSchema, "\(schemaFile): \(error)", at: schemaLocation))
            return LoadedPack(directory: directory, pack: nil, diagnostics: diagnostics)
        }

        var dutiesData: Data?
        if let (dutiesFile, data) = files.duties() {
            guard let text = String(data: data, encoding: .utf8) else {
                diagnostics.append(RuleDiagnostic(.error, .yamlSyntax, "\(dutiesFile) is not UTF-8 text", at: SourceLocation(file: dutiesFile, line: 1, column: 1)))
                return LoadedPack(directory: directory, pack: nil, diagnostics: diagnostics)
            }
            let read = DutyReader.read(yaml: text, file: dutiesFile)
            diagnostics += read.diagnostics
            syntax.duties = read.duties
            dutiesData = data
        }
        let packOverrides = syntax.id.flatMap { overrides[$0.value] } ?? [:]
        let digest = Self.digest(packText: data, schemaText: schemaData, overrides: packOverrides, dutiesText: dutiesData)
        do {
            let pack = try compiler.compile(syntax, schema: schema, overrides: packOverrides, digest: digest)
            diagnostics += pack.warnings
            let failed = diagnostics.contains { $0.severity == .error }
            return LoadedPack(directory: directory, pack: failed ? nil : pack, diagnostics: diagnostics.sorted { $0.location < $1.location })
        } catch {
            diagnostics += error.diagnostics
            return LoadedPack(directory: directory, pack: nil, diagnostics: diagnostics.sorted { $0.location < $1.location })
        }
    }

    /// `sha256:<hex>` over what decides the pack's behaviour: `pack.yaml`, the schema it reads, the shared
    /// `duties.yaml` when there is one, and any parameter overrides.
    static func digest(packText: Data, schemaText: Data, overrides: [String: Located<JSONValue>], dutiesText: Data? = nil) -> String {
        digest(packText: packText, schemaText: schemaText, canonicalOverrides: canonicalOverrides(overrides), dutiesText: dutiesText)
    }

    /// The overrides of one pack as the digest reads them (canonical JSON, keys sorted); nil when there are none.
    static func canonicalOverrides(_ overrides: [String: Located<JSONValue>]) -> String? {
        overrides.isEmpty ? nil : JSONWriter.string(.object(overrides.sorted { $0.key < $1.key }.map { ($0.key, $0.value.value) }))
    }

    static func digest(packText: Data, schemaText: Data, canonicalOverrides: String?, dutiesText: Data?) -> String {
        var hasher = SHA256()
        hasher.update(data: packText)
        hasher.update(data: Data([0]))
        hasher.update(data: schemaText)
        if let dutiesText {
            hasher.update(data: Data([0, 1]))
            hasher.update(data: dutiesText)
        }
        if let canonical = canonicalOverrides {
            hasher.update(data: Data([0]))
            hasher.update(data: Data(canonical.utf8))
        }
        return "sha256:" + hasher.finalize().map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }

    /// `duties.yaml` in the folder that holds the pack's folder (`rules/duties.yaml` for `rules/gdpr`).
    public static func dutiesFile(for directory: String) -> String {
        let trimmed = directory.hasSuffix("/") ? String(directory.dropLast()) : directory
        let parent = (trimmed as NSString).deletingLastPathComponent
        return parent.isEmpty ? DutyReader.fileName : parent + "/" + DutyReader.fileName
    }

    /// Resolves the schema file: a path named by the pack is relative to the pack directory; the default is
    /// looked for in the pack directory's parents (the repository's `config/schema/`), then the working directory.
    static func schemaFile(for directory: String, named: String?) -> String? {
        let fm = FileManager.default
        if let named {
            let path = named.hasPrefix("/") ? named : directory + "/" + named
            return fm.fileExists(atPath: path) ? path : nil
        }
        var current = URL(fileURLWithPath: directory).standardizedFileURL
        for _ in 0..<8 {
            let candidate = current.appendingPathComponent(defaultSchemaPath).path
            if fm.fileExists(atPath: candidate) { return candidate }
            let parent = current.deletingLastPathComponent()
            if parent.path == current.path { break }
            current = parent
        }
        return fm.fileExists(atPath: defaultSchemaPath) ? defaultSchemaPath : nil
    }
}

/// Schemas by file path, so packs reading the same schema share one ``SchemaNode`` (and so one decoded
/// request serves them all).
final class SchemaCache: Sendable {
    private let storage = Mutex<[String: (text: String, node: SchemaNode)]>([:])

    func schema(path: String, text: String) throws(SchemaError) -> SchemaNode {
        let key = URL(fileURLWithPath: path).standardizedFileURL.path
        if let cached = storage.withLock({ $0[key] }), cached.text == text { return cached.node }
        let node = try SchemaLoader.load(json: text)
        storage.withLock { $0[key] = (text, node) }
        return node
    }
}
