/// Generates varied, schema-valid requests for benchmarks: every field drawn from its schema with a seeded
/// generator, so the same seed always gives the same corpus. Used by `aiscreen bench` and by the tests that
/// check decisive evidence and next steps on a generated corpus.
public struct CorpusGenerator {
    private var state: UInt64

    public init(seed: UInt64) {
        state = seed
    }

    /// SplitMix64.
    private mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    private mutating func chance(_ p: Double) -> Bool { Double(next() % 10_000) / 10_000 < p }
    private mutating func pick<T>(_ items: [T]) -> T { items[Int(next() % UInt64(items.count))] }

    /// Request number `index`, as JSON.
    public mutating func request(_ schema: SchemaNode, index: Int) -> JSONValue {
        guard case .object(var members) = value(schema, name: "") else { return .null }
        for (i, member) in members.enumerated() {
            switch member.0 {
            case "schema_version": members[i].1 = .string("1.0")
            case "request_id": members[i].1 = .string("bench-\(index)")
            case "screening_date": members[i].1 = .string(pick(["2026-11-27", "2027-03-01", "2028-01-15"]))
            default: break
            }
        }
        return .object(members)
    }

    private mutating func value(_ node: SchemaNode, name: String) -> JSONValue {
        if node.nullable, chance(0.4) { return .null }
        switch node.kind {
        case .boolean: return .bool(chance(0.3))
        case .integer(let minimum, let maximum):
            let low = minimum ?? 0
            let high = min(maximum ?? 2_000, low + 2_000)
            return .int(low + Int64(next() % UInt64(high - low + 1)))
        case .number: return .double(Double(next() % 1000) / 10)
        case .string(let values, let isDate, _, let maxLength, let constant):
            if let constant { return .string(constant) }
            if let values { return .string(pick(values)) }
            if isDate { return .string(pick(["2026-06-01", "2026-12-15", "2027-09-01", "2028-10-01"])) }
            if let maxLength, maxLength <= 3 { return .string(pick(["DK", "US", "DE", "IN", "SE"])) }
            return .string(pick(["Aarhus Kommune", "Borgerservice", "Nordic Analytics ApS", "6(1)(e)", "Assistant"]))
        case .array(let items, _, let maxItems, let unique):
            let count = Int(next() % UInt64(min(maxItems ?? 4, 4) + 1))
            var elements: [JSONValue] = []
            for _ in 0..<count {
                let element = value(items, name: name)
                if unique, elements.contains(element) { continue }
                if case .null = element { continue }
                elements.append(element)
            }
            return .array(elements)
        case .object(let shape):
            return .object(zip(shape.names, shape.nodes).map { ($0, value($1, name: $0)) })
        }
    }
}
