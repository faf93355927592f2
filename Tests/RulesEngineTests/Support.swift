import Foundation
import Testing

@testable import RulesEngine

/// `Testing` has a `SourceLocation` too; in these tests the name means the engine's.
typealias SourceLocation = RulesEngine.SourceLocation

/// Paths of repository files, found relative to this source file so tests run from any working directory.
enum Repository {
    static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // RulesEngineTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()  // repository root

    static func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }

    static func text(_ relative: String) throws -> String {
        try String(contentsOfFile: path(relative), encoding: .utf8)
    }

    static let requestSchemaPath = "config/schema/ai-tool-request.v1.json"

    /// The real request schema v1.0, loaded once.
    static let requestSchema: SchemaNode = {
        do {
            return try SchemaLoader.load(json: try text(requestSchemaPath))
        } catch {
            preconditionFailure("cannot load \(requestSchemaPath): \(error)")
        }
    }()

    /// The JSON files in an `examples/` subfolder, sorted.
    static func exampleFiles(_ folder: String) -> [String] {
        let directory = path("examples/" + folder)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { $0.hasSuffix(".json") }.sorted()
    }
}

/// The three fields every v1.0 request needs, plus `extra` members (JSON object text without braces).
func requestJSON(_ extra: String = "", screeningDate: String = "2026-11-27", id: String = "T-1") -> String {
    let base = #""schema_version": "1.0", "request_id": "\#(id)", "screening_date": "\#(screeningDate)""#
    return extra.isEmpty ? "{\(base)}" : "{\(base), \(extra)}"
}

/// Decodes a request against the real schema, recording an issue with every error when it is rejected.
func decodeRequest(_ json: String, schema: SchemaNode = Repository.requestSchema) throws -> Request {
    do {
        return try RequestDecoder(schema: schema).decode(json: json)
    } catch {
        Issue.record("request rejected:\n\(error)")
        throw error
    }
}

extension Request {
    /// The decoded value at a dotted path such as `data.personal_data`, walking the schema for field positions.
    func value(at dotted: String) -> Value? {
        var node = schema
        var value = root
        for name in dotted.split(separator: ".").map(String.init) {
            guard case .object(let shape) = node.kind, let i = shape.property(named: name) else { return nil }
            guard case .object(let fields) = value else { return .null }
            node = shape.nodes[i]
            value = fields[i]
        }
        return value
    }
}

/// Errors of a request that must fail validation, or an issue when it passes.
func validationErrors(_ json: String, schema: SchemaNode = Repository.requestSchema) -> [RequestError] {
    do {
        _ = try RequestDecoder(schema: schema).decode(json: json)
        Issue.record("expected the request to be rejected: \(json)")
        return []
    } catch {
        return error.errors
    }
}

/// Builds ``PackSyntax`` in code (no YAML), for engine tests that need compiled packs.
struct PackBuilder {
    var syntax: PackSyntax
    private var line = 10

    init(id: String, file: String = "pack.yaml") {
        syntax = PackSyntax(file: file)
        let at = SourceLocation(file: file, line: 1, column: 1)
        syntax.id = Located(id, at: at)
        syntax.version = Located("1.0.0", at: at)
        syntax.title = Texts(da: Located("Titel", at: at), en: Located("Title", at: at), at: at)
        syntax.legalBasis = Located("Test law", at: at)
    }

    private mutating func next() -> SourceLocation {
        line += 1
        return SourceLocation(file: syntax.file, line: line, column: 5)
    }

    mutating func output(
        _ name: String,
        type: String,
        merge: String? = nil,
        values: [String]? = nil,
        default value: JSONValue? = nil
    ) {
        let at = next()
        var output = PackSyntax.Output(name: Located(name, at: at))
        output.type = Located(type, at: at)
        output.merge = merge.map { Located($0, at: at) }
        output.values = values?.map { Located($0, at: at) }
        output.defaultValue = value.map { Located($0, at: at) }
        syntax.outputs.append(output)
    }

    mutating func definition(_ name: String, _ expression: String) {
        let at = next()
        syntax.definitions.append(
            PackSyntax.Definition(
                name: Located(name, at: at),
                expression: ExpressionSource(expression, at: at),
                description: nil
            )
        )
    }

    mutating func parameter(_ name: String, type: String, default value: JSONValue) {
        let at = next()
        syntax.parameters.append(
            PackSyntax.Parameter(
                name: Located(name, at: at),
                type: Located(type, at: at),
                defaultValue: Located(value, at: at),
                description: nil
            )
        )
    }

    mutating func rule(
        _ id: String,
        when: String,
        verdict: String,
        set: [(String, JSONValue)] = [],
        conditions: [Condition] = []
    ) {
        let at = next()
        var rule = PackSyntax.Rule(location: at)
        rule.id = Located(id, at: at)
        rule.title = Texts(da: Located("Regel \(id)", at: at), en: Located("Rule \(id)", at: at), at: at)
        rule.when = ExpressionSource(when, at: at)
        rule.verdict = Located(verdict, at: at)
        rule.set = set.map { (Located($0.0, at: at), Located($0.1, at: at)) }
        rule.citations = [Located("Test Art. 1", at: at)]
        rule.rationale = Texts(da: Located("Fordi", at: at), en: Located("Because", at: at), at: at)
        rule.conditions = conditions.map { condition in
            PackSyntax.Condition(
                location: at,
                key: condition.key.map { Located($0, at: at) },
                texts: Texts(da: Located(condition.text.da, at: at), en: Located(condition.text.en, at: at), at: at),
                appliesFrom: condition.appliesFrom.map { Located($0.description, at: at) }
            )
        }
        syntax.rules.append(rule)
    }

    func compile(schema: SchemaNode = Repository.requestSchema, digest: String = "") throws -> CompiledPack {
        do {
            return try PackCompiler().compile(syntax, schema: schema, digest: digest)
        } catch {
            Issue.record("pack \(syntax.id?.value ?? "?") does not compile:\n\(error)")
            throw error
        }
    }
}

/// A condition with Danish text derived from the English.
func condition(_ en: String, key: String? = nil, appliesFrom: String? = nil) -> Condition {
    Condition(key: key, text: Bilingual(da: "da: " + en, en: en), appliesFrom: appliesFrom.flatMap { Day(iso: $0) })
}
