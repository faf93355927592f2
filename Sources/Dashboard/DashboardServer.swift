public import Broker
import Dispatch
import Hummingbird
public import Journal
public import Reports
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization
import RulesEngine

/// The read-only HTTP server of `aiscreen up` and `aiscreen broker` (Hummingbird 2): a thin adapter that routes
/// requests to the pure functions of this module. It serves nothing that writes.
///
/// | Route | Answer |
/// |---|---|
/// | `GET /healthz` | 200 `{"status":"up"}` while the process runs |
/// | `GET /readyz` | 200 or 503 with ``Readiness/json`` |
/// | `GET /metrics` | the Prometheus text format (``MetricSamples``) |
/// | `GET /api/status` | readiness, packs, workers and the feed's counts |
/// | `GET /api/screenings` | summaries from the journal, newest first (``ScreeningQuery``) |
/// | `GET /api/screenings/{id}` | one screening (``ScreeningJSON/detail(_:)``), 404 when unknown |
/// | `GET /api/summary` | counts by verdict and department (``ScreeningCounts``; `since`, `until`) |
/// | `GET /api/conditions` | conditions coming due (``ConditionCalendar``; `from`, default today) |
/// | `GET /api/events` | Server-Sent Events of published verdicts, resuming from `Last-Event-ID` (``ResumePlan``) |
/// | `GET /screenings/{id}` | the MED report of one screening (``MEDReport``; `lang=da|en`, default Danish) |
/// | `GET /`, `/dashboard.js`, `/dashboard.css`, `/report.css` | the dashboard page (``DashboardAssets``) |
public struct DashboardServer: Sendable {
    /// Where to listen.
    public var endpoint: HTTPEndpoint
    /// The broker's current state, read per request.
    public var status: @Sendable () -> BrokerStatus
    /// The journal, opened read-only; nil when the broker keeps none (the journal routes then answer 503).
    public var journal: Journal?
    /// Verdicts for `/api/events`.
    public var feed: LiveFeed
    /// The `/metrics` registry.
    public var metrics: DashboardMetrics
    /// Screenings read for `/api/summary` and `/api/conditions` at most (the newest); the answer says when more
    /// matched (`truncated`).
    public var scanLimit = 5_000
    /// The broker's timings since the previous scrape (pack answers, journal commits), for `/metrics`.
    public var observations: @Sendable () -> BrokerObservations = { BrokerObservations() }
    /// The loaded packs' titles and legal basis, for the MED report (``ReportSource``).
    public var catalog = ReportSource.Catalog.empty
    /// The request schema's labels, for the MED report's facts in words.
    public var labels = FieldLabels(schema: nil)

    /// - Parameters:
    ///   - endpoint: where to listen.
    ///   - status: the broker's state.
    ///   - journal: the journal, read-only.
    ///   - feed: the live feed the ``FeedFollower`` fills.
    ///   - metrics: the registry the follower also records into.
    public init(
        endpoint: HTTPEndpoint, status: @escaping @Sendable () -> BrokerStatus, journal: Journal?, feed: LiveFeed,
        metrics: DashboardMetrics
    ) {
        self.endpoint = endpoint
        self.status = status
        self.journal = journal
        self.feed = feed
        self.metrics = metrics
    }

    /// Serves until ``Shutdown/shutdown()`` (a graceful stop: open connections finish) or until the task is cancelled.
    /// - Parameters:
    ///   - shutdown: what stops it gracefully.
    ///   - onListening: called once with the bound endpoint (the port resolved when it was 0).
    /// - Throws: when the endpoint cannot be bound (the error names it).
    public func run(shutdown: Shutdown = Shutdown(), onListening: @escaping @Sendable (HTTPEndpoint) -> Void) async throws {
        var logger = Logger(label: "aiscreen.http")
        logger.logLevel = .warning
        let host = endpoint.host
        let app = Application(
            router: DashboardRoutes(server: self).router(),
            configuration: .init(address: .hostname(host, port: endpoint.port), serverName: "aiscreen"),
            onServerRunning: { channel in onListening(HTTPEndpoint(host: host, port: channel.localAddress?.port ?? 0)) },
            logger: logger)
        // In a service group of its own, so that a stop is Hummingbird's graceful shutdown, not a cancellation.
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(services: [app], logger: logger))
        do {
            try await shutdown.serve(group)
        } catch let error as CancellationError {
            throw error
        } catch {
            throw DashboardServerError(endpoint: endpoint, underlying: "\(error)")
        }
    }
}

extension DashboardServer {
    /// Stops a running server gracefully; a stop before it runs makes it stop as soon as it starts.
    public final class Shutdown: Sendable {
        private let state = Mutex<(group: ServiceGroup?, requested: Bool)>((nil, false))

        public init() {}

        func serve(_ group: ServiceGroup) async throws {
            let stopNow = state.withLock { state in
                state.group = group
                return state.requested
            }
            if stopNow { await group.triggerGracefulShutdown() }
            try await group.run()
        }

        /// Asks the server to stop: it closes its listener and lets open requests finish.
        public func shutdown() async {
            let group = state.withLock { state in
                state.requested = true
                return state.group
            }
            await group?.triggerGracefulShutdown()
        }
    }
}

/// The HTTP server could not run, e.g. its port is taken.
public struct DashboardServerError: Error, CustomStringConvertible, Sendable {
    /// The endpoint it tried.
    public var endpoint: HTTPEndpoint
    /// What failed.
    public var underlying: String

    public var description: String {
        "the HTTP server cannot listen on \(endpoint) (http.endpoint, --http, AISCREEN_HTTP_ENDPOINT): \(underlying)"
    }
}

/// Runs blocking work (SQLite reads) on a Dispatch thread, off the cooperative pool.
func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async { continuation.resume(with: Result { try body() }) }
    }
}
