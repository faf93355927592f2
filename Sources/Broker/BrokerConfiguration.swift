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
    /// Tickets that may wait for one pack before new requests get `overloaded`.
    public var maxQueuePerPack = 10_000
    /// Open requests one client connection may have.
    public var maxInflightPerClient = 5_000
    /// Finished verdicts kept for idempotent retries.
    public var completedCacheSize = 10_000
    /// The packs workers may serve (`pack.<id>`), and that `screen` combines.
    public var packs: [String]
    /// Nesting depth, string length and list length a request body may have.
    public var jsonLimits = JSONLimits()
    /// How long the loop keeps polling without sleeping after its last message, in microseconds: 0 sleeps at
    /// once. Spinning saves a thread wake-up per message (tens of microseconds on a VM) at the price of CPU.
    public var idleSpinMicroseconds = 0

    public init(packs: [String]) {
        self.packs = packs
    }
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
    public var published = 0

    public init() {}
}
