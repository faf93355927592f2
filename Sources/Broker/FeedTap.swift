import Foundation
import Synchronization

/// The verdict feed for a reader in the broker's own process (the HTTP server of `up` and `broker`): each published
/// message as its topic, its stamp (`seq`, `published_at`, `run_id`: those the PUB socket sends) and its
/// ``PublishedVerdict``, handed over without a socket, libzmq's I/O threads or a parse of the body. Bounded like a
/// subscriber's queue: past ``capacity`` unread messages new ones are dropped, which the reader sees as a gap in
/// `seq` (as a slow subscriber would); a message holds no findings, so the bound is a few MB. Costs one atomic load
/// per publication while nobody reads.
public final class FeedTap: Sendable {
    /// One published message: its topic, its stamp and what its body says in brief.
    public struct Message: Sendable {
        public var topic: [UInt8]
        public var summary: PublishedVerdict
        public var stamp: PublicationStamp
    }

    /// Unread messages kept at most.
    public let capacity: Int
    private let reading = Atomic<Bool>(false)
    private let state = Mutex(State())
    private let ready = DispatchSemaphore(value: 0)

    private struct State {
        var messages: [Message] = []
        /// Whether the reader sleeps (or is about to) and needs a signal for the next message.
        var waiting = false
        var dropped = 0
    }

    public init(capacity: Int = 10_000) {
        self.capacity = capacity
    }

    /// Starts keeping messages for a reader.
    public func open() { reading.store(true, ordering: .releasing) }

    /// Keeps one published message for the reader, if there is one (the broker's loop).
    func offer(_ message: @autoclosure () -> Message) {
        guard reading.load(ordering: .acquiring) else { return }
        let message = message()
        let wake = state.withLock { state -> Bool in
            guard state.messages.count < capacity else {
                state.dropped += 1
                return false
            }
            state.messages.append(message)
            defer { state.waiting = false }
            return state.waiting
        }
        if wake { ready.signal() }
    }

    /// Every unread message, waiting up to `timeout` for the first; empty when none came (or after ``wake()``).
    public func take(timeout: Duration) -> [Message] {
        let taken = state.withLock { state -> [Message] in
            defer { state.messages.removeAll(keepingCapacity: true) }
            if state.messages.isEmpty { state.waiting = true }
            return state.messages
        }
        guard taken.isEmpty else { return taken }
        let nanoseconds = UInt64(max(0, timeout.components.seconds)) * 1_000_000_000 + UInt64(max(0, timeout.components.attoseconds / 1_000_000_000))
        _ = ready.wait(timeout: .now() + .nanoseconds(Int(nanoseconds)))
        return state.withLock { state -> [Message] in
            defer {
                state.messages.removeAll(keepingCapacity: true)
                state.waiting = false
            }
            return state.messages
        }
    }

    /// Makes a waiting ``take(timeout:)`` return at once (to stop its reader).
    public func wake() { ready.signal() }

    /// Messages dropped because the reader fell `capacity` behind.
    public var dropped: Int { state.withLock { $0.dropped } }
}

/// `seq`, `published_at` and `run_id` of one publication (docs/PROTOCOL.md §6).
public struct PublicationStamp: Sendable, Hashable {
    public var seq: UInt64
    /// RFC 3339 UTC with milliseconds.
    public var publishedAt: String
    public var runID: String
}
