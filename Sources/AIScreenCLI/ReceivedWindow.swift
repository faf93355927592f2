import ArgumentParser
import Journal

/// `--since` and `--until`: the days (UTC) a journal command looks at. `--until` includes its day.
struct ReceivedWindow: ParsableArguments {
    @Option(name: .long, help: "Only requests received on or after this day (YYYY-MM-DD, UTC).")
    var since: String?

    @Option(name: .long, help: "Only requests received on or before this day (YYYY-MM-DD, UTC).")
    var until: String?

    /// Narrows `filter` to the window.
    /// - Throws: ``ValidationError`` naming the option that is not a day.
    func apply(to filter: inout HistoryFilter) throws {
        if let since {
            guard let day = JournalTimestamp(day: since) else { throw ValidationError("--since must be a day, YYYY-MM-DD") }
            filter.receivedFrom = day
        }
        if let until {
            guard let day = JournalTimestamp(day: until) else { throw ValidationError("--until must be a day, YYYY-MM-DD") }
            filter.receivedBefore = day.adding(days: 1)
        }
    }
}
