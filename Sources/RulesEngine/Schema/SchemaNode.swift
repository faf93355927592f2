/// One node of a request schema: what a JSON value at this place must look like, and its default.
///
/// Built once from a JSON Schema file by ``SchemaLoader``; shared, immutable.
public final class SchemaNode: Sendable {
    public enum Kind: Sendable {
        case boolean
        case integer(minimum: Int64?, maximum: Int64?)
        case number(minimum: Double?, maximum: Double?)
        /// `values` is non-nil for an enum; `isDate` for `format: date`.
        case string(values: [String]?, isDate: Bool, minLength: Int?, maxLength: Int?, constant: String?)
        case array(items: SchemaNode, minItems: Int?, maxItems: Int?, unique: Bool)
        case object(ObjectShape)
    }

    /// The properties of an object, in declaration order.
    public struct ObjectShape: Sendable {
        public let names: [String]
        public let nodes: [SchemaNode]
        public let required: Set<String>
        let index: [String: Int]

        init(names: [String], nodes: [SchemaNode], required: Set<String>) {
            self.names = names
            self.nodes = nodes
            self.required = required
            var index: [String: Int] = [:]
            for (i, name) in names.enumerated() { index[name] = i }
            self.index = index
        }

        public func property(named name: String) -> Int? { index[name] }
    }

    public let kind: Kind
    /// Whether `null` is allowed.
    public let nullable: Bool
    /// The value used when the property is absent; `nil` means "required or no default" (then `null`).
    public let defaultValue: Value?
    public let description: String?
    /// The schema's `title`: a short label for people (Danish in the shipped schema; ``FieldLabels`` in Reports
    /// shows it in place of the field path).
    public let title: String?
    /// For a free-text string: which control characters it allows (its `pattern`); nil allows all.
    public let text: TextRule?
    /// Byte tables for the fast decoder.
    let propertyTable: ByteTable?
    let enumTable: ByteTable?
    /// An object's properties as the fast decoder needs them (nil for other kinds).
    let objectPlan: ObjectPlan?

    /// Per property of an object: its node, whether it is required, and the value it has when absent
    /// (``RequestDecoder/absent(_:)``), worked out once instead of for every request.
    struct ObjectPlan: Sendable {
        let nodes: [SchemaNode]
        let required: [Bool]
        let absent: [Value]
    }

    init(kind: Kind, nullable: Bool, defaultValue: Value?, description: String?, title: String? = nil, text: TextRule? = nil) {
        self.title = title
        self.kind = kind
        self.text = text
        self.nullable = nullable
        self.defaultValue = defaultValue
        self.description = description
        switch kind {
        case .object(let shape):
            propertyTable = ByteTable(shape.names)
            enumTable = nil
            objectPlan = ObjectPlan(
                nodes: shape.nodes, required: shape.names.map { shape.required.contains($0) }, absent: shape.nodes.map(RequestDecoder.absent))
        case .string(let values?, _, _, _, _):
            propertyTable = nil
            enumTable = ByteTable(values)
            objectPlan = nil
        default:
            propertyTable = nil
            enumTable = nil
            objectPlan = nil
        }
    }

    /// A short type name for messages: `boolean`, `string|null`, `enum`, `list of string`, …
    public var typeName: String {
        let base: String
        switch kind {
        case .boolean: base = "boolean"
        case .integer: base = "integer"
        case .number: base = "number"
        case .string(let values, let isDate, _, _, _): base = values != nil ? "enum" : isDate ? "date" : "string"
        case .array(let items, _, _, _): base = "list of \(items.typeName)"
        case .object: base = "object"
        }
        return nullable ? base + "|null" : base
    }
}
