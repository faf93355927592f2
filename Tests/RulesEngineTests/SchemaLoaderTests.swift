import Foundation
import Testing

@testable import RulesEngine

struct SchemaLoaderTests {
    /// An object schema with the given properties (JSON text of the `properties` members).
    static func object(_ properties: String, required: [String] = [], extra: String = "") -> String {
        let list = required.map { "\"\($0)\"" }.joined(separator: ", ")
        return
            #"{"type": "object", "additionalProperties": false, "required": [\#(list)], "properties": {\#(properties)}\#(extra)}"#
    }

    static func loadError(_ text: String) -> SchemaError? {
        #expect(throws: SchemaError.self) { try SchemaLoader.load(json: text) }
    }

    @Test func loadsTheRealRequestSchema() throws {
        let schema = try SchemaLoader.load(json: try Repository.text(Repository.requestSchemaPath))
        guard case .object(let shape) = schema.kind else {
            Issue.record("the root must be an object")
            return
        }
        #expect(
            shape.names == [
                "schema_version", "request_id", "screening_date", "planned_go_live", "requester", "tool", "ai", "data",
                "hosting", "workplace", "governance",
            ]
        )
        #expect(shape.required == ["schema_version", "request_id", "screening_date"])
        #expect(schema.nullable == false)
        let goLive = try #require(shape.property(named: "planned_go_live"))
        #expect(shape.nodes[goLive].typeName == "date|null")
        #expect(shape.nodes[goLive].defaultValue == .null)
        let ai = shape.nodes[try #require(shape.property(named: "ai"))]
        guard case .object(let aiShape) = ai.kind else {
            Issue.record("ai must be an object")
            return
        }
        let emotion = aiShape.nodes[try #require(aiShape.property(named: "emotion_recognition"))]
        #expect(emotion.typeName == "object|null")
        #expect(emotion.defaultValue == .null)
        let capabilities = aiShape.nodes[try #require(aiShape.property(named: "capabilities"))]
        #expect(capabilities.typeName == "list of enum")
        #expect(capabilities.defaultValue == .list([]))
    }

    @Test func acceptsAMinimalObjectSchema() throws {
        let node = try SchemaLoader.load(
            json: Self.object(
                #""a": {"type": "integer", "minimum": 0, "maximum": 9, "default": 3}, "b": {"type": "string"}"#,
                required: ["b"]
            )
        )
        guard case .object(let shape) = node.kind else {
            Issue.record("expected an object")
            return
        }
        #expect(shape.names == ["a", "b"])
        #expect(shape.required == ["b"])
        #expect(shape.nodes[0].defaultValue == .int(3))
        #expect(shape.nodes[1].defaultValue == nil)
        guard case .integer(let minimum, let maximum) = shape.nodes[0].kind else {
            Issue.record("a must be an integer")
            return
        }
        #expect(minimum == 0)
        #expect(maximum == 9)
    }

    @Test(arguments: [
        "$ref", "oneOf", "anyOf", "allOf", "if", "format_", "exclusiveMinimum", "patternProperties",
    ])
    func rejectsUnsupportedKeywords(keyword: String) {
        let error = Self.loadError(Self.object(#""x": {"type": "string", "default": "", "\#(keyword)": "a"}"#))
        #expect(error?.path == "#/properties/x")
        #expect(error?.message == "unsupported keyword '\(keyword)'")
    }

    @Test func acceptsOnlyTheTwoTextPatterns() throws {
        for rule in [TextRule.singleLine, .multiLine] {
            let escaped = rule.pattern.replacingOccurrences(of: "\\", with: "\\\\")
            let schema = try SchemaLoader.load(json: Self.object(#""x": {"type": "string", "default": "", "pattern": "\#(escaped)"}"#))
            guard case .object(let shape) = schema.kind else {
                Issue.record("not an object")
                return
            }
            #expect(shape.nodes[0].text == rule)
        }
        let error = Self.loadError(Self.object(#""x": {"type": "string", "default": "", "pattern": "^[a-z]+$"}"#))
        #expect(error?.path == "#/properties/x/pattern")
        #expect(error?.message.hasPrefix("only the two text patterns are supported") == true)
    }

    @Test func rejectsAnUnsupportedKeywordAtTheRoot() {
        let error = Self.loadError(Self.object("", extra: #", "definitions": {}"#))
        #expect(error?.path == "#")
        #expect(error?.message == "unsupported keyword 'definitions'")
    }

    @Test func objectsMustForbidAdditionalProperties() {
        for variant in [
            #"{"type": "object", "properties": {}}"#,
            #"{"type": "object", "properties": {}, "additionalProperties": true}"#,
            #"{"type": "object", "properties": {}, "additionalProperties": {"type": "string"}}"#,
        ] {
            let error = Self.loadError(variant)
            #expect(error?.path == "#", "\(variant)")
            #expect(error?.message == #"objects must say "additionalProperties": false"#, "\(variant)")
        }
        let nested = Self.loadError(Self.object(#""inner": {"type": "object", "properties": {}, "default": {}}"#))
        #expect(nested?.path == "#/properties/inner")
    }

    @Test func optionalPropertiesNeedADefault() {
        let error = Self.loadError(Self.object(#""flag": {"type": "boolean"}"#))
        #expect(error?.path == "#/properties/flag")
        #expect(error?.message == "an optional property needs a default")
    }

    @Test func requiredNullableAndObjectPropertiesNeedNoDefault() throws {
        _ = try SchemaLoader.load(
            json: Self.object(
                #""r": {"type": "boolean"}, "n": {"type": ["boolean", "null"]}, "o": {"type": "object", "additionalProperties": false, "properties": {}}"#,
                required: ["r"]
            )
        )
    }

    @Test func requiredMustNameAProperty() {
        let error = Self.loadError(Self.object(#""a": {"type": "boolean"}"#, required: ["a", "b"]))
        #expect(error?.path == "#/required")
        #expect(error?.message == "'b' is not a property")
    }

    @Test(arguments: [
        (#"{"type": "integer", "default": "3"}"#, "expected integer, found string"),
        (#"{"type": "integer", "default": 1.5}"#, "expected integer, found number"),
        (#"{"type": "integer", "minimum": 0, "default": -1}"#, "-1 is below the minimum 0"),
        (#"{"type": "boolean", "default": "true"}"#, "expected boolean, found string"),
        (#"{"type": "boolean", "default": null}"#, "null is not allowed here"),
        (#"{"type": "string", "enum": ["a", "b"], "default": "c"}"#, "not one of"),
        (#"{"type": "string", "format": "date", "default": "2026-02-30"}"#, "not a date"),
        (#"{"type": "string", "maxLength": 2, "default": "abc"}"#, "text longer than 2 characters"),
        (#"{"type": "array", "items": {"type": "string", "enum": ["a"]}, "default": ["b"]}"#, "not one of"),
        (#"{"type": "array", "items": {"type": "string"}, "default": "a"}"#, "expected list of string, found string"),
        (
            #"{"type": "object", "additionalProperties": false, "properties": {"k": {"type": "boolean", "default": false}}, "default": {"k": 1}}"#,
            "expected boolean, found integer"
        ),
        (
            #"{"type": "object", "additionalProperties": false, "properties": {}, "default": {"unknown": 1}}"#,
            "unknown field 'unknown'"
        ),
    ])
    func rejectsDefaultsThatDoNotMatchTheirSchema(property: String, fragment: String) {
        let error = Self.loadError(Self.object(#""p": \#(property)"#))
        #expect(error?.path == "#/properties/p/default")
        #expect(error?.message.hasPrefix("default does not match the schema: ") == true)
        #expect(error?.message.contains(fragment) == true, "message: \(error?.message ?? "-")")
    }

    @Test func defaultsAreDecodedLikeRequestData() throws {
        let node = try SchemaLoader.load(
            json: Self.object(
                #""d": {"type": "string", "format": "date", "default": "2024-02-29"}, "l": {"type": "array", "items": {"type": "integer"}, "default": [1, 2]}, "n": {"type": "number", "default": 2}"#
            )
        )
        guard case .object(let shape) = node.kind else {
            Issue.record("expected an object schema")
            return
        }
        #expect(shape.nodes[0].defaultValue == .date(Day(year: 2024, month: 2, day: 29)))
        #expect(shape.nodes[1].defaultValue == .list([.int(1), .int(2)]))
        #expect(shape.nodes[2].defaultValue == .number(2))
    }

    @Test func nullableEnumsMayListNull() throws {
        let node = try SchemaLoader.load(
            json: Self.object(#""e": {"type": ["string", "null"], "enum": ["a", "b", null], "default": null}"#)
        )
        guard case .object(let shape) = node.kind, case .string(let values, _, _, _, _) = shape.nodes[0].kind else {
            Issue.record("expected an enum property")
            return
        }
        #expect(values == ["a", "b"], "null is allowed by the type, not an enum value")
        #expect(shape.nodes[0].nullable)
        #expect(shape.nodes[0].typeName == "enum|null")

        let decoder = RequestDecoder(schema: node)
        for good in [#"{"e": null}"#, #"{"e": "a"}"#, "{}"] { _ = try decoder.decode(json: good) }
        let errors = validationErrors(#"{"e": "c"}"#, schema: node)
        #expect(errors.map(\.code) == [.notInEnum])
        #expect(errors.map(\.path) == ["$.e"])
    }

    @Test func aNonNullableEnumMayNotListNull() {
        let error = Self.loadError(Self.object(#""e": {"type": "string", "enum": ["a", null], "default": "a"}"#))
        #expect(error?.path == "#/properties/e/enum")
        #expect(error?.message == "enum values must be strings")
    }

    @Test(arguments: [
        (#"{"type": "string", "enum": [], "default": "a"}"#, "#/properties/p/enum"),
        (#"{"type": "string", "enum": [1], "default": "a"}"#, "#/properties/p/enum"),
        (#"{"type": ["string", "integer"], "default": "a"}"#, "#/properties/p/type"),
        (#"{"type": ["null"], "default": null}"#, "#/properties/p/type"),
        (#"{"type": ["string", "null", "null"], "default": null}"#, "#/properties/p/type"),
        (#"{"type": "date", "default": "a"}"#, "#/properties/p/type"),
        (#"{"default": 1}"#, "#/properties/p"),
        (#"{"type": "string", "format": "email", "default": "a"}"#, "#/properties/p/format"),
        (#"{"type": "string", "const": 1, "default": "a"}"#, "#/properties/p"),
        (#"{"type": "integer", "minimum": 0.5, "default": 1}"#, "#/properties/p/minimum"),
        (#"{"type": "array", "default": []}"#, "#/properties/p"),
        (
            #"{"type": "object", "additionalProperties": false, "properties": [], "default": {}}"#,
            "#/properties/p/properties"
        ),
        (#""just text""#, "#/properties/p"),
    ])
    func rejectsMalformedSchemas(property: String, path: String) {
        let error = Self.loadError(Self.object(#""p": \#(property)"#))
        #expect(error?.path == path, "message: \(error?.message ?? "-")")
    }

    @Test func rejectsTextThatIsNotJSON() {
        let error = Self.loadError(#"{"type": "object",}"#)
        #expect(error?.path == "#")
        #expect(error?.message.hasPrefix("not valid JSON: line 1, column 19") == true, "\(error?.message ?? "-")")
    }

    @Test func typeNamesDescribeNodes() throws {
        let node = try SchemaLoader.load(
            json: Self.object(
                #""b": {"type": "boolean", "default": false}, "i": {"type": ["integer", "null"], "default": null}, "n": {"type": "number", "default": 0}, "s": {"type": "string", "default": ""}, "e": {"type": "string", "enum": ["x"], "default": "x"}, "d": {"type": "string", "format": "date", "default": "2026-01-01"}, "l": {"type": "array", "items": {"type": "string", "format": "date"}, "default": []}"#
            )
        )
        guard case .object(let shape) = node.kind else {
            Issue.record("expected an object schema")
            return
        }
        #expect(
            shape.nodes.map(\.typeName) == [
                "boolean", "integer|null", "number", "string", "enum", "date", "list of date",
            ]
        )
        #expect(node.typeName == "object")
    }

    /// The loader promises that "a schema never means less than it says": a keyword it cannot enforce on a type
    /// must be an error, not silently dropped.
    @Test(arguments: [
        #"{"type": "integer", "enum": [1, 2], "default": 1}"#,
        #"{"type": "integer", "format": "date", "default": 1}"#,
        #"{"type": "boolean", "minLength": 1, "default": true}"#,
        #"{"type": "integer", "const": 1, "default": 1}"#,
        #"{"type": "string", "minimum": 1, "default": "a"}"#,
        #"{"type": "string", "items": {"type": "string"}, "default": "a"}"#,
    ])
    func keywordsThatDoNotApplyToTheTypeAreRejected(property: String) {
        _ = Self.loadError(Self.object(#""p": \#(property)"#))
    }
}
