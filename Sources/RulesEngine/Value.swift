/// A calendar date (no time, no zone), stored as days since 1970-01-01.
public struct Day: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var daysSinceEpoch: Int32

    public init(daysSinceEpoch: Int32) {
        self.daysSinceEpoch = daysSinceEpoch
    }

    /// Parses `YYYY-MM-DD`, rejecting impossible dates such as `2026-02-30`.
    public init?(iso text: String) {
        var text = text
        guard let day = text.withUTF8({ Day(isoBytes: $0) }) else { return nil }
        self = day
    }

    public init(year: Int, month: Int, day: Int) {
        // Howard Hinnant's days_from_civil.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        daysSinceEpoch = Int32(era * 146_097 + doe - 719_468)
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    public var components: (year: Int, month: Int, day: Int) {
        let z = Int(daysSinceEpoch) + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    /// `YYYY-MM-DD`.
    public var description: String {
        let (y, m, d) = components
        func pad(_ v: Int, _ width: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))"
    }

    public static func < (lhs: Day, rhs: Day) -> Bool { lhs.daysSinceEpoch < rhs.daysSinceEpoch }
}

/// A value of a decoded request or of an expression.
///
/// Objects are positional: element `i` is the `i`-th property of the object's schema, so a field path compiles
/// to a list of indices and reading a field never hashes a string.
public enum Value: Hashable, Sendable {
    case null
    case bool(Bool)
    case int(Int64)
    case number(Double)
    case string(String)
    case date(Day)
    case list([Value])
    case object([Value])

    @inline(__always) public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    @inline(__always) var boolValue: Bool {
        if case .bool(true) = self { return true }
        return false
    }

    var doubleValue: Double? {
        switch self {
        case .int(let i): Double(i)
        case .number(let d): d
        default: nil
        }
    }
}

extension Value {
    /// Whether no two elements are equal (pairwise for short lists, hashing for long ones).
    static func allDistinct(_ values: [Value]) -> Bool {
        if values.count <= 16 {
            for i in values.indices {
                for j in values.indices where j > i && values[i] == values[j] { return false }
            }
            return true
        }
        return Set(values).count == values.count
    }
}
