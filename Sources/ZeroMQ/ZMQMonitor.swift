internal import CZeroMQ

/// Kinds of socket monitor events (`ZMQ_EVENT_*`), for ``ZMQSocket/monitor(_:events:)``.
public struct ZMQMonitorEvents: OptionSet, Hashable, Sendable {
    /// The libzmq event bits.
    public let rawValue: Int32

    /// Creates a set from libzmq event bits.
    /// - Parameter rawValue: The bits.
    public init(rawValue: Int32) {
        self.rawValue = rawValue
    }

    /// A connection to a remote peer was made.
    public static let connected = ZMQMonitorEvents(rawValue: ZMQ_EVENT_CONNECTED)
    /// A connect is pending and will be retried.
    public static let connectDelayed = ZMQMonitorEvents(rawValue: ZMQ_EVENT_CONNECT_DELAYED)
    /// A reconnect was scheduled; the value is the interval in ms.
    public static let connectRetried = ZMQMonitorEvents(rawValue: ZMQ_EVENT_CONNECT_RETRIED)
    /// The socket is bound and listening.
    public static let listening = ZMQMonitorEvents(rawValue: ZMQ_EVENT_LISTENING)
    /// A bind failed; the value is the errno.
    public static let bindFailed = ZMQMonitorEvents(rawValue: ZMQ_EVENT_BIND_FAILED)
    /// A connection from a remote peer was accepted.
    public static let accepted = ZMQMonitorEvents(rawValue: ZMQ_EVENT_ACCEPTED)
    /// Accepting a connection failed; the value is the errno.
    public static let acceptFailed = ZMQMonitorEvents(rawValue: ZMQ_EVENT_ACCEPT_FAILED)
    /// A connection's descriptor was closed.
    public static let closed = ZMQMonitorEvents(rawValue: ZMQ_EVENT_CLOSED)
    /// Closing a descriptor failed; the value is the errno.
    public static let closeFailed = ZMQMonitorEvents(rawValue: ZMQ_EVENT_CLOSE_FAILED)
    /// A session was broken: the peer went away, or libzmq dropped it (for example for an oversized frame).
    public static let disconnected = ZMQMonitorEvents(rawValue: ZMQ_EVENT_DISCONNECTED)
    /// The monitor was stopped; the last event it sends.
    public static let monitorStopped = ZMQMonitorEvents(rawValue: ZMQ_EVENT_MONITOR_STOPPED)
    /// A ZMTP handshake failed without detail.
    public static let handshakeFailedNoDetail = ZMQMonitorEvents(rawValue: ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL)
    /// A ZMTP handshake succeeded.
    public static let handshakeSucceeded = ZMQMonitorEvents(rawValue: ZMQ_EVENT_HANDSHAKE_SUCCEEDED)
    /// A ZMTP handshake failed because of a protocol error.
    public static let handshakeFailedProtocol = ZMQMonitorEvents(rawValue: ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL)
    /// A ZMTP handshake failed authentication.
    public static let handshakeFailedAuth = ZMQMonitorEvents(rawValue: ZMQ_EVENT_HANDSHAKE_FAILED_AUTH)
    /// Every event above.
    public static let all = ZMQMonitorEvents(rawValue: ZMQ_EVENT_ALL)
}

/// One event read from a monitor PAIR socket.
public struct ZMQMonitorEvent: Hashable, Sendable {
    /// The kind of event (a single bit of ``ZMQMonitorEvents``).
    public var kind: ZMQMonitorEvents
    /// The event's value: a descriptor, an errno or an interval, depending on ``kind``.
    public var value: UInt32
    /// The endpoint the event concerns.
    public var endpoint: String

    /// Decodes a monitor message: a 6-byte frame (16-bit event, 32-bit value, host byte order) and an endpoint frame.
    /// - Parameter frames: A message received from the monitor PAIR socket.
    /// - Returns: The event, or `nil` if the frames are not a monitor message.
    public init?(frames: [[UInt8]]) {
        guard frames.count == 2, frames[0].count == 6 else { return nil }
        let (event, value) = frames[0].withUnsafeBytes { bytes in
            (bytes.loadUnaligned(as: UInt16.self), bytes.loadUnaligned(fromByteOffset: 2, as: UInt32.self))
        }
        self.kind = ZMQMonitorEvents(rawValue: Int32(event))
        self.value = value
        self.endpoint = String(decoding: frames[1], as: UTF8.self)
    }
}

extension ZMQSocket {
    /// Starts publishing this socket's connection events on an `inproc` PAIR endpoint (`zmq_socket_monitor`).
    ///
    /// Connect a ``ZMQSocketType/pair`` socket of the same context to `endpoint` and decode what it receives with
    /// ``ZMQMonitorEvent/init(frames:)``. Events are dropped while no PAIR socket is connected.
    /// - Parameters:
    ///   - endpoint: An unused `inproc://` endpoint name.
    ///   - events: The events to report.
    /// - Throws: ``ZMQError/protocolNotSupported`` for a non-inproc endpoint.
    public func monitor(_ endpoint: String, events: ZMQMonitorEvents = .all) throws(ZMQError) {
        let handle = try open("zmq_socket_monitor")
        guard zmq_socket_monitor(handle, endpoint, events.rawValue) == 0 else {
            throw ZMQError.last("zmq_socket_monitor")
        }
    }

    /// Stops a monitor started with ``monitor(_:events:)``; the PAIR socket gets ``ZMQMonitorEvents/monitorStopped``.
    /// - Throws: ``ZMQError/notSocket`` after ``close()``.
    public func stopMonitor() throws(ZMQError) {
        let handle = try open("zmq_socket_monitor")
        guard zmq_socket_monitor(handle, nil, 0) == 0 else {
            throw ZMQError.last("zmq_socket_monitor")
        }
    }
}
