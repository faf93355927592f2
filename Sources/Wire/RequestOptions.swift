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

    /// `detail=full`: FINALs and PARTIALs carry the whole result (docs/PROTOCOL.md §7.1). The default; naming it
    /// is allowed.
    public static let fullDetail = RequestOptions(rawValue: 1 << 1)

    /// `detail=summary`: FINALs and PARTIALs carry the summary (docs/PROTOCOL.md §7.5): verdicts, versions,
    /// digests, outputs, fired rule ids, condition keys with status and dates, next steps and errors, without the
    /// pack's texts and the evidence. The journal and `verdict.get` keep the full result.
    public static let summaryDetail = RequestOptions(rawValue: 1 << 2)

    /// Every named option in wire order.
    private static let names: [(option: RequestOptions, name: String)] = [
        (.partials, "partials"), (.fullDetail, "detail=full"), (.summaryDetail, "detail=summary"),
    ]

    /// The options frame text, such as `partials` (empty for no options).
    /// Options naming both detail levels are written with `detail=summary` alone, so that encoding never makes a
    /// frame the broker refuses.
    public var description: String {
        let options = contains(.summaryDetail) ? subtracting(.fullDetail) : self
        return Self.names.filter { options.contains($0.option) }.map(\.name).joined(separator: ",")
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
        guard !isSuperset(of: [.fullDetail, .summaryDetail]) else {
            throw WireError(code: .invalidOptions, message: "options name two detail levels; send one of detail=full and detail=summary")
        }
    }
}
