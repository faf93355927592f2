/// The static type of an expression.
public indirect enum ValueType: Sendable, CustomStringConvertible {
    /// Unknown element type: the `null` literal, or the elements of `[]`.
    case any
    case bool, int, number, string, date
    /// Text restricted to `values` (a schema enum).
    case enumeration([String])
    case list(ValueType)
    /// An object of the request schema.
    case object(SchemaNode)

    public var description: String {
        switch self {
        case .any: "any"
        case .bool: "bool"
        case .int: "int"
        case .number: "number"
        case .string: "string"
        case .date: "date"
        case .enumeration: "enum"
        case .list(let element): "list<\(element)>"
        case .object: "object"
        }
    }

    var isNumeric: Bool {
        switch self {
        case .int, .number: true
        default: false
        }
    }

    var isText: Bool {
        switch self {
        case .string, .enumeration: true
        default: false
        }
    }

    /// Whether values of the two types may be compared with `==`.
    func isComparable(with other: ValueType) -> Bool {
        switch (self, other) {
        case (.any, _), (_, .any): true
        case (.bool, .bool), (.date, .date): true
        case _ where isNumeric && other.isNumeric: true
        case _ where isText && other.isText: true
        case (.list(let a), .list(let b)): a.isComparable(with: b)
        default: false
        }
    }

    init(schema node: SchemaNode) {
        switch node.kind {
        case .boolean: self = .bool
        case .integer: self = .int
        case .number: self = .number
        case .string(let values, let isDate, _, _, _):
            self = isDate ? .date : values.map(ValueType.enumeration) ?? .string
        case .array(let items, _, _, _): self = .list(ValueType(schema: items))
        case .object: self = .object(node)
        }
    }
}

/// A type and whether the value may be `null`.
public struct TypeInfo: Sendable, CustomStringConvertible {
    public var type: ValueType
    public var nullable: Bool

    public init(_ type: ValueType, nullable: Bool = false) {
        self.type = type
        self.nullable = nullable
    }

    public var description: String { nullable ? "\(type)|null" : "\(type)" }
}
