import GRDB
@testable import Journal
import Testing

/// `Journal.acceptance(requestID:)`: the request as accepted and when it was answered, without the answer.
struct JournalAcceptanceTests {
    @Test func theAcceptanceIsTheRecordsRequestWithTheTimeOfItsAnswer() throws {
        try withJournal { journal, _ in
            #expect(try journal.acceptance(requestID: "r-1") == nil)
            try journal.commit([.accepted(request("r-1", department: "Børn og Unge", at: time(1)))])
            let waiting = try #require(try journal.acceptance(requestID: "r-1"))
            #expect(waiting.request == request("r-1", department: "Børn og Unge", at: time(1)))
            #expect(waiting.answeredAt == nil)
            try journal.commit([.completed(completion("r-1", at: time(9)))])
            let answered = try #require(try journal.acceptance(requestID: "r-1"))
            let record = try #require(try journal.lookup(requestID: "r-1"))
            #expect(answered.sequence == record.sequence)
            #expect(answered.request == record.request)
            #expect(answered.answeredAt == time(9))
            #expect(answered.answeredAt == record.shown?.completedAt)
        }
    }

    @Test func aProvisionalAnswerCountsUntilTheVerdictOfRecord() throws {
        try withJournal { journal, _ in
            try journal.commit([.accepted(request("r-1", at: time(1)))])
            var provisional = completion("r-1", verdict: "needs-review", at: time(3))
            provisional.provisional = true
            try journal.commit([.completed(provisional)])
            #expect(try journal.acceptance(requestID: "r-1")?.answeredAt == time(3))
            provisional.completedAt = time(4)
            try journal.commit([.completed(provisional)])
            #expect(try journal.acceptance(requestID: "r-1")?.answeredAt == time(4))
            try journal.commit([.completed(completion("r-1", at: time(9)))])
            #expect(try journal.acceptance(requestID: "r-1")?.answeredAt == time(9))
        }
    }

    /// The dashboard looks up every verdict it follows: the lookup must go through indexes, never scan the table
    /// (a scan made the HTTP server cost a sixth of pipelined throughput on a journal of a few thousand entries).
    @Test func theLookupReadsOnlyThroughIndexes() throws {
        try withJournal { journal, path in
            try screen(journal, ["r-1", "r-2"])
            let plan = try DatabaseQueue(path: path).read { db in
                try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + Journal.acceptanceSQL, arguments: ["r-1"]).map { $0["detail"] as String }
            }
            #expect(!plan.isEmpty)
            #expect(plan.allSatisfy { !$0.hasPrefix("SCAN") }, "\(plan)")
        }
    }

    @Test func aRequestChangedAfterItWasWrittenIsNeverServed() throws {
        try withJournal { journal, path in
            try screen(journal, ["r-1"])
            try tamper(path, "UPDATE entry SET department = 'Someone else' WHERE request_id = 'r-1' AND kind = 'accepted'")
            let error = #expect(throws: JournalError.self) { try journal.acceptance(requestID: "r-1") }
            #expect(error?.code == .corrupt)
        }
    }
}
