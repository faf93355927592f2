/// Limits that keep hostile JSON from costing unbounded time or memory.
public struct JSONLimits: Hashable, Sendable {
    /// Deepest nesting of arrays and objects.
    public var maxDepth: Int
    /// Longest string, in UTF-8 bytes.
    public var maxStringLength: Int
    /// Most elements in one array or members in one object.
    public var maxContainerCount: Int
    /// Most values in the whole document (every element and member counts): the total work one document may
    /// cost, however its values are nested or spread.
    public var maxValues: Int

    public init(maxDepth: Int = 32, maxStringLength: Int = 65_536, maxContainerCount: Int = 10_000, maxValues: Int = 100_000) {
        self.maxDepth = maxDepth
        self.maxStringLength = maxStringLength
        self.maxContainerCount = maxContainerCount
        self.maxValues = maxValues
    }
}

/// Why a text is not acceptable JSON, with the byte offset, line and column where parsing stopped.
public struct JSONSyntaxError: Error, Hashable, Sendable, CustomStringConvertible {
    public var message: String
    public var offset: Int
    public var line: Int
    public var column: Int
    /// The text may be valid JSON, but it passes one of the ``JSONLimits`` (depth, string length, count, values).
    public var isLimit = false

    public var description: String { "line \(line), column \(column): \(message)" }
}

/// A strict RFC 8259 JSON parser over UTF-8 bytes: no comments, no trailing commas, no duplicate keys,
/// no NaN, and every limit in ``JSONLimits`` enforced.
public struct JSONParser {
    public var limits: JSONLimits

    public init(limits: JSONLimits = JSONLimits()) {
        self.limits = limits
    }

    /// Parses one JSON document.
    /// - Throws: ``JSONSyntaxError`` naming the position of the first problem.
    public func parse(_ text: String) throws(JSONSyntaxError) -> JSONValue {
        try parse(Array(text.utf8))
    }

    /// Parses one JSON document from UTF-8 bytes.
    public func parse(_ bytes: [UInt8]) throws(JSONSyntaxError) -> JSONValue {
        try bytes.withUnsafeBufferPointer { buffer throws(JSONSyntaxError) in try parse(buffer) }
    }

    /// Parses one JSON document from UTF-8 bytes.
    public func parse(_ bytes: UnsafeBufferPointer<UInt8>) throws(JSONSyntaxError) -> JSONValue {
        var reader = JSONReader(bytes: bytes, limits: limits)
        let value = try reader.readValue(depth: 0)
        reader.skipWhitespace()
        guard reader.atEnd else { throw reader.error("unexpected text after the JSON value") }
        return value
    }
}

/// A cursor over JSON text. Shared by ``JSONParser`` and the schema-directed request decoder.
struct JSONReader {
    let bytes: UnsafeBufferPointer<UInt8>
    let limits: JSONLimits
    var position = 0
    /// Elements and members read so far (``JSONLimits/maxValues``).
    var values = 0
    /// Set by a reader that passes text on unchanged: it then also checks that the text is in exactly the form
    /// ``JSONWriter`` gives (no whitespace between tokens, the writer's escapes, numbers as the writer writes
    /// them) and clears ``isWriterForm`` where it is not. Parsing itself is the same either way.
    var checksWriterForm = false
    /// Whether everything read so far is in the writer's form (meaningful only with ``checksWriterForm``).
    var isWriterForm = true

    init(bytes: UnsafeBufferPointer<UInt8>, limits: JSONLimits) {
        self.bytes = bytes
        self.limits = limits
    }

    var atEnd: Bool { position >= bytes.count }

    /// The string whose UTF-8 is exactly `raw`, or nil when `raw` is not valid UTF-8.
    ///
    /// `String(decoding:as:)` is the library's fast, specialised path, but it repairs invalid UTF-8 with U+FFFD;
    /// a repair always changes the bytes, so the input was valid exactly when the result has the same bytes.
    /// (`String(validating:as:)` gives the same answer, but through generic code that was the parser's hot spot.)
    static func validatedString(_ raw: UnsafeBufferPointer<UInt8>) -> String? {
        var string = String(decoding: raw, as: UTF8.self)
        if isASCII(raw) { return string }  // ASCII is valid UTF-8 as it is
        let same = string.withUTF8 { decoded in sameBytes(decoded, raw) }
        return same ? string : nil
    }

    /// Whether every byte is below 0x80, eight at a time.
    @inline(__always) static func isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        let raw = UnsafeRawPointer(base)
        var i = 0
        while i + 8 <= bytes.count {
            if raw.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 != 0 { return false }
            i += 8
        }
        while i < bytes.count {
            if bytes[i] >= 0x80 { return false }
            i += 1
        }
        return true
    }

    /// Whether two buffers hold the same bytes, eight at a time.
    @inline(__always) static func sameBytes(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard a.count == b.count else { return false }
        guard let pa = a.baseAddress, let pb = b.baseAddress else { return true }
        let ra = UnsafeRawPointer(pa), rb = UnsafeRawPointer(pb)
        var i = 0
        while i + 8 <= a.count {
            if ra.loadUnaligned(fromByteOffset: i, as: UInt64.self) != rb.loadUnaligned(fromByteOffset: i, as: UInt64.self) { return false }
            i += 8
        }
        while i < a.count {
            if pa[i] != pb[i] { return false }
            i += 1
        }
        return true
    }

    func error(_ message: String, at offset: Int? = nil) -> JSONSyntaxError {
        let end = min(offset ?? position, bytes.count)
        var line = 1
        var column = 1
        var i = 0
        while i < end {
            if bytes[i] == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else if bytes[i] & 0xC0 != 0x80 {
                column += 1
            }
            i += 1
        }
        return JSONSyntaxError(message: message, offset: end, line: line, column: column)
    }

    /// An error for a passed limit.
    func limitError(_ message: String, at offset: Int? = nil) -> JSONSyntaxError {
        var failure = error(message, at: offset)
        failure.isLimit = true
        return failure
    }

    @inline(__always) mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x0A, 0x0D, 0x09:
                isWriterForm = false  // the writer puts no whitespace between tokens
                position += 1
            default: return
            }
        }
    }

    /// The next non-blank byte, without consuming it.
    @inline(__always) mutating func peek() -> UInt8? {
        skipWhitespace()
        return position < bytes.count ? bytes[position] : nil
    }

    mutating func expect(_ byte: UInt8, _ what: String) throws(JSONSyntaxError) {
        guard peek() == byte else { throw error("expected \(what)") }
        position += 1
    }

    mutating func readValue(depth: Int) throws(JSONSyntaxError) -> JSONValue {
        guard let byte = peek() else { throw error("unexpected end of JSON text") }
        switch byte {
        case UInt8(ascii: "{"):
            return .object(try readObject(depth: depth + 1))
        case UInt8(ascii: "["):
            var elements: [JSONValue] = []
            try readArray(depth: depth + 1) { (reader: inout JSONReader) throws(JSONSyntaxError) in
                elements.append(try reader.readValue(depth: depth + 1))
            }
            return .array(elements)
        case UInt8(ascii: "\""):
            return .string(try readString())
        case UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"):
            return try readLiteral()
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return try readNumber()
        default:
            throw error("unexpected character '\(Unicode.Scalar(byte))'")
        }
    }

    mutating func readObject(depth: Int) throws(JSONSyntaxError) -> [(String, JSONValue)] {
        var members: [(String, JSONValue)] = []
        var seen: Set<String>?  // only for large objects; small ones are scanned
        try readMembers(depth: depth) { (reader: inout JSONReader, key: String, keyOffset: Int) throws(JSONSyntaxError) in
            let duplicate: Bool
            if members.count < 24 {
                duplicate = members.contains { $0.0 == key }
            } else {
                if seen == nil { seen = Set(members.map(\.0)) }
                duplicate = !(seen?.insert(key).inserted ?? true)
            }
            guard !duplicate else { throw reader.error("duplicate key \"\(key)\"", at: keyOffset) }
            members.append((key, try reader.readValue(depth: depth)))
        }
        return members
    }

    /// Reads `{ "key": value, … }`, calling `member` with the reader positioned at each value.
    mutating func readMembers(
        depth: Int,
        _ member: (inout JSONReader, String, Int) throws(JSONSyntaxError) -> Void
    ) throws(JSONSyntaxError) {
        try readMemberKeys(depth: depth) { (reader: inout JSONReader, offset: Int, raw: UnsafeBufferPointer<UInt8>?, escaped: String?) throws(JSONSyntaxError) in
            var key = escaped ?? ""
            if let raw {
                guard let valid = JSONReader.validatedString(raw) else { throw reader.error("string is not valid UTF-8", at: offset) }
                key = valid
            }
            try member(&reader, key, offset)
        }
    }

    /// Reads `{ "key": value, … }`, calling `member` with each key's raw bytes (nil when the key has escapes, and
    /// the reader positioned at the value.
    mutating func readRawMembers(
        depth: Int,
        _ member: (inout JSONReader, UnsafeBufferPointer<UInt8>?) throws(JSONSyntaxError) -> Void
    ) throws(JSONSyntaxError) {
        try readMemberKeys(depth: depth) { (reader: inout JSONReader, _: Int, raw: UnsafeBufferPointer<UInt8>?, _: String?) throws(JSONSyntaxError) in
            try member(&reader, raw)
        }
    }

    /// The one object loop: limits, key scanning, separators. A key without escapes is handed over as its raw
    /// bytes (no copy); one with escapes is decoded.
    mutating func readMemberKeys(
        depth: Int,
        _ member: (inout JSONReader, Int, UnsafeBufferPointer<UInt8>?, String?) throws(JSONSyntaxError) -> Void
    ) throws(JSONSyntaxError) {
        guard depth <= limits.maxDepth else { throw limitError("nesting deeper than \(limits.maxDepth) levels") }
        try expect(UInt8(ascii: "{"), "'{'")
        if peek() == UInt8(ascii: "}") {
            position += 1
            return
        }
        var count = 0
        while true {
            guard peek() == UInt8(ascii: "\"") else { throw error("expected a quoted object key") }
            let keyOffset = position
            let start = position + 1
            var i = start
            while i < bytes.count, bytes[i] != UInt8(ascii: "\""), bytes[i] != UInt8(ascii: "\\"), bytes[i] >= 0x20 { i += 1 }
            var raw: UnsafeBufferPointer<UInt8>?
            var escaped: String?
            if i < bytes.count, bytes[i] == UInt8(ascii: "\"") {
                guard i - start <= limits.maxStringLength else {
                    throw limitError("string longer than \(limits.maxStringLength) bytes", at: start)
                }
                raw = UnsafeBufferPointer(rebasing: bytes[start..<i])
                position = i + 1
            } else {
                escaped = try readString()
            }
            try expect(UInt8(ascii: ":"), "':' after object key")
            count += 1
            values += 1
            guard count <= limits.maxContainerCount else {
                throw limitError("object has more than \(limits.maxContainerCount) members")
            }
            guard values <= limits.maxValues else { throw limitError("more than \(limits.maxValues) values in the document") }
            try member(&self, keyOffset, raw, escaped)
            guard let next = peek() else { throw error("unexpected end of JSON text in object") }
            position += 1
            if next == UInt8(ascii: "}") { return }
            guard next == UInt8(ascii: ",") else { throw error("expected ',' or '}' in object", at: position - 1) }
        }
    }

    /// Reads `[ value, … ]`, calling `element` with the reader positioned at each element.
    mutating func readArray(
        depth: Int,
        _ element: (inout JSONReader) throws(JSONSyntaxError) -> Void
    ) throws(JSONSyntaxError) {
        guard depth <= limits.maxDepth else { throw limitError("nesting deeper than \(limits.maxDepth) levels") }
        try expect(UInt8(ascii: "["), "'['")
        if peek() == UInt8(ascii: "]") {
            position += 1
            return
        }
        var count = 0
        while true {
            count += 1
            values += 1
            guard count <= limits.maxContainerCount else {
                throw limitError("array has more than \(limits.maxContainerCount) elements")
            }
            guard values <= limits.maxValues else { throw limitError("more than \(limits.maxValues) values in the document") }
            try element(&self)
            guard let next = peek() else { throw error("unexpected end of JSON text in array") }
            position += 1
            if next == UInt8(ascii: "]") { return }
            guard next == UInt8(ascii: ",") else { throw error("expected ',' or ']' in array", at: position - 1) }
        }
    }

    mutating func readLiteral() throws(JSONSyntaxError) -> JSONValue {
        if matches("true") { return .bool(true) }
        if matches("false") { return .bool(false) }
        if matches("null") { return .null }
        throw error("unknown literal (JSON has only true, false and null)")
    }

    private mutating func matches(_ word: StaticString) -> Bool {
        let count = word.utf8CodeUnitCount
        guard position + count <= bytes.count else { return false }
        let start = word.utf8Start
        for i in 0..<count where bytes[position + i] != start[i] { return false }
        position += count
        return true
    }

    mutating func readNumber() throws(JSONSyntaxError) -> JSONValue {
        let start = position
        var isInteger = true
        if bytes[position] == UInt8(ascii: "-") { position += 1 }
        guard position < bytes.count, isDigit(bytes[position]) else { throw error("malformed number") }
        if bytes[position] == UInt8(ascii: "0") {
            position += 1
            if position < bytes.count, isDigit(bytes[position]) { throw error("numbers may not have leading zeros") }
        } else {
            while position < bytes.count, isDigit(bytes[position]) { position += 1 }
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            isInteger = false
            position += 1
            guard position < bytes.count, isDigit(bytes[position]) else { throw error("malformed number") }
            while position < bytes.count, isDigit(bytes[position]) { position += 1 }
        }
        if position < bytes.count, bytes[position] | 0x20 == UInt8(ascii: "e") {
            isInteger = false
            position += 1
            if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") {
                position += 1
            }
            guard position < bytes.count, isDigit(bytes[position]) else { throw error("malformed number") }
            while position < bytes.count, isDigit(bytes[position]) { position += 1 }
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
        let value: JSONValue
        if isInteger, let integer = Int64(text) {
            value = .int(integer)
        } else {
            guard let double = Double(text), double.isFinite else { throw error("number out of range", at: start) }
            value = .double(double)
        }
        if checksWriterForm, isWriterForm {
            var writer = JSONWriter(capacity: 32)
            writer.write(value)
            if !writer.bytes.elementsEqual(UnsafeBufferPointer(rebasing: bytes[start..<position])) { isWriterForm = false }
        }
        return value
    }

    @inline(__always) private func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    mutating func readString() throws(JSONSyntaxError) -> String {
        try expect(UInt8(ascii: "\""), "'\"'")
        let start = position
        // Fast path: no escapes.
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                let length = position - start
                guard length <= limits.maxStringLength else {
                    throw limitError("string longer than \(limits.maxStringLength) bytes", at: start)
                }
                let slice = UnsafeBufferPointer(rebasing: bytes[start..<position])
                position += 1
                guard let string = JSONReader.validatedString(slice) else {
                    throw error("string is not valid UTF-8", at: start)
                }
                return string
            }
            if byte == UInt8(ascii: "\\") { break }
            if byte < 0x20 { throw error("control character in string") }
            position += 1
        }
        return try readEscapedString(from: start)
    }

    private mutating func readEscapedString(from start: Int) throws(JSONSyntaxError) -> String {
        var buffer = Array(UnsafeBufferPointer(rebasing: bytes[start..<position]))
        while position < bytes.count {
            let byte = bytes[position]
            position += 1
            switch byte {
            case UInt8(ascii: "\""):
                guard buffer.count <= limits.maxStringLength else {
                    throw limitError("string longer than \(limits.maxStringLength) bytes", at: start)
                }
                guard let string = buffer.withUnsafeBufferPointer(JSONReader.validatedString) else {
                    throw error("string is not valid UTF-8", at: start)
                }
                return string
            case UInt8(ascii: "\\"):
                guard position < bytes.count else { break }
                let escape = bytes[position]
                position += 1
                switch escape {
                case UInt8(ascii: "\""): buffer.append(0x22)
                case UInt8(ascii: "\\"): buffer.append(0x5C)
                case UInt8(ascii: "/"):
                    isWriterForm = false  // the writer writes '/', U+0008 and U+000C as they are or as \u00XX
                    buffer.append(0x2F)
                case UInt8(ascii: "b"):
                    isWriterForm = false
                    buffer.append(0x08)
                case UInt8(ascii: "f"):
                    isWriterForm = false
                    buffer.append(0x0C)
                case UInt8(ascii: "n"): buffer.append(0x0A)
                case UInt8(ascii: "r"): buffer.append(0x0D)
                case UInt8(ascii: "t"): buffer.append(0x09)
                case UInt8(ascii: "u"):
                    let digits = position
                    var scalar = try readHex4()
                    if checksWriterForm { isWriterForm = isWriterForm && Self.isWriterEscape(scalar, UnsafeBufferPointer(rebasing: bytes[digits..<position])) }
                    if (0xD800...0xDBFF).contains(scalar) {
                        guard matchesEscapeU() else { throw error("unpaired UTF-16 surrogate in string") }
                        let low = try readHex4()
                        guard (0xDC00...0xDFFF).contains(low) else { throw error("unpaired UTF-16 surrogate") }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else if (0xDC00...0xDFFF).contains(scalar) {
                        throw error("unpaired UTF-16 surrogate in string")
                    }
                    guard let unicode = Unicode.Scalar(scalar) else { throw error("invalid \\u escape") }
                    buffer.append(contentsOf: Array(String(Character(unicode)).utf8))
                default:
                    throw error("invalid escape '\\\(Unicode.Scalar(escape))' in string", at: position - 2)
                }
            default:
                if byte < 0x20 { throw error("control character in string", at: position - 1) }
                buffer.append(byte)
            }
        }
        throw error("unterminated string", at: start - 1)
    }

    /// Whether `\u` followed by `digits` is how ``JSONWriter/writeString(_:)`` writes `scalar`: only for a control
    /// character other than LF, CR and TAB (which it writes `\n`, `\r`, `\t`), in lower-case hex.
    private static func isWriterEscape(_ scalar: UInt32, _ digits: UnsafeBufferPointer<UInt8>) -> Bool {
        guard scalar < 0x20, scalar != 0x0A, scalar != 0x0D, scalar != 0x09 else { return false }
        let hex = Array(("000" + String(scalar, radix: 16)).suffix(4).utf8)
        return digits.elementsEqual(hex)
    }

    private mutating func matchesEscapeU() -> Bool {
        guard position + 1 < bytes.count, bytes[position] == UInt8(ascii: "\\"),
            bytes[position + 1] == UInt8(ascii: "u")
        else { return false }
        position += 2
        return true
    }

    private mutating func readHex4() throws(JSONSyntaxError) -> UInt32 {
        guard position + 4 <= bytes.count else { throw error("truncated \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[position]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: throw error("invalid hex digit in \\u escape")
            }
            value = value * 16 + digit
            position += 1
        }
        return value
    }

    /// Skips one value of any type (used after a schema error, to keep reporting further errors).
    mutating func skipValue(depth: Int) throws(JSONSyntaxError) {
        _ = try readValue(depth: depth)
    }
}
