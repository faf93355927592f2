import Foundation
import Journal
import Synchronization
import Testing

struct JournalCommitTests {
    @Test func aCommittedRequestAndVerdictComeBackByteForByte() throws {
        try withJournal { journal, path in
            let accepted = request("r-1", body: "{\"a\" :1 ,\"æøå\":\"\u{1F600}\"}\n\n ")
            try journal.commit([.accepted(accepted)])
            let pending = try #require(try journal.lookup(requestID: "r-1"))
            #expect(pending.request == accepted)
            #expect(pending.completion == nil)
            #expect(pending.request.bodyDigest == AcceptedRequest.digest(of: accepted.body))

            let done = completion("r-1", verdict: "needs-review")
            try journal.commit([.completed(done)])
            let record = try #require(try journal.lookup(requestID: "r-1"))
            #expect(record.request.body == accepted.body)
            #expect(record.completion == done)
            #expect(record.completion?.packs.map(\.id) == ["ai-act", "gdpr", "workplace"])
            #expect(try journal.lookup(requestID: "r-2") == nil)
        }
    }

    @Test func theBodyDigestIsLowerCaseHexSHA256() {
        #expect(
            AcceptedRequest.digest(of: Array("abc".utf8))
                == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test func aMixedBatchWithOneBadWriteLeavesNothingBehind() throws {
        try withJournal { journal, _ in
            try journal.commit([.accepted(request("old"))])
            let batch: [JournalWrite] = [
                .accepted(request("new-1")), .completed(completion("old")), .completed(completion("new-1")),
                .accepted(request("old")),  // already in the journal
                .accepted(request("new-2")),
            ]
            let error = #expect(throws: JournalError.self) { try journal.commit(batch) }
            #expect(error?.code == .conflict)
            #expect(error?.batchIndex == 3)
            #expect(try journal.lookup(requestID: "new-1") == nil)
            #expect(try journal.lookup(requestID: "new-2") == nil)
            #expect(try journal.lookup(requestID: "old")?.completion == nil)
            #expect(try journal.verify().entryCount == 1)
            // The same batch without the bad write goes through, in one piece.
            var fixed = batch
            fixed.remove(at: 3)
            try journal.commit(fixed)
            #expect(try journal.verify().entryCount == 5)
            #expect(try journal.unfinished().map(\.request.requestID) == ["new-2"])
        }
    }

    @Test func completingAnUnknownOrFinishedRequestIsRefused() throws {
        try withJournal { journal, _ in
            let unknown = #expect(throws: JournalError.self) { try journal.commit([.completed(completion("ghost"))]) }
            #expect(unknown?.code == .invalidWrite)
            #expect(unknown?.batchIndex == 0)
            try screen(journal, ["r-1"])
            let twice = #expect(throws: JournalError.self) { try journal.commit([.completed(completion("r-1"))]) }
            #expect(twice?.code == .conflict)
            #expect(try journal.verify().isIntact)
        }
    }

    @Test func unfinishedListsAcceptedRequestsWithoutVerdictOldestFirst() throws {
        try withJournal { journal, _ in
            try journal.commit([.accepted(request("a")), .accepted(request("b")), .accepted(request("c"))])
            try journal.commit([.completed(completion("b"))])
            #expect(try journal.unfinished().map(\.request.requestID) == ["a", "c"])
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func unfinishedRequestsSurviveACrash() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("journal-crash-\(UUID().uuidString)")
            .path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/journal.sqlite"
        // The child commits, then dies without closing anything: the WAL is never checkpointed.
        await #expect(processExitsWith: .signal(SIGKILL)) { [path = path as String] in
            let journal = try Journal(path: path)
            try journal.commit([.accepted(request("a")), .accepted(request("b"))])
            try journal.commit([.accepted(request("c")), .completed(completion("a"))])
            kill(getpid(), SIGKILL)
        }
        let journal = try Journal(path: path)
        #expect(try journal.unfinished().map(\.request.requestID) == ["b", "c"])
        #expect(try journal.lookup(requestID: "a")?.completion == completion("a"))
        #expect(try journal.verify().entryCount == 4)
        #expect(try journal.verify().isIntact)
    }

    @Test func aReopenedJournalContinuesTheChain() throws {
        try withTemporaryDirectory { dir in
            let path = dir + "/journal.sqlite"
            let first = try Journal(path: path)
            try screen(first, ["a", "b"])
            let head = try first.verify()
            try first.close()

            let second = try Journal(path: path)
            #expect(try second.verify() == head)
            try screen(second, ["c"])
            let report = try second.verify()
            #expect(report.isIntact)
            #expect(report.entryCount == 6)
            #expect(report.headSequence == 6)
            #expect(try second.lookup(requestID: "a")?.completion != nil)
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func aReaderSeesConsistentSnapshotsWhileTheWriterCommits() throws {
        try withJournal { writer, path in
            try screen(writer, ["seed"])
            let reader = try Journal(path: path, options: JournalOptions(readOnly: true))
            let batches = 200
            let done = ManagedFlag()
            let thread = Thread {
                for i in 0..<batches {
                    try? writer.commit([.accepted(request("w-\(i)")), .completed(completion("w-\(i)"))])
                }
                done.set()
            }
            thread.start()
            var last = 0
            var reads = 0
            while !done.isSet || reads == 0 {
                let report = try reader.verify()
                #expect(report.isIntact)
                #expect(report.entryCount >= last)
                #expect(report.entryCount % 2 == 0)  // never half a batch
                last = report.entryCount
                _ = try reader.history(HistoryFilter(limit: 10))
                reads += 1
            }
            #expect(try reader.verify().entryCount == 2 + 2 * batches)
            #expect(try reader.unfinished().isEmpty)
        }
    }
}

/// A flag set by one thread and read by another.
final class ManagedFlag: Sendable {
    private let value = Atomic<Bool>(false)

    var isSet: Bool { value.load(ordering: .acquiring) }
    func set() { value.store(true, ordering: .releasing) }
}
