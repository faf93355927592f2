import Broker
@testable import Dashboard
import Foundation
import Journal
import Prometheus
import RulesEngine
import Testing

struct ReadinessTests {
    static let packs = [ActivePack(id: "ai-act", version: "1.1.0", digest: "a"), ActivePack(id: "gdpr", version: "1.1.0", digest: "g")]

    static func status(workers: [String: Int], refusal: String? = nil, journaled: Bool = true) -> BrokerStatus {
        BrokerStatus(
            active: packs, workers: workers, health: BrokerHealth(journalRefusal: refusal, queuedTickets: ["gdpr": 3]),
            counters: BrokerCounters(), journaled: journaled)
    }

    @Test func readyWhenEveryRequiredPackHasAWorkerAndTheJournalTakesWrites() {
        let readiness = Readiness(Self.status(workers: ["ai-act": 1, "gdpr": 2]))
        #expect(readiness.isReady)
        #expect(readiness.json["journal"] == .string("ok"))
        guard case .array(let packs)? = readiness.json["packs"] else { Issue.record("no packs"); return }
        #expect(packs.map { $0["workers"] } == [.int(1), .int(2)])
        #expect(packs.map { $0["queued"] } == [.int(0), .int(3)])
    }

    @Test func notReadyNamesEachPackWithoutAWorker() {
        let readiness = Readiness(Self.status(workers: ["gdpr": 2]))
        #expect(!readiness.isReady)
        #expect(readiness.reasons == ["pack ai-act 1.1.0 has no worker"])
    }

    @Test func notReadyWhileTheJournalRefuses() {
        let readiness = Readiness(Self.status(workers: ["ai-act": 1, "gdpr": 1], refusal: "the journal is full"))
        #expect(!readiness.isReady)
        #expect(readiness.reasons == ["the journal refuses new requests: the journal is full"])
        #expect(readiness.json["journal"] == .string("refusing"))
    }

    @Test func withoutAJournalOnlyWorkersCount() {
        let readiness = Readiness(Self.status(workers: ["ai-act": 1, "gdpr": 1], journaled: false))
        #expect(readiness.isReady)
        #expect(readiness.json["journal"] == .string("none"))
    }
}

struct MetricsTests {
    /// `name{labels} value` lines of the exposition, comments left out.
    static func lines(_ metrics: DashboardMetrics) -> [String: String] {
        var values: [String: String] = [:]
        for line in String(decoding: metrics.render(), as: UTF8.self).split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " ") else { continue }
            values[String(line[..<space])] = String(line[line.index(after: space)...])
        }
        return values
    }

    @Test func exportedCountersEqualTheBrokersAcrossSnapshots() {
        var counters = BrokerCounters()
        counters.requestsAccepted = 5
        counters.clientErrors = ["overloaded": 2, "send-failed": 1]
        counters.failedClosed = 1
        var status = ReadinessTests.status(workers: ["ai-act": 2])
        status.counters = counters
        let metrics = DashboardMetrics()
        metrics.record(snapshot: MetricSamples.broker(status))
        status.counters.requestsAccepted = 12
        status.counters.clientErrors["overloaded"] = 3
        status.workers = ["ai-act": 1]
        metrics.record(snapshot: MetricSamples.broker(status))
        let values = Self.lines(metrics)
        #expect(values[#"aiscreen_requests_total{outcome="accepted"}"#] == "12")
        #expect(values[#"aiscreen_refusals_total{code="overloaded"}"#] == "3")
        #expect(values[#"aiscreen_refusals_total{code="send-failed"}"#] == nil, "a transport failure is not a refusal")
        #expect(values["aiscreen_send_failures_total"] == "1")
        #expect(values["aiscreen_failed_closed_total"] == "1")
        #expect(values[#"aiscreen_workers{pack="ai-act",version="1.1.0"}"#] == "1.0")
        #expect(values[#"aiscreen_workers{pack="gdpr",version="1.1.0"}"#] == "0.0")
        #expect(values[#"aiscreen_queued_tickets{pack="gdpr"}"#] == "3.0")
    }

    @Test func verdictsFromTheFeedHaveOnlyFixedSetLabels() throws {
        let body = #"{"request_id":"r","verdict":"rejected","packs":{"ai-act":{"version":"1","verdict":"rejected","outputs":{"tier":"prohibited"}},"#
            + #""evil\"}":{"version":"1","verdict":"weird"}},"conditions":[],"errors":[],"seq":1,"published_at":"2026-11-27T10:00:01.000Z","run_id":"ab"}"#
        let message = try FeedMessage(topic: Array("verdict.rejected.<script>-dept".utf8), body: Array(body.utf8))
        let metrics = DashboardMetrics()
        metrics.record(increments: MetricSamples.feed(message, packs: ["ai-act", "gdpr"]))
        let text = String(decoding: metrics.render(), as: UTF8.self)
        let values = Self.lines(metrics)
        #expect(values[#"aiscreen_verdicts_total{verdict="rejected"}"#] == "1")
        #expect(values[#"aiscreen_pack_verdicts_total{pack="ai-act",verdict="rejected"}"#] == "1")
        #expect(values[#"aiscreen_pack_verdicts_total{pack="other",verdict="other"}"#] == "1")
        #expect(values[#"aiscreen_ai_act_tiers_total{tier="prohibited"}"#] == "1")
        #expect(!text.contains("script") && !text.contains("dept") && !text.contains("evil"), "no request text becomes a label")
    }

    @Test func incrementsOfABatchAreSummedPerSeriesAndCountTheSame() throws {
        let samples = [
            MetricSample("aiscreen_verdicts_total", [("verdict", "rejected")], 1), MetricSample("aiscreen_verdicts_total", [("verdict", "approved")], 1),
            MetricSample("aiscreen_verdicts_total", [("verdict", "rejected")], 2), MetricSample("aiscreen_feed_received_total", [], 3),
        ]
        let summed = MetricSample.summed(samples)
        #expect(summed.map(\.series) == ["aiscreen_verdicts_total{verdict=rejected}", "aiscreen_verdicts_total{verdict=approved}", "aiscreen_feed_received_total{}"])
        #expect(summed.map(\.value) == [3, 1, 3])
        let one = DashboardMetrics(), other = DashboardMetrics()
        one.record(increments: samples)
        other.record(increments: summed)
        #expect(Self.lines(one) == Self.lines(other))
    }

    @Test func errorCodesOutsideTheBrokersShapeAreOther() {
        var status = ReadinessTests.status(workers: [:])
        status.counters.clientErrors = ["Not A Code\n": 1]
        #expect(MetricSamples.broker(status).contains { $0.name == "aiscreen_refusals_total" && $0.labels.first?.value == "other" })
    }

    @Test func theScreeningDurationIsAHistogramInSeconds() {
        let metrics = DashboardMetrics()
        metrics.recordScreening(duration: .milliseconds(30))
        let values = Self.lines(metrics)
        #expect(values[#"aiscreen_screening_duration_seconds_bucket{le="0.025"}"#] == "0")
        #expect(values[#"aiscreen_screening_duration_seconds_bucket{le="0.05"}"#] == "1")
        #expect(values["aiscreen_screening_duration_seconds_count"] == "1")
    }
}
