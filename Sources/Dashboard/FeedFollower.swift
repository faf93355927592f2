public import Logging
import Broker
import Foundation
public import Journal
import RulesEngine
public import Security
import Synchronization
public import ZeroMQ

/// Follows the broker's verdict feed (a SUB socket on its publish endpoint, on a thread of its own that owns the
/// socket) and hands each message to the ``LiveFeed`` and the ``DashboardMetrics``. With a journal, each verdict's
/// request is looked up (its accepted entry only: the answer is in the message) for its department, tool name and receipt time, which gives the
/// end-to-end duration.
public final class FeedFollower: Sendable {
    /// The broker's publish endpoint.
    public let endpoint: String
    let curve: ClientKeys?
    let feed: LiveFeed
    let metrics: DashboardMetrics
    let journal: Journal?
    let packs: Set<String>
    let logger: Logger
    let wakeup: ZMQWakeup
    private let done = Mutex<Bool>(false)
    private let finished = DispatchSemaphore(value: 0)
    private let running = Mutex<Bool>(false)

    /// Seconds without a message after which connected event streams get a keep-alive comment.
    static let pingSeconds = 15.0

    /// - Parameters:
    ///   - endpoint: the publish endpoint, e.g. the one the broker reported when it bound.
    ///   - curve: the subscriber's CURVE keys when the broker speaks CURVE.
    ///   - feed: where verdicts go for `/api/events`.
    ///   - metrics: where verdict counts go.
    ///   - journal: the journal, read-only, to enrich verdicts; nil without one.
    ///   - packs: the active pack ids (metric labels).
    ///   - logger: unreadable messages and socket failures (names only, never a body).
    public init(
        endpoint: String, curve: ClientKeys?, feed: LiveFeed, metrics: DashboardMetrics, journal: Journal?, packs: Set<String>,
        logger: Logger
    ) throws(ZMQError) {
        self.endpoint = endpoint
        self.curve = curve
        self.feed = feed
        self.metrics = metrics
        self.journal = journal
        self.packs = packs
        self.logger = logger
        self.wakeup = try ZMQWakeup()
    }

    /// Starts the thread. Call once.
    public func start() {
        running.withLock { $0 = true }
        let thread = Thread { [self] in
            defer { finished.signal() }
            do {
                try run()
            } catch {
                logger.log(BrokerEvent("feed-failed", ["endpoint": endpoint, "error": "\(error)"]))
            }
        }
        thread.name = "aiscreen.http.feed"
        thread.start()
    }

    /// Stops the thread and waits for it.
    public func stop() {
        done.withLock { $0 = true }
        wakeup.wake()
        if running.withLock({ $0 }) { finished.wait() }
    }

    private func run() throws {
        let context = try ZMQContext()
        defer { context.terminate() }
        try context.withSocket(.sub) { socket in
            try socket.set(.linger, to: 0)
            try socket.set(.receiveHighWaterMark, to: 10_000)
            try socket.subscribe("verdict.")
            try curve?.apply(to: socket)
            try socket.connect(endpoint)
            var poller = ZMQPoller()
            let token = poller.add(socket)
            _ = poller.add(wakeup)
            var idle = Date()
            while !done.withLock({ $0 }) {
                let ready: ZMQPollResult
                do {
                    ready = try poller.poll(timeoutMilliseconds: 1_000)
                } catch ZMQError.interrupted {
                    continue
                }
                if ready.isReadable(token) {
                    while let frames = try socket.receiveMultipart(flags: .dontWait) { handle(frames) }
                    idle = Date()
                } else if Date().timeIntervalSince(idle) >= Self.pingSeconds {
                    feed.ping()
                    idle = Date()
                }
            }
        }
    }

    /// One message: counted, enriched from the journal, held for `/api/events`.
    func handle(_ frames: [[UInt8]]) {
        guard frames.count == 2 else {
            metrics.record(increments: [MetricSample("aiscreen_feed_unreadable_total", [], 1)])
            logger.log(BrokerEvent("feed-unreadable", ["reason": "\(frames.count) frames, expected topic and body"]))
            return
        }
        let message: FeedMessage
        do {
            message = try FeedMessage(topic: frames[0], body: frames[1])
        } catch {
            metrics.record(increments: [MetricSample("aiscreen_feed_unreadable_total", [], 1)])
            logger.log(BrokerEvent("feed-unreadable", ["reason": error.reason]))
            return
        }
        let acceptance = try? journal?.acceptance(requestID: message.requestID)
        if let acceptance {
            let milliseconds = message.publishedAt.millisecondsSince1970 - acceptance.request.receivedAt.millisecondsSince1970
            if milliseconds >= 0 { metrics.recordScreening(duration: .milliseconds(milliseconds)) }
        }
        let id = EventID(runID: message.runID, seq: message.seq, publishedAt: message.publishedAt)
        let missed = feed.publish(id: id, requestID: message.requestID, data: JSONWriter.string(ScreeningJSON.live(message, acceptance: acceptance)))
        metrics.record(increments: MetricSamples.feed(message, packs: packs) + [
            MetricSample("aiscreen_feed_received_total", [], 1), MetricSample("aiscreen_feed_missed_total", [], missed),
        ])
    }
}
