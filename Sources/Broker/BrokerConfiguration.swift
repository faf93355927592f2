public import RulesEngine

/// What the broker routing logic needs to know. The I/O layer adds endpoints.
public struct BrokerConfiguration: Sendable {
    /// Heartbeat interval in milliseconds (both directions).
    public var heartbeatMilliseconds: Int64 = 1_000
    /// Missed heartbeat intervals before a worker counts as dead.
    public var liveness: Int64 = 3
    /// Deadline of a request that names none.
    public var defaultDeadlineMilliseconds: Int64 = 10_000
    /// Longest deadline a client may ask for.
    public var maxDeadlineMilliseconds: Int64 = 600_000
    /// Largest accepted message (sum of frames).
    public var maxMessageBytes = 1 << 20
    /// Live tickets (their request still open) that may wait for one pack before new requests get `overloaded`.
    public var maxQueuePerPack = 10_000
    /// Open requests one client may have: per principal with CURVE, per connection (routing id) without.
    public var maxInflightPerClient = 5_000
    /// Open requests of all clients together.
    public var maxInflight = 20_000
    /// Bytes of request bodies the open requests may hold together (queued, held by workers, waiting for a
    /// commit). A request that would pass it gets `overloaded`.
    public var maxPendingBytes = 128 << 20
    /// Finished verdicts kept for idempotent retries: at most this many …
    public var completedCacheSize = 10_000
    /// … and at most this many bytes of replies; the oldest go first (a retry then finds it in the journal).
    public var completedCacheBytes = 64 << 20
    /// Messages the broker queues for one peer (client, worker or subscriber: libzmq's `ZMQ_SNDHWM` and
    /// `ZMQ_RCVHWM`). A reply that finds a client's queue full is dropped and counted (the client retries and gets
    /// the cached verdict); a subscriber that does not keep up loses publications (it sees a gap in `seq`).
    public var highWaterMark = 1_000
    /// How long past its request's deadline a worker may keep a ticket before the broker disconnects it (its
    /// other tickets go to other workers). Each expired ticket it holds also halves its credit (`capacity`).
    public var lateTicketGraceMilliseconds: Int64 = 6_000
    /// The packs workers may serve (`pack.<id>`), and that `screen` combines: the active revision of each, in the
    /// order `screen` combines them. A worker serves only the revision that is active for its pack
    /// (``BrokerStateMachine/activate(_:now:)`` changes it at run time).
    public var active: [ActivePack]
    /// The ids of ``active``, in order.
    public var packs: [String] { active.map(\.id) }
    /// Nesting depth, string length and list length a request body may have.
    public var jsonLimits = JSONLimits()
    /// How long the loop keeps polling without sleeping after its last message, in microseconds: 0 sleeps at
    /// once. Spinning saves a thread wake-up per message (tens of microseconds on a VM) at the price of CPU.
    public var idleSpinMicroseconds = 0

    /// - Parameter active: the active revision of every pack the broker serves, in combination order.
    public init(active: [ActivePack]) {
        self.active = active
    }
}

/// The one revision of a pack that may judge requests: its id, version and digest (``RulePacks`` computes the
/// digest over `pack.yaml`, the schema and the parameter overrides).
public struct ActivePack: Sendable, Hashable, CustomStringConvertible {
    public var id: String
    public var version: String
    public var digest: String

    public init(id: String, version: String, digest: String) {
        self.id = id
        self.version = version
        self.digest = digest
    }

    /// `gdpr 1.0.0 sha256:…`
    public var description: String { "\(id) \(version) \(digest)" }
}

/// Low-cardinality counters: what was dropped or refused, and why.
public struct BrokerCounters: Sendable, Hashable {
    public var requestsAccepted = 0
    public var requestsAnswered = 0
    public var retriesAttached = 0
    public var cacheReplays = 0
    public var clientMalformedDropped = 0
    public var clientErrors: [String: Int] = [:]
    public var workerMalformed = 0
    public var workerViolations = 0
    public var workersExpired = 0
    public var ticketsRedispatched = 0
    /// READYs refused because the worker's pack revision is not the active one, or its key may not serve the pack.
    public var workersRefused = 0
    /// Workers disconnected for keeping a ticket far past its deadline.
    public var workersLate = 0
    public var published = 0
    /// Answers that were not the verdict of record: a `screen` that failed closed because a pack failed (no worker,
    /// deadline, worker error), or a `pack.<id>` ERROR after acceptance.
    public var failedClosed = 0
    /// Retries of such an answer that evaluated the failed packs again.
    public var reevaluated = 0
    /// Tickets whose request met its deadline while they waited in a queue (their bodies were released).
    public var ticketsExpired = 0
    /// New requests accepted, by service name (`screen`, `verdict.get`, `pack.gdpr`, `mmi.packs` …).
    public var acceptedByService: [String: Int] = [:]
    /// Requests answered (FINAL or ERROR after acceptance), by service name.
    public var answeredByService: [String: Int] = [:]

    public init() {}
}
