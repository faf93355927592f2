extension JSONReader {
    /// Moves past one value, checking what ``readValue(depth:)`` checks — syntax, limits, duplicate object keys —
    /// without building it. Strings' UTF-8 is not checked here: check the whole text once
    /// (``ByteScanning/isValidUTF8(_:)``), which is the same thing, since JSON outside strings is ASCII.
    mutating func checkValue(depth: Int) throws(JSONSyntaxError) {
        skipWhitespace()
        guard let byte = peek() else { throw error("unexpected end of JSON text") }
        if byte == UInt8(ascii: "{") {
            try checkObject(depth: depth + 1)
            skipWhitespace()
        } else if byte == UInt8(ascii: "[") {
            try readArray(depth: depth + 1) { (reader: inout JSONReader) throws(JSONSyntaxError) in try reader.checkValue(depth: depth + 1) }
            skipWhitespace()
        } else {
            try scanValue(depth: depth)
        }
    }

    /// An object's members, each checked (``checkValue(depth:)``); a key that repeats is an error, as in
    /// ``readObject(depth:)``.
    private mutating func checkObject(depth: Int) throws(JSONSyntaxError) {
        var keys: [UnsafeBufferPointer<UInt8>] = []
        var escapedKeys: [String] = []
        try readMemberKeys(depth: depth) { (reader: inout JSONReader, offset: Int, raw: UnsafeBufferPointer<UInt8>?, escaped: String?) throws(JSONSyntaxError) in
            let duplicate: Bool
            if let raw {
                duplicate = keys.contains { JSONReader.sameBytes($0, raw) } || escapedKeys.contains { $0.utf8.elementsEqual(raw) }
                keys.append(raw)
            } else {
                let key = escaped ?? ""
                duplicate = escapedKeys.contains(key) || keys.contains { key.utf8.elementsEqual($0) }
                escapedKeys.append(key)
            }
            guard !duplicate else { throw reader.error("duplicate key in object", at: offset) }
            try reader.checkValue(depth: depth)
        }
    }
}
