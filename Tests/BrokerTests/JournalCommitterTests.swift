import Foundation
import Synchronization
import Testing

@testable import Broker

/// The group committer with a journal that records what it was given and can be made to fail.
struct JournalCommitterTests {
    final class Recorder: BrokerJournal {
        let commits = Mutex<[[String]]>([])
        let failing: Set<String>

        init(failing: Set<String> = []) { self.failing = failing }

        func commit(_ records: [BrokerStateMachine.Record]) throws {
            let ids = records.map { record -> String in
                switch record {
                case .accepted(let id, _, _, _, _): id
                case .completed(let id, _, _, _, _): id
                }
            }
            if ids.contains(where: failing.contains) { throw CocoaError(.fileWriteOutOfSpace) }
            commits.withLock { $0.append(ids) }
        }
        func lookup(_ requestID: String) throws -> JournaledRequest? { nil }
        func unfinished() throws -> [JournaledRequest] { [] }
    }

    static func batch(_ id: UInt64, _ requestID: String) -> JournalCommitter.Batch {
        JournalCommitter.Batch(id: id, records: [.accepted(requestID: requestID, service: "screen", body: [], principal: "p", department: nil)])
    }

    final class Outcomes: Sendable {
        let all = Mutex<[JournalCommitter.Outcome]>([])
    }

    @Test func everyBatchIsReportedOnceInOrderAndStopCommitsWhatIsQueued() {
        let journal = Recorder()
        let outcomes = Outcomes()
        let committer = JournalCommitter(journal: journal) { reported in outcomes.all.withLock { $0 += reported } }
        for n in 1...50 { committer.submit(Self.batch(UInt64(n), "r-\(n)")) }
        committer.stop()
        let reported = outcomes.all.withLock { $0 }
        #expect(reported.map(\.id) == (1...50).map(UInt64.init))
        #expect(reported.allSatisfy { $0.error == nil })
        #expect(journal.commits.withLock { $0.flatMap { $0 } } == (1...50).map { "r-\($0)" })
    }

    @Test func theCompletionOfARequestWhoseAcceptanceFailedIsNeverCommitted() {
        let journal = Recorder(failing: ["r-1"])
        let outcomes = Outcomes()
        let committer = JournalCommitter(journal: journal) { reported in outcomes.all.withLock { $0 += reported } }
        committer.submit(Self.batch(1, "r-1"))
        committer.submit(JournalCommitter.Batch(id: 2, records: [.completed(requestID: "r-1", verdict: "approved", result: [], packs: [], provisional: false)]))
        committer.submit(Self.batch(3, "r-3"))
        committer.stop()
        let reported = outcomes.all.withLock { $0 }
        #expect(reported.map(\.id) == [1, 2, 3])
        #expect(reported.map { $0.error != nil } == [true, true, false])
        #expect(reported[1].error?.contains("never recorded") == true)
        #expect(journal.commits.withLock { $0.flatMap { $0 } } == ["r-3"])
    }

    @Test func aFailingBatchFailsAloneAndTheOthersAreCommitted() {
        let journal = Recorder(failing: ["r-2"])
        let outcomes = Outcomes()
        let committer = JournalCommitter(journal: journal) { reported in outcomes.all.withLock { $0 += reported } }
        for n in 1...3 { committer.submit(Self.batch(UInt64(n), "r-\(n)")) }
        committer.stop()
        let reported = outcomes.all.withLock { $0 }
        #expect(reported.map(\.id) == [1, 2, 3])
        #expect(reported.map { $0.error != nil } == [false, true, false])
        #expect(Set(journal.commits.withLock { $0.flatMap { $0 } }) == ["r-1", "r-3"])
    }
}
