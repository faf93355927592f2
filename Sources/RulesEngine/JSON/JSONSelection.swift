/// Which parts of a JSON document to build: the rest is only scanned (syntax and limits checked, nothing
/// allocated). For a reader that needs a few members of a large document, such as the verdicts and versions of a
/// 40 KB screening result without its findings.
public indirect enum JSONSelection: Sendable {
    /// The whole value.
    case whole
    /// Of an object, these members, each by its own selection; the others are scanned. Any other value is built
    /// whole.
    case members([String: JSONSelection])
    /// Of an object, every member, each by the same selection. Any other value is built whole.
    case everyMember(JSONSelection)
}

extension JSONParser {
    /// The selected parts of a JSON document: objects keep only the selected members, in the document's order.
    /// - Throws: ``JSONSyntaxError`` when the text is not JSON (scanned strings are not checked for valid UTF-8).
    public func select(_ selection: JSONSelection, in bytes: [UInt8]) throws(JSONSyntaxError) -> JSONValue {
        try bytes.withUnsafeBufferPointer { buffer throws(JSONSyntaxError) -> JSONValue in
            var reader = JSONReader(bytes: buffer, limits: limits)
            let value = try reader.readSelected(selection, depth: 0)
            reader.skipWhitespace()
            guard reader.atEnd else { throw reader.error("unexpected text after the JSON value") }
            return value
        }
    }
}

extension JSONReader {
    /// Reads one value by `selection` (see ``JSONSelection``).
    mutating func readSelected(_ selection: JSONSelection, depth: Int) throws(JSONSyntaxError) -> JSONValue {
        guard peek() == UInt8(ascii: "{") else { return try readValue(depth: depth) }
        switch selection {
        case .whole: return try readValue(depth: depth)
        case .members(let wanted): return .object(try readSelectedMembers(depth: depth) { wanted[$0] })
        case .everyMember(let each): return .object(try readSelectedMembers(depth: depth) { _ in each })
        }
    }

    /// Reads an object's members, building those `part` selects and scanning the others.
    private mutating func readSelectedMembers(
        depth: Int, _ part: (String) -> JSONSelection?
    ) throws(JSONSyntaxError) -> [(String, JSONValue)] {
        var members: [(String, JSONValue)] = []
        try readMembers(depth: depth + 1) { (reader: inout JSONReader, key: String, offset: Int) throws(JSONSyntaxError) in
            guard let selection = part(key) else { return try reader.scanValue(depth: depth + 1) }
            guard !members.contains(where: { $0.0 == key }) else { throw reader.error("duplicate key \"\(key)\"", at: offset) }
            members.append((key, try reader.readSelected(selection, depth: depth + 1)))
        }
        return members
    }
}
