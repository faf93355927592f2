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
    public var published = 0

    public init() {}
}
