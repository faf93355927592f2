import HTTPTypes
import Hummingbird
import Journal
import RulesEngine

/// `/api/events`: `text/event-stream` of published verdicts (`event: verdict`, `id:` an ``EventID``, `data:` a
/// screening summary with `seq`, `run_id`, `published_at`).
///
/// Resuming (the browser sends the last `id` as `Last-Event-ID`):
/// - same broker run, and the server still holds every later message (the last ``LiveFeed/capacity``): they are
///   replayed in `seq` order, then the stream goes on live — no gap, no duplicate;
/// - another run (the broker or this server restarted) or an older message: the journal's screenings completed
///   after the last event's `published_at` (received up to ``lookBackDays`` before it, at most ``fillLimit``)
///   are sent first, oldest first, without an `id` (they have no `seq` of the current run), except those also
///   held from the feed, which follow with their ids;
/// - no `Last-Event-ID`: live only (the page reads `/api/screenings` first).
struct EventStream: Sendable {
    let feed: LiveFeed
    let journal: Journal?

    /// How far before the last event a request may have been received and still be completed after it.
    static let lookBackDays = 1
    /// Screenings sent from the journal at most when filling a gap.
    static let fillLimit = 500

    func response(lastEventID: String?) -> Response {
        let (plan, held, stream) = feed.subscribe(lastEventID: lastEventID)
        let journal = self.journal
        return Response(
            status: .ok,
            headers: [.contentType: "text/event-stream; charset=utf-8", .cacheControl: "no-store", .connection: "keep-alive"],
            body: .init { writer in
                try await writer.write(ByteBuffer(string: "retry: 2000\n\n"))
                if case .journal(let since) = plan, let journal {
                    let heldIDs = Set(held.compactMap { if case .verdict(_, let id, _) = $0 { id } else { nil } })
                    let filled = try await offPool { try Self.fill(journal, since: since, skipping: heldIDs) }
                    for event in filled { try await writer.write(ByteBuffer(string: event.text)) }
                }
                for event in held { try await writer.write(ByteBuffer(string: event.text)) }
                for await event in stream { try await writer.write(ByteBuffer(string: event.text)) }
                try await writer.finish(nil)
            })
    }

    /// The journal's screenings completed after `since`, oldest first, without those in `skipping`.
    static func fill(_ journal: Journal, since: JournalTimestamp, skipping: Set<String>) throws -> [LiveEvent] {
        let records = try journal.history(HistoryFilter(receivedFrom: since.adding(days: -lookBackDays), limit: fillLimit))
        return records.filter { record in
            guard let completed = record.shown?.completedAt else { return false }
            return completed > since && !skipping.contains(record.request.requestID)
        }
        .sorted { ($0.shown?.completedAt ?? since) < ($1.shown?.completedAt ?? since) }
        .map { .filled(data: JSONWriter.string(ScreeningJSON.summary($0))) }
    }
}
