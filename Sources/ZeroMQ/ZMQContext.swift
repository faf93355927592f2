internal import CZeroMQ
import Synchronization

#if canImport(Glibc)
internal import Glibc
#elseif canImport(Darwin)
internal import Darwin
#endif

/// A libzmq context: the container for sockets and the I/O threads that serve them.
///
/// libzmq contexts are thread-safe, so a context may be shared by every thread; each socket, however, belongs to one
/// thread (see ``ZMQSocket``). A typical life:
///
/// 1. Create one context per process and pass it to the threads that own sockets.
/// 2. On shutdown call ``shutdown()``: blocking calls on its sockets return ``ZMQError/terminated``, so the owning
///    threads close their sockets and exit.
/// 3. Join those threads, then call ``terminate()``, which blocks until every socket is closed and its linger period
///    has passed.
///
/// Every ``ZMQSocket`` keeps its context alive, so the context's `deinit` (which terminates it if needed) runs only
/// after all its sockets are gone and never waits for one of them.
public final class ZMQContext: Sendable {
    private enum State: Sendable {
        case open
        case shutDown
        case terminating
        case terminated
    }

    private let handle: Handle
    private let state: Mutex<State>

    /// Creates a context.
    /// - Parameters:
    ///   - ioThreads: The number of libzmq I/O threads (`ZMQ_IO_THREADS`, default 1). One thread serves about a
    ///     gigabyte per second of traffic; `inproc`-only contexts may use 0.
    ///   - maxSockets: The maximum number of sockets (`ZMQ_MAX_SOCKETS`); `nil` keeps libzmq's default of 1023.
    /// - Throws: ``ZMQError`` if libzmq cannot create the context or rejects an option.
    public init(ioThreads: Int32 = 1, maxSockets: Int32? = nil) throws(ZMQError) {
        guard let raw = zmq_ctx_new() else {
            throw ZMQError.last("zmq_ctx_new")
        }
        var options = [(ZMQ_IO_THREADS, ioThreads)]
        if let maxSockets {
            options.append((ZMQ_MAX_SOCKETS, maxSockets))
        }
        for (name, value) in options where zmq_ctx_set(raw, name, value) != 0 {
            let error = ZMQError.last("zmq_ctx_set")
            zmq_ctx_term(raw)
            throw error
        }
        self.handle = Handle(raw: raw)
        self.state = Mutex(.open)
    }

    deinit {
        let needsTerm = state.withLock { $0 != .terminated }
        if needsTerm {
            Self.term(handle.raw)
        }
    }

    /// Creates a socket owned by the calling thread.
    ///
    /// Create the socket on the thread that will use it (see ``ZMQSocket``).
    /// - Parameter type: The socket type.
    /// - Returns: The new socket; it keeps this context alive until it is released.
    /// - Throws: ``ZMQError/terminated`` after ``shutdown()`` or ``terminate()``, ``ZMQError/tooManyOpenFiles`` when
    ///   the context is full.
    public func socket(_ type: ZMQSocketType) throws(ZMQError) -> ZMQSocket {
        let raw = try state.withLock { (state) throws(ZMQError) -> SocketHandle in
            guard state == .open else {
                throw ZMQError(errno: ETERM, operation: "zmq_socket")
            }
            guard let raw = zmq_socket(handle.raw, type.rawValue) else {
                throw ZMQError.last("zmq_socket")
            }
            return SocketHandle(raw: raw)
        }
        return ZMQSocket(context: self, type: type, handle: raw.raw)
    }

    /// Creates a socket, runs `body` with it and closes it on every path.
    /// - Parameters:
    ///   - type: The socket type.
    ///   - body: The work to do with the socket; the socket must not escape it.
    /// - Returns: What `body` returns.
    /// - Throws: ``ZMQError`` if the socket cannot be created, or whatever `body` throws.
    public func withSocket<Result>(_ type: ZMQSocketType, _ body: (ZMQSocket) throws -> Result) throws -> Result {
        let socket = try socket(type)
        defer { socket.close() }
        return try body(socket)
    }

    /// Shuts the context down without waiting (`zmq_ctx_shutdown`).
    ///
    /// Blocking and future operations on its sockets fail with ``ZMQError/terminated`` (except close and setting
    /// options), and no new sockets can be created. Safe to call from any thread, more than once.
    public func shutdown() {
        state.withLock { state in
            guard state == .open else { return }
            zmq_ctx_shutdown(handle.raw)
            state = .shutDown
        }
    }

    /// Terminates the context (`zmq_ctx_term`), blocking until every socket is closed and its pending messages
    /// are sent or its linger period has passed.
    ///
    /// Call it after the threads that own sockets have closed them (see ``shutdown()``); otherwise it waits for them.
    /// Safe to call more than once: later calls return at once, even while the first one is still waiting.
    public func terminate() {
        let shouldTerminate = state.withLock { state in
            switch state {
            case .open, .shutDown:
                state = .terminating
                return true
            case .terminating, .terminated:
                return false
            }
        }
        guard shouldTerminate else { return }
        Self.term(handle.raw)
        state.withLock { $0 = .terminated }
    }

    private static func term(_ raw: UnsafeMutableRawPointer) {
        while zmq_ctx_term(raw) != 0 && zmq_errno() == EINTR {}
    }
}

extension ZMQContext {
    /// The context handle. libzmq documents contexts as thread-safe, so the pointer may cross threads.
    private struct Handle: @unchecked Sendable {
        let raw: UnsafeMutableRawPointer
    }

    /// A socket handle leaving the lock; it is handed to exactly one new ``ZMQSocket``.
    private struct SocketHandle: @unchecked Sendable {
        let raw: UnsafeMutableRawPointer
    }
}
