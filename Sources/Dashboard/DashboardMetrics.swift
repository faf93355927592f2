public import Broker
import CoreMetrics
public import Prometheus
import Synchronization

/// The `/metrics` registry: ``MetricSample``s recorded through swift-metrics into a swift-prometheus registry of
/// its own (no global `MetricsSystem`), and rendered in the Prometheus text format.
///
/// Broker counters are cumulative snapshots: each scrape adds what grew since the previous one, so the exported
/// counters equal the broker's. A broker counter that went down (a new broker behind the same server) starts
/// again from its new value.
public final class DashboardMetrics: Sendable {
    /// The registry; ``render()`` writes it.
    public let registry: PrometheusCollectorRegistry
    private let factory: PrometheusMetricsFactory
    private let last = Mutex<[String: Int64]>([:])

    /// Buckets of `aiscreen_screening_duration_seconds`: 1 ms to 30 s.
    static let durationBuckets: [Duration] = [
        .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
        .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2_500), .seconds(5),
        .seconds(10), .seconds(30),
    ]

    /// Buckets of `aiscreen_journal_commit_records` (records per group commit).
    static let batchBuckets: [Double] = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000]

    public init() {
        registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets = [
            "aiscreen_screening_duration_seconds": Self.durationBuckets, "aiscreen_pack_answer_seconds": Self.durationBuckets,
            "aiscreen_journal_commit_seconds": Self.durationBuckets,
        ]
        factory.valueHistogramBuckets = ["aiscreen_journal_commit_records": Self.batchBuckets]
        self.factory = factory
    }

    /// Records cumulative samples (a broker snapshot): counters grow by their change, gauges take the value.
    public func record(snapshot samples: [MetricSample]) {
        let deltas = last.withLock { last -> [(MetricSample, Int64)] in
            samples.map { sample in
                let previous = last[sample.series] ?? 0
                last[sample.series] = sample.value
                return (sample, sample.value >= previous ? sample.value - previous : sample.value)
            }
        }
        for (sample, delta) in deltas {
            let dimensions = sample.labels.map { ($0.name, $0.value) }
            switch sample.kind {
            case .counter:
                // Made even when 0, so every series is exported from the first scrape.
                CoreMetrics.Counter(label: sample.name, dimensions: dimensions, factory: factory).increment(by: delta)
            case .gauge:
                CoreMetrics.Gauge(label: sample.name, dimensions: dimensions, factory: factory).record(sample.value)
            }
        }
    }

    /// Adds increments (e.g. one verdict from the feed).
    public func record(increments samples: [MetricSample]) {
        for sample in samples {
            CoreMetrics.Counter(label: sample.name, dimensions: sample.labels.map { ($0.name, $0.value) }, factory: factory)
                .increment(by: sample.value)
        }
    }

    /// One end-to-end screening: from the broker's receipt of the request to the publication of its verdict.
    public func recordScreening(duration: Duration) {
        CoreMetrics.Timer(label: "aiscreen_screening_duration_seconds", factory: factory).recordNanoseconds(
            duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000)
    }

    /// The broker's timings since the previous scrape: `aiscreen_pack_answer_seconds{pack}` (dispatch to answer,
    /// millisecond resolution), `aiscreen_journal_commit_seconds` and `aiscreen_journal_commit_records` (per group
    /// commit), `aiscreen_observations_dropped_total` (unread for too long).
    /// - Parameter packs: the active pack ids (any other is `other`).
    public func record(_ observations: BrokerObservations, packs: Set<String>) {
        var timers: [String: CoreMetrics.Timer] = [:]
        for answer in observations.packAnswers {
            let pack = packs.contains(answer.pack) ? answer.pack : "other"
            let timer = timers[pack] ?? CoreMetrics.Timer(label: "aiscreen_pack_answer_seconds", dimensions: [("pack", pack)], factory: factory)
            timers[pack] = timer
            timer.recordMilliseconds(answer.milliseconds)
        }
        let commits = CoreMetrics.Timer(label: "aiscreen_journal_commit_seconds", factory: factory)
        let sizes = CoreMetrics.Recorder(label: "aiscreen_journal_commit_records", factory: factory)
        for commit in observations.journalCommits {
            commits.recordNanoseconds(commit.duration.components.seconds * 1_000_000_000 + commit.duration.components.attoseconds / 1_000_000_000)
            sizes.record(commit.records)
        }
        CoreMetrics.Counter(label: "aiscreen_observations_dropped_total", factory: factory).increment(by: observations.dropped)
    }

    /// The Prometheus text exposition format (version 0.0.4).
    public func render() -> [UInt8] {
        registry.emitToBuffer()
    }
}
