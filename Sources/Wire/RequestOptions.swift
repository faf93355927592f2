/// Options of a client REQUEST, sent as one frame of comma-separated option names.
///
/// An empty frame means no options. Names appear at most once and in the order of this type's declarations;
/// a name the broker does not know makes the request `malformed`.
public struct RequestOptions: OptionSet, Hashable, Sendable, CustomStringConvertible {
    /// The option bits.
    public let rawValue: UInt32

    /// Creates options from bits.
    /// - Parameter rawValue: The bits; bits without a name are ignored when encoding.
    public init(rawValue: UInt32) {
        self.rawValue = rawValue
    }

    /// `partials`: for the `screen` service, send a PARTIAL with each pack's verdict as it lands, before the
    /// FINAL. Ignored for other services.
    public static let partials = RequestOptions(rawValue: 1 << 0)

    /// Every named option in wire order.
    private static let names: [(option: RequestOptions, name: String)] = [(.partials, "partials")]

    /// The options frame text, such as `partials` (empty for no options).
    public var description: String {
        Self.names.filter { contains($0.option) }.map(\.name).joined(separator: ",")
    }

    /// The options frame.
    public var bytes: [UInt8] { Array(description.utf8) }

    /// Parses an options frame.
    /// - Parameter bytes: The frame.
    /// - Throws: ``WireError`` with code ``WireError/Code/invalidOptions``.
    public init(bytes: [UInt8]) throws(WireError) {
        self = []
        guard !bytes.isEmpty else { return }
        var nextIndex = 0
        for token in bytes.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false) {
            let name = String(decoding: token, as: UTF8.self)
            guard
                let index = Self.names.firstIndex(where: { Array($0.name.utf8) == Array(token) }),
                index >= nextIndex
            else {
                throw WireError(
                    code: .invalidOptions,
                    message: "unknown, repeated or misordered option '\(name)'; known: "
                        + Self.names.map(\.name).joined(separator: ",")
                )
            }
            insert(Self.names[index].option)
            nextIndex = index + 1
        }
    }
}
