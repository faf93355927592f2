public import RulesEngine
public import Wire
internal import Crypto

/// A peer's ROUTER routing identity.
public struct PeerID: Hashable, Sendable, CustomStringConvertible {
    public var bytes: [UInt8]

    public init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// Lower-case hex, two digits a byte (so distinct ids never print alike).
    public var description: String { bytes.map { $0 < 16 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined() }
}

/// The broker's routing logic as a pure state machine (docs/PROTOCOL.md): it takes decoded-or-not frames and
/// the time, and returns what to send. It never touches a socket or a clock, so every rule is unit-tested
/// without libzmq; ``BrokerService`` drives it from one I/O thread.
public struct BrokerStateMachine: Sendable {
    /// What the I/O loop must do.
    public enum Action: Sendable, Equatable {
        case sendToClient(PeerID, [[UInt8]])
        case sendToWorker(PeerID, [[UInt8]])
        /// Publish a combined verdict (its JSON object, rendered; its summary under `summary.…` when
        /// ``BrokerStateMachine/publishesSummaries``; and its ``PublishedVerdict`` for an in-process reader): the
        /// service adds `seq`, `published_at` and `run_id`, and sends each detail level only while someone subscribes.
        case publish(topic: [UInt8], requestID: RequestID, result: [UInt8], summaryTopic: [UInt8], summaryBody: [UInt8]?, summary: PublishedVerdict)
        /// Write to the journal before any send that follows in the same batch of actions.
        case record(Record)
    }

    /// What the journal must hold before the broker acknowledges or publishes.
    public enum Record: Sendable, Equatable {
        case accepted(requestID: String, service: String, body: [UInt8], principal: String, department: String?)
        /// An answer: a verdict, or (`verdict` "error", `result` `{"code","message"}`) the ERROR a `pack.<id>` request
        /// got after it was accepted. `provisional`: not the verdict of record (a pack failed: no worker, deadline,
        /// worker error): a retry evaluates the failed packs again, and the journal keeps every answer.
        case completed(requestID: String, verdict: String, result: [UInt8], packs: [RecordedPack], provisional: Bool)
    }

    /// A pack revision that judged a request.
    public struct RecordedPack: Sendable, Equatable {
        public var id: String
        public var version: String
        public var digest: String
        /// The principal of the worker that judged it (its key's name), nil for an in-process or unauthenticated
        /// worker, or a pack that failed.
        public var judgedBy: String? = nil
        /// What it decided, as the result's bytes say: its verdict, how many errors, the rule id of each finding.
        public var outcome: Outcome? = nil

        public struct Outcome: Sendable, Equatable {
            public var verdict: String
            public var errors: Int
            public var rules: [String]
        }
    }

    struct Worker {
        var id: PeerID
        var pack: String
        var version: String
        var digest: String
        /// Its authenticated principal (ZAP User-Id), nil for an in-process or plaintext worker.
        var principal: String?
        /// The most tickets it holds at once (READY metadata `capacity`, default 1).
        var capacity: Int
        var expiresAt: Int64
        var lastSentAt: Int64
        /// The tickets sent to it and not yet answered, oldest first.
        var tickets: [TicketID] = []
        /// Whether it stands in its pack's line of idle workers (``BrokerStateMachine/idle``).
        var waiting = true

        var hasRoom: Bool { tickets.count < capacity }
    }

    struct Ticket {
        var id: TicketID
        /// nil once the request is gone (deadline); the worker's answer is then discarded.
        var request: RequestID?
        var pack: String
        var body: [UInt8]
        var dispatches = 0
        var worker: PeerID?
        /// When it was last sent to a worker (for the pack's answer time).
        var sentAt: Int64 = 0
        /// Since when its request is gone while a worker still holds it (its body is released then).
        var lateSince: Int64?
    }

    struct Waiter: Equatable {
        var client: PeerID
        /// Whose in-flight limit it counts against (``BrokerStateMachine/owner(_:_:)``).
        var owner: String
        var partials: Bool
        /// It asked for `detail=summary` (docs/PROTOCOL.md §7.5).
        var summary: Bool

        init(client: PeerID, owner: String, options: RequestOptions, service: ServiceName) {
            self.client = client
            self.owner = owner
            partials = options.contains(.partials) && service == .screen
            summary = options.contains(.summaryDetail)
        }
    }

    struct Pending {
        var requestID: RequestID
        var service: ServiceName
        var fingerprint: [UInt8]
        var principal: String
        var body: [UInt8]
        var waiters: [Waiter]
        var deadlineAt: Int64
        var packs: [String]
        var results: [String: RenderedPackVerdict] = [:]
        var failures: [String: (code: ErrorCode, message: String)] = [:]
        /// The principal of the worker that judged each pack (authenticated workers only).
        var judges: [String: String] = [:]
        var tickets: [TicketID] = []
        var department: String?
        var screeningDate: Day?

        var isComplete: Bool { packs.allSatisfy { results[$0] != nil || failures[$0] != nil } }
    }

    struct Completed {
        var service: ServiceName
        var fingerprint: [UInt8]
        var reply: [[UInt8]]
        /// Not the verdict of record: a retry evaluates the packs that failed (those in ``kept`` stay).
        var provisional = false
        /// For a provisional answer, what a re-evaluation needs: the request and the packs that succeeded.
        var retry: Pending?
        /// Its place in ``BrokerStateMachine/completedOrder``.
        var stamp: UInt64 = 0

        /// Bytes this entry holds (replies and, for a provisional answer, the body kept for a retry).
        var bytes: Int { reply.reduce(0) { $0 + $1.count } + (retry?.body.count ?? 0) }
    }

    public let configuration: BrokerConfiguration
    let decoder: RequestDecoder
    /// The revision of each pack that may judge requests; only its workers are registered.
    public internal(set) var active: [String: ActivePack]
    /// The outcome of each pack's last deploy or rollback, as its deployer described it (for `mmi.packs`).
    public var lastDeploy: [String: JSONValue] = [:]
    var workers: [PeerID: Worker] = [:]
    /// Workers with room for another ticket, per pack, in the order they get the next ones.
    var idle: [String: Deque<PeerID>] = [:]
    var queues: [String: Deque<TicketID>] = [:]
    var tickets: [TicketID: Ticket] = [:]
    var pending: [RequestID: Pending] = [:]
    var completed: [RequestID: Completed] = [:]
    var completedOrder = Deque<(RequestID, UInt64)>()
    var nextCompletedStamp: UInt64 = 0
    /// Bytes held by ``completed``.
    var completedBytes = 0
    /// Open requests per owner (a principal, or a routing id without authentication).
    var inflightPerClient: [String: Int] = [:]
    /// Registered workers per pack (kept in step with ``workers``, so no per-request scan of the registry).
    var workersPerPack: [String: Int] = [:]
    /// Tickets in ``queues`` whose request is still open, per pack. The queues may also hold ids of tickets whose
    /// request ended (skipped at dispatch, compacted away when they dominate).
    var queuedLive: [String: Int] = [:]
    /// Bytes of the bodies of open requests.
    public internal(set) var pendingBytes = 0
    /// No worker needs a heartbeat, expires or holds a late ticket before this time.
    var nextWorkerScanAt: Int64 = .min
    /// No open request reaches its deadline before this time.
    var nextDeadlineAt: Int64 = .max
    var nextTicket: UInt64 = 0
    public private(set) var isShuttingDown = false
    /// Whether a subscriber asks for summaries (`summary.…` topics): only then does a publication carry one.
    public var publishesSummaries = false
    /// Set while the journal cannot be written: new requests are refused, because what cannot be recorded
    /// must not be accepted.
    public var journalUnavailable: String?
    /// Set while the journal is far behind (the disk is slow): new requests are refused as `overloaded` until it
    /// catches up, so that answers waiting for their commit cannot pile up without bound.
    public var journalBehind: String?
    public internal(set) var counters = BrokerCounters()
    /// What the operator should see in the log since the last ``drainEvents()`` (never a body or evidence).
    public internal(set) var events: [BrokerEvent] = []

    /// How long each pack took to answer, since the last ``drainPackAnswers()``.
    public internal(set) var packAnswers: [BrokerObservations.PackAnswer] = []

    /// The pack answer times observed since the last call.
    public mutating func drainPackAnswers() -> [BrokerObservations.PackAnswer] {
        defer { packAnswers.removeAll(keepingCapacity: true) }
        return packAnswers
    }

    /// The events logged since the last call, oldest first.
    public mutating func drainEvents() -> [BrokerEvent] {
        defer { events.removeAll(keepingCapacity: true) }
        return events
    }

    /// - Parameters:
    ///   - configuration: limits, heartbeat, the packs.
    ///   - schema: the request schema the broker validates bodies against before dispatch.
    public init(configuration: BrokerConfiguration, schema: SchemaNode) {
        self.configuration = configuration
        self.decoder = RequestDecoder(schema: schema, limits: configuration.jsonLimits)
        self.active = Dictionary(configuration.active.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// Requests waiting for a verdict.
    public var pendingCount: Int { pending.count }
    /// Registered workers per pack.
    public func workerCount(pack: String) -> Int { workersPerPack[pack] ?? 0 }

    /// Stop taking new requests; those in flight finish or meet their deadline.
    public mutating func beginShutdown() {
        isShuttingDown = true
    }

    /// DISCONNECT for every worker (at the very end of a shutdown).
    public mutating func disconnectAll() -> [Action] {
        let actions = workers.keys.map { Action.sendToWorker($0, BrokerToWorker.disconnect(reason: "broker shutting down").encode()) }
        workers.removeAll()
        workersPerPack.removeAll()
        idle.removeAll()
        return actions
    }

    // MARK: - Clients

    /// The principal of every client when the client endpoint has no authentication.
    public static let anonymous = "anonymous"

    /// A message from a client (frames after the routing identity).
    /// - Parameter principal: who sent it: the ZAP User-Id of its CURVE key, or ``anonymous``. A request id
    ///   belongs to the principal that used it first: the same id from another principal is a `conflict`.
    public mutating func clientMessage(from client: PeerID, frames: [[UInt8]], now: Int64, principal: String = BrokerStateMachine.anonymous) -> [Action] {
        let size = frames.reduce(0) { $0 + $1.count }
        let message: ClientMessage
        do {
            message = try ClientMessage.decode(frames: frames)
        } catch {
            guard let requestID = error.requestID else {
                counters.clientMalformedDropped += 1
                return []
            }
            return [refuse(client, error.service, requestID, .malformed, "\(error.message)")]
        }
        guard case .request(let service, let requestID, let deadline, let options, let body) = message else { return [] }
        if size > configuration.maxMessageBytes {
            return [refuse(client, service, requestID, .tooLarge, "the message has \(size) bytes; the limit is \(configuration.maxMessageBytes)")]
        }
        let packs: [String]
        if service == .screen {
            packs = configuration.packs
        } else if let pack = service.packID, configuration.packs.contains(pack) {
            packs = [pack]
        } else if service == .mmiService {
            return [mmi(client, requestID, body)]
        } else if service == .mmiPacks {
            return [.sendToClient(client, BrokerReply.final(service: .mmiPacks, requestID: requestID, body: JSONWriter.bytes(packStatus())).encode())]
        } else {
            return [refuse(client, service, requestID, .unknownService, "this broker offers 'screen' and \(configuration.packs.map { "'pack.\($0)'" }.joined(separator: ", "))")]
        }
        let request: Request
        switch decode(body) {
        case .success(let decoded): request = decoded
        case .failure(let refusal): return [refuse(client, service, requestID, refusal.code, refusal.message)]
        }
        // One request id: the body's `request_id` is the request's identity, the frame carries the same for routing.
        guard request.requestID == requestID.rawValue else {
            return [refuse(client, service, requestID, .malformed, "the body's request_id \"\(request.requestID)\" differs from the REQUEST's request id \"\(requestID)\" (frame 4); send the same id in both")]
        }
        let fingerprint = Self.fingerprint(service, request, principal: principal)
        let owner = Self.owner(client, principal)
        if let done = completed[requestID] {
            guard done.service == service, done.fingerprint == fingerprint else {
                return [refuse(client, service, requestID, .conflict, "request id \(requestID) was already used for a different request; use a new id")]
            }
            guard done.provisional, var retry = done.retry else {
                counters.cacheReplays += 1
                return [.sendToClient(client, options.contains(.summaryDetail) ? Self.summaryReply(done.reply) : done.reply)]
            }
            // The answer was provisional (a pack failed): evaluate the failed packs again.
            if let refusal = admission(client, service, requestID, owner: owner, packs: retry.packs.filter { retry.results[$0] == nil }, bytes: retry.body.count) {
                return [refusal]
            }
            forget(requestID)
            retry.waiters = [Waiter(client: client, owner: owner, options: options, service: service)]
            retry.deadlineAt = now + deadlineMilliseconds(deadline)
            counters.reevaluated += 1
            events.append(BrokerEvent("re-evaluating", ["request_id": requestID.rawValue, "principal": principal, "packs": retry.packs.filter { retry.results[$0] == nil }.joined(separator: " ")]))
            return open(retry, now: now)
        }
        if var open = pending[requestID] {
            guard open.service == service, open.fingerprint == fingerprint else {
                return [refuse(client, service, requestID, .conflict, "request id \(requestID) is in flight for a different request; use a new id")]
            }
            let waiter = Waiter(client: client, owner: owner, options: options, service: service)
            if let index = open.waiters.firstIndex(where: { $0.client == client }) {
                // The same client again: one answer, at the detail (and with the partials) its latest attempt asks for.
                open.waiters[index] = waiter
            } else {
                open.waiters.append(waiter)
                inflightPerClient[owner, default: 0] += 1
            }
            pending[requestID] = open
            counters.retriesAttached += 1
            return []
        }
        if let refusal = admission(client, service, requestID, owner: owner, packs: packs, bytes: body.count) { return [refusal] }
        var pending = Pending(
            requestID: requestID, service: service, fingerprint: fingerprint, principal: principal, body: body,
            waiters: [Waiter(client: client, owner: owner, options: options, service: service)],
            deadlineAt: now + deadlineMilliseconds(deadline), packs: packs)
        Self.describe(&pending, request)
        counters.requestsAccepted += 1
        counters.acceptedByService[service.rawValue, default: 0] += 1
        let accepted = Action.record(.accepted(requestID: requestID.rawValue, service: service.rawValue, body: body, principal: principal, department: pending.department))
        return [accepted] + open(pending, now: now)
    }

    /// Whether a new request (or a re-evaluation) may be admitted; the refusal when not.
    private mutating func admission(_ client: PeerID, _ service: ServiceName, _ requestID: RequestID, owner: String, packs: [String], bytes: Int) -> Action? {
        if isShuttingDown {
            return refuse(client, service, requestID, .shuttingDown, "the broker is stopping; retry when it is back")
        }
        if let reason = journalUnavailable {
            return refuse(client, service, requestID, .internalError, "the journal cannot be written (\(reason)); the request was not accepted — retry later")
        }
        if let reason = journalBehind {
            return refuse(client, service, requestID, .overloaded, "\(reason); retry later")
        }
        if inflightPerClient[owner, default: 0] >= configuration.maxInflightPerClient {
            return refuse(client, service, requestID, .overloaded, "more than \(configuration.maxInflightPerClient) requests in flight from this client; wait for answers")
        }
        if pending.count >= configuration.maxInflight {
            return refuse(client, service, requestID, .overloaded, "the broker has \(configuration.maxInflight) requests in flight; retry later")
        }
        if pendingBytes + bytes > configuration.maxPendingBytes {
            return refuse(client, service, requestID, .overloaded, "the open requests hold \(pendingBytes) bytes of bodies; the limit is \(configuration.maxPendingBytes); retry later")
        }
        for pack in packs where (queuedLive[pack] ?? 0) >= configuration.maxQueuePerPack {
            return refuse(client, service, requestID, .overloaded, "pack \(pack) has \(configuration.maxQueuePerPack) requests waiting; retry later")
        }
        return nil
    }

    /// Why a body cannot be a request, as the code and message of its refusal.
    struct Refusal: Error {
        var code: ErrorCode
        var message: String
    }

    /// Decodes and validates a request body. Cheap to refuse: the decoder's limits come from the schema, so a body
    /// no valid request could be (too deep, too many values, too long a string) stops at the first value that
    /// passes them, before a tree is built.
    func decode(_ body: [UInt8]) -> Result<Request, Refusal> {
        do {
            return .success(try body.withUnsafeBufferPointer { buffer throws(RequestValidationError) in try decoder.decode(bytes: buffer) })
        } catch {
            if error.errors.first?.code == .invalidJSON {
                return .failure(Refusal(code: .invalidJSON, message: error.errors.first?.message ?? "not JSON"))
            }
            let shown = error.errors.prefix(5).map(\.description).joined(separator: "; ")
            let more = error.errors.count > 5 ? " (and \(error.errors.count - 5) more)" : ""
            return .failure(Refusal(code: .schemaViolation, message: shown + more))
        }
    }

    /// The deadline a REQUEST asks for, within the broker's bounds.
    func deadlineMilliseconds(_ deadline: Deadline) -> Int64 {
        deadline.isBrokerDefault ? configuration.defaultDeadlineMilliseconds : min(Int64(deadline.milliseconds), configuration.maxDeadlineMilliseconds)
    }

    /// Whose in-flight limit a request counts against: the principal with authentication; without it every
    /// client is ``anonymous``, so its connection (routing id) stands in.
    static func owner(_ client: PeerID, _ principal: String) -> String {
        principal == anonymous ? "peer:\(client)" : principal
    }

    /// Copies what the verdict and the feed need from the request (department, screening date).
    static func describe(_ pending: inout Pending, _ request: Request) {
        if case .string(let department)? = request.value(at: ["requester", "department"]) { pending.department = department }
        if case .date(let day)? = request.value(at: ["screening_date"]) { pending.screeningDate = day }
    }

    /// Opens a request: a ticket for every pack that has no result yet, queued for its pack (a pack without a worker
    /// now waits for one until the deadline: a worker may be restarting), then dispatched.
    private mutating func open(_ request: Pending, now: Int64) -> [Action] {
        var open = request
        open.tickets = []
        for pack in open.packs where open.results[pack] == nil {
            nextTicket += 1
            // A ticket id the codec accepts by construction: "t-" and decimal digits.
            guard let ticketID = try? TicketID("t-\(nextTicket)") else { continue }
            tickets[ticketID] = Ticket(id: ticketID, request: open.requestID, pack: pack, body: open.body)
            open.tickets.append(ticketID)
            enqueue(ticketID, pack: pack)
        }
        open.failures = [:]
        for waiter in open.waiters { inflightPerClient[waiter.owner, default: 0] += 1 }
        pendingBytes += open.body.count
        nextDeadlineAt = min(nextDeadlineAt, open.deadlineAt)
        pending[open.requestID] = open
        var actions: [Action] = []
        for pack in open.packs where open.results[pack] == nil { actions += dispatch(pack, now: now) }
        if pending[open.requestID]?.isComplete == true { actions += finish(open.requestID) }
        return actions
    }

    /// Puts a live ticket at the back of its pack's queue.
    mutating func enqueue(_ ticketID: TicketID, pack: String, atHead: Bool = false) {
        if atHead { queues[pack, default: Deque()].prepend(ticketID) } else { queues[pack, default: Deque()].append(ticketID) }
        queuedLive[pack, default: 0] += 1
    }

    /// Removes an open request and everything it holds: its in-flight counts, its body, its tickets (a ticket in a
    /// queue is dropped there; one a worker holds is kept, without its body, until the worker answers or dies).
    mutating func close(_ requestID: RequestID, now: Int64, expired: Bool = false) -> Pending? {
        guard let open = pending.removeValue(forKey: requestID) else { return nil }
        pendingBytes -= open.body.count
        for waiter in open.waiters {
            let left = (inflightPerClient[waiter.owner] ?? 1) - 1
            inflightPerClient[waiter.owner] = left > 0 ? left : nil
        }
        for ticketID in open.tickets {
            guard var ticket = tickets[ticketID] else { continue }
            if let holder = ticket.worker {
                ticket.request = nil
                ticket.body = []
                if expired {
                    ticket.lateSince = now
                    // Keeping a ticket past its deadline costs the worker credit.
                    if var worker = workers[holder] {
                        worker.capacity = max(1, worker.capacity / 2)
                        workers[holder] = worker
                    }
                    nextWorkerScanAt = min(nextWorkerScanAt, now + configuration.lateTicketGraceMilliseconds)
                }
                tickets[ticketID] = ticket
            } else {
                tickets[ticketID] = nil
                queuedLive[ticket.pack, default: 1] -= 1
                if expired { counters.ticketsExpired += 1 }
                compact(ticket.pack)
            }
        }
        return open
    }

    /// Drops ids of ended tickets from a queue once they outnumber the live ones.
    private mutating func compact(_ pack: String) {
        guard let queue = queues[pack], queue.count > 1_024, queue.count > 2 * (queuedLive[pack] ?? 0) else { return }
        let tickets = self.tickets
        queues[pack]?.removeAll { tickets[$0] == nil }
    }

    /// Re-dispatches a journaled request that has no answer yet (after a restart). Nobody waits for it; its
    /// verdict is journaled and published, and a client that retries the id attaches to it.
    public mutating func recover(requestID: RequestID, service: ServiceName, body: [UInt8], principal: String, now: Int64) -> [Action] {
        guard pending[requestID] == nil, completed[requestID] == nil else { return [] }
        let packs: [String]
        if service == .screen {
            packs = configuration.packs
        } else if let pack = service.packID, configuration.packs.contains(pack) {
            packs = [pack]
        } else {
            return []
        }
        let request = try? decode(body).get()
        var open = Pending(
            requestID: requestID, service: service,
            fingerprint: request.map { Self.fingerprint(service, $0, principal: principal) } ?? Self.fingerprint(service, body, principal: principal),
            principal: principal, body: body, waiters: [],
            deadlineAt: now + max(configuration.defaultDeadlineMilliseconds, 60_000), packs: packs)
        if let request { Self.describe(&open, request) }
        return self.open(open, now: now)
    }

    /// Whether two bodies are the same request: byte-equal, or equal once decoded (a client's JSON library may have
    /// re-serialised it with other key order or whitespace).
    public func sameRequest(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        if a == b { return true }
        guard let x = try? decode(a).get(), let y = try? decode(b).get() else { return false }
        return Self.fingerprint(.screen, x, principal: "") == Self.fingerprint(.screen, y, principal: "")
    }

    /// The journal could not record these requests' acceptance: drop them (tickets already sent are answered
    /// into the void) and tell their clients.
    public mutating func abandon(_ requestIDs: [RequestID], reason: String) -> [Action] {
        var actions: [Action] = []
        for requestID in requestIDs {
            guard let open = close(requestID, now: 0) else { continue }
            for waiter in open.waiters {
                actions.append(refuse(waiter.client, open.service, requestID, .internalError, "the journal cannot be written (\(reason)); the request was not accepted — retry later"))
            }
        }
        return actions
    }

    /// Forget a cached answer (its journal record failed, so it must not be replayed).
    public mutating func forget(_ requestID: RequestID) {
        guard let gone = completed.removeValue(forKey: requestID) else { return }
        completedBytes -= gone.bytes
    }

    /// Whether the broker already knows this request id (in flight or answered).
    public func knows(_ requestID: RequestID) -> Bool { pending[requestID] != nil || completed[requestID] != nil }

    /// An ERROR reply, counted by code.
    mutating func refuse(_ client: PeerID, _ service: ServiceName?, _ requestID: RequestID, _ code: ErrorCode, _ message: String) -> Action {
        counters.clientErrors[code.rawValue, default: 0] += 1
        return .sendToClient(client, BrokerReply.error(service: service, requestID: requestID, code: code, message: String(message.prefix(1024))).encode())
    }

    private mutating func mmi(_ client: PeerID, _ requestID: RequestID, _ body: [UInt8]) -> Action {
        var asked = ""
        if case .string(let s)? = (try? JSONParser().parse(body))?["service"] { asked = s }
        var status = "unknown"
        var count = 0
        if let service = try? ServiceName(asked), let pack = service.packID, configuration.packs.contains(pack) {
            count = workerCount(pack: pack)
            status = count > 0 ? "available" : "no-workers"
        } else if asked == ServiceName.screen.rawValue {
            count = configuration.packs.allSatisfy(hasWorkers) ? 1 : 0
            status = count > 0 ? "available" : "no-workers"
        }
        let reply = JSONValue.object([("service", .string(asked)), ("status", .string(status)), ("workers", .int(Int64(count)))])
        return .sendToClient(client, BrokerReply.final(service: .mmiService, requestID: requestID, body: JSONWriter.bytes(reply)).encode())
    }

    /// `mmi.packs`: per pack its active revision and its registered workers by revision (and principal).
    public func packStatus() -> JSONValue {
        .object([("packs", .array(configuration.packs.compactMap { id -> JSONValue? in
            guard let current = active[id] else { return nil }
            var byRevision: [String: (version: String, digest: String, count: Int, principals: Set<String>)] = [:]
            for worker in workers.values where worker.pack == id {
                let key = worker.version + " " + worker.digest
                var entry = byRevision[key] ?? (worker.version, worker.digest, 0, [])
                entry.count += 1
                if let principal = worker.principal { entry.principals.insert(principal) }
                byRevision[key] = entry
            }
            let revisions = byRevision.values.sorted { ($0.version, $0.digest) < ($1.version, $1.digest) }.map { entry -> JSONValue in
                .object([
                    ("version", .string(entry.version)), ("digest", .string(entry.digest)), ("count", .int(Int64(entry.count))),
                    ("principals", .array(entry.principals.sorted().map { .string($0) })),
                ])
            }
            var members: [(String, JSONValue)] = [
                ("id", .string(id)), ("version", .string(current.version)), ("digest", .string(current.digest)),
                ("workers", .int(Int64(workerCount(pack: id)))), ("revisions", .array(revisions)),
            ]
            if let deploy = lastDeploy[id] { members.append(("last_deploy", deploy)) }
            return .object(members)
        }))])
    }

    func hasWorkers(_ pack: String) -> Bool { (workersPerPack[pack] ?? 0) > 0 }

    /// What makes two requests the same: the service, the principal and the canonical form of the decoded
    /// request (defaults applied), so re-serialising a request is no conflict and a different request under the
    /// same id still is.
    static func fingerprint(_ service: ServiceName, _ request: Request, principal: String) -> [UInt8] {
        var hasher = SHA256()
        hasher.update(data: service.bytes)
        hasher.update(data: [0])
        hasher.update(data: Array(principal.utf8))
        hasher.update(data: [1])
        hasher.update(data: request.root.canonicalBytes)
        return Array(hasher.finalize())
    }

    /// A body that no longer decodes (say, recovered under another schema): its bytes stand in.
    static func fingerprint(_ service: ServiceName, _ body: [UInt8], principal: String) -> [UInt8] {
        var hasher = SHA256()
        hasher.update(data: service.bytes)
        hasher.update(data: [0])
        hasher.update(data: Array(principal.utf8))
        hasher.update(data: [0])
        hasher.update(data: body)
        return Array(hasher.finalize())
    }
}
