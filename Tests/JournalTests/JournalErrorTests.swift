import Foundation
import GRDB
import Journal
import Testing

struct JournalErrorTests {
    @Test func aReadOnlyJournalRefusesWritesWithReadOnly() throws {
        try withJournal { writer, path in
            try screen(writer, ["a"])
            let reader = try Journal(path: path, options: JournalOptions(readOnly: true))
            #expect(try reader.lookup(requestID: "a")?.completion != nil)
            let error = #expect(throws: JournalError.self) { try reader.commit([.accepted(request("b"))]) }
            #expect(error?.code == .readOnly)
            #expect(error?.isUnwritable == true)
            let prune = #expect(throws: JournalError.self) {
                _ = try reader.prune(olderThan: time(0, day: "2030-01-01"))
            }
            #expect(prune?.code == .readOnly)
        }
    }

    @Test(.enabled(if: geteuid() != 0, "root ignores file permissions"))
    func aJournalFileMadeReadOnlyRefusesWritesWithReadOnly() throws {
        try withTemporaryDirectory { dir in
            let path = dir + "/journal.sqlite"
            try screen(try Journal(path: path), ["a"])
            try FileManager.default.setAttributes([.posixPermissions: 0o444], ofItemAtPath: path)
            defer { try? FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path) }
            let error = #expect(throws: JournalError.self) {
                try Journal(path: path).commit([.accepted(request("b"))])
            }
            #expect(error?.code == .readOnly)
        }
    }

    @Test func aFullJournalRefusesWritesWithDiskFullAndKeepsWhatItHas() throws {
        var options = JournalOptions()
        options.maximumBytes = 40 * 4096  // 40 pages of 4 KiB; the empty schema takes about 15
        try withJournal(options: options) { journal, _ in
            let big = String(repeating: "x", count: 20_000)
            var stored = 0
            let error = #expect(throws: JournalError.self) {
                for i in 0..<100 {
                    try journal.commit([
                        .accepted(request("r\(i)", body: "{\"pad\":\"\(big)\"}")), .completed(completion("r\(i)")),
                    ])
                    stored += 1
                }
            }
            #expect(error?.code == .diskFull)
            #expect(error?.sqliteCode == 13)  // SQLITE_FULL
            #expect(error?.isUnwritable == true)
            #expect(stored > 0)
            #expect(try journal.lookup(requestID: "r\(stored)") == nil)
            let report = try journal.verify()
            #expect(report.isIntact)
            #expect(report.entryCount == 2 * stored)
        }
    }

    @Test func aMissingFolderCannotBeOpened() throws {
        try withTemporaryDirectory { dir in
            let error = #expect(throws: JournalError.self) { try Journal(path: dir + "/no/such/folder/journal.sqlite") }
            #expect(error?.code == .cannotOpen)
        }
    }

    @Test func aMissingFileCannotBeOpenedReadOnly() throws {
        try withTemporaryDirectory { dir in
            let error = #expect(throws: JournalError.self) {
                try Journal(path: dir + "/journal.sqlite", options: JournalOptions(readOnly: true))
            }
            #expect(error?.code == .cannotOpen)
            #expect(!FileManager.default.fileExists(atPath: dir + "/journal.sqlite"))
        }
    }

    @Test func aFileThatIsNotADatabaseIsCorrupt() throws {
        try withTemporaryDirectory { dir in
            let path = dir + "/journal.sqlite"
            try Data(repeating: 0x41, count: 8192).write(to: URL(fileURLWithPath: path))
            let error = #expect(throws: JournalError.self) { try Journal(path: path) }
            #expect(error?.code == .corrupt)
        }
    }

    @Test func anotherApplicationsDatabaseIsIncompatible() throws {
        try withTemporaryDirectory { dir in
            let path = dir + "/other.sqlite"
            try tamper(path, "CREATE TABLE invoices (id INTEGER PRIMARY KEY)")
            let error = #expect(throws: JournalError.self) { try Journal(path: path) }
            #expect(error?.code == .incompatibleSchema)
        }
    }

    @Test func aNewerSchemaIsIncompatible() throws {
        try withJournal { journal, path in
            try journal.close()
            try tamper(path, "PRAGMA user_version = \(Journal.schemaVersion + 1)")
            let error = #expect(throws: JournalError.self) { try Journal(path: path) }
            #expect(error?.code == .incompatibleSchema)
        }
    }

    @Test func theJournalIsInWALModeWithFullSync() throws {
        try withJournal { journal, path in
            try screen(journal, ["a"])
            let queue = try DatabaseQueue(path: path)
            #expect(try queue.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") } == "wal")
            #expect(try queue.read { db in try Int.fetchOne(db, sql: "PRAGMA user_version") } == Journal.schemaVersion)
            #expect(FileManager.default.fileExists(atPath: path + "-wal"))
            try queue.close()
        }
    }
}
