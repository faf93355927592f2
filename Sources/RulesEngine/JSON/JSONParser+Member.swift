extension JSONParser {
    /// One member of a top-level JSON object, without building the rest: the other members' values are only
    /// scanned (syntax and limits checked, nothing allocated). For a client that needs one field of a large
    /// document, such as the `verdict` of a 45 KB screening result.
    /// - Returns: The member's value, or nil when the object has no such member.
    /// - Throws: ``JSONSyntaxError`` when the text is not a JSON object (scanned members' strings are not checked
    ///   for valid UTF-8).
    public func member(_ key: String, in bytes: [UInt8]) throws(JSONSyntaxError) -> JSONValue? {
        try members([key], in: bytes)[key]
    }

    /// Several top-level members of a JSON object, the rest only scanned, as ``member(_:in:)``.
    /// - Returns: The members found, by key.
    public func members(_ keys: Set<String>, in bytes: [UInt8]) throws(JSONSyntaxError) -> [String: JSONValue] {
        let wanted = keys.map { (key: $0, utf8: Array($0.utf8)) }
        return try bytes.withUnsafeBufferPointer { buffer throws(JSONSyntaxError) -> [String: JSONValue] in
            var reader = JSONReader(bytes: buffer, limits: limits)
            var found: [String: JSONValue] = [:]
            reader.skipWhitespace()
            try reader.readRawMembers(depth: 1) { (reader: inout JSONReader, raw: UnsafeBufferPointer<UInt8>?) throws(JSONSyntaxError) in
                if let raw, let match = wanted.first(where: { raw.elementsEqual($0.utf8) }), found[match.key] == nil {
                    found[match.key] = try reader.readValue(depth: 1)
                } else {
                    try reader.scanValue(depth: 1)
                }
            }
            reader.skipWhitespace()
            guard reader.atEnd else { throw reader.error("unexpected text after the JSON value") }
            return found
        }
    }
}

extension JSONReader {
    /// Moves past one value, checking its syntax and the limits, allocating nothing.
    mutating func scanValue(depth: Int) throws(JSONSyntaxError) {
        skipWhitespace()
        guard let byte = peek() else { throw error("unexpected end of JSON text") }
        switch byte {
        case UInt8(ascii: "{"):
            try readRawMembers(depth: depth + 1) { (reader: inout JSONReader, _: UnsafeBufferPointer<UInt8>?) throws(JSONSyntaxError) in
                try reader.scanValue(depth: depth + 1)
            }
        case UInt8(ascii: "["):
            try readArray(depth: depth + 1) { (reader: inout JSONReader) throws(JSONSyntaxError) in try reader.scanValue(depth: depth + 1) }
        case UInt8(ascii: "\""):
            try scanString()
        case UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"):
            _ = try readLiteral()
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            _ = try readNumber()
        default:
            throw error("unexpected character '\(Unicode.Scalar(byte))'")
        }
        skipWhitespace()
    }

    /// Moves past a string: escapes and control characters checked, UTF-8 not.
    private mutating func scanString() throws(JSONSyntaxError) {
        let start = position
        position += 1
        while position < bytes.count {
            position = ByteScanning.firstSpecialInString(bytes, from: position, to: bytes.count)
            guard position < bytes.count else { break }
            let byte = bytes[position]
            position += 1
            switch byte {
            case UInt8(ascii: "\""):
                guard position - start - 2 <= limits.maxStringLength else {
                    throw limitError("string longer than \(limits.maxStringLength) bytes", at: start + 1)
                }
                return
            case UInt8(ascii: "\\"):
                guard position < bytes.count else { break }
                let escape = bytes[position]
                position += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                    UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    continue
                case UInt8(ascii: "u"):
                    for _ in 0..<4 {
                        guard position < bytes.count, bytes[position].isHexDigit else { throw error("invalid \\u escape") }
                        position += 1
                    }
                default:
                    throw error("invalid escape '\\\(Unicode.Scalar(escape))' in string", at: position - 2)
                }
            default:
                if byte < 0x20 { throw error("control character in string", at: position - 1) }
            }
        }
        throw error("unterminated string", at: start)
    }
}

extension UInt8 {
    fileprivate var isHexDigit: Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(self) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(self)
            || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(self)
    }
}
