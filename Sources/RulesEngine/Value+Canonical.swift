extension Value {
    /// A byte encoding of the value in which two values are equal exactly when their encodings are: a tag byte per
    /// node, fixed-width numbers, length-prefixed strings and lists. Over a decoded ``Request`` (positional, defaults
    /// applied) it identifies the request whatever key order, whitespace or escapes its JSON text used.
    public var canonicalBytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(512)
        encodeCanonical(into: &out)
        return out
    }

    private func encodeCanonical(into out: inout [UInt8]) {
        func integer(_ value: UInt64) {
            for shift in stride(from: 56, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
        }
        switch self {
        case .null: out.append(0)
        case .bool(let b): out.append(b ? 2 : 1)
        case .int(let i):
            out.append(3)
            integer(UInt64(bitPattern: i))
        case .number(let d):
            out.append(4)
            integer((d == 0 ? 0.0 : d).bitPattern)  // -0.0 and 0.0 are the same number
        case .string(let s):
            out.append(5)
            integer(UInt64(s.utf8.count))
            out += s.utf8
        case .date(let day):
            out.append(6)
            integer(UInt64(bitPattern: Int64(day.daysSinceEpoch)))
        case .list(let values):
            out.append(7)
            integer(UInt64(values.count))
            for value in values { value.encodeCanonical(into: &out) }
        case .object(let fields):
            out.append(8)
            integer(UInt64(fields.count))
            for field in fields { field.encodeCanonical(into: &out) }
        }
    }
}
