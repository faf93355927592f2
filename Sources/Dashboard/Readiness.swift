public import Broker
public import RulesEngine

/// What the broker says about itself, read by `/readyz`, `/metrics` and `/api/status`: a snapshot, taken per request.
public struct BrokerStatus: Sendable, Hashable {
    /// The active revision of every required pack.
    public var active: [ActivePack]
    /// Registered workers per pack (a worker of another revision is refused, so these are of the active one).
    public var workers: [String: Int]
    /// Journal refusal and queue depths.
    public var health: BrokerHealth
    /// The broker's counters since it started.
    public var counters: BrokerCounters
    /// Whether the broker writes a journal.
    public var journaled: Bool

    public init(active: [ActivePack], workers: [String: Int], health: BrokerHealth, counters: BrokerCounters, journaled: Bool) {
        self.active = active
        self.workers = workers
        self.health = health
        self.counters = counters
        self.journaled = journaled
    }
}

/// `/readyz`: ready when every required pack has a worker of its active revision and the journal (if any) takes
/// writes. Pure.
public struct Readiness: Hashable, Sendable {
    /// Whether screenings would be answered by every pack and recorded now.
    public var isReady: Bool
    /// Why not, one sentence each (empty when ready).
    public var reasons: [String]
    /// The JSON body: `{"ready","reasons":[…],"packs":[{"id","version","workers"}],"journal":"ok"|"refusing"|"none"}`.
    public var json: JSONValue

    /// - Parameter status: the broker's snapshot.
    public init(_ status: BrokerStatus) {
        var reasons: [String] = []
        for pack in status.active where status.workers[pack.id, default: 0] == 0 {
            reasons.append("pack \(pack.id) \(pack.version) has no worker")
        }
        if let refusal = status.health.journalRefusal {
            reasons.append("the journal refuses new requests: \(refusal)")
        }
        isReady = reasons.isEmpty
        self.reasons = reasons
        let journal = !status.journaled ? "none" : status.health.journalRefusal == nil ? "ok" : "refusing"
        json = .object([
            ("ready", .bool(isReady)),
            ("reasons", .array(reasons.map(JSONValue.string))),
            ("packs", .array(status.active.map { pack in
                .object([
                    ("id", .string(pack.id)), ("version", .string(pack.version)), ("digest", .string(pack.digest)),
                    ("workers", .int(Int64(status.workers[pack.id, default: 0]))),
                    ("queued", .int(Int64(status.health.queuedTickets[pack.id, default: 0]))),
                ])
            })),
            ("journal", .string(journal)),
        ])
    }
}
