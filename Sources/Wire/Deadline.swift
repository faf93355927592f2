/// How long the broker may take to answer a REQUEST, counted from when it receives the request.
///
/// On the wire: ASCII decimal milliseconds without sign or leading zeros, at most 4294967295; `0` means the
/// broker's default. Brokers may lower a deadline to their configured maximum.
public struct Deadline: Hashable, Sendable, CustomStringConvertible {
    /// The deadline in milliseconds; 0 means the broker's default.
    public var milliseconds: UInt32

    /// Creates a deadline.
    /// - Parameter milliseconds: Milliseconds after the broker receives the request; 0 for the broker default.
    public init(milliseconds: UInt32) {
        self.milliseconds = milliseconds
    }

    /// `0`: let the broker choose.
    public static let brokerDefault = Deadline(milliseconds: 0)

    /// Whether the broker chooses the deadline.
    public var isBrokerDefault: Bool { milliseconds == 0 }

    /// The deadline as a duration, or `nil` for the broker default.
    public var duration: Duration? {
        isBrokerDefault ? nil : .milliseconds(Int64(milliseconds))
    }

    /// The deadline frame text, such as `30000`.
    public var description: String { String(milliseconds) }

    /// The deadline frame.
    public var bytes: [UInt8] { Array(description.utf8) }

    /// Parses a deadline frame.
    /// - Parameter bytes: The frame.
    /// - Throws: ``WireError`` with code ``WireError/Code/invalidDeadline``.
    public init(bytes: [UInt8]) throws(WireError) {
        let canonical =
            (1...10).contains(bytes.count) && bytes.allSatisfy(\.isASCIIDigit)
            && (bytes.count == 1 || bytes[0] != UInt8(ascii: "0"))
        guard canonical, let value = UInt32(String(decoding: bytes, as: UTF8.self)) else {
            throw WireError(
                code: .invalidDeadline,
                message: "a deadline must be ASCII decimal milliseconds (0 to 4294967295, no sign or leading zeros)"
            )
        }
        self.milliseconds = value
    }
}
