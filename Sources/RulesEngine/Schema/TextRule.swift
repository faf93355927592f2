/// Which control characters a free-text field allows. A schema states it with one of two `pattern`s, so that any
/// JSON Schema validator (Python's `jsonschema`, say) refuses exactly what the broker refuses:
/// C0 and C1 control characters and DEL are refused, except tab (one line), or tab, line feed and carriage return
/// (several lines, e.g. a description).
public enum TextRule: Sendable, Hashable {
    case singleLine
    case multiLine

    /// The `pattern` of each rule, as it stands in the schema file (after JSON unescaping).
    public var pattern: String {
        switch self {
        case .singleLine: #"^[^\u0000-\u0008\u000A-\u001F\u007F-\u009F]*(?![\s\S])"#
        case .multiLine: #"^[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]*(?![\s\S])"#
        }
    }

    public init?(pattern: String) {
        guard let rule = [TextRule.singleLine, .multiLine].first(where: { $0.pattern == pattern }) else { return nil }
        self = rule
    }

    /// The first control character `text` may not contain, or nil.
    public func forbidden(in text: String) -> Unicode.Scalar? {
        let utf8 = text.utf8
        return utf8.withContiguousStorageIfAvailable { forbidden(in: $0) } ?? forbidden(in: Array(utf8))
    }

    private func forbidden(in bytes: some Collection<UInt8>) -> Unicode.Scalar? {
        var previous: UInt8 = 0
        for byte in bytes {
            defer { previous = byte }
            if byte < 0x20 {
                switch (self, byte) {
                case (_, 0x09), (.multiLine, 0x0A), (.multiLine, 0x0D): continue
                default: return Unicode.Scalar(byte)
                }
            }
            if byte == 0x7F { return Unicode.Scalar(byte) }
            // U+0080…U+009F are C2 80…C2 9F in UTF-8.
            if previous == 0xC2, (0x80...0x9F).contains(byte) { return Unicode.Scalar(UInt32(byte)) }
        }
        return nil
    }
}
