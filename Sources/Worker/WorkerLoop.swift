import RulesEngine
import Synchronization
import Security
import Wire
import ZeroMQ

/// The I/O loop of one ``PackWorker``: it owns the DEALER socket and drives a ``WorkerStateMachine``.
///
/// Created, run and dropped on the worker's own thread; nothing here is shared.
final class WorkerLoop {
    private typealias Action = WorkerStateMachine.Action

    private let worker: PackWorker
    private var machine: WorkerStateMachine
    /// The pack being served: the worker's, or the one it last reloaded.
    private var evaluator: PackEvaluator
    private var socket: ZMQSocket?
    private var poller = ZMQPoller()
    private var wakeToken: ZMQPoller.Token
    private var socketToken: ZMQPoller.Token?
    /// Set when the context was shut down: the loop ends without saying goodbye.
    private var terminated = false
    /// The most messages read in one go before the loop looks at stop requests and timers again.
    private static let receiveBatch = 64

    init(worker: PackWorker) {
        self.worker = worker
        self.evaluator = worker.evaluator
        self.machine = WorkerStateMachine(
            service: worker.evaluator.service,
            metadata: worker.evaluator.readyMetadata(capacity: worker.configuration.capacity),
            configuration: worker.configuration
        )
        self.wakeToken = poller.add(worker.wakeup)
    }

    /// Runs until ``PackWorker/stop()`` or until the context is shut down.
    func run() {
        perform(machine.start(now: .now))
        while !terminated && !worker.stopRequested.load(ordering: .acquiring) {
            let result: ZMQPollResult
            do {
                result = try poller.poll(timeoutMilliseconds: Self.milliseconds(until: machine.nextDeadline))
            } catch ZMQError.interrupted {
                continue
            } catch {
                fail(error)
                continue
            }
            if result.isReadable(wakeToken) {
                worker.wakeup.drain()
            }
            if let socketToken, result.isReadable(socketToken) {
                receiveAvailable()
            }
            perform(machine.tick(now: .now))
        }
        if !terminated {
            perform(machine.stop(now: .now))
        }
        closeSocket(linger: .zero)
        worker.onEvent(.stopped)
    }

    /// Reads and handles the messages waiting on the socket, at most ``receiveBatch``.
    private func receiveAvailable() {
        guard let current = socket else { return }
        for _ in 0..<Self.receiveBatch {
            // Handling a message may close this socket (DISCONNECT) or replace it; stop reading it then.
            guard socket === current, !worker.stopRequested.load(ordering: .acquiring) else { return }
            let frames: [[UInt8]]
            do {
                guard let received = try current.receiveMultipart(flags: .dontWait) else { return }
                frames = received
            } catch {
                fail(error)
                return
            }
            let now = ContinuousClock.now
            do {
                let message = try BrokerToWorker.decode(frames: frames)
                perform(machine.received(message, now: now))
            } catch {
                worker.counters.withLock { $0.droppedMessages += 1 }
                if error.code != .unknownProtocol {  // §3.1: unknown headers are dropped without a word
                    worker.onEvent(.droppedMessage(error))
                }
                perform(machine.receivedUndecodable(now: now))
            }
        }
    }

    /// Performs actions in order; an evaluation's answer is performed before the actions after it.
    private func perform(_ actions: [Action]) {
        var pending = actions[...]
        while let action = pending.popFirst() {
            switch action {
            case .connect:
                connect()
            case .send(let message):
                pending.append(contentsOf: send(message))
            case .evaluate(let ticket, let body):
                let outcome = evaluator.evaluate(body: body)
                pending.append(contentsOf: machine.evaluated(ticket: ticket, outcome: outcome, now: .now))
            case .close(let reason):
                close(reason)
            }
        }
    }

    private func connect() {
        closeSocket(linger: .zero)
        let attempt = machine.connections
        if attempt > 1 {
            worker.counters.withLock { $0.reconnects += 1 }
        }
        do {
            let socket = try worker.context.socket(.dealer)
            if let curve = worker.configuration.curve { try curve.apply(to: socket) }
            try socket.set(.linger, to: 0)
            try socket.set(.maxMessageSize, to: Int64(worker.configuration.maxMessageSize) * 2)
            try socket.connect(worker.configuration.endpoint)
            self.socket = socket
            var poller = ZMQPoller()
            wakeToken = poller.add(worker.wakeup)
            socketToken = poller.add(socket)
            self.poller = poller
            worker.onEvent(.registering(endpoint: worker.configuration.endpoint, attempt: attempt))
        } catch {
            fail(error)
        }
    }

    /// Sends a message without blocking; returns what the machine wants done after a failure.
    ///
    /// The counters are updated before the send, so that a peer that has received the message also sees them;
    /// a failed send takes its count back.
    private func send(_ message: WorkerMessage) -> [Action] {
        guard let socket else { return [] }
        count(message, by: 1)
        do {
            try socket.send(message.encode(), flags: .dontWait)
            return []
        } catch ZMQError.again {
            count(message, by: -1)
            worker.onEvent(.sendQueueFull)
            return []
        } catch {
            count(message, by: -1)
            return failure(error)
        }
    }

    private func count(_ message: WorkerMessage, by delta: Int) {
        worker.counters.withLock { counters in
            switch message {
            case .final:
                counters.requestsServed += delta
            case .error:
                counters.requestsServed += delta
                counters.errorReplies += delta
            case .heartbeat:
                counters.heartbeatsSent += delta
            case .ready, .disconnect:
                break
            }
        }
    }

    private func close(_ reason: WorkerStateMachine.CloseReason) {
        switch reason {
        case .stopping:
            closeSocket(linger: worker.configuration.disconnectLinger)
        case .brokerSilent:
            closeSocket(linger: .zero)
            worker.onEvent(.brokerSilent(retryIn: retryDelay))
            reloadPack()
        case .brokerDisconnected(let text):
            closeSocket(linger: .zero)
            worker.onEvent(.disconnectedByBroker(reason: text, retryIn: retryDelay))
            reloadPack()
        case .socketFailed:
            closeSocket(linger: .zero)
        }
    }

    /// Reads the pack again before the next READY; a new revision of the same pack is served from then on.
    private func reloadPack() {
        guard let reload = worker.reload, let pack = reload(), pack.id == evaluator.pack.id, pack.digest != evaluator.pack.digest,
            let reloaded = try? PackEvaluator(pack: pack)
        else { return }
        evaluator = reloaded
        machine.metadata = reloaded.readyMetadata(capacity: worker.configuration.capacity)
        worker.onEvent(.reloaded(version: pack.version, digest: pack.digest))
    }

    private func closeSocket(linger: Duration) {
        guard let socket else { return }
        if linger > .zero {
            // Best effort: a socket that cannot take the option still closes, with LINGER 0.
            try? socket.set(.linger, to: Int32(clamping: Self.milliseconds(linger)))
        }
        socket.close()
        self.socket = nil
        socketToken = nil
        var poller = ZMQPoller()
        wakeToken = poller.add(worker.wakeup)
        self.poller = poller
    }

    /// Handles a libzmq failure outside ``perform(_:)``.
    private func fail(_ error: any Error) {
        perform(failure(error))
    }

    /// A shut-down context ends the loop; any other failure closes the socket and backs off.
    private func failure(_ error: any Error) -> [Action] {
        if case ZMQError.terminated = error {
            terminated = true
            return []
        }
        let actions = machine.socketFailed(now: .now)
        if let error = error as? ZMQError {
            worker.onEvent(.socketFailed(error, retryIn: retryDelay))
        }
        return actions
    }

    /// The wait before the next reconnect, once the machine is waiting.
    private var retryDelay: Duration {
        guard case .waiting = machine.state else { return .zero }
        return machine.currentWait
    }

    /// Milliseconds until `deadline`, rounded up; -1 (wait for a wake) when there is none.
    private static func milliseconds(until deadline: ContinuousClock.Instant?) -> Int {
        guard let deadline else { return -1 }
        return milliseconds(deadline - .now)
    }

    private static func milliseconds(_ duration: Duration) -> Int {
        guard duration > .zero else { return 0 }
        let (seconds, attoseconds) = duration.components
        let perMillisecond: Int64 = 1_000_000_000_000_000
        return Int(seconds * 1000 + (attoseconds + perMillisecond - 1) / perMillisecond)
    }
}
