/// Writes JSON deterministically: keys in the order given, no whitespace, shortest round-trip numbers.
/// The same value always gives the same bytes (a journal stores and compares them).
///
/// It writes UTF-8 bytes into one growing buffer: verdicts run to tens of kilobytes and are written on every
/// hop, so this is on the hot path of the broker and the workers.
public struct JSONWriter {
    /// The bytes written so far.
    public private(set) var bytes: [UInt8] = []

    public init() {
        bytes.reserveCapacity(1024)
    }

    /// A writer with room for `capacity` bytes before it has to grow (and copy what it wrote).
    public init(capacity: Int) {
        bytes.reserveCapacity(capacity)
    }

    /// The text written so far.
    public var output: String { String(decoding: bytes, as: UTF8.self) }

    /// The JSON text of `value` on one line.
    public static func string(_ value: JSONValue) -> String {
        String(decoding: bytes(value), as: UTF8.self)
    }

    /// The JSON of `value` on one line, as UTF-8 bytes (the same bytes as ``string(_:)``).
    public static func bytes(_ value: JSONValue) -> [UInt8] {
        var writer = JSONWriter()
        writer.write(value)
        return writer.bytes
    }

    public mutating func write(_ value: JSONValue) {
        switch value {
        case .null: append("null")
        case .bool(let b): append(b ? "true" : "false")
        case .int(let i): append(String(i))
        case .double(let d): writeDouble(d)
        case .string(let s): writeString(s)
        case .array(let elements):
            bytes.append(UInt8(ascii: "["))
            for (i, element) in elements.enumerated() {
                if i > 0 { bytes.append(UInt8(ascii: ",")) }
                write(element)
            }
            bytes.append(UInt8(ascii: "]"))
        case .object(let members):
            bytes.append(UInt8(ascii: "{"))
            for (i, (key, element)) in members.enumerated() {
                if i > 0 { bytes.append(UInt8(ascii: ",")) }
                writeString(key)
                bytes.append(UInt8(ascii: ":"))
                write(element)
            }
            bytes.append(UInt8(ascii: "}"))
        }
    }

    /// Appends JSON text that is already valid, such as a value rendered earlier.
    public mutating func writeRaw(_ json: some Collection<UInt8>) {
        bytes.append(contentsOf: json)
    }

    private mutating func append(_ text: String) {
        var text = text
        text.withUTF8 { bytes.append(contentsOf: $0) }
    }

    private mutating func writeDouble(_ d: Double) {
        if d.isFinite, d == d.rounded(), abs(d) < 1e15 {
            append(String(Int64(d)))
        } else if d.isFinite {
            append("\(d)")
        } else {
            append("null")
        }
    }

    public mutating func writeString(_ s: String) {
        var s = s
        s.withUTF8 { utf8 in
            bytes.append(UInt8(ascii: "\""))
            var clean = utf8.startIndex
            var index = ByteScanning.firstSpecialInString(utf8, from: 0, to: utf8.count)
            while index < utf8.count {
                let byte = utf8[index]
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[clean..<index]))
                clean = index + 1
                switch byte {
                case 0x22: append("\\\"")
                case 0x5C: append("\\\\")
                case 0x0A: append("\\n")
                case 0x0D: append("\\r")
                case 0x09: append("\\t")
                default:
                    let hex = String(byte, radix: 16)
                    append("\\u" + String(repeating: "0", count: 4 - hex.count) + hex)
                }
                index = ByteScanning.firstSpecialInString(utf8, from: index + 1, to: utf8.count)
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[clean...]))
            bytes.append(UInt8(ascii: "\""))
        }
    }
}
