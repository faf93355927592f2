/// A client-chosen request id: 1 to 128 bytes of printable ASCII without space (`!` to `~`).
///
/// The broker answers each id once per client connection, attaches retries of an id in flight to the running
/// evaluation and answers retries of a finished id from its cache. UUIDs are a good choice.
public struct RequestID: Hashable, Sendable, CustomStringConvertible {
    /// The longest id, in bytes.
    public static let maxLength = 128

    /// The id as text.
    public let rawValue: String

    /// Validates an id.
    /// - Parameter rawValue: The id text.
    /// - Throws: ``WireError`` with code ``WireError/Code/invalidRequestID``.
    public init(_ rawValue: String) throws(WireError) {
        try self.init(bytes: Array(rawValue.utf8))
    }

    /// Validates an id frame.
    /// - Parameter bytes: The frame.
    /// - Throws: ``WireError`` with code ``WireError/Code/invalidRequestID``.
    public init(bytes: [UInt8]) throws(WireError) {
        guard (1...Self.maxLength).contains(bytes.count), bytes.allSatisfy(\.isVisibleASCII) else {
            throw WireError(
                code: .invalidRequestID,
                message: "a request id must be 1 to \(Self.maxLength) bytes of printable ASCII without space"
            )
        }
        self.rawValue = String(decoding: bytes, as: UTF8.self)
    }

    /// The id frame.
    public var bytes: [UInt8] { Array(rawValue.utf8) }

    /// The id text.
    public var description: String { rawValue }
}
