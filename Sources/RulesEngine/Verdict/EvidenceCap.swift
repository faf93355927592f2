/// How much of a value one evidence entry echoes (rules/README.md "Evidence", docs/PROTOCOL.md §7.3).
///
/// A finding's evidence quotes the facts that decided it, and a long request would otherwise be quoted once per
/// finding. So, at every depth of an entry's value:
/// - a string longer than ``maxStringBytes`` UTF-8 bytes keeps its first bytes up to a Unicode scalar boundary
///   (at most ``maxStringBytes``), followed by `… [<n> bytes in all]`;
/// - a list shows its decisive elements (all of them when the whole list decided), at most ``maxListElements``
///   of them, in list order; when any element is left out, a last text element `… [<k> more, <n> in all]`
///   counts them.
/// - a value that decided only by being null or not (`x != null`) is, when it is an object or a list, shown as
///   `… [present]`.
/// One entry is then at most about `maxListElements × (maxStringBytes + 30)` bytes, whatever the request.
public enum EvidenceCap {
    public static let maxStringBytes = 256
    public static let maxListElements = 8

    /// A value as one evidence entry shows it: the elements `selected` (nil: all) of a list, every part capped.
    static func value(_ value: JSONValue, selecting selected: [Int]? = nil) -> JSONValue {
        switch value {
        case .string(let text): return .string(cut(text))
        case .array(let items):
            let indices = (selected ?? Array(items.indices)).filter { items.indices.contains($0) }
            let shown = indices.prefix(maxListElements)
            var out = shown.map { Self.value(items[$0]) }
            let left = items.count - shown.count
            if left > 0 { out.append(.string("… [\(left) more, \(items.count) in all]")) }
            return .array(out)
        case .object(let members): return .object(members.map { ($0.0, Self.value($0.1)) })
        default: return value
        }
    }

    /// A value that decided only by being null or not: an object or list is not quoted, only said to be there
    /// (`… [present]`); anything else is shown as ``value(_:selecting:)`` shows it.
    static func presence(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object, .array: return .string("… [present]")
        default: return Self.value(value)
        }
    }

    /// A string cut to at most ``maxStringBytes`` UTF-8 bytes at a scalar boundary, with the marker.
    public static func cut(_ text: String) -> String {
        let count = text.utf8.count
        guard count > maxStringBytes else { return text }
        var bytes = 0
        var kept = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            let size = UTF8.width(scalar)
            if bytes + size > maxStringBytes { break }
            bytes += size
            kept.append(scalar)
        }
        return String(kept) + "… [\(count) bytes in all]"
    }
}
