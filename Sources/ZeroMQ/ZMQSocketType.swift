internal import CZeroMQ

/// The kind of a ``ZMQSocket``, which fixes its messaging pattern.
public struct ZMQSocketType: Hashable, Sendable, CustomStringConvertible {
    let rawValue: Int32
    private let name: String

    private init(_ rawValue: Int32, _ name: String) {
        self.rawValue = rawValue
        self.name = name
    }

    /// The libzmq name, such as `ROUTER`.
    public var description: String { name }

    /// `ZMQ_PAIR`: exclusive connection to one peer.
    public static let pair = ZMQSocketType(ZMQ_PAIR, "PAIR")
    /// `ZMQ_PUB`: publish to subscribers; never receives.
    public static let pub = ZMQSocketType(ZMQ_PUB, "PUB")
    /// `ZMQ_SUB`: receive from publishers after `ZMQSocket.subscribe(_:)`.
    public static let sub = ZMQSocketType(ZMQ_SUB, "SUB")
    /// `ZMQ_XPUB`: a PUB that also receives its subscribers' subscription messages.
    public static let xpub = ZMQSocketType(ZMQ_XPUB, "XPUB")
    /// `ZMQ_XSUB`: a SUB that sends subscriptions as messages.
    public static let xsub = ZMQSocketType(ZMQ_XSUB, "XSUB")
    /// `ZMQ_REQ`: strict send-then-receive client.
    public static let req = ZMQSocketType(ZMQ_REQ, "REQ")
    /// `ZMQ_REP`: strict receive-then-send server.
    public static let rep = ZMQSocketType(ZMQ_REP, "REP")
    /// `ZMQ_DEALER`: asynchronous, load-balancing outbound and fair-queuing inbound.
    public static let dealer = ZMQSocketType(ZMQ_DEALER, "DEALER")
    /// `ZMQ_ROUTER`: asynchronous; prefixes every received message with the sender's routing identity and routes
    /// every sent message by its first frame.
    public static let router = ZMQSocketType(ZMQ_ROUTER, "ROUTER")
    /// `ZMQ_PUSH`: pipeline downstream, load-balancing.
    public static let push = ZMQSocketType(ZMQ_PUSH, "PUSH")
    /// `ZMQ_PULL`: pipeline upstream, fair-queuing.
    public static let pull = ZMQSocketType(ZMQ_PULL, "PULL")
}
