public import Journal

/// The `id` of an `/api/events` event, which the browser sends back as `Last-Event-ID` when it reconnects:
/// `<run_id>/<seq>/<published_at>` of the feed message (docs/PROTOCOL.md §6). The run and `seq` say whether the
/// server still holds what came after it; the time says where to start in the journal when it does not.
public struct EventID: Hashable, Sendable, CustomStringConvertible {
    /// The broker run of the message.
    public var runID: String
    /// Its `seq` in that run.
    public var seq: UInt64
    /// Its `published_at`.
    public var publishedAt: JournalTimestamp

    /// - Parameters:
    ///   - runID: the broker run.
    ///   - seq: the message's `seq`.
    ///   - publishedAt: its `published_at`.
    public init(runID: String, seq: UInt64, publishedAt: JournalTimestamp) {
        self.runID = runID
        self.seq = seq
        self.publishedAt = publishedAt
    }

    /// Parses what ``description`` writes; nil for anything else (the event stream then starts live).
    public init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[0].isEmpty, parts[0].allSatisfy({ $0.isHexDigit }), let seq = UInt64(parts[1]),
            let at = JournalTimestamp(rfc3339: String(parts[2]))
        else { return nil }
        self.init(runID: String(parts[0]), seq: seq, publishedAt: at)
    }

    public var description: String { "\(runID)/\(seq)/\(publishedAt)" }
}

/// Where a new `/api/events` stream starts: pure.
public enum ResumePlan: Hashable, Sendable {
    /// No `Last-Event-ID` (or an unreadable one): only what is published from now on.
    case live
    /// The server holds every message after `seq` of the current run: replay those, then go on live. No gap, no
    /// duplicate.
    case replay(afterSeq: UInt64)
    /// The client's last event is of another broker run, or older than what the server holds: send the screenings
    /// the journal has completed after `since`, then the held messages published after it, then go on live.
    case journal(since: JournalTimestamp)

    /// - Parameters:
    ///   - lastEventID: the `Last-Event-ID` header, if any.
    ///   - run: the current broker run, if a message of it arrived.
    ///   - held: the `seq`s the server holds of that run (oldest...newest), nil when none.
    public static func plan(lastEventID: String?, run: String?, held: ClosedRange<UInt64>?) -> ResumePlan {
        guard let text = lastEventID, let id = EventID(text) else { return .live }
        if id.runID == run {
            guard let held else { return .replay(afterSeq: id.seq) }  // nothing after it yet
            if id.seq + 1 >= held.lowerBound { return .replay(afterSeq: id.seq) }
        }
        return .journal(since: id.publishedAt)
    }
}
