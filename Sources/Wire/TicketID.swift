/// A broker-chosen id for one pack evaluation handed to one worker: 1 to 64 bytes of printable ASCII without
/// space. The worker echoes it in its FINAL or ERROR.
public struct TicketID: Hashable, Sendable, CustomStringConvertible {
    /// The longest ticket id, in bytes.
    public static let maxLength = 64

    /// The ticket id as text.
    public let rawValue: String

    /// Validates a ticket id.
    /// - Parameter rawValue: The ticket text.
    /// - Throws: ``WireError`` with code ``WireError/Code/invalidTicket``.
    public init(_ rawValue: String) throws(WireError) {
        try self.init(bytes: Array(rawValue.utf8))
    }

    /// Validates a ticket frame.
    /// - Parameter bytes: The frame.
    /// - Throws: ``WireError`` with code ``WireError/Code/invalidTicket``.
    public init(bytes: [UInt8]) throws(WireError) {
        guard (1...Self.maxLength).contains(bytes.count), bytes.allSatisfy(\.isVisibleASCII) else {
            throw WireError(
                code: .invalidTicket,
                message: "a ticket id must be 1 to \(Self.maxLength) bytes of printable ASCII without space"
            )
        }
        self.rawValue = String(decoding: bytes, as: UTF8.self)
    }

    /// The ticket frame.
    public var bytes: [UInt8] { Array(rawValue.utf8) }

    /// The ticket text.
    public var description: String { rawValue }
}
