internal import CZeroMQ

/// Waits until any of several sockets or file descriptors is ready (`zmq_poll`).
///
/// Register each socket or descriptor once, keep the returned token, then poll in the owning thread's loop:
///
/// ```swift
/// var poller = ZMQPoller()
/// let clients = poller.add(router)
/// let commands = poller.add(queue.wakeup)
/// while running {
///     let ready = try poller.poll(timeoutMilliseconds: 1000)
///     if ready.isReadable(commands) { for command in queue.drain() { … } }
///     if ready.isReadable(clients) { while let frames = try router.receiveMultipart(flags: .dontWait) { … } }
/// }
/// ```
///
/// Like its sockets, a poller belongs to one thread. It keeps the registered sockets alive.
public struct ZMQPoller {
    /// Identifies one registration in a ``ZMQPollResult``.
    public struct Token: Hashable, Sendable {
        let index: Int
    }

    private enum Entry {
        case socket(ZMQSocket, ZMQPollEvents)
        case fileDescriptor(Int32, ZMQPollEvents)
    }

    private var entries: [Entry] = []
    private var keepAlive: [ZMQWakeup] = []

    /// Creates a poller with nothing registered.
    public init() {}

    /// The number of registrations.
    public var count: Int { entries.count }

    /// Watches a socket.
    /// - Parameters:
    ///   - socket: A socket owned by the polling thread.
    ///   - events: The conditions to wait for (default: readable).
    /// - Returns: The token to look the socket up in a ``ZMQPollResult``.
    public mutating func add(_ socket: ZMQSocket, events: ZMQPollEvents = .readable) -> Token {
        entries.append(.socket(socket, events))
        return Token(index: entries.count - 1)
    }

    /// Watches a plain file descriptor (a pipe, an eventfd, a TCP socket not managed by libzmq).
    /// - Parameters:
    ///   - fileDescriptor: The descriptor; it must stay open while the poller uses it.
    ///   - events: The conditions to wait for (default: readable).
    /// - Returns: The token to look the descriptor up in a ``ZMQPollResult``.
    public mutating func add(fileDescriptor: Int32, events: ZMQPollEvents = .readable) -> Token {
        entries.append(.fileDescriptor(fileDescriptor, events))
        return Token(index: entries.count - 1)
    }

    /// Watches a ``ZMQWakeup`` (readable after ``ZMQWakeup/wake()``).
    /// - Parameter wakeup: The wakeup; the poller keeps it alive.
    /// - Returns: The token to look the wakeup up in a ``ZMQPollResult``.
    public mutating func add(_ wakeup: ZMQWakeup) -> Token {
        keepAlive.append(wakeup)
        return add(fileDescriptor: wakeup.fileDescriptor)
    }

    /// Blocks until at least one registration is ready or the timeout passes.
    /// - Parameter timeoutMilliseconds: The longest wait in ms; 0 returns at once, a negative value waits forever.
    /// - Returns: What is ready; ``ZMQPollResult/isEmpty`` when the timeout passed.
    /// - Throws: ``ZMQError/interrupted`` when a signal arrives (poll again), ``ZMQError/terminated`` after
    ///   ``ZMQContext/shutdown()``, ``ZMQError/notSocket`` if a registered socket was closed.
    public func poll(timeoutMilliseconds: Int) throws(ZMQError) -> ZMQPollResult {
        var items: [zmq_pollitem_t] = []
        items.reserveCapacity(entries.count)
        for entry in entries {
            switch entry {
            case .socket(let socket, let events):
                let handle = try socket.open("zmq_poll")
                items.append(zmq_pollitem_t(socket: handle, fd: -1, events: events.rawValue, revents: 0))
            case .fileDescriptor(let fd, let events):
                items.append(zmq_pollitem_t(socket: nil, fd: fd, events: events.rawValue, revents: 0))
            }
        }
        let timeout = timeoutMilliseconds < 0 ? -1 : timeoutMilliseconds
        let rc = items.withUnsafeMutableBufferPointer { buffer in
            zmq_poll(buffer.baseAddress, Int32(buffer.count), timeout)
        }
        guard rc >= 0 else {
            throw ZMQError.last("zmq_poll")
        }
        return ZMQPollResult(events: items.map { ZMQPollEvents(rawValue: $0.revents) })
    }
}

/// A poller belongs to the thread that owns its sockets; see ``ZMQSocket``.
@available(*, unavailable)
extension ZMQPoller: Sendable {}

/// The outcome of one ``ZMQPoller/poll(timeoutMilliseconds:)``.
public struct ZMQPollResult: Hashable, Sendable {
    private let events: [ZMQPollEvents]

    init(events: [ZMQPollEvents]) {
        self.events = events
    }

    /// True when nothing became ready before the timeout.
    public var isEmpty: Bool { events.allSatisfy(\.isEmpty) }

    /// The tokens of every registration that is readable, in registration order.
    public var readable: [ZMQPoller.Token] {
        events.indices.filter { events[$0].contains(.readable) }.map { ZMQPoller.Token(index: $0) }
    }

    /// The conditions that hold for one registration.
    /// - Parameter token: A token from the poller that produced this result.
    /// - Returns: The ready conditions, empty when none.
    public func events(for token: ZMQPoller.Token) -> ZMQPollEvents {
        events.indices.contains(token.index) ? events[token.index] : []
    }

    /// Whether one registration is readable.
    /// - Parameter token: A token from the poller that produced this result.
    /// - Returns: `true` if a message or data can be read without blocking.
    public func isReadable(_ token: ZMQPoller.Token) -> Bool {
        events(for: token).contains(.readable)
    }
}
