import Journal
import Synchronization

/// One event of `/api/events`.
public enum LiveEvent: Hashable, Sendable {
    /// A published verdict: its id (``EventID``) and its summary JSON.
    case verdict(id: EventID, requestID: String, data: String)
    /// A screening from the journal while filling a gap: no id, so `Last-Event-ID` stays where it was.
    case filled(data: String)
    /// Nothing happened for a while: a comment line keeps proxies from closing the connection.
    case ping
    /// Events that arrived together, written to a client in one piece.
    indirect case batch([LiveEvent])

    /// The event in the `text/event-stream` format.
    public var text: String {
        switch self {
        case .verdict(let id, _, let data): "event: verdict\nid: \(id)\ndata: \(data)\n\n"
        case .filled(let data): "event: verdict\ndata: \(data)\n\n"
        case .ping: ": ping\n\n"
        case .batch(let events): events.map(\.text).joined()
        }
    }
}

/// The verdicts the feed follower has seen, for `/api/events`: the newest ``capacity`` messages of the current
/// broker run and the streams of connected clients. Thread-safe; the follower publishes, HTTP handlers subscribe.
///
/// A client whose stream falls more than ``clientBuffer`` events (or batches) behind is disconnected rather than silently
/// skipped: its browser reconnects with `Last-Event-ID` and resumes without a gap.
public final class LiveFeed: Sendable {
    /// Messages held for replay.
    public let capacity: Int
    /// Events a client may fall behind before it is disconnected.
    public let clientBuffer: Int

    struct Held: Sendable {
        var id: EventID
        var requestID: String
        var data: String
    }

    struct State {
        var run: String?
        var lastSeq: UInt64 = 0
        var held: [Held] = []
        var start = 0  // ring start when full
        var clients: [Int: AsyncStream<LiveEvent>.Continuation] = [:]
        var nextClient = 0
        var closed = false
        var received = 0
        var missed = 0

        var ordered: [Held] { Array(held[start...] + held[..<start]) }
    }

    private let state = Mutex(State())

    /// - Parameters:
    ///   - capacity: messages held for replay (at least 1).
    ///   - clientBuffer: events a slow client may lag (at least 1).
    public init(capacity: Int = 2_048, clientBuffer: Int = 512) {
        self.capacity = max(1, capacity)
        self.clientBuffer = max(1, clientBuffer)
    }

    /// What the feed has seen: messages, and messages missed (`seq` gaps within a run, and the messages of a new
    /// run published before the first one that arrived).
    public var counts: (received: Int, missed: Int) { state.withLock { ($0.received, $0.missed) } }

    /// Adds a message and sends it to every client.
    /// - Returns: How many messages were missed just before it (0 for the next `seq`).
    @discardableResult
    public func publish(id: EventID, requestID: String, data: String) -> Int {
        publish([(id, requestID, data)]).first ?? 0
    }

    /// Adds messages, in order, and sends them to every client together (one write per client, not one per message).
    /// - Returns: How many messages were missed just before each.
    @discardableResult
    public func publish(_ messages: [(id: EventID, requestID: String, data: String)]) -> [Int] {
        guard !messages.isEmpty else { return [] }
        let events = messages.map { LiveEvent.verdict(id: $0.id, requestID: $0.requestID, data: $0.data) }
        let event = events.count == 1 ? events[0] : .batch(events)
        let (missed, lagging) = state.withLock { state -> ([Int], [AsyncStream<LiveEvent>.Continuation]) in
            let missed = messages.map { Self.hold($0.id, requestID: $0.requestID, data: $0.data, in: &state, capacity: capacity) }
            var lagging: [AsyncStream<LiveEvent>.Continuation] = []
            for (key, client) in state.clients {
                if case .dropped = client.yield(event) {
                    lagging.append(client)
                    state.clients[key] = nil
                }
            }
            return (missed, lagging)
        }
        for client in lagging { client.finish() }  // outside the lock: finishing runs onTermination
        return missed
    }

    /// Holds one message for replay; returns how many were missed just before it.
    private static func hold(_ id: EventID, requestID: String, data: String, in state: inout State, capacity: Int) -> Int {
        var missed = 0
        if state.run != id.runID {
            // A broker restart: the new run's messages before this one are missed. (This server's very first
            // message has no predecessor it could have missed.)
            if state.run != nil { missed = Int(clamping: id.seq - 1) }
            state.run = id.runID
            state.held = []
            state.start = 0
        } else if id.seq > state.lastSeq + 1 {
            missed = Int(clamping: id.seq - state.lastSeq - 1)
        }
        state.lastSeq = id.seq
        state.received += 1
        state.missed += missed
        let held = Held(id: id, requestID: requestID, data: data)
        if state.held.count < capacity {
            state.held.append(held)
        } else {
            state.held[state.start] = held
            state.start = (state.start + 1) % capacity
        }
        return missed
    }

    /// Sends a keep-alive comment to every client.
    public func ping() {
        state.withLock { state in
            for client in state.clients.values { client.yield(.ping) }
        }
    }

    /// Ends every stream; later subscriptions end at once.
    public func close() {
        let clients = state.withLock { state in
            state.closed = true
            defer { state.clients = [:] }
            return Array(state.clients.values)
        }
        for client in clients { client.finish() }
    }

    /// A new client: where it starts, what the server holds for it, and its live stream. Taken under one lock, so
    /// nothing published in between is lost or sent twice.
    /// - Parameter lastEventID: the client's `Last-Event-ID`.
    /// - Returns: The plan, the held events to send (for ``ResumePlan/replay(afterSeq:)`` those after the seq; for
    ///   ``ResumePlan/journal(since:)`` those published after `since`), and the stream of later events.
    public func subscribe(lastEventID: String?) -> (plan: ResumePlan, held: [LiveEvent], stream: AsyncStream<LiveEvent>) {
        let (stream, continuation) = AsyncStream<LiveEvent>.makeStream(bufferingPolicy: .bufferingOldest(clientBuffer))
        return state.withLock { state in
            let ordered = state.ordered
            let range = ordered.first.flatMap { first in ordered.last.map { first.id.seq...$0.id.seq } }
            let plan = ResumePlan.plan(lastEventID: lastEventID, run: state.run, held: range)
            let held: [Held]
            switch plan {
            case .live: held = []
            case .replay(let after): held = ordered.filter { $0.id.seq > after }
            case .journal(let since): held = ordered.filter { $0.id.publishedAt > since }
            }
            if state.closed {
                continuation.finish()  // no onTermination yet: safe under the lock
            } else {
                let key = state.nextClient
                state.nextClient += 1
                state.clients[key] = continuation
                let feed = self
                continuation.onTermination = { _ in feed.drop(key) }
            }
            return (plan, held.map { .verdict(id: $0.id, requestID: $0.requestID, data: $0.data) }, stream)
        }
    }

    /// Connected clients.
    public var clientCount: Int { state.withLock { $0.clients.count } }

    private func drop(_ key: Int) {
        state.withLock { _ = $0.clients.removeValue(forKey: key) }
    }
}
