import Journal
import Testing

struct JournalHistoryTests {
    /// Five screenings over three days, in two departments, with two gdpr versions; one unfinished.
    func withHistory(_ body: (Journal) throws -> Void) throws {
        try withJournal { journal, _ in
            let day1 = time(0, day: "2026-03-01")
            let day2 = time(0, day: "2026-03-02")
            let day3 = time(0, day: "2026-03-03")
            try journal.commit([
                .accepted(request("r1", department: "IT", at: day1)),
                .accepted(request("r2", department: "HR", at: day1.adding(days: 0))),
                .accepted(request("r3", department: "HR", at: day2)),
                .accepted(request("r4", department: nil, at: day3)),
                .accepted(request("r5", department: "IT", at: day3)),
            ])
            try journal.commit([
                .completed(completion("r1", verdict: "approved", gdprVersion: "1.0.0")),
                .completed(completion("r2", verdict: "rejected", gdprVersion: "1.0.0")),
                .completed(completion("r3", verdict: "rejected", gdprVersion: "1.1.0")),
                .completed(completion("r4", verdict: "needs-review", gdprVersion: "1.1.0")),
            ])
            try body(journal)
        }
    }

    func ids(_ journal: Journal, _ filter: HistoryFilter) throws -> [String] {
        try journal.history(filter).map(\.request.requestID)
    }

    @Test func historyIsNewestFirst() throws {
        try withHistory { journal throws in
            #expect(try ids(journal, HistoryFilter()) == ["r5", "r4", "r3", "r2", "r1"])
            #expect(try ids(journal, HistoryFilter(limit: 2)) == ["r5", "r4"])
            #expect(try journal.history(HistoryFilter(limit: 1)).first?.completion == nil)
        }
    }

    @Test(arguments: [
        (HistoryFilter(verdict: "rejected"), ["r3", "r2"]),
        (HistoryFilter(department: "HR"), ["r3", "r2"]),
        (HistoryFilter(department: "IT"), ["r5", "r1"]),
        (HistoryFilter(receivedFrom: time(0, day: "2026-03-02")), ["r5", "r4", "r3"]),
        (HistoryFilter(receivedBefore: time(0, day: "2026-03-02")), ["r2", "r1"]),
        (HistoryFilter(receivedFrom: time(0, day: "2026-03-02"), receivedBefore: time(0, day: "2026-03-03")), ["r3"]),
        (HistoryFilter(packID: "gdpr"), ["r4", "r3", "r2", "r1"]),
        (HistoryFilter(packID: "gdpr", packVersion: "1.1.0"), ["r4", "r3"]),
        (HistoryFilter(packID: "gdpr", packVersion: "2.0.0"), []),
        (HistoryFilter(packID: "kyc"), []),
        (HistoryFilter(verdict: "rejected", department: "HR", packID: "gdpr", packVersion: "1.0.0"), ["r2"]),
    ])
    func historyFilters(filter: HistoryFilter, expected: [String]) throws {
        try withHistory { journal throws in
            #expect(try ids(journal, filter) == expected)
        }
    }
}
