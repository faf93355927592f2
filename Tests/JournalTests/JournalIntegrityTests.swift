import Foundation
import Testing

@testable import Journal

/// The journal checks what it serves: records re-hashed on every read, a damaged or foreign file refused at
/// start, one writing broker at a time.
struct JournalIntegrityTests {
    func withTwoScreenings(_ body: (Journal, String) throws -> Void) throws {
        try withJournal { journal, path in
            try journal.commit([.accepted(request("r-1")), .completed(completion("r-1", verdict: "rejected"))])
            try journal.commit([.accepted(request("r-2")), .completed(completion("r-2"))])
            try body(journal, path)
        }
    }

    @Test(arguments: [
        "UPDATE entry SET result = replace(result, 'rejected', 'approved') WHERE request_id = 'r-1' AND kind = 'completed'",
        "UPDATE entry SET verdict = 'approved' WHERE request_id = 'r-1' AND kind = 'completed'",
        "UPDATE entry_pack SET version = '9.9.9' WHERE pack_id = 'gdpr' AND seq = 2",
        "UPDATE entry SET principal = 'client:someone-else' WHERE request_id = 'r-1' AND kind = 'accepted'",
        "UPDATE entry SET body = CAST('{}' AS BLOB), body_sha256 = '44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a' WHERE request_id = 'r-1'",
    ])
    func aRecordChangedAfterItWasWrittenIsNeverServed(sql: String) throws {
        try withTwoScreenings { journal, path in
            #expect(try journal.lookup(requestID: "r-1")?.completion?.verdict == "rejected")
            try tamper(path, sql)
            do {
                let record = try journal.lookup(requestID: "r-1")
                Issue.record("a changed record was served: \(String(describing: record?.completion?.verdict))")
            } catch let error as JournalError {
                #expect(error.code == .corrupt, "\(error)")
            }
            // The untouched one is still served.
            #expect(try journal.lookup(requestID: "r-2")?.completion?.verdict == "approved")
        }
    }

    @Test func anEmptyFileAtTheJournalPathIsRefusedNotReplaced() throws {
        try withTemporaryDirectory { dir in
            let path = dir + "/journal.sqlite"
            #expect(FileManager.default.createFile(atPath: path, contents: Data()))
            #expect(throws: JournalError.self) { try Journal(path: path) }
            do { _ = try Journal(path: path) } catch let error as JournalError { #expect(error.message.contains("exists but is empty")) }
            #expect((try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) == 0, "the file was left as it was")
        }
    }

    @Test func aSQLiteFileThatIsNotAJournalIsRefused() throws {
        try withTemporaryDirectory { dir in
            let path = dir + "/other.sqlite"
            try tamper(path, "CREATE TABLE t (x)")
            do {
                _ = try Journal(path: path)
                Issue.record("a foreign database was opened as a journal")
            } catch let error as JournalError {
                #expect(error.code == .incompatibleSchema)
            }
        }
    }

    @Test func onlyOneExclusiveWriterAtATime() throws {
        try withTemporaryDirectory { dir in
            let path = dir + "/journal.sqlite"
            var options = JournalOptions()
            options.exclusiveWriter = true
            let first = try Journal(path: path, options: options)
            do {
                _ = try Journal(path: path, options: options)
                Issue.record("a second writer opened the journal")
            } catch let error as JournalError {
                #expect(error.code == .busy)
                #expect(error.message.contains("process \(getpid())"), "names the holder: \(error.message)")
            }
            // A reader and a non-exclusive writer (journal prune) still may.
            _ = try Journal(path: path, options: JournalOptions(readOnly: true))
            _ = try Journal(path: path)
            _ = first
        }
    }

    @Test func theStartUpCheckNamesABrokenEntryInTheTail() throws {
        try withTwoScreenings { journal, path in
            try journal.checkAtStart()
            try tamper(path, "UPDATE entry SET result = replace(result, 'rejected', 'approved') WHERE request_id = 'r-1' AND kind = 'completed'")
            do {
                try journal.checkAtStart()
                Issue.record("a damaged tail passed the start-up check")
            } catch let error as JournalError {
                #expect(error.code == .corrupt)
                #expect(error.message.contains("entry 2"), "\(error.message)")
                #expect(error.message.contains("aiscreen journal verify"))
            }
        }
    }

    @Test func entriesLostAfterTheLastCleanStopAreNoticed() throws {
        try withTwoScreenings { journal, path in
            try journal.recordHead()
            try journal.checkAtStart()
            // The last screening vanishes (as with a lost -wal), sqlite_sequence with it.
            try tamper(path, "DELETE FROM entry WHERE seq >= 3; UPDATE sqlite_sequence SET seq = 2 WHERE name = 'entry'")
            do {
                try journal.checkAtStart()
                Issue.record("lost entries passed the start-up check")
            } catch let error as JournalError {
                #expect(error.code == .corrupt)
                #expect(error.message.contains("last clean stop"), "\(error.message)")
            }
        }
    }

    @Test func whoJudgedEachPackIsKeptInsideTheChain() throws {
        try withJournal { journal, path in
            var done = completion("r-1", verdict: "rejected")
            done.packs[1].judgedBy = "worker:gdpr:gdpr-1"
            try journal.commit([.accepted(request("r-1")), .completed(done)])
            let stored = try #require(try journal.lookup(requestID: "r-1")?.completion)
            #expect(stored.packs.first { $0.id == "gdpr" }?.judgedBy == "worker:gdpr:gdpr-1")
            #expect(stored.packs.first { $0.id == "ai-act" }?.judgedBy == nil)
            #expect(try journal.verify().isIntact)
            try tamper(path, "UPDATE entry_pack SET judged_by = 'worker:gdpr:rogue' WHERE pack_id = 'gdpr'")
            #expect(try journal.verify().isIntact == false)
            #expect(throws: JournalError.self) { try journal.lookup(requestID: "r-1") }
        }
    }

    @Test func aJournalOfSchemaOneIsUpgradedAndItsChainStaysIntact() throws {
        try withJournal { journal, path in
            try journal.commit([.accepted(request("old")), .completed(completion("old"))])
            // As schema 1 wrote it: no judged_by column.
            try tamper(path, "ALTER TABLE entry_pack DROP COLUMN judged_by; PRAGMA user_version = 1; DELETE FROM grdb_migrations WHERE identifier = 'v2'")
            try journal.close()
            let reopened = try Journal(path: path)
            #expect(try reopened.verify().isIntact)
            #expect(try reopened.lookup(requestID: "old")?.completion?.verdict == "approved")
        }
    }
}
