import Foundation
import Testing

@testable import RulePacks
@testable import RulesEngine

/// `Testing` has a `SourceLocation` too; in these tests the name means the engine's.
typealias SourceLocation = RulesEngine.SourceLocation

/// Paths of repository files, found relative to this source file so tests run from any working directory.
enum Repository {
    static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // RulePacksTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()  // repository root

    static func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }

    static func text(_ relative: String) throws -> String {
        try String(contentsOfFile: path(relative), encoding: .utf8)
    }

    static let requestSchemaPath = "config/schema/ai-tool-request.v1.1.json"

    /// The real request schema v1.1 (which v1.0 requests satisfy), loaded once.
    static let requestSchema: SchemaNode = {
        do {
            return try SchemaLoader.load(json: try text(requestSchemaPath))
        } catch {
            preconditionFailure("cannot load \(requestSchemaPath): \(error)")
        }
    }()
}

/// The metadata every test pack starts with (lines 1–4), so line numbers in tests are easy to count.
let packHeader = """
    pack: test
    version: 1.0.0
    title: {da: Test, en: Test}
    legal_basis: Test law

    """

/// A rule in YAML (7 lines) whose `when` is a literal block, so any expression text can be used unescaped.
func ruleYAML(_ id: String, when expression: String, verdict: String = "rejected", extra: String = "") -> String {
    let body = expression.split(separator: "\n", omittingEmptySubsequences: false).map { "      " + $0 }.joined(
        separator: "\n"
    )
    return """
          - id: \(id)
            title: {da: \(id), en: \(id)}
            when: |
        \(body)
            verdict: \(verdict)
            citations: ["Test Art. 1"]
            rationale: {da: Fordi, en: Because}
        \(extra)
        """
}

/// Reads and compiles pack YAML. Returns every diagnostic (reader, compiler, warnings) in file order, and the
/// pack when there was no error.
func check(
    _ yaml: String,
    schema: SchemaNode = Repository.requestSchema,
    overrides: [String: Located<JSONValue>] = [:],
    file: String = "pack.yaml"
) -> (pack: CompiledPack?, diagnostics: [RuleDiagnostic]) {
    let (syntax, _, structural) = PackReader.read(yaml: yaml, file: file)
    do {
        let pack = try PackCompiler().compile(syntax, schema: schema, overrides: overrides)
        let diagnostics = (structural + pack.warnings).sorted { $0.location < $1.location }
        return (structural.contains { $0.severity == .error } ? nil : pack, diagnostics)
    } catch {
        return (nil, (structural + error.diagnostics).sorted { $0.location < $1.location })
    }
}

/// Compiles pack YAML that must be free of errors.
func compile(
    _ yaml: String,
    schema: SchemaNode = Repository.requestSchema,
    overrides: [String: Located<JSONValue>] = [:]
) throws -> CompiledPack {
    let (pack, diagnostics) = check(yaml, schema: schema, overrides: overrides)
    let errors = diagnostics.filter { $0.severity == .error }
    guard let pack, errors.isEmpty else {
        Issue.record("the pack does not compile:\n\(errors.map(\.description).joined(separator: "\n"))\n---\n\(yaml)")
        throw PackCompilationError(diagnostics: diagnostics)
    }
    return pack
}

/// The three fields every v1.0 request needs, plus `extra` members (JSON object text without braces).
func requestJSON(_ extra: String = "", screeningDate: String = "2026-11-27") -> String {
    let base = #""schema_version": "1.0", "request_id": "T-1", "screening_date": "\#(screeningDate)""#
    return extra.isEmpty ? "{\(base)}" : "{\(base), \(extra)}"
}

/// Evaluates a pack on a request given as JSON; records an issue when the request is invalid.
func evaluate(_ pack: CompiledPack, _ json: String) throws -> PackVerdict {
    do {
        return pack.evaluate(try RequestDecoder(schema: pack.schema).decode(json: json))
    } catch {
        Issue.record("request rejected:\n\(error)\n\(json)")
        throw error
    }
}

/// A temporary directory, removed when the closure returns.
func withTemporaryDirectory<T>(_ body: (URL) throws -> T) throws -> T {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("aiscreen-tests-" + UUID().uuidString)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: url) }
    return try body(url)
}

extension URL {
    /// Writes `text` to `relative` under this directory, creating folders.
    @discardableResult
    func write(_ relative: String, _ text: String) throws -> URL {
        let file = appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: file, atomically: true, encoding: .utf8)
        return file
    }

    /// Lays out a repository-like tree: `config/schema/ai-tool-request.v1.1.json` (the real schema), so packs under
    /// `rules/` find it as their default.
    func installRequestSchema() throws {
        try write(Repository.requestSchemaPath, try Repository.text(Repository.requestSchemaPath))
    }
}

extension Array where Element == RuleDiagnostic {
    /// `line:column code severity` of each diagnostic, for compact comparisons.
    var summary: [String] { map { "\($0.location.line):\($0.location.column) \($0.code) \($0.severity.rawValue)" } }
}
