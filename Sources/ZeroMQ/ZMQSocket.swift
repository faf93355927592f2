internal import CZeroMQ

#if canImport(Glibc)
internal import Glibc
#elseif canImport(Darwin)
internal import Darwin
#endif

/// A libzmq socket.
///
/// **One thread owns a socket.** libzmq sockets are not thread-safe: create, use and close each socket on one
/// dedicated thread. `ZMQSocket` is deliberately not `Sendable`, so the compiler stops it from being shared; other
/// threads talk to the owning thread through a ``ZMQCommandQueue`` (or ``ZMQWakeup``) that the thread's
/// ``ZMQPoller`` watches next to its sockets.
///
/// The socket closes itself when released (`deinit`), or earlier with ``close()``. Either way libzmq keeps
/// unsent messages for the ``ZMQSocketOption/linger`` period, which ``ZMQContext/terminate()`` waits for; set
/// linger to 0 on sockets whose pending messages may be dropped. The socket keeps its ``ZMQContext`` alive.
public final class ZMQSocket {
    /// The socket type it was created with.
    public let type: ZMQSocketType
    private let context: ZMQContext
    private var handle: UnsafeMutableRawPointer?

    init(context: ZMQContext, type: ZMQSocketType, handle: UnsafeMutableRawPointer) {
        self.context = context
        self.type = type
        self.handle = handle
    }

    deinit {
        close()
    }

    /// Whether ``close()`` has been called.
    public var isClosed: Bool { handle == nil }

    /// Closes the socket (`zmq_close`). Calling it again does nothing; any other call then throws
    /// ``ZMQError/notSocket``.
    ///
    /// Pending outgoing messages are kept for the ``ZMQSocketOption/linger`` period by the context's I/O thread;
    /// closing itself never blocks.
    public func close() {
        guard let handle else { return }
        zmq_close(handle)
        self.handle = nil
    }

    /// Binds to a local endpoint, such as `tcp://127.0.0.1:*` (any free port; read it back with ``lastEndpoint``),
    /// `tcp://*:5555` or `inproc://name`.
    /// - Parameter endpoint: The endpoint to accept connections on.
    /// - Throws: ``ZMQError`` such as ``ZMQError/addressInUse`` or ``ZMQError/invalidArgument``.
    public func bind(_ endpoint: String) throws(ZMQError) {
        let handle = try open("zmq_bind")
        guard zmq_bind(handle, endpoint) == 0 else {
            throw ZMQError.last("zmq_bind")
        }
    }

    /// Connects to a remote endpoint. libzmq connects in the background and reconnects after failures, so this
    /// succeeds even if nobody listens yet.
    /// - Parameter endpoint: The endpoint to connect to, such as `tcp://127.0.0.1:5555`.
    /// - Throws: ``ZMQError`` such as ``ZMQError/invalidArgument`` for a malformed endpoint.
    public func connect(_ endpoint: String) throws(ZMQError) {
        let handle = try open("zmq_connect")
        guard zmq_connect(handle, endpoint) == 0 else {
            throw ZMQError.last("zmq_connect")
        }
    }

    /// Stops accepting connections on an endpoint given to ``bind(_:)``. For a wildcard bind pass the
    /// ``lastEndpoint`` value.
    /// - Parameter endpoint: The bound endpoint.
    /// - Throws: ``ZMQError/noEntry`` if the endpoint is not bound.
    public func unbind(_ endpoint: String) throws(ZMQError) {
        let handle = try open("zmq_unbind")
        guard zmq_unbind(handle, endpoint) == 0 else {
            throw ZMQError.last("zmq_unbind")
        }
    }

    /// Disconnects from an endpoint given to ``connect(_:)``.
    /// - Parameter endpoint: The connected endpoint.
    /// - Throws: ``ZMQError/noEntry`` if the endpoint is not connected.
    public func disconnect(_ endpoint: String) throws(ZMQError) {
        let handle = try open("zmq_disconnect")
        guard zmq_disconnect(handle, endpoint) == 0 else {
            throw ZMQError.last("zmq_disconnect")
        }
    }

    /// The handle of an open socket.
    /// - Throws: ``ZMQError/notSocket`` after ``close()``.
    func open(_ operation: String) throws(ZMQError) -> UnsafeMutableRawPointer {
        guard let handle else {
            throw ZMQError(errno: ENOTSOCK, operation: operation)
        }
        return handle
    }
}

/// A socket belongs to the thread that created it; see ``ZMQSocket``.
@available(*, unavailable)
extension ZMQSocket: Sendable {}
