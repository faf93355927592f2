/// Writes JSON deterministically: keys in the order given, no whitespace, shortest round-trip numbers.
/// The same value always gives the same bytes (a journal stores and compares them).
public struct JSONWriter {
    public private(set) var output: String = ""

    public init() {
        output.reserveCapacity(1024)
    }

    /// The JSON text of `value` on one line.
    public static func string(_ value: JSONValue) -> String {
        var writer = JSONWriter()
        writer.write(value)
        return writer.output
    }

    public mutating func write(_ value: JSONValue) {
        switch value {
        case .null: output += "null"
        case .bool(let b): output += b ? "true" : "false"
        case .int(let i): output += String(i)
        case .double(let d): writeDouble(d)
        case .string(let s): writeString(s)
        case .array(let elements):
            output += "["
            for (i, element) in elements.enumerated() {
                if i > 0 { output += "," }
                write(element)
            }
            output += "]"
        case .object(let members):
            output += "{"
            for (i, (key, element)) in members.enumerated() {
                if i > 0 { output += "," }
                writeString(key)
                output += ":"
                write(element)
            }
            output += "}"
        }
    }

    private mutating func writeDouble(_ d: Double) {
        if d.isFinite, d == d.rounded(), abs(d) < 1e15 {
            output += String(Int64(d))
        } else if d.isFinite {
            output += "\(d)"
        } else {
            output += "null"
        }
    }

    public mutating func writeString(_ s: String) {
        output += "\""
        var needsEscape = false
        for byte in s.utf8 where byte < 0x20 || byte == 0x22 || byte == 0x5C {
            needsEscape = true
            break
        }
        if !needsEscape {
            output += s
            output += "\""
            return
        }
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: output.unicodeScalars.append(scalar)
            }
        }
        output += "\""
    }
}
