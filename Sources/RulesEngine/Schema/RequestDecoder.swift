/// One reason a request does not match its schema, at a JSON path such as `$.data.special_categories[1]`.
public struct RequestError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A stable error code; callers match on it, never on the message.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let description: String
        public static let invalidJSON = Code(description: "invalid-json")
        public static let unknownField = Code(description: "unknown-field")
        public static let wrongType = Code(description: "wrong-type")
        public static let notInEnum = Code(description: "not-in-enum")
        public static let malformedDate = Code(description: "malformed-date")
        public static let missingField = Code(description: "missing-field")
        public static let outOfRange = Code(description: "out-of-range")
        public static let wrongVersion = Code(description: "wrong-schema-version")
        /// A control character in text (C0 or C1, other than those the field allows).
        public static let controlCharacter = Code(description: "control-character")
    }

    public var code: Code
    public var path: String
    public var message: String

    public var description: String { "\(path): \(message)" }
}

/// The request failed schema validation; `errors` lists every problem found, in document order.
public struct RequestValidationError: Error, Sendable, CustomStringConvertible {
    public var errors: [RequestError]
    public var description: String { errors.map(\.description).joined(separator: "\n") }
}

/// A validated request: the positional ``Value`` tree with all defaults applied.
public struct Request: Sendable {
    public let root: Value
    public let schema: SchemaNode

    /// The value at a top-level property, e.g. `request_id`.
    public func top(_ name: String) -> Value? {
        guard case .object(let shape) = schema.kind, let i = shape.property(named: name),
            case .object(let fields) = root
        else { return nil }
        return fields[i]
    }

    /// The value at a path of property names, e.g. `["requester", "department"]`; nil if the schema has no
    /// such field. A field under a null object is `.null`.
    public func value(at path: [String]) -> Value? {
        var node = schema
        var value = root
        for name in path {
            guard case .object(let shape) = node.kind, let i = shape.property(named: name) else { return nil }
            guard case .object(let fields) = value else { return .null }
            value = fields[i]
            node = shape.nodes[i]
        }
        return value
    }

    /// The request id, or `""` when the schema has none.
    public var requestID: String {
        if case .string(let s)? = top("request_id") { return s }
        return ""
    }
}

/// Validates JSON against a ``SchemaNode`` and builds the positional value tree, applying defaults.
///
/// Nothing is coerced: `false` is never a number, `"true"` never a boolean, `1.0` never an integer field.
public struct RequestDecoder: Sendable {
    public let schema: SchemaNode
    public let limits: JSONLimits

    /// - Parameter limits: what the reader accepts at most; tightened to what the schema can need
    ///   (``JSONLimits/bounded(by:)``), so a body no valid request could be is refused after a bounded amount of
    ///   work, before a tree is built.
    public init(schema: SchemaNode, limits: JSONLimits = JSONLimits()) {
        self.schema = schema
        self.limits = limits.bounded(by: schema)
    }

    /// Decodes and validates a request from JSON text.
    /// - Throws: ``RequestValidationError`` with every problem found (an `invalid-json` error if it is not JSON).
    public func decode(json text: String) throws(RequestValidationError) -> Request {
        var text = text
        let result = text.withUTF8 { bytes in
            Result { () throws(RequestValidationError) -> Request in try decode(bytes: bytes) }
        }
        return try result.get()
    }

    /// Decodes and validates a request from UTF-8 bytes.
    ///
    /// Valid requests take a single schema-directed pass over the bytes; anything else is decoded again the
    /// thorough way, which reports every problem with its JSON path.
    public func decode(bytes: UnsafeBufferPointer<UInt8>) throws(RequestValidationError) -> Request {
        var fast = FastRequestDecoder(reader: JSONReader(bytes: bytes, limits: limits))
        if let root = fast.decode(schema, depth: 0) {
            fast.reader.skipWhitespace()
            if fast.reader.atEnd { return Request(root: root, schema: schema) }
        }
        let document: JSONValue
        do {
            document = try JSONParser(limits: limits).parse(bytes)
        } catch {
            if error.isLimit {
                throw RequestValidationError(errors: [RequestError(code: .invalidJSON, path: "$", message: "\(error) (no valid request comes near this)")])
            }
            throw RequestValidationError(errors: [RequestError(code: .invalidJSON, path: "$", message: "\(error)")])
        }
        return try decode(document)
    }

    /// Validates an already parsed document.
    public func decode(_ document: JSONValue) throws(RequestValidationError) -> Request {
        var errors: [RequestError] = []
        var path = JSONPath()
        let root = Self.decode(document, node: schema, path: &path, errors: &errors)
        guard errors.isEmpty else { throw RequestValidationError(errors: errors) }
        return Request(root: root, schema: schema)
    }

    /// The value of an absent property.
    static func absent(_ node: SchemaNode) -> Value {
        if let value = node.defaultValue { return value }
        if case .object(let shape) = node.kind, !node.nullable {
            return .object(shape.nodes.map(absent))
        }
        return .null
    }

    static func decode(_ json: JSONValue, node: SchemaNode, path: inout JSONPath, errors: inout [RequestError]) -> Value {
        if case .null = json {
            if node.nullable { return .null }
            errors.append(RequestError(code: .wrongType, path: path.description, message: "null is not allowed here (expected \(node.typeName))"))
            return .null
        }
        func wrongType() -> Value {
            errors.append(
                RequestError(
                    code: .wrongType, path: path.description,
                    message: "expected \(node.typeName), found \(json.typeName) \(preview(json))"))
            return .null
        }
        switch node.kind {
        case .boolean:
            guard case .bool(let b) = json else { return wrongType() }
            return .bool(b)
        case .integer(let minimum, let maximum):
            guard case .int(let i) = json else { return wrongType() }
            if let minimum, i < minimum {
                errors.append(RequestError(code: .outOfRange, path: path.description, message: "\(i) is below the minimum \(minimum)"))
            }
            if let maximum, i > maximum {
                errors.append(RequestError(code: .outOfRange, path: path.description, message: "\(i) is above the maximum \(maximum)"))
            }
            return .int(i)
        case .number(let minimum, let maximum):
            let d: Double
            switch json {
            case .int(let i): d = Double(i)
            case .double(let v): d = v
            default: return wrongType()
            }
            if let minimum, d < minimum {
                errors.append(RequestError(code: .outOfRange, path: path.description, message: "\(d) is below the minimum \(minimum)"))
            }
            if let maximum, d > maximum {
                errors.append(RequestError(code: .outOfRange, path: path.description, message: "\(d) is above the maximum \(maximum)"))
            }
            return .number(d)
        case .string(let values, let isDate, let minLength, let maxLength, let constant):
            guard case .string(let s) = json else { return wrongType() }
            if let constant, s != constant {
                let code: RequestError.Code = path.description == "$.schema_version" ? .wrongVersion : .notInEnum
                errors.append(RequestError(code: code, path: path.description, message: "\"\(s)\" must be \"\(constant)\""))
            }
            if let values, !values.contains(s) {
                var message = "\"\(s)\" is not one of \(values.map { "\"\($0)\"" }.joined(separator: ", "))"
                if let near = Spelling.nearest(to: s, in: values) { message += " — did you mean \"\(near)\"?" }
                errors.append(RequestError(code: .notInEnum, path: path.description, message: message))
                return .string(s)
            }
            // Unicode scalars, as JSON Schema counts; count them only when the byte length leaves doubt.
            let bytes = s.utf8.count
            if let minLength, bytes < minLength * 4, s.unicodeScalars.count < minLength {
                errors.append(RequestError(code: .outOfRange, path: path.description, message: "text shorter than \(minLength) characters"))
            }
            if let maxLength, bytes > maxLength, s.unicodeScalars.count > maxLength {
                errors.append(RequestError(code: .outOfRange, path: path.description, message: "text longer than \(maxLength) characters"))
            }
            if let rule = node.text, let bad = rule.forbidden(in: s) {
                let allowed = rule == .multiLine ? "tab and line breaks" : "tab"
                errors.append(RequestError(code: .controlCharacter, path: path.description, message: "text contains the control character U+\(String(bad.value, radix: 16, uppercase: true).leftPadded(4)); only \(allowed) may appear here"))
            }
            if isDate {
                guard let day = Day(iso: s) else {
                    errors.append(RequestError(code: .malformedDate, path: path.description, message: "\"\(s)\" is not a date (YYYY-MM-DD)"))
                    return .null
                }
                return .date(day)
            }
            return .string(s)
        case .array(let items, let minItems, let maxItems, let unique):
            guard case .array(let elements) = json else { return wrongType() }
            if let maxItems, elements.count > maxItems {
                errors.append(RequestError(code: .outOfRange, path: path.description, message: "more than \(maxItems) elements"))
                return .list([])
            }
            if let minItems, elements.count < minItems {
                errors.append(RequestError(code: .outOfRange, path: path.description, message: "fewer than \(minItems) elements"))
            }
            var values: [Value] = []
            values.reserveCapacity(elements.count)
            let errorsBefore = errors.count
            for (i, element) in elements.enumerated() {
                path.components.append(.index(i))
                values.append(decode(element, node: items, path: &path, errors: &errors))
                path.components.removeLast()
            }
            if unique, errors.count == errorsBefore, !Value.allDistinct(values) {
                errors.append(RequestError(code: .outOfRange, path: path.description, message: "elements must be unique"))
            }
            return .list(values)
        case .object(let shape):
            guard case .object(let members) = json else { return wrongType() }
            var fields: [Value?] = Array(repeating: nil, count: shape.names.count)
            var hint = 0
            for (key, value) in members {
                // Members usually come in schema order: try the next property before hashing.
                let i: Int
                if hint < shape.names.count, shape.names[hint] == key {
                    i = hint
                } else if let found = shape.property(named: key) {
                    i = found
                } else {
                    path.components.append(.key(key))
                    defer { path.components.removeLast() }
                    var message = "unknown field '\(key)'"
                    if let near = Spelling.nearest(to: key, in: shape.names) { message += " — did you mean '\(near)'?" }
                    errors.append(RequestError(code: .unknownField, path: path.description, message: message))
                    continue
                }
                hint = i + 1
                path.components.append(.key(key))
                fields[i] = decode(value, node: shape.nodes[i], path: &path, errors: &errors)
                path.components.removeLast()
            }
            var result: [Value] = []
            result.reserveCapacity(fields.count)
            for (i, field) in fields.enumerated() {
                if let field {
                    result.append(field)
                } else {
                    let name = shape.names[i]
                    if shape.required.contains(name) {
                        path.components.append(.key(name))
                        errors.append(RequestError(code: .missingField, path: path.description, message: "required field is missing"))
                        path.components.removeLast()
                    }
                    result.append(absent(shape.nodes[i]))
                }
            }
            return .object(result)
        }
    }

    private static func preview(_ json: JSONValue) -> String {
        switch json {
        case .string(let s): "\"\(s.prefix(40))\""
        case .bool(let b): "\(b)"
        case .int(let i): "\(i)"
        case .double(let d): "\(d)"
        default: ""
        }
    }
}

/// "Did you mean …?" suggestions by edit distance.
public enum Spelling {
    /// The candidate closest to `word`, if it is close enough to be a plausible typo.
    public static func nearest(to word: String, in candidates: some Sequence<String>) -> String? {
        var best: (String, Int)?
        let limit = max(2, word.count / 3)
        for candidate in candidates {
            let d = distance(word, candidate)
            if d <= limit, d < (best?.1 ?? .max) { best = (candidate, d) }
        }
        return best?.0
    }

    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a.lowercased().unicodeScalars)
        let b = Array(b.lowercased().unicodeScalars)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = Array(repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}


/// A JSON path such as `$.data.special_categories[1]`, kept as a stack while decoding and only turned into
/// text for an error message.
struct JSONPath: CustomStringConvertible {
    enum Component {
        case key(String)
        case index(Int)
    }

    var components: [Component] = []

    init() {
        components.reserveCapacity(8)
    }

    var description: String {
        var text = "$"
        for component in components {
            switch component {
            case .key(let key): text += "." + key
            case .index(let i): text += "[\(i)]"
            }
        }
        return text
    }
}

extension String {
    /// The string with leading zeros up to `width` characters.
    func leftPadded(_ width: Int) -> String { count >= width ? self : String(repeating: "0", count: width - count) + self }
}
