internal import CZeroMQ

/// A typed libzmq socket option, used with ``ZMQSocket/set(_:to:)`` and ``ZMQSocket/get(_:)``.
///
/// ```swift
/// try router.set(.routerMandatory, to: true)
/// try router.set(.maxMessageSize, to: 1 << 20)
/// let endpoint = try router.get(.lastEndpoint)
/// ```
///
/// Times are in milliseconds unless the option says otherwise, as in libzmq. Options marked *write-only* throw
/// ``ZMQError/invalidArgument`` from `get`, and *read-only* ones throw it from `set`. Most options affect only
/// connections made (bind/connect) after they are set, so set them first.
public struct ZMQSocketOption<Value: Sendable>: Sendable, CustomStringConvertible {
    let name: Int32
    let label: String
    let representation: OptionRepresentation
    let encode: @Sendable (Value) -> OptionRawValue
    let decode: @Sendable (OptionRawValue) -> Value

    /// The libzmq name, such as `ZMQ_LINGER`.
    public var description: String { label }
}

/// How an option is passed to `zmq_setsockopt`/`zmq_getsockopt`.
enum OptionRepresentation: Sendable {
    case int32
    case int64
    /// A binary or string value of at most `capacity` bytes (string values include libzmq's trailing NUL).
    case bytes(capacity: Int)
}

/// An option value in its C representation.
enum OptionRawValue: Sendable {
    case int32(Int32)
    case int64(Int64)
    case bytes([UInt8])
}

extension ZMQSocketOption where Value == Int32 {
    /// `ZMQ_LINGER`: how long unsent messages are kept after close, in ms; -1 (libzmq's default) waits forever,
    /// 0 drops them at once.
    public static var linger: Self { .int32(ZMQ_LINGER, "ZMQ_LINGER") }
    /// `ZMQ_SNDHWM`: the most messages queued for sending per peer (default 1000; 0 means no limit).
    public static var sendHighWaterMark: Self { .int32(ZMQ_SNDHWM, "ZMQ_SNDHWM") }
    /// `ZMQ_RCVHWM`: the most messages queued for receiving per peer (default 1000; 0 means no limit).
    public static var receiveHighWaterMark: Self { .int32(ZMQ_RCVHWM, "ZMQ_RCVHWM") }
    /// `ZMQ_RCVTIMEO`: how long a blocking receive waits, in ms, before ``ZMQSocket/receiveMultipart(flags:)``
    /// returns `nil`; -1 (default) waits forever.
    public static var receiveTimeout: Self { .int32(ZMQ_RCVTIMEO, "ZMQ_RCVTIMEO") }
    /// `ZMQ_SNDTIMEO`: how long a blocking send waits, in ms, before throwing ``ZMQError/again``; -1 (default)
    /// waits forever.
    public static var sendTimeout: Self { .int32(ZMQ_SNDTIMEO, "ZMQ_SNDTIMEO") }
    /// `ZMQ_TCP_KEEPALIVE`: `SO_KEEPALIVE` on TCP connections: -1 (default) keeps the OS setting, 0 off, 1 on.
    public static var tcpKeepalive: Self { .int32(ZMQ_TCP_KEEPALIVE, "ZMQ_TCP_KEEPALIVE") }
    /// `ZMQ_TCP_KEEPALIVE_IDLE`: idle seconds before the first keepalive probe; -1 keeps the OS setting.
    public static var tcpKeepaliveIdle: Self { .int32(ZMQ_TCP_KEEPALIVE_IDLE, "ZMQ_TCP_KEEPALIVE_IDLE") }
    /// `ZMQ_TCP_KEEPALIVE_INTVL`: seconds between keepalive probes; -1 keeps the OS setting.
    public static var tcpKeepaliveInterval: Self { .int32(ZMQ_TCP_KEEPALIVE_INTVL, "ZMQ_TCP_KEEPALIVE_INTVL") }
    /// `ZMQ_TCP_KEEPALIVE_CNT`: unanswered probes before the connection drops; -1 keeps the OS setting.
    public static var tcpKeepaliveCount: Self { .int32(ZMQ_TCP_KEEPALIVE_CNT, "ZMQ_TCP_KEEPALIVE_CNT") }
    /// `ZMQ_HEARTBEAT_IVL`: interval of ZMTP PING heartbeats on each connection, in ms; 0 (default) sends none.
    public static var heartbeatInterval: Self { .int32(ZMQ_HEARTBEAT_IVL, "ZMQ_HEARTBEAT_IVL") }
    /// `ZMQ_HEARTBEAT_TIMEOUT`: how long to wait for any traffic after a PING before closing the connection, in ms
    /// (default: the heartbeat interval).
    public static var heartbeatTimeout: Self { .int32(ZMQ_HEARTBEAT_TIMEOUT, "ZMQ_HEARTBEAT_TIMEOUT") }
    /// `ZMQ_HEARTBEAT_TTL`: how long the peer should wait for traffic from this side, in ms (rounded down to
    /// tenths of a second; 0 means no limit).
    public static var heartbeatTTL: Self { .int32(ZMQ_HEARTBEAT_TTL, "ZMQ_HEARTBEAT_TTL") }
    /// `ZMQ_RECONNECT_IVL`: the first wait before reconnecting, in ms (default 100; -1 never reconnects).
    public static var reconnectInterval: Self { .int32(ZMQ_RECONNECT_IVL, "ZMQ_RECONNECT_IVL") }
    /// `ZMQ_RECONNECT_IVL_MAX`: the longest wait between reconnects with exponential back-off, in ms (0, the
    /// default, disables back-off).
    public static var reconnectIntervalMax: Self { .int32(ZMQ_RECONNECT_IVL_MAX, "ZMQ_RECONNECT_IVL_MAX") }
    /// `ZMQ_CONNECT_TIMEOUT`: how long a TCP connect may take, in ms (0, the default, uses the OS limit).
    public static var connectTimeout: Self { .int32(ZMQ_CONNECT_TIMEOUT, "ZMQ_CONNECT_TIMEOUT") }
    /// `ZMQ_FD` (read-only): a file descriptor that becomes readable when ``events`` may have changed. It is
    /// edge-triggered: read ``events`` after it fires. Prefer ``ZMQPoller``.
    public static var fileDescriptor: Self { .int32(ZMQ_FD, "ZMQ_FD") }

    private static func int32(_ name: Int32, _ label: String) -> Self {
        Self(name: name, label: label, representation: .int32, encode: { .int32($0) }, decode: { $0.int32 })
    }
}

extension ZMQSocketOption where Value == Int64 {
    /// `ZMQ_MAXMSGSIZE`: the largest inbound frame in bytes; -1 (default) means no limit.
    ///
    /// libzmq checks **each frame**, not the whole multipart message, and on a larger frame it drops the
    /// connection without delivering anything or telling the sender why (the sender just reconnects).
    public static var maxMessageSize: Self {
        Self(
            name: ZMQ_MAXMSGSIZE,
            label: "ZMQ_MAXMSGSIZE",
            representation: .int64,
            encode: { .int64($0) },
            decode: { $0.int64 }
        )
    }
}

extension ZMQSocketOption where Value == Bool {
    /// `ZMQ_ROUTER_MANDATORY` (write-only, ROUTER): fail with ``ZMQError/hostUnreachable`` instead of silently
    /// dropping a message whose identity matches no peer, and with ``ZMQError/again`` instead of dropping when
    /// that peer's queue is full.
    public static var routerMandatory: Self { .bool(ZMQ_ROUTER_MANDATORY, "ZMQ_ROUTER_MANDATORY") }
    /// `ZMQ_ROUTER_HANDOVER` (write-only, ROUTER): let a new connection take over an identity that is in use
    /// instead of being ignored.
    public static var routerHandover: Self { .bool(ZMQ_ROUTER_HANDOVER, "ZMQ_ROUTER_HANDOVER") }
    /// `ZMQ_IMMEDIATE`: queue outgoing messages only to completed connections, so a connecting socket without a
    /// live peer blocks (or fails with ``ZMQError/again``) instead of queueing.
    public static var immediate: Self { .bool(ZMQ_IMMEDIATE, "ZMQ_IMMEDIATE") }

    private static func bool(_ name: Int32, _ label: String) -> Self {
        Self(
            name: name,
            label: label,
            representation: .int32,
            encode: { .int32($0 ? 1 : 0) },
            decode: { $0.int32 != 0 }
        )
    }
}

extension ZMQSocketOption where Value == [UInt8] {
    /// `ZMQ_ROUTING_ID` (formerly `ZMQ_IDENTITY`): the identity a ROUTER peer sees for this socket, 1 to 255
    /// bytes, not starting with a zero byte. Set it before connecting.
    public static var routingID: Self {
        Self(
            name: ZMQ_ROUTING_ID,
            label: "ZMQ_ROUTING_ID",
            representation: .bytes(capacity: 255),
            encode: { .bytes($0) },
            decode: { $0.bytes }
        )
    }
}

extension ZMQSocketOption where Value == String {
    /// `ZMQ_LAST_ENDPOINT` (read-only): the endpoint last bound, with the real port for `tcp://…:*`.
    public static var lastEndpoint: Self {
        Self(
            name: ZMQ_LAST_ENDPOINT,
            label: "ZMQ_LAST_ENDPOINT",
            representation: .bytes(capacity: 1024),
            encode: { .bytes(Array($0.utf8)) },
            decode: { raw in
                let bytes = raw.bytes
                let end = bytes.firstIndex(of: 0) ?? bytes.endIndex
                return String(decoding: bytes[..<end], as: UTF8.self)
            }
        )
    }
}

extension ZMQSocketOption where Value == ZMQPollEvents {
    /// `ZMQ_EVENTS` (read-only): whether a message can be received (``ZMQPollEvents/readable``) or sent
    /// (``ZMQPollEvents/writable``) right now without blocking.
    public static var events: Self {
        Self(
            name: ZMQ_EVENTS,
            label: "ZMQ_EVENTS",
            representation: .int32,
            encode: { .int32(Int32($0.rawValue)) },
            decode: { ZMQPollEvents(rawValue: Int16(truncatingIfNeeded: $0.int32)) }
        )
    }
}

extension OptionRawValue {
    var int32: Int32 {
        guard case .int32(let value) = self else {
            preconditionFailure("socket option decoded as int32 but stored as \(self)")
        }
        return value
    }

    var int64: Int64 {
        guard case .int64(let value) = self else {
            preconditionFailure("socket option decoded as int64 but stored as \(self)")
        }
        return value
    }

    var bytes: [UInt8] {
        guard case .bytes(let value) = self else {
            preconditionFailure("socket option decoded as bytes but stored as \(self)")
        }
        return value
    }
}
