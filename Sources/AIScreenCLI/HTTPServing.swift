import ArgumentParser
import Broker
import Dashboard
import Foundation
import Logging
import Journal
import RulePacks
import Reports
import RulesEngine
import Security
import Synchronization

/// The read-only HTTP server of `aiscreen up` and `aiscreen broker`: started before the broker binds (so a taken
/// port stops start-up with the endpoint's name), fed from the broker's feed tap once the broker has bound, stopped
/// after the broker.
final class HTTPServing: Sendable {
    let bound: HTTPEndpoint
    let feed: LiveFeed
    let metrics: DashboardMetrics
    let journal: Journal?
    let packs: Set<String>
    let tap: FeedTap
    let task: Task<Void, Never>
    let shutdown: DashboardServer.Shutdown
    let follower = Mutex<FeedFollower?>(nil)
    private let stopped = Mutex(false)

    private init(
        bound: HTTPEndpoint, feed: LiveFeed, metrics: DashboardMetrics, journal: Journal?, packs: Set<String>, tap: FeedTap,
        task: Task<Void, Never>, shutdown: DashboardServer.Shutdown
    ) {
        self.shutdown = shutdown
        self.tap = tap
        self.bound = bound
        self.feed = feed
        self.metrics = metrics
        self.journal = journal
        self.packs = packs
        self.task = task
    }

    /// The endpoint from flags, environment and config (``BrokerOptions/deployment()`` applied them in that
    /// order); nil when none is set or it is `off`.
    /// - Throws: `ExitCode.failure` with a message for an endpoint that does not parse, or one that is not loopback
    ///   without `--http-public`.
    static func endpoint(_ deployment: DeploymentConfig, allowPublic: Bool) throws -> HTTPEndpoint? {
        guard let text = deployment.httpEndpoint, !text.isEmpty, text != "off" else { return nil }
        let endpoint: HTTPEndpoint
        do {
            endpoint = try HTTPEndpoint(parsing: text)
        } catch {
            Console.error("error: \(error) (http.endpoint, --http or AISCREEN_HTTP_ENDPOINT)")
            throw ExitCode.failure
        }
        if !endpoint.isLoopback && !allowPublic {
            Console.error("""
                error: the HTTP endpoint \(endpoint) is not loopback: anyone who reaches it could read screenings and \
                verdicts (it has no TLS and no authentication). Use a loopback address behind a reverse proxy that \
                authenticates, or pass --http-public to accept that.
                """)
            throw ExitCode.failure
        }
        return endpoint
    }

    /// Starts the server and waits until it listens.
    /// - Throws: `ExitCode.failure` after printing why it cannot listen.
    /// - Parameter packs: the packs the broker loaded: their titles, legal basis and schema for the MED report.
    static func start(_ endpoint: HTTPEndpoint, broker: BrokerService, deployment: DeploymentConfig, packs: [CompiledPack]) async throws -> HTTPServing {
        var journal: Journal?
        if let path = deployment.journalPath {
            do {
                journal = try Journal(path: path, options: JournalOptions(readOnly: true))
            } catch {
                Console.error("error: the HTTP server cannot read the journal: \(error)")
                throw ExitCode.failure
            }
        }
        let feed = LiveFeed()
        let metrics = DashboardMetrics()
        var server = DashboardServer(
            endpoint: endpoint,
            status: {
                BrokerStatus(
                    active: broker.active, workers: broker.workerCounts, health: broker.currentHealth,
                    counters: broker.counters, journaled: broker.journalSeam != nil)
            }, journal: journal, feed: feed, metrics: metrics)
        server.catalog = ReportSource.catalog(packs, lookup: journal.map { JournalPackLookup(journal: $0).lookup })
        server.observations = { broker.drainObservations() }
        server.labels = FieldLabels(schema: packs.first?.schema)
        let (events, continuation) = AsyncStream<Result<HTTPEndpoint, any Error>>.makeStream()
        let shutdown = DashboardServer.Shutdown()
        let task = Task {
            do {
                try await server.run(shutdown: shutdown) { continuation.yield(.success($0)) }
            } catch is CancellationError {
            } catch {
                continuation.yield(.failure(error))
            }
            continuation.finish()
        }
        for await event in events {
            switch event {
            case .success(let bound):
                return HTTPServing(
                    bound: bound, feed: feed, metrics: metrics, journal: journal, packs: Set(broker.configuration.packs),
                    tap: broker.feedTap, task: task, shutdown: shutdown)
            case .failure(let error):
                Console.error("error: \(error)")
                throw ExitCode.failure
            }
        }
        Console.error("error: the HTTP server on \(endpoint) stopped before it listened")
        throw ExitCode.failure
    }

    /// Follows the broker's verdict feed (its tap: the same messages its PUB socket sends, in this process).
    func follow() {
        let follower = FeedFollower(tap: tap, feed: feed, metrics: metrics, journal: journal, packs: packs, logger: Logger(label: "aiscreen.http"))
        follower.start()
        self.follower.withLock { $0 = follower }
    }

    /// Stops following the feed, ends the event streams and the server (once; a second call waits for the first).
    func stop() async {
        let first = stopped.withLock { stopped in
            defer { stopped = true }
            return !stopped
        }
        if first { follower.withLock { $0 }?.stop() }
        feed.close()
        await shutdown.shutdown()
        await task.value
    }

    /// `http://HOST:PORT` for the `listening` and `ready` lines.
    var url: JSONValue { .string(bound.url) }
}

extension Optional {
    /// `map` with an async transform.
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let self else { return nil }
        return try await transform(self)
    }
}
