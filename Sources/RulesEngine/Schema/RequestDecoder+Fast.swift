#if canImport(Glibc)
import Glibc
#endif
extension SchemaNode {
    /// UTF-8 bytes of property names or enum values, precomputed for the fast decoder: one block of bytes that
    /// a lookup reads without touching a reference count, and each string as a ready `Value`.
    final class ByteTable: @unchecked Sendable {  // immutable after init; the memory is its own
        let strings: [String]
        /// `.string(strings[i])`: the decoded value, shared by every request.
        let values: [Value]
        let count: Int
        /// The bytes of all strings, one after another; string `i` is `blob[offsets[i]..<offsets[i + 1]]`.
        private let blob: UnsafeMutablePointer<UInt8>
        private let offsets: UnsafeMutablePointer<Int>

        init(_ strings: [String]) {
            self.strings = strings
            values = strings.map(Value.string)
            count = strings.count
            let total = strings.reduce(0) { $0 + $1.utf8.count }
            blob = .allocate(capacity: max(total, 1))
            offsets = .allocate(capacity: strings.count + 1)
            var at = 0
            for (i, string) in strings.enumerated() {
                offsets[i] = at
                for byte in string.utf8 {
                    blob[at] = byte
                    at += 1
                }
            }
            offsets[strings.count] = at
        }

        deinit {
            blob.deallocate()
            offsets.deallocate()
        }

        @inline(__always) func index(of slice: UnsafeBufferPointer<UInt8>, hint: Int = 0) -> Int? {
            if hint < count, matches(hint, slice) { return hint }
            for i in 0..<count where matches(i, slice) { return i }
            return nil
        }

        @inline(__always) private func matches(_ i: Int, _ slice: UnsafeBufferPointer<UInt8>) -> Bool {
            let start = offsets[i]
            let length = offsets[i + 1] - start
            guard length == slice.count else { return false }
            guard length > 0, let other = slice.baseAddress else { return true }
            return blob[start] == other[0] && memcmp(blob + start, other, length) == 0
        }
    }
}

/// The fast path of ``RequestDecoder``: one pass over the bytes, driven by the schema, with no intermediate
/// tree. It only answers "this is the validated request" or "not sure": on anything unusual (an error, an
/// escape in a key, a duplicate key) it returns nil and the caller takes the slow path, which finds and
/// explains every error. Both paths accept exactly the same requests (a test checks this on random input).
struct FastRequestDecoder {
    var reader: JSONReader

    /// Thrown out of a container to leave the fast path (never seen by callers: ``decode(_:depth:)`` returns nil).
    static let abandon = JSONSyntaxError(message: "not the fast path", offset: 0, line: 0, column: 0)

    mutating func decode(_ node: SchemaNode, depth: Int) -> Value? {
        guard let byte = reader.peek() else { return nil }
        if byte == UInt8(ascii: "n") {
            guard node.nullable, case .null? = try? reader.readLiteral() else { return nil }
            return .null
        }
        switch node.kind {
        case .boolean:
            guard byte == UInt8(ascii: "t") || byte == UInt8(ascii: "f"), case .bool(let b)? = try? reader.readLiteral() else { return nil }
            return .bool(b)
        case .integer(let minimum, let maximum):
            guard byte == UInt8(ascii: "-") || (byte >= 48 && byte <= 57), case .int(let i)? = try? reader.readNumber() else { return nil }
            if let minimum, i < minimum { return nil }
            if let maximum, i > maximum { return nil }
            return .int(i)
        case .number(let minimum, let maximum):
            guard byte == UInt8(ascii: "-") || (byte >= 48 && byte <= 57), let n = try? reader.readNumber() else { return nil }
            let d: Double
            switch n {
            case .int(let i): d = Double(i)
            case .double(let v): d = v
            default: return nil
            }
            if let minimum, d < minimum { return nil }
            if let maximum, d > maximum { return nil }
            return .number(d)
        case .string(_, let isDate, let minLength, let maxLength, let constant):
            guard byte == UInt8(ascii: "\"") else { return nil }
            if let table = node.enumTable {
                guard let raw = rawString(), let i = table.index(of: raw) else { return nil }
                if let constant, table.strings[i] != constant { return nil }
                return table.values[i]
            }
            if isDate {
                guard let raw = rawString(), raw.count == 10, let day = Day(isoBytes: raw) else { return nil }
                return .date(day)
            }
            guard let s = try? reader.readString() else { return nil }
            if let constant, s != constant { return nil }
            let bytes = s.utf8.count
            if let minLength, bytes < minLength * 4, s.unicodeScalars.count < minLength { return nil }
            if let maxLength, bytes > maxLength, s.unicodeScalars.count > maxLength { return nil }
            if let rule = node.text, rule.forbidden(in: s) != nil { return nil }
            return .string(s)
        case .array(let items, let minItems, let maxItems, let unique):
            guard byte == UInt8(ascii: "[") else { return nil }
            var values: [Value] = []
            do {
                try reader.readArray(depth: depth + 1) { (r: inout JSONReader) throws(JSONSyntaxError) in
                    var inner = FastRequestDecoder(reader: r)
                    guard let v = inner.decode(items, depth: depth + 1) else { throw Self.abandon }
                    values.append(v)
                    r = inner.reader
                }
            } catch {
                return nil
            }
            if let maxItems, values.count > maxItems { return nil }
            if let minItems, values.count < minItems { return nil }
            if unique, !Value.allDistinct(values) { return nil }
            return .list(values)
        case .object:
            guard byte == UInt8(ascii: "{"), let table = node.propertyTable, let plan = node.objectPlan else { return nil }
            // Absent properties keep the value they have when absent; each present one replaces its own, once.
            var result = plan.absent
            var seen = SeenSet(count: plan.nodes.count)
            var hint = 0
            do {
                try reader.readRawMembers(depth: depth + 1) { (r: inout JSONReader, key: UnsafeBufferPointer<UInt8>?) throws(JSONSyntaxError) in
                    // Anything unusual ends the fast path at once: the thorough one explains it.
                    guard let key, let i = table.index(of: key, hint: hint), seen.insert(i) else { throw Self.abandon }
                    hint = i + 1
                    var inner = FastRequestDecoder(reader: r)
                    guard let v = inner.decode(plan.nodes[i], depth: depth + 1) else { throw Self.abandon }
                    result[i] = v
                    r = inner.reader
                }
            } catch {
                return nil
            }
            for i in plan.required.indices where plan.required[i] && !seen.contains(i) { return nil }
            return .object(result)
        }
    }

    /// The bytes of a string without escapes, or nil (then the slow path decides).
    private mutating func rawString() -> UnsafeBufferPointer<UInt8>? {
        let bytes = reader.bytes
        guard reader.peek() == UInt8(ascii: "\"") else { return nil }
        let start = reader.position + 1
        var i = start
        while i < bytes.count {
            let b = bytes[i]
            if b == UInt8(ascii: "\"") {
                reader.position = i + 1
                return UnsafeBufferPointer(rebasing: bytes[start..<i])
            }
            if b == UInt8(ascii: "\\") || b < 0x20 { return nil }
            i += 1
        }
        return nil
    }
}

extension Day {
    /// Parses `YYYY-MM-DD` from bytes.
    init?(isoBytes b: UnsafeBufferPointer<UInt8>) {
        guard b.count == 10, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-") else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for i in range {
                let digit = Int(b[i]) - 48
                guard (0...9).contains(digit) else { return nil }
                value = value * 10 + digit
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
            (1...12).contains(month), day >= 1, day <= Day.daysIn(month: month, year: year)
        else { return nil }
        self.init(year: year, month: month, day: day)
    }
}

/// Which properties of an object were seen: a bit mask, or flags for an object of more than 64 properties.
private struct SeenSet {
    private var mask: UInt64 = 0
    private var flags: [Bool]

    init(count: Int) {
        flags = count > 64 ? Array(repeating: false, count: count) : []
    }

    /// Marks `i` seen; false if it already was.
    @inline(__always) mutating func insert(_ i: Int) -> Bool {
        if flags.isEmpty {
            let bit: UInt64 = 1 << UInt64(i)
            guard mask & bit == 0 else { return false }
            mask |= bit
            return true
        }
        guard !flags[i] else { return false }
        flags[i] = true
        return true
    }

    @inline(__always) func contains(_ i: Int) -> Bool { flags.isEmpty ? mask & (1 << UInt64(i)) != 0 : flags[i] }
}
