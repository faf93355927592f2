/// A problem in a JSON Schema file, at a JSON-pointer-like path (`#/properties/ai/properties/profiling`).
public struct SchemaError: Error, Hashable, Sendable, CustomStringConvertible {
    public var path: String
    public var message: String
    public var description: String { "\(path): \(message)" }
}

/// Reads the JSON Schema subset our requests use into a ``SchemaNode`` tree.
///
/// Supported keywords: `$schema`, `$id`, `title`, `description`, `type` (one type, or a type and `"null"`),
/// `properties`, `required`, `additionalProperties` (must be `false`), `default`, `enum` (strings), `const`,
/// `items`, `format: date`, `minLength`, `maxLength` (Unicode scalars, as JSON Schema counts), `pattern` (only the two
/// ``TextRule`` patterns), `minItems`, `maxItems`, `uniqueItems`, `minimum`, `maximum`.
/// Anything else is an error rather than silently ignored, so a schema never means less than it says.
public enum SchemaLoader {
    static let knownKeywords: Set<String> = [
        "$schema", "$id", "$comment", "title", "description", "type", "properties", "required",
        "additionalProperties", "default", "enum", "const", "items", "format", "minLength", "maxLength", "pattern",
        "minItems", "maxItems", "uniqueItems", "minimum", "maximum", "examples",
    ]

    /// Loads a schema from its JSON text.
    public static func load(json text: String) throws(SchemaError) -> SchemaNode {
        let document: JSONValue
        do {
            document = try JSONParser(limits: JSONLimits(maxDepth: 64, maxStringLength: 1 << 20)).parse(text)
        } catch {
            throw SchemaError(path: "#", message: "not valid JSON: \(error)")
        }
        return try node(document, path: "#")
    }

    static func node(_ json: JSONValue, path: String) throws(SchemaError) -> SchemaNode {
        guard case .object(let members) = json else { throw SchemaError(path: path, message: "a schema must be an object") }
        for (key, _) in members where !knownKeywords.contains(key) {
            throw SchemaError(path: path, message: "unsupported keyword '\(key)'")
        }
        let (type, nullable) = try typeOf(json, path: path)
        let typeKeywords: [String: Set<String>] = [
            "string": ["enum", "const", "format", "minLength", "maxLength", "pattern"],
            "integer": ["minimum", "maximum"], "number": ["minimum", "maximum"],
            "array": ["items", "minItems", "maxItems", "uniqueItems"],
            "object": ["properties", "required", "additionalProperties"], "boolean": [],
        ]
        let allTyped = typeKeywords.values.reduce(into: Set<String>()) { $0.formUnion($1) }
        for (key, _) in members where allTyped.contains(key) && !(typeKeywords[type]?.contains(key) ?? false) {
            throw SchemaError(path: path, message: "'\(key)' does not apply to type '\(type)'")
        }
        let description = json["description"].flatMap { if case .string(let s) = $0 { s } else { nil } }
        let title = json["title"].flatMap { if case .string(let s) = $0 { s } else { nil } }
        let kind: SchemaNode.Kind
        var text: TextRule?
        switch type {
        case "boolean": kind = .boolean
        case "integer":
            kind = .integer(minimum: try int(json, "minimum", path), maximum: try int(json, "maximum", path))
        case "number":
            kind = .number(
                minimum: try int(json, "minimum", path).map(Double.init),
                maximum: try int(json, "maximum", path).map(Double.init))
        case "string":
            var values: [String]?
            if let list = json["enum"] {
                guard case .array(let items) = list, !items.isEmpty else {
                    throw SchemaError(path: path + "/enum", message: "enum must be a non-empty list of strings")
                }
                values = []
                for item in items {
                    switch item {
                    case .string(let s): values?.append(s)
                    case .null where nullable: continue
                    default: throw SchemaError(path: path + "/enum", message: "enum values must be strings")
                    }
                }
            }
            var isDate = false
            if let format = json["format"] {
                guard format == .string("date") else {
                    throw SchemaError(path: path + "/format", message: "only format \"date\" is supported")
                }
                isDate = true
            }
            var constant: String?
            if let c = json["const"] {
                guard case .string(let s) = c else { throw SchemaError(path: path, message: "const must be a string") }
                constant = s
            }
            if let pattern = json["pattern"] {
                guard case .string(let p) = pattern, let rule = TextRule(pattern: p) else {
                    throw SchemaError(
                        path: path + "/pattern",
                        message: "only the two text patterns are supported: \(TextRule.singleLine.pattern) (one line) and \(TextRule.multiLine.pattern) (several lines)")
                }
                text = rule
            }
            kind = .string(
                values: values, isDate: isDate, minLength: try int(json, "minLength", path).map(Int.init),
                maxLength: try int(json, "maxLength", path).map(Int.init), constant: constant)
        case "array":
            guard let items = json["items"] else { throw SchemaError(path: path, message: "an array needs 'items'") }
            var unique = false
            if case .bool(let u) = json["uniqueItems"] ?? .bool(false) { unique = u }
            kind = .array(
                items: try node(items, path: path + "/items"),
                minItems: try int(json, "minItems", path).map(Int.init),
                maxItems: try int(json, "maxItems", path).map(Int.init), unique: unique)
        case "object":
            guard json["additionalProperties"] == .bool(false) else {
                throw SchemaError(path: path, message: "objects must say \"additionalProperties\": false")
            }
            var names: [String] = []
            var nodes: [SchemaNode] = []
            if case .object(let properties) = json["properties"] ?? .object([]) {
                for (name, schema) in properties {
                    names.append(name)
                    nodes.append(try node(schema, path: path + "/properties/" + name))
                }
            } else {
                throw SchemaError(path: path + "/properties", message: "properties must be an object")
            }
            var required = Set<String>()
            if let list = json["required"] {
                guard case .array(let items) = list else {
                    throw SchemaError(path: path + "/required", message: "required must be a list")
                }
                for item in items {
                    guard case .string(let name) = item else {
                        throw SchemaError(path: path + "/required", message: "required must list property names")
                    }
                    guard names.contains(name) else {
                        throw SchemaError(path: path + "/required", message: "'\(name)' is not a property")
                    }
                    required.insert(name)
                }
            }
            for (name, child) in zip(names, nodes) where !required.contains(name) && child.defaultValue == nil {
                if case .object = child.kind { continue }
                if child.nullable { continue }
                throw SchemaError(
                    path: path + "/properties/" + name, message: "an optional property needs a default")
            }
            kind = .object(SchemaNode.ObjectShape(names: names, nodes: nodes, required: required))
        default:
            throw SchemaError(path: path + "/type", message: "unsupported type '\(type)'")
        }
        let shell = SchemaNode(kind: kind, nullable: nullable, defaultValue: nil, description: description, title: title, text: text)
        var defaultValue: Value?
        if let json = json["default"] {
            defaultValue = try defaultFor(json, node: shell, path: path + "/default")
        }
        return SchemaNode(kind: kind, nullable: nullable, defaultValue: defaultValue, description: description, title: title, text: text)
    }

    private static func typeOf(_ json: JSONValue, path: String) throws(SchemaError) -> (String, Bool) {
        switch json["type"] {
        case .string(let t)?: return (t, false)
        case .array(let types)?:
            let names = types.compactMap { if case .string(let s) = $0 { s } else { nil } }
            let nonNull = names.filter { $0 != "null" }
            guard names.count == types.count, nonNull.count == 1, names.count == 2 else {
                throw SchemaError(path: path + "/type", message: "type must be one type, or one type and \"null\"")
            }
            return (nonNull[0], true)
        default:
            if json["enum"] != nil { return ("string", false) }
            throw SchemaError(path: path, message: "missing 'type'")
        }
    }

    private static func int(_ json: JSONValue, _ key: String, _ path: String) throws(SchemaError) -> Int64? {
        switch json[key] {
        case nil: return nil
        case .int(let i)?: return i
        default: throw SchemaError(path: path + "/" + key, message: "must be an integer")
        }
    }

    /// Checks a `default` against its own schema by decoding it like request data.
    private static func defaultFor(_ json: JSONValue, node: SchemaNode, path: String) throws(SchemaError) -> Value {
        var errors: [RequestError] = []
        var jsonPath = JSONPath()
        let value = RequestDecoder.decode(json, node: node, path: &jsonPath, errors: &errors)
        if let first = errors.first {
            throw SchemaError(path: path, message: "default does not match the schema: \(first)")
        }
        return value
    }
}
