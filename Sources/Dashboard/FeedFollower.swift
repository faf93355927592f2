public import Broker
public import Logging
import Foundation
public import Journal
import RulesEngine
import Synchronization

/// Follows the broker's verdict feed (its ``FeedTap``: the published messages, without a socket, on a thread of its
/// own) and hands each message to the ``LiveFeed`` and the ``DashboardMetrics``. With a journal, each verdict's
/// request is looked up (its accepted entry only: the answer is in the message) for its department, tool name and
/// receipt time, which gives the end-to-end duration.
public final class FeedFollower: Sendable {
    let tap: FeedTap
    let feed: LiveFeed
    let metrics: DashboardMetrics
    let journal: Journal?
    let packs: Set<String>
    let logger: Logger
    private let done = Mutex<Bool>(false)
    private let finished = DispatchSemaphore(value: 0)
    private let running = Mutex<Bool>(false)

    /// Seconds without a message after which connected event streams get a keep-alive comment.
    static let pingSeconds = 15.0

    /// - Parameters:
    ///   - tap: the broker's feed.
    ///   - feed: where verdicts go for `/api/events`.
    ///   - metrics: where verdict counts go.
    ///   - journal: the journal, read-only, to enrich verdicts; nil without one.
    ///   - packs: the active pack ids (metric labels).
    ///   - logger: unreadable messages (reasons only, never a body).
    public init(tap: FeedTap, feed: LiveFeed, metrics: DashboardMetrics, journal: Journal?, packs: Set<String>, logger: Logger) {
        self.tap = tap
        self.feed = feed
        self.metrics = metrics
        self.journal = journal
        self.packs = packs
        self.logger = logger
    }

    /// Opens the tap and starts the thread. Call once.
    public func start() {
        running.withLock { $0 = true }
        tap.open()
        let thread = Thread { [self] in
            defer { finished.signal() }
            run()
        }
        thread.name = "aiscreen.http.feed"
        thread.start()
    }

    /// Stops the thread and waits for it.
    public func stop() {
        done.withLock { $0 = true }
        tap.wake()
        if running.withLock({ $0 }) { finished.wait() }
    }

    private func run() {
        let clock = ContinuousClock()
        var idle = clock.now
        while !done.withLock({ $0 }) {
            let messages = tap.take(timeout: .seconds(1))
            if messages.isEmpty {
                if clock.now - idle >= .seconds(Self.pingSeconds) {
                    feed.ping()
                    idle = clock.now
                }
                continue
            }
            handle(batch: messages)
            idle = clock.now
            // What arrives meanwhile waits in the tap and goes out as one batch: at most 1 / coalescing wake-ups
            // and writes to each event stream per second, however many verdicts a second brings.
            Thread.sleep(forTimeInterval: Self.coalescing)
        }
    }

    /// Seconds the follower lets messages gather after a batch (the live view's added delay at most).
    static let coalescing = 0.05

    /// One message, enriched from the journal: the event for `/api/events` and the metric increments it makes (nil
    /// when unreadable).
    func handle(_ tapped: FeedTap.Message) -> (id: EventID, requestID: String, data: String, samples: [MetricSample])? {
        let message: FeedMessage
        do {
            message = try FeedMessage(tapped)
        } catch {
            metrics.record(increments: [MetricSample("aiscreen_feed_unreadable_total", [], 1)])
            logger.log(BrokerEvent("feed-unreadable", ["reason": error.reason]))
            return nil
        }
        let acceptance = try? journal?.acceptance(requestID: message.requestID)
        if let acceptance {
            let milliseconds = message.publishedAt.millisecondsSince1970 - acceptance.request.receivedAt.millisecondsSince1970
            if milliseconds >= 0 { metrics.recordScreening(duration: .milliseconds(milliseconds)) }
        }
        let id = EventID(runID: message.runID, seq: message.seq, publishedAt: message.publishedAt)
        return (id, message.requestID, JSONWriter.string(ScreeningJSON.live(message, acceptance: acceptance)), MetricSamples.feed(message, packs: packs))
    }

    /// Messages taken together: handled in order, sent to the event streams as one batch, counted (one update per
    /// series).
    func handle(batch messages: [FeedTap.Message]) {
        let handled = messages.compactMap(handle)
        let missed = feed.publish(handled.map { ($0.id, $0.requestID, $0.data) }).reduce(0, +)
        metrics.record(increments: MetricSample.summed(handled.flatMap(\.samples) + [
            MetricSample("aiscreen_feed_received_total", [], handled.count), MetricSample("aiscreen_feed_missed_total", [], missed),
        ]))
    }
}
