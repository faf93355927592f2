internal import Dispatch
internal import Foundation
public import RulesEngine
import Synchronization
public import Wire
public import ZeroMQ

/// One worker connection serving one rule pack to the broker (docs/PROTOCOL.md §5).
///
/// ``start()`` spawns a dedicated thread that owns the DEALER socket. It sends READY as `pack.<id>` with the
/// pack's metadata, evaluates each REQUEST inline (evaluation is fast and synchronous) and answers FINAL, or
/// ERROR `invalid-json`/`schema-violation` for a bad body. It heartbeats when it has sent nothing for an interval,
/// and when the broker is silent for liveness × interval, or sends DISCONNECT, it closes the socket, backs off
/// (1 s doubling to 30 s by default), opens a new socket and sends READY again, so it re-registers after a broker
/// restart. ``stop()`` sends DISCONNECT, closes the socket and joins the thread.
///
/// ```swift
/// let context = try ZMQContext()
/// let worker = try PackWorker(pack: pack, configuration: WorkerConfiguration(deployment: config), context: context)
/// try worker.start()
/// // …
/// worker.stop()
/// context.terminate()
/// ```
///
/// A process that wants to evaluate several tickets at once runs several workers (connections) on one context.
public final class PackWorker: Sendable {
    /// Counters for monitoring and tests. A sent message is counted just before it is handed to libzmq, so a peer
    /// that has received it sees it counted.
    public struct Statistics: Hashable, Sendable {
        /// Tickets answered, with FINAL or ERROR.
        public var requestsServed = 0
        /// Tickets answered with ERROR.
        public var errorReplies = 0
        /// Connections opened after the first (after a silent broker, a DISCONNECT or a socket failure).
        public var reconnects = 0
        /// HEARTBEATs sent.
        public var heartbeatsSent = 0
        /// Messages from the broker that were dropped because they could not be decoded.
        public var droppedMessages = 0

        /// Creates zeroed counters.
        public init() {}
    }

    /// Something that happened on the worker's connection, for logs. Delivered on the worker's thread.
    public enum Event: Hashable, Sendable, CustomStringConvertible {
        /// A new socket was connected and READY sent; `attempt` 1 is the first connection.
        case registering(endpoint: String, attempt: Int)
        /// The broker sent nothing for liveness × interval; the worker reconnects after `retryIn`.
        case brokerSilent(retryIn: Duration)
        /// The broker sent DISCONNECT; the worker reconnects after `retryIn`.
        case disconnectedByBroker(reason: String?, retryIn: Duration)
        /// libzmq failed; the worker reconnects after `retryIn`.
        case socketFailed(ZMQError, retryIn: Duration)
        /// A message from the broker could not be decoded and was dropped.
        case droppedMessage(WireError)
        /// A message could not be queued (the send queue is full) and was dropped.
        case sendQueueFull
        /// Before reconnecting, the worker reloaded its pack and now serves this revision.
        case reloaded(version: String, digest: String)
        /// The worker left the broker and its thread ended.
        case stopped

        /// A one-line description for logs.
        public var description: String {
            switch self {
            case .registering(let endpoint, let attempt):
                attempt == 1 ? "connecting to \(endpoint)" : "reconnecting to \(endpoint) (connection \(attempt))"
            case .brokerSilent(let delay):
                "the broker was silent too long; reconnecting in \(Self.format(delay))"
            case .disconnectedByBroker(let reason, let delay):
                "the broker disconnected this worker (\(reason ?? "no reason given")); reconnecting in "
                    + Self.format(delay)
            case .socketFailed(let error, let delay):
                "socket error: \(error); reconnecting in \(Self.format(delay))"
            case .droppedMessage(let error):
                "dropped a message from the broker: \(error)"
            case .sendQueueFull:
                "dropped an outgoing message: the send queue is full"
            case .reloaded(let version, let digest):
                "reloaded the pack: now \(version) \(digest)"
            case .stopped:
                "stopped"
            }
        }

        private static func format(_ duration: Duration) -> String {
            let (seconds, attoseconds) = duration.components
            let milliseconds = seconds * 1000 + attoseconds / 1_000_000_000_000_000
            return milliseconds % 1000 == 0 ? "\(milliseconds / 1000) s" : "\(milliseconds) ms"
        }
    }

    /// The service this worker registers: `pack.<id>`.
    public var service: ServiceName { evaluator.service }
    /// The connection settings.
    public let configuration: WorkerConfiguration

    let evaluator: PackEvaluator
    /// Reads the pack again (from the worker's own files) before each reconnect; nil keeps the pack it has.
    let reload: (@Sendable () -> CompiledPack?)?
    let context: ZMQContext
    let wakeup: ZMQWakeup
    let stopRequested: Atomic<Bool>
    let counters: Mutex<Statistics>
    let onEvent: @Sendable (Event) -> Void
    private let lifecycle: Mutex<Lifecycle>
    private let finished: DispatchSemaphore
    private let name: String

    private enum Lifecycle {
        case idle
        case running
        case finished
    }

    /// Prepares a worker; nothing connects before ``start()``.
    /// - Parameters:
    ///   - pack: The compiled pack to serve.
    ///   - configuration: The broker endpoint, heartbeat, back-off and size settings.
    ///   - context: The libzmq context; terminate it only after ``stop()`` returned.
    ///   - name: A label for the worker's thread, such as `gdpr-1`.
    ///   - onEvent: Called on the worker's thread for connection events (reconnects, dropped messages); keep
    ///     it short and non-blocking.
    ///   - reload: Reads the pack again before each reconnect (after the broker sent DISCONNECT or fell silent): a
    ///     pack of the same id with another digest is served from then on, so a worker the broker disconnected
    ///     because another revision became active serves again once its files hold that revision. Nil (or a nil
    ///     result, e.g. a pack with errors mid-edit) keeps the pack it has.
    /// - Throws: ``WireError`` when `pack.<id>` is not a valid service name; ``ZMQError`` when the wake pipe
    ///   cannot be created.
    public init(
        pack: CompiledPack,
        configuration: WorkerConfiguration,
        context: ZMQContext,
        name: String? = nil,
        onEvent: @escaping @Sendable (Event) -> Void = { _ in },
        reload: (@Sendable () -> CompiledPack?)? = nil
    ) throws {
        self.evaluator = try PackEvaluator(pack: pack)
        self.reload = reload
        self.configuration = configuration
        self.context = context
        self.wakeup = try ZMQWakeup()
        self.stopRequested = Atomic(false)
        self.counters = Mutex(Statistics())
        self.onEvent = onEvent
        self.lifecycle = Mutex(.idle)
        self.finished = DispatchSemaphore(value: 0)
        self.name = name ?? pack.id
    }

    /// A snapshot of the counters.
    public var statistics: Statistics {
        counters.withLock { $0 }
    }

    /// Starts the worker's thread, which connects and sends READY. Calling it again does nothing.
    /// - Throws: ``ZMQError`` when the endpoint is not a valid libzmq endpoint (for example `ZMQError.invalidArgument`
    ///   or `ZMQError.protocolNotSupported`), or the context was shut down.
    public func start() throws(ZMQError) {
        try Self.checkEndpoint(configuration.endpoint, context: context)
        let shouldStart = lifecycle.withLock { state in
            guard case .idle = state else { return false }
            state = .running
            return true
        }
        guard shouldStart else { return }
        let thread = Thread { [self] in
            WorkerLoop(worker: self).run()
            finished.signal()
        }
        thread.name = "aiscreen.worker.\(name)"
        thread.start()
    }

    /// Stops the worker: wakes its thread, which sends DISCONNECT (if connected) and closes its socket, and waits
    /// for the thread to end. Blocks the caller (briefly); do not call it from async code on the cooperative pool.
    /// Safe to call more than once and from several threads, and before ``start()``.
    public func stop() {
        stopRequested.store(true, ordering: .releasing)
        wakeup.wake()
        let wasRunning = lifecycle.withLock { state in
            switch state {
            case .idle:
                state = .finished
                return false
            case .running, .finished:
                return true
            }
        }
        guard wasRunning else { return }
        finished.wait()
        finished.signal()  // let any other caller of stop() through as well
        lifecycle.withLock { $0 = .finished }
    }

    /// Connects a throw-away socket to find a malformed endpoint before the thread starts.
    private static func checkEndpoint(_ endpoint: String, context: ZMQContext) throws(ZMQError) {
        let probe = try context.socket(.dealer)
        defer { probe.close() }
        try probe.set(.linger, to: 0)
        try probe.connect(endpoint)
    }
}
