public import RulesEngine
import Foundation
public import Logging
public import Security
import Synchronization
import Wire
public import ZeroMQ

/// Where the broker listens. `tcp://127.0.0.1:*` picks a free port; ``BrokerService/run(onListening:)``
/// reports the one it got.
public struct BrokerEndpoints: Sendable, Hashable {
    public var client: String
    /// The TCP worker endpoint; empty: not opened (only ``extraWorker``, e.g. in-process workers).
    public var worker: String
    public var publish: String
    /// More endpoints the worker socket binds, e.g. `inproc://…` for workers that share the broker's context
    /// (``BrokerService/init(configuration:endpoints:schema:journal:context:)``).
    public var extraWorker: [String]

    public init(client: String, worker: String, publish: String, extraWorker: [String] = []) {
        self.client = client
        self.worker = worker
        self.publish = publish
        self.extraWorker = extraWorker
    }
}

/// CURVE on the broker's TCP endpoints: its key pair, and the key directory its ZAP handler authorises from.
public struct BrokerSecurity: Sendable {
    public var serverKeys: ServerKeys
    public var keyDirectory: String

    public init(serverKeys: ServerKeys, keyDirectory: String) {
        self.serverKeys = serverKeys
        self.keyDirectory = keyDirectory
    }
}

/// What a readiness check needs beyond the worker counts: whether the broker refuses new requests because of its
/// journal, and the live tickets waiting per pack.
public struct BrokerHealth: Sendable, Hashable {
    /// Why the journal refuses new requests (full, unwritable, behind), or nil when it takes them.
    public var journalRefusal: String?
    /// Live tickets queued per active pack.
    public var queuedTickets: [String: Int]

    public init(journalRefusal: String? = nil, queuedTickets: [String: Int] = [:]) {
        self.journalRefusal = journalRefusal
        self.queuedTickets = queuedTickets
    }
}

/// The broker's I/O loop: one thread owns the client ROUTER, the worker ROUTER and the PUB socket, feeds what
/// arrives to ``BrokerStateMachine`` and performs the actions it returns. Every send is non-blocking, so one
/// slow or vanished peer never stalls the broker; a send that cannot complete is counted and dropped (a client
/// that misses its reply retries with the same request id and gets the cached verdict).
public final class BrokerService: Sendable {
    enum Command: Sendable {
        case shutdown(graceMilliseconds: Int64)
        /// Make a revision the active one of its pack.
        case activate(ActivePack)
        /// The journal committer finished a group.
        case committed([JournalCommitter.Outcome])
        /// A deploy of a pack ended (for `mmi.packs`).
        case noteDeploy(String, JSONValue)
        /// An admin request was handled: send the reply.
        case adminAnswered(PeerID, [[UInt8]])
    }

    public let configuration: BrokerConfiguration
    public let endpoints: BrokerEndpoints
    let schema: SchemaNode
    let journal: (any BrokerJournal)?
    let context: ZMQContext
    let security: BrokerSecurity?
    /// Where the broker's ``BrokerEvent``s go (``Logging/Logger/log(_:)``): the caller's logger.
    let logger: Logger
    /// Whether `run` terminates the context when it ends (it does unless the caller supplied the context).
    let ownsContext: Bool
    let commands: ZMQCommandQueue<Command>
    private let snapshot = Mutex(BrokerCounters())
    private let registered = Mutex<[String: Int]>([:])
    private let health = Mutex(BrokerHealth())
    private let observations = ObservationBuffer()
    private let activeRevisions: Mutex<[ActivePack]>
    /// The verdict feed for a reader in this process (the HTTP server), without a socket.
    public let feedTap = FeedTap()
    let adminSeat = AdminSeat()

    /// - Parameters:
    ///   - journal: where accepted requests and verdicts are recorded before any reply or publish; `nil` runs
    ///     without a journal (idempotency then rests on the in-memory cache only).
    ///   - security: CURVE with a ZAP handler on every TCP endpoint; `nil` uses the NULL mechanism (anyone who can
    ///     reach an endpoint may use it: loopback only).
    ///   - logger: receives what the operator should know: workers joining, refused and dropped, peers refused,
    ///     screenings failed closed, the journal refusing and recovering (``BrokerEvent``).
    ///   - context: a context to share with in-process workers, which then connect to an `inproc://` endpoint
    ///     in ``BrokerEndpoints/extraWorker`` and skip TCP and libzmq's I/O threads. The caller terminates it, after
    ///     `run` returned and its workers stopped. `nil`: the broker makes and terminates its own.
    public init(
        configuration: BrokerConfiguration, endpoints: BrokerEndpoints, schema: SchemaNode, journal: (any BrokerJournal)? = nil,
        security: BrokerSecurity? = nil, logger: Logger, context: ZMQContext? = nil
    ) throws(ZMQError) {
        self.configuration = configuration
        self.security = security
        self.logger = logger
        self.endpoints = endpoints
        self.schema = schema
        self.journal = journal
        self.ownsContext = context == nil
        if let context {
            self.context = context
        } else {
            self.context = try ZMQContext()
        }
        self.commands = try ZMQCommandQueue()
        self.activeRevisions = Mutex(configuration.active)
    }

    /// Offers the admin services (`admin.deploy`, `admin.rollback`) through `handler`; without one they are
    /// `unknown-service`. Call before ``run(onListening:)``.
    /// - Parameter localToken: without CURVE, the token a request's body must carry (``Security/AdminToken``); nil
    ///   refuses every admin request on a broker without CURVE.
    public func offerAdmin(_ handler: any BrokerAdmin, localToken: String?) { adminSeat.install(handler, localToken: localToken) }

    /// The journal the broker writes, if any.
    public var journalSeam: (any BrokerJournal)? { journal }

    /// Whether the TCP endpoints speak CURVE.
    public var isSecure: Bool { security != nil }

    /// The counters as of the loop's last pass.
    public var counters: BrokerCounters { snapshot.withLock { $0 } }

    /// Registered workers per pack, as of the loop's last timer pass (every 10 ms).
    public var workerCounts: [String: Int] { registered.withLock { $0 } }

    /// Queue depths and whether the journal refuses, as of the loop's last timer pass (for `/readyz`, `/metrics`).
    public var currentHealth: BrokerHealth { health.withLock { $0 } }

    /// The pack answer times and journal commits measured since the last call (for `/metrics`; one reader).
    public func drainObservations() -> BrokerObservations { observations.drain() }

    /// Waits until at least `expected[pack]` workers of each pack are registered, or `timeout` passed.
    /// Safe from any thread but the broker's own (which must be running `run`).
    /// - Returns: The packs still short of workers, with how many are registered; empty when all are there.
    public func waitForWorkers(_ expected: [String: Int], timeout: Duration) -> [String: Int] {
        let deadline = ContinuousClock.now + timeout
        while true {
            let registered = workerCounts
            var missing: [String: Int] = [:]
            for (pack, count) in expected where registered[pack, default: 0] < count { missing[pack] = registered[pack, default: 0] }
            if missing.isEmpty || ContinuousClock.now >= deadline { return missing }
            Thread.sleep(forTimeInterval: 0.01)
        }
    }

    /// The active revision of every pack, as of the last ``activate(_:)`` the loop carried out.
    public var active: [ActivePack] { activeRevisions.withLock { $0 } }

    /// Makes `revision` the active one of its pack (``BrokerStateMachine/activate(_:now:)``): new tickets go only
    /// to its workers; workers of another revision get a DISCONNECT naming it, and the tickets they held go back to
    /// the queue whole. Safe from any thread.
    public func activate(_ revision: ActivePack) {
        commands.post(.activate(revision))
    }

    /// Records the outcome of a pack's last deploy or rollback, which `mmi.packs` then shows as `last_deploy`.
    public func noteDeploy(pack: String, outcome: JSONValue) {
        commands.post(.noteDeploy(pack, outcome))
    }

    /// Stop taking requests, finish those in flight (at most `graceMilliseconds`), then return from `run`.
    /// Safe from any thread, e.g. a signal handler's queue.
    public func shutdown(graceMilliseconds: Int64 = 5_000) {
        commands.post(.shutdown(graceMilliseconds: graceMilliseconds))
    }

    static func milliseconds() -> Int64 { Int64(DispatchTime.now().uptimeNanoseconds / 1_000_000) }

    /// Runs the loop on the calling thread until ``shutdown(graceMilliseconds:)``.
    /// - Parameter onListening: called once with the bound endpoints (ports resolved).
    public func run(onListening: (BrokerEndpoints) -> Void) throws(ZMQError) {
        // The ZAP handler first: a CURVE socket in a context without one would accept every client key.
        let zap = try security.map { security throws(ZMQError) in try ZAPHandler(context: context, keyDirectory: security.keyDirectory) }
        let clients = try context.socket(.router)
        let workers = try context.socket(.router)
        // XPUB: a PUB that also hears its subscriptions, so that a detail level nobody subscribes to is not sent.
        let publisher = try context.socket(.xpub)
        defer {
            clients.close()
            workers.close()
            publisher.close()
            zap?.socket.close()  // last: the sockets above may still be mid-handshake; before terminate, which waits for it
            if ownsContext { context.terminate() }
        }
        for socket in [clients, workers] {
            try socket.set(.routerMandatory, to: true)
            try socket.set(.linger, to: 500)
            try socket.set(.maxMessageSize, to: Int64(configuration.maxMessageBytes) * 2)
            try socket.set(.sendHighWaterMark, to: Int32(configuration.highWaterMark))
            try socket.set(.receiveHighWaterMark, to: Int32(configuration.highWaterMark))
        }
        // No handover: a peer that connects with a routing id in use gets nothing meant for the first one.
        try clients.set(.routerHandover, to: false)
        try publisher.set(.linger, to: 500)
        try publisher.set(.sendHighWaterMark, to: Int32(configuration.highWaterMark))
        if let security {
            for (socket, domain) in [(clients, ZAPPolicy.Domain.client), (workers, .worker), (publisher, .feed)] {
                try socket.set(.zapDomain, to: domain.rawValue)
                try socket.set(.curveServer, to: true)
                try socket.set(.curveSecretKey, to: security.serverKeys.secretKey)
            }
        }
        try bind(clients, endpoints.client, "client")
        var boundWorker = ""
        if !endpoints.worker.isEmpty {
            try bind(workers, endpoints.worker, "worker")
            boundWorker = (try? workers.lastEndpoint) ?? endpoints.worker  // before the extra ones
        }
        for endpoint in endpoints.extraWorker { try workers.bind(endpoint) }
        try bind(publisher, endpoints.publish, "publish")
        onListening(
            BrokerEndpoints(
                client: (try? clients.lastEndpoint) ?? endpoints.client, worker: boundWorker,
                publish: (try? publisher.lastEndpoint) ?? endpoints.publish, extraWorker: endpoints.extraWorker))

        var machine = BrokerStateMachine(configuration: configuration, schema: schema)
        var publishing = Publishing()
        var demand = FeedDemand()
        var poller = ZMQPoller()
        let clientToken = poller.add(clients, events: .readable)
        let workerToken = poller.add(workers, events: .readable)
        let publisherToken = poller.add(publisher, events: .readable)
        _ = poller.add(commands.wakeup)
        let zapToken = zap.map { poller.add($0.socket, events: .readable) }
        var lastTick = Self.milliseconds()
        var stopAt: Int64?
        var sendFailures = 0
        let commands = self.commands
        let observations = self.observations
        let committer = journal.map {
            JournalCommitter(journal: $0, observe: { observations.add(.init(duration: $0, records: $1)) }) { outcomes in commands.post(.committed(outcomes)) }
        }
        defer { committer?.stop() }
        var gate = JournalGate(journaled: committer != nil)

        func snapshotCounters() {
            var counters = machine.counters
            counters.clientErrors["send-failed", default: 0] = sendFailures
            snapshot.withLock { $0 = counters }
            let counts = Dictionary(uniqueKeysWithValues: configuration.packs.map { ($0, machine.workerCount(pack: $0)) })
            registered.withLock { $0 = counts }
            let queued = Dictionary(uniqueKeysWithValues: configuration.packs.map { ($0, machine.queuedLive[$0] ?? 0) })
            health.withLock { $0 = BrokerHealth(journalRefusal: machine.journalUnavailable ?? machine.journalBehind, queuedTickets: queued) }
        }

        func send(_ actions: [BrokerStateMachine.Action]) {
            for action in actions {
                do {
                    switch action {
                    case .sendToClient(let peer, let frames): try clients.send([peer.bytes] + frames, flags: .dontWait)
                    case .sendToWorker(let peer, let frames): try workers.send([peer.bytes] + frames, flags: .dontWait)
                    case .publish(let topic, _, let result, let summaryTopic, let summaryBody, let summary):
                        // One stamp for the evaluation: its full and summary messages carry the same seq.
                        publishing.stampNext()
                        feedTap.offer(FeedTap.Message(topic: topic, summary: summary, stamp: publishing.stamp))
                        if demand.wants(topic) { try publisher.send([topic, publishing.stamped(result)], flags: .dontWait) }
                        if let summaryBody, demand.wants(summaryTopic) {
                            try publisher.send([summaryTopic, publishing.stamped(summaryBody)], flags: .dontWait)
                        }
                    case .record:
                        break  // the gate hands records to the committer
                    }
                } catch {
                    sendFailures += 1  // vanished peer (EHOSTUNREACH) or full queue (EAGAIN)
                }
            }
        }

        /// Logs what the machine reported since the last call.
        func flushEvents() {
            if !machine.events.isEmpty { for event in machine.drainEvents() { logger.log(event) } }
            if !machine.packAnswers.isEmpty { observations.add(machine.drainPackAnswers()) }
        }

        /// Sends what a pass of the machine says, through the journal gate: answers and publications only once
        /// their records are committed, in order.
        func perform(_ proposed: [BrokerStateMachine.Action]) {
            let (now, batch) = gate.pass(proposed, &machine)
            flushEvents()
            if let batch { committer?.submit(batch) }
            send(now)
        }

        if let journal {
            // Recovery: requests accepted before a crash get their verdict now.
            do {
                for request in try journal.unfinished() {
                    guard let id = try? RequestID(request.requestID), let service = try? ServiceName(request.service) else { continue }
                    perform(machine.recover(requestID: id, service: service, body: request.body, principal: request.principal, now: Self.milliseconds()))
                }
            } catch {
                machine.journalUnavailable = "\(error)"
            }
        }

        // Idle strategy: after activity, keep polling without sleeping for `idleSpinMicroseconds`, so that the next
        // message is seen without the thread (and, on a VM, the virtual CPU) being woken up; then block.
        let spinNanoseconds = UInt64(configuration.idleSpinMicroseconds) * 1_000
        var lastActive: UInt64 = 0
        while true {
            var result = try poller.poll(timeoutMilliseconds: spinNanoseconds > 0 ? 0 : 20)
            if spinNanoseconds > 0 {
                let clock = DispatchTime.now().uptimeNanoseconds
                if !result.isEmpty {
                    lastActive = clock
                } else if clock - lastActive < spinNanoseconds {
                    continue
                } else {
                    result = try poller.poll(timeoutMilliseconds: 20)
                    if !result.isEmpty { lastActive = DispatchTime.now().uptimeNanoseconds }
                }
            }
            for command in commands.drain() {
                switch command {
                case .shutdown(let grace):
                    machine.beginShutdown()
                    stopAt = Self.milliseconds() + grace
                case .committed(let outcomes):
                    send(gate.committed(outcomes, &machine))
                    flushEvents()
                case .activate(let revision):
                    perform(machine.activate(revision, now: Self.milliseconds()))
                    let active = configuration.packs.compactMap { machine.active[$0] }
                    activeRevisions.withLock { $0 = active }
                case .noteDeploy(let pack, let outcome):
                    machine.lastDeploy[pack] = outcome
                case .adminAnswered(let peer, let frames):
                    send([.sendToClient(peer, frames)])
                }
            }
            if let zap, let zapToken, result.isReadable(zapToken) {
                for outcome in try zap.handle() {
                    if case .deny(let reason) = outcome.decision {
                        logger.log(BrokerEvent("peer-refused", ["endpoint": outcome.domain, "address": outcome.address, "key": outcome.fingerprint, "reason": reason]))
                    }
                }
            }
            if result.isReadable(publisherToken) {
                while let frames = try? publisher.receiveMultipart(flags: .dontWait), let message = frames.first {
                    demand.apply(message)
                }
                machine.publishesSummaries = demand.wantsAny(of: Array("\(VerdictTopic.Detail.summary.rawValue).".utf8))
            }
            var now = Self.milliseconds()
            // Workers first: a READY or an answer in this pass makes room before the requests of this pass.
            if result.isReadable(workerToken) {
                for _ in 0..<2_000 {
                    guard let (frames, userID) = try workers.receiveMessage(flags: .dontWait), let identity = frames.first else { break }
                    perform(machine.workerMessage(from: PeerID(identity), frames: Array(frames.dropFirst()), now: now, principal: userID))
                }
            }
            if result.isReadable(clientToken) {
                now = Self.milliseconds()
                // Bounded by count and by time, so workers' answers and heartbeats are never starved by a burst.
                for _ in 0..<2_000 {
                    guard Self.milliseconds() - now < 50,
                        let (frames, userID) = try clients.receiveMessage(flags: .dontWait), let identity = frames.first
                    else { break }
                    let peer = PeerID(identity)
                    let message = Array(frames.dropFirst())
                    let principal = userID ?? BrokerStateMachine.anonymous
                    if let refusal = admin(message, peer, principal) {
                        send(refusal)
                        continue
                    }
                    let (earlier, handled) = fromJournal(message, peer, principal, &machine)
                    perform(earlier)
                    if handled { continue }
                    perform(machine.clientMessage(from: peer, frames: message, now: now, principal: principal))
                }
            }
            now = Self.milliseconds()
            if now - lastTick >= 10 {
                lastTick = now
                perform(machine.tick(now: now))
                gate.tick(now: now, &machine)
                snapshotCounters()
            }
            if let stopAt, (machine.pendingCount == 0 && gate.isIdle) || now >= stopAt {
                send(machine.disconnectAll())
                snapshotCounters()
                return
            }
        }
    }

    /// Binds `endpoint`; an error names the endpoint and the setting that chose it.
    private func bind(_ socket: ZMQSocket, _ endpoint: String, _ role: String) throws(ZMQError) {
        do {
            try socket.bind(endpoint)
        } catch {
            logger.log(BrokerEvent("bind-failed", ["endpoint": endpoint, "socket": role, "setting": "broker.\(role)_endpoint (--\(role), AISCREEN_\(role.uppercased())_ENDPOINT)", "error": "\(error)"]))
            throw error
        }
    }
}
