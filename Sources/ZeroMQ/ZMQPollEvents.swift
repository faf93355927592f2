internal import CZeroMQ

/// Readiness conditions for ``ZMQPoller`` and ``ZMQSocketOption/events``.
public struct ZMQPollEvents: OptionSet, Hashable, Sendable {
    /// The libzmq bits (`ZMQ_POLLIN`, …).
    public let rawValue: Int16

    /// Creates conditions from libzmq bits.
    /// - Parameter rawValue: The bits.
    public init(rawValue: Int16) {
        self.rawValue = rawValue
    }

    /// `ZMQ_POLLIN`: at least one message (or, for a file descriptor, data) can be read without blocking.
    public static let readable = ZMQPollEvents(rawValue: Int16(ZMQ_POLLIN))
    /// `ZMQ_POLLOUT`: at least one message can be sent without blocking.
    public static let writable = ZMQPollEvents(rawValue: Int16(ZMQ_POLLOUT))
    /// `ZMQ_POLLERR`: an error condition on a file descriptor (never set for libzmq sockets).
    public static let error = ZMQPollEvents(rawValue: Int16(ZMQ_POLLERR))
}
