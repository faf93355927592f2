import Broker

/// One value for `/metrics`: a name following the Prometheus conventions, fixed-set labels, and a value. Pure data.
public struct MetricSample: Hashable, Sendable {
    /// A counter only grows (`…_total`); a gauge is a current value.
    public enum Kind: Hashable, Sendable { case counter, gauge }

    public var name: String
    public var labels: [Label]
    public var value: Int64
    public var kind: Kind

    /// A label: its value comes from a fixed set (a pack id of the active packs, a verdict, an error code), never
    /// from request text such as a department.
    public struct Label: Hashable, Sendable {
        public var name: String
        public var value: String
    }

    init(_ name: String, _ labels: [(String, String)] = [], _ value: Int, _ kind: Kind = .counter) {
        self.name = name
        self.labels = labels.map { Label(name: $0.0, value: $0.1) }
        self.value = Int64(value)
        self.kind = kind
    }

    /// Identifies the series: name and labels.
    var series: String { name + "{" + labels.map { "\($0.name)=\($0.value)" }.joined(separator: ",") + "}" }

    /// Counter increments summed per series, in the order each series first appears: one update per series for a
    /// batch of verdicts instead of one per verdict.
    static func summed(_ samples: [MetricSample]) -> [MetricSample] {
        var order: [Series] = []
        var sums: [Series: MetricSample] = [:]
        for sample in samples {
            let key = Series(name: sample.name, labels: sample.labels)
            if var sum = sums[key] {
                sum.value += sample.value
                sums[key] = sum
            } else {
                order.append(key)
                sums[key] = sample
            }
        }
        return order.compactMap { sums[$0] }
    }

    private struct Series: Hashable {
        var name: String
        var labels: [Label]
    }
}

/// The broker's counters, workers and queues, and the feed's messages, as ``MetricSample``s: pure functions.
///
/// | Metric | Labels | From |
/// |---|---|---|
/// | `aiscreen_requests_total` | `outcome`: accepted, answered, retry_attached, cache_replay, malformed_dropped | broker counters |
/// | `aiscreen_service_requests_total` | `service` (screen, verdict.get, pack.<id>, mmi.…), `outcome`: accepted, answered | broker counters |
/// | `aiscreen_pack_answer_seconds` | `pack` | histogram: a ticket's dispatch to its worker's answer (``DashboardMetrics/record(_:packs:)``) |
/// | `aiscreen_journal_commit_seconds`, `aiscreen_journal_commit_records` | | histograms: each group commit's time and records |
/// | `aiscreen_refusals_total` | `code`: the ERROR code (docs/PROTOCOL.md §4.6) | broker counters |
/// | `aiscreen_send_failures_total` | | broker counters (a reply or dispatch that could not be sent) |
/// | `aiscreen_failed_closed_total` | | answers in which a pack failed (provisional) |
/// | `aiscreen_reevaluated_total` | | retries that evaluated failed packs again |
/// | `aiscreen_published_total` | | verdicts the broker published |
/// | `aiscreen_worker_events_total` | `event`: expired, refused, late, violation, malformed | broker counters |
/// | `aiscreen_tickets_total` | `event`: redispatched, expired | broker counters |
/// | `aiscreen_workers` | `pack`, `version` | registered workers of the active revision |
/// | `aiscreen_queued_tickets` | `pack` | live tickets waiting for a worker |
/// | `aiscreen_journal_refusing` | | 1 while the journal refuses new requests |
/// | `aiscreen_verdicts_total` | `verdict` | the feed |
/// | `aiscreen_pack_verdicts_total` | `pack`, `verdict` | the feed |
/// | `aiscreen_ai_act_tiers_total` | `tier` | the feed (`ai-act` outputs) |
/// | `aiscreen_feed_received_total`, `aiscreen_feed_missed_total`, `aiscreen_feed_unreadable_total` | | this server's subscriber |
/// | `aiscreen_screening_duration_seconds` | | histogram: broker receipt (journal) to publication (feed) |
public enum MetricSamples {
    /// The verdicts a label may carry; anything else is `other`.
    static let verdicts: Set<String> = ["approved", "approved-with-conditions", "needs-review", "rejected"]
    /// The AI Act tiers of the bundled pack; anything else is `other`.
    static let tiers: Set<String> = ["prohibited", "high-risk", "limited-risk", "minimal"]

    /// Samples from a broker snapshot.
    public static func broker(_ status: BrokerStatus) -> [MetricSample] {
        let c = status.counters
        var samples: [MetricSample] = [
            .init("aiscreen_requests_total", [("outcome", "accepted")], c.requestsAccepted),
            .init("aiscreen_requests_total", [("outcome", "answered")], c.requestsAnswered),
            .init("aiscreen_requests_total", [("outcome", "retry_attached")], c.retriesAttached),
            .init("aiscreen_requests_total", [("outcome", "cache_replay")], c.cacheReplays),
            .init("aiscreen_requests_total", [("outcome", "malformed_dropped")], c.clientMalformedDropped),
        ]
        let packs = Set(status.active.map(\.id))
        for (service, count) in c.acceptedByService.sorted(by: { $0.key < $1.key }) {
            samples.append(.init("aiscreen_service_requests_total", [("service", serviceLabel(service, packs: packs)), ("outcome", "accepted")], count))
        }
        for (service, count) in c.answeredByService.sorted(by: { $0.key < $1.key }) {
            samples.append(.init("aiscreen_service_requests_total", [("service", serviceLabel(service, packs: packs)), ("outcome", "answered")], count))
        }
        for (code, count) in c.clientErrors.sorted(by: { $0.key < $1.key }) where code != "send-failed" {
            samples.append(.init("aiscreen_refusals_total", [("code", errorCode(code))], count))
        }
        samples += [
            .init("aiscreen_send_failures_total", [], c.clientErrors["send-failed"] ?? 0),
            .init("aiscreen_failed_closed_total", [], c.failedClosed),
            .init("aiscreen_reevaluated_total", [], c.reevaluated),
            .init("aiscreen_published_total", [], c.published),
            .init("aiscreen_worker_events_total", [("event", "expired")], c.workersExpired),
            .init("aiscreen_worker_events_total", [("event", "refused")], c.workersRefused),
            .init("aiscreen_worker_events_total", [("event", "late")], c.workersLate),
            .init("aiscreen_worker_events_total", [("event", "violation")], c.workerViolations),
            .init("aiscreen_worker_events_total", [("event", "malformed")], c.workerMalformed),
            .init("aiscreen_tickets_total", [("event", "redispatched")], c.ticketsRedispatched),
            .init("aiscreen_tickets_total", [("event", "expired")], c.ticketsExpired),
        ]
        for pack in status.active {
            samples.append(.init("aiscreen_workers", [("pack", pack.id), ("version", pack.version)], status.workers[pack.id] ?? 0, .gauge))
        }
        for pack in status.active {
            samples.append(.init("aiscreen_queued_tickets", [("pack", pack.id)], status.health.queuedTickets[pack.id] ?? 0, .gauge))
        }
        samples.append(.init("aiscreen_journal_refusing", [], status.health.journalRefusal == nil ? 0 : 1, .gauge))
        return samples
    }

    /// The increments one published verdict adds.
    /// - Parameters:
    ///   - message: the feed message.
    ///   - packs: the active pack ids (a pack label outside them is `other`).
    public static func feed(_ message: FeedMessage, packs: Set<String>) -> [MetricSample] {
        var samples: [MetricSample] = [.init("aiscreen_verdicts_total", [("verdict", verdict(message.verdict))], 1)]
        for pack in message.packs {
            samples.append(.init(
                "aiscreen_pack_verdicts_total", [("pack", packs.contains(pack.id) ? pack.id : "other"), ("verdict", verdict(pack.verdict))], 1))
        }
        if let tier = message.tier {
            samples.append(.init("aiscreen_ai_act_tiers_total", [("tier", tiers.contains(tier) ? tier : "other")], 1))
        }
        return samples
    }

    /// A service name as a label: `screen`, `verdict.get`, `pack.<id>` of an active pack, an `mmi.` service; else
    /// `other`.
    static func serviceLabel(_ service: String, packs: Set<String>) -> String {
        if service == "screen" || service == "verdict.get" { return service }
        if service.hasPrefix("pack."), packs.contains(String(service.dropFirst(5))) { return service }
        if service.hasPrefix("mmi."), service.count <= 32, service.utf8.allSatisfy({ (97...122).contains($0) || $0 == 46 || $0 == 95 }) { return service }
        return "other"
    }

    static func verdict(_ text: String) -> String { verdicts.contains(text) ? text : "other" }

    /// An error code as a label: the broker's codes are short lower-case words with dashes; anything else is `other`.
    static func errorCode(_ code: String) -> String {
        code.count <= 32 && !code.isEmpty && code.utf8.allSatisfy({ (97...122).contains($0) || $0 == 45 }) ? code : "other"
    }
}
