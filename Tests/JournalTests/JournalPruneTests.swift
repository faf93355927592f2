import Journal
import Testing

struct JournalPruneTests {
    /// Requests a, b on day 1 (completed), c on day 10 (completed), d on day 20 (unfinished).
    func withAgedJournal(_ body: (Journal, String) throws -> Void) throws {
        try withJournal { journal, path in
            let day1 = time(0, day: "2026-01-01")
            try journal.commit([.accepted(request("a", at: day1)), .accepted(request("b", at: day1))])  // 1, 2
            try journal.commit([.completed(completion("a", at: day1)), .completed(completion("b", at: day1))])  // 3, 4
            let day10 = time(0, day: "2026-01-10")
            try journal.commit([.accepted(request("c", at: day10))])  // 5
            try journal.commit([.completed(completion("c", at: day10))])  // 6
            try journal.commit([.accepted(request("d", at: time(0, day: "2026-01-20")))])  // 7
            try body(journal, path)
        }
    }

    @Test func pruneDeletesOldScreeningsAndVerifyStartsFromTheCheckpoint() throws {
        try withAgedJournal { journal, _ in
            let summary = try journal.prune(olderThan: time(0, day: "2026-01-05"), now: time(0, day: "2026-02-01"))
            #expect(summary.deletedEntries == 4)
            #expect(summary.deletedRequests == 2)
            #expect(summary.prunedThrough == 4)
            #expect(summary.checkpointSequence == 8)
            #expect(summary.heldBackBy == "c")
            #expect(try journal.lookup(requestID: "a") == nil)
            #expect(try journal.lookup(requestID: "c")?.completion != nil)
            let report = try journal.verify()
            #expect(report.isIntact)
            #expect(report.firstSequence == 5)
            #expect(report.prunedThrough == 4)
            #expect(report.entryCount == 4)  // 5, 6, 7 and the checkpoint 8
            // The chain goes on after the checkpoint.
            try journal.commit([.completed(completion("d"))])
            #expect(try journal.verify().isIntact)
            // The replay of `pack impact` reads the first entry after the cut against the checkpoint's anchor.
            var replayed: [String] = []
            try journal.forEachVerdictOfRecord(HistoryFilter()) { replayed.append($0.request.requestID) }
            #expect(replayed == ["c", "d"])
        }
    }

    @Test func anUnfinishedRequestHoldsBackEverythingAfterIt() throws {
        try withAgedJournal { journal, _ in
            let summary = try journal.prune(olderThan: time(0, day: "2027-01-01"))
            #expect(summary.prunedThrough == 6)
            #expect(summary.heldBackBy == "d")
            #expect(try journal.unfinished().map(\.request.requestID) == ["d"])
            #expect(try journal.verify().isIntact)
        }
    }

    @Test func aRequestCompletedAfterALaterOneEndsThePrefixBeforeIt() throws {
        try withJournal { journal, _ in
            try journal.commit([.accepted(request("slow", at: time(0))), .accepted(request("fast", at: time(1)))])
            try journal.commit([.completed(completion("fast", at: time(2)))])
            try journal.commit([.accepted(request("later", at: time(3)))])
            try journal.commit([.completed(completion("later", at: time(4)))])
            try journal.commit([.completed(completion("slow", at: time(5)))])
            // Cutoff between: 'slow' completed after it, so nothing can go although 'fast' and 'later' are old.
            let none = try journal.prune(olderThan: time(5))
            #expect(none.prunedThrough == nil)
            #expect(none.checkpointSequence == nil)
            #expect(try journal.verify().entryCount == 6)
            let all = try journal.prune(olderThan: time(6))
            #expect(all.prunedThrough == 6)
            #expect(all.deletedRequests == 3)
            let report = try journal.verify()
            #expect(report.isIntact)
            #expect(report.entryCount == 1)  // just the checkpoint
        }
    }

    @Test func repeatedPrunesKeepTheChainVerifiable() throws {
        try withJournal { journal, path in
            for day in 1...6 {
                let at = time(0, day: "2026-01-0\(day)")
                try journal.commit([.accepted(request("r\(day)", at: at))])
                try journal.commit([.completed(completion("r\(day)", at: at))])
                _ = try journal.prune(olderThan: time(0, day: "2026-01-0\(day)"))
                #expect(try journal.verify().isIntact)
            }
            #expect(try journal.history(HistoryFilter()).map(\.request.requestID) == ["r6"])
            // Tampering after a prune is still caught: the checkpoint's anchor.
            try tamper(
                path, "UPDATE entry SET anchor_hash = '\(String(repeating: "1", count: 64))' WHERE kind = 'checkpoint'")
            #expect(try journal.verify().isIntact == false)
        }
    }

    @Test func deletingTheCheckpointIsNamed() throws {
        try withAgedJournal { journal, path in
            _ = try journal.prune(olderThan: time(0, day: "2026-01-05"))
            try tamper(path, "DELETE FROM entry WHERE kind = 'checkpoint'")
            let broken = try #require(try journal.verify().firstBroken)
            #expect(broken.sequence == 1)
            #expect(broken.problem == .missing)
        }
    }

    @Test func pruneRefusesToDeleteEntriesThatFailVerification() throws {
        try withAgedJournal { journal, path in
            try tamper(path, "UPDATE entry SET verdict = 'rejected' WHERE seq = 4")
            let error = #expect(throws: JournalError.self) {
                _ = try journal.prune(olderThan: time(0, day: "2026-01-05"))
            }
            #expect(error?.code == .corrupt)
            #expect(try journal.verify().firstBroken?.sequence == 4)
            #expect(try journal.lookup(requestID: "a") != nil)
        }
    }

    @Test func theRetentionCutoffDefaultsToTenYears() {
        let options = JournalOptions()
        #expect(options.retentionDays == 3650)
        #expect(options.retentionCutoff(now: time(0, day: "2036-01-01")) == time(0, day: "2026-01-03"))
    }
}
