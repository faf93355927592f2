import Journal
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

    @Test func aRequestChangedAfterItWasWrittenIsNeverServed() throws {
        try withJournal { journal, path in
            try screen(journal, ["r-1"])
            try tamper(path, "UPDATE entry SET department = 'Someone else' WHERE request_id = 'r-1' AND kind = 'accepted'")
            let error = #expect(throws: JournalError.self) { try journal.acceptance(requestID: "r-1") }
            #expect(error?.code == .corrupt)
        }
    }
}
