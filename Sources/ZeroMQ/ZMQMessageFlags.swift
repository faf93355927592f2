internal import CZeroMQ

/// Flags for ``ZMQSocket/send(_:flags:)`` and ``ZMQSocket/receiveMultipart(flags:)``.
public struct ZMQMessageFlags: OptionSet, Hashable, Sendable {
    /// The libzmq flag bits.
    public let rawValue: Int32

    /// Creates flags from libzmq flag bits.
    /// - Parameter rawValue: The bits, such as `ZMQ_DONTWAIT`.
    public init(rawValue: Int32) {
        self.rawValue = rawValue
    }

    /// `ZMQ_DONTWAIT`: fail with ``ZMQError/again`` (send) or return `nil` (receive) instead of blocking.
    public static let dontWait = ZMQMessageFlags(rawValue: ZMQ_DONTWAIT)
}
