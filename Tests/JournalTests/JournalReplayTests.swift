import Foundation
import GRDB
import Testing
import Crypto

@testable import Journal

/// Schema 7: each pack's outcome in brief inside the chain, compact results hashed as stored (hash version 2), and
/// the verdicts of record read one at a time, oldest first (`aiscreen pack impact`).
@Suite(.serialized)
struct JournalReplayTests {
    static let outcomes = [
        "ai-act": PackOutcome(verdict: "approved-with-conditions", errors: 0, rules: ["A-TRANSPARENCY", "A-LITERACY"]),
        "gdpr": PackOutcome(verdict: "needs-review", errors: 2, rules: ["G-DPIA", "odd id 100%\n"]),
        "workplace": PackOutcome(verdict: "approved", errors: 0, rules: []),
    ]

    static func judged(_ id: String, verdict: String = "needs-review", at: JournalTimestamp = time(5)) -> CompletedScreening {
        var screening = completion(id, verdict: verdict, at: at)
        screening.packs = screening.packs.map { pack in
            var pack = pack
            pack.outcome = outcomes[pack.id]
            return pack
        }
        screening.result = ResultDictionaryTests.result(id)
        return screening
    }

    static func replayed(_ journal: Journal, _ filter: HistoryFilter = HistoryFilter()) throws -> [ScreeningOfRecord] {
        var seen: [ScreeningOfRecord] = []
        try journal.forEachVerdictOfRecord(filter) { seen.append($0) }
        return seen
    }

    @Test(arguments: [
        PackOutcome(verdict: "approved", errors: 0, rules: []),
        PackOutcome(verdict: "rejected", errors: 12, rules: ["G-1", "with space", "100%", "tab\there", "ø", "%41"]),
    ])
    func anOutcomeReadsBackFromItsText(_ outcome: PackOutcome) {
        #expect(PackOutcome(text: outcome.text) == outcome)
        #expect(!outcome.text.contains("\t"))
    }

    /// Another spelling of the same outcome (an escape where none is needed) is kept as stored, so the chain sees
    /// the change.
    @Test func anOutcomeRespelledWithSqlite3BreaksTheChain() throws {
        try withJournal { journal, path in
            try journal.commit([.accepted(request("r1")), .completed(Self.judged("r1"))])
            try tamper(path, "UPDATE entry_pack SET outcome = 'rejected 0' WHERE pack_id = 'workplace'")
            #expect(try journal.verify().isIntact == false, "a changed outcome")
        }
        try withJournal { journal, path in
            try journal.commit([.accepted(request("r1")), .completed(Self.judged("r1"))])
            try tamper(path, "UPDATE entry_pack SET outcome = '%61pproved 0' WHERE pack_id = 'workplace'")
            #expect(PackOutcome(text: "%61pproved 0")?.verdict == "approved")
            #expect(try journal.verify().firstBroken?.sequence == 2, "the same outcome spelled otherwise")
        }
    }

    @Test(arguments: ["", "approved", "approved x", "approved -1", "approved 0  G-1", "approved 0 %4", "approved 0 %zz", " 0"])
    func anUnreadableOutcomeTextIsRefused(_ text: String) {
        #expect(PackOutcome(text: text) == nil, "\(text)")
    }

    @Test func outcomesAreStoredReadBackAndInTheChain() throws {
        try withJournal { journal, path in
            try journal.commit([.accepted(request("r1")), .completed(Self.judged("r1"))])
            let record = try #require(try journal.history(HistoryFilter()).first)
            #expect(Dictionary(uniqueKeysWithValues: (record.completion?.packs ?? []).map { ($0.id, $0.outcome) }) == Self.outcomes)
            let replayed = try #require(try Self.replayed(journal).first)
            #expect(replayed.hasOutcomes)
            #expect(Dictionary(uniqueKeysWithValues: replayed.packs.map { ($0.id, $0.outcome) }) == Self.outcomes)
            #expect(try journal.verify().isIntact)
            // An outcome changed with sqlite3 breaks the chain at its entry, for every reader.
            try tamper(path, "UPDATE entry_pack SET outcome = 'approved 0' WHERE pack_id = 'gdpr'")
            #expect(try journal.verify().firstBroken?.sequence == 2)
            #expect(throws: JournalError.self) { try Self.replayed(journal) }
            #expect(throws: JournalError.self) { try journal.history(HistoryFilter()) }
        }
    }

    @Test func aCompactResultIsHashedAsStoredAndAChangedHashVersionIsFound() throws {
        try withJournal { journal, path in
            journal.storeResults { _ in ResultDictionaryTests.dictionary }
            try journal.commit([.accepted(request("r1")), .completed(Self.judged("r1"))])
            let versions = try DatabaseQueue(path: path).read { db in
                try Int?.fetchAll(db, sql: "SELECT hash_version FROM entry ORDER BY seq")
            }
            #expect(versions == [nil, 2])
            let replayed = try #require(try Self.replayed(journal).first)
            #expect(try replayed.result() == ResultDictionaryTests.result("r1"))
            #expect(try journal.history(HistoryFilter()).first?.completion?.result == ResultDictionaryTests.result("r1"))
            try tamper(path, "UPDATE entry SET hash_version = NULL WHERE seq = 2")
            #expect(try journal.verify().firstBroken?.sequence == 2)
            #expect(throws: JournalError.self) { try Self.replayed(journal) }
            // A version no build writes (past the table's CHECK) is refused by name, not read as version 1.
            try tamper(path, "PRAGMA ignore_check_constraints = ON; UPDATE entry SET hash_version = 3 WHERE seq = 2")
            let error = #expect(throws: JournalError.self) { try Self.replayed(journal) }
            #expect(error?.message.contains("unknown hash version 3") == true, "\(String(describing: error))")
            #expect(try journal.verify().firstBroken?.sequence == 2)
        }
    }

    /// Schema 6 hashed compact results over their expanded bytes (hash version 1): such entries still read and verify.
    @Test func aCompactResultHashedOverItsExpandedBytesStillVerifies() throws {
        try withJournal { journal, path in
            journal.storeResults { _ in ResultDictionaryTests.dictionary }
            try journal.commit([.accepted(request("r1")), .completed(Self.judged("r1"))])
            // Rewrite the last entry as schema 6 wrote it: the same stored bytes, a version 1 hash.
            let queue = try DatabaseQueue(path: path)
            try queue.write { db in
                let row = try #require(try Row.fetchOne(db, sql: "SELECT * FROM entry WHERE seq = 2"))
                var entry = try Entry(row: row, db)
                entry.packs = try Journal.packs(of: 2, db)
                entry.hashVersion = 1
                let before = try String.fetchOne(db, sql: "SELECT hash FROM entry WHERE seq = 1") ?? ""
                let previous = try #require(bytes(fromHex: before))
                try db.execute(sql: "UPDATE entry SET hash = ?, hash_version = NULL WHERE seq = 2", arguments: [hex(entry.chainHash(after: previous))])
            }
            try queue.close()
            #expect(try journal.verify().isIntact)
            let replayed = try #require(try Self.replayed(journal).first)
            #expect(try replayed.result() == ResultDictionaryTests.result("r1"))
            #expect(try journal.history(HistoryFilter()).first?.completion?.result == ResultDictionaryTests.result("r1"))
        }
    }

    @Test func verdictsOfRecordComeOldestFirstFilteredWithoutUnfinishedOrProvisionalOnes() throws {
        try withJournal { journal, _ in
            try journal.commit([
                .accepted(request("late", department: "IT", at: time(100))),
                .accepted(request("early", department: "HR", at: time(10))),
                .accepted(request("open", at: time(20))),
                .accepted(request("provisional", at: time(30))),
                .accepted(request("other-day", department: "IT", at: time(0, day: "2026-04-02"))),
            ])
            var provisional = completion("provisional", verdict: "needs-review")
            provisional.provisional = true
            try journal.commit([
                .completed(Self.judged("late")), .completed(completion("early", verdict: "approved")), .completed(provisional),
                .completed(Self.judged("other-day")),
            ])
            #expect(try Self.replayed(journal).map(\.request.requestID) == ["early", "late", "other-day"])
            #expect(try journal.countVerdictsOfRecord(HistoryFilter()) == 3)
            #expect(try journal.countVerdictsOfRecord(HistoryFilter(), verdictsOfRecordOnly: false) == 5)
            let it = HistoryFilter(department: "IT", receivedBefore: JournalTimestamp(day: "2026-03-02"))
            #expect(try Self.replayed(journal, it).map(\.request.requestID) == ["late"])
            #expect(try journal.countVerdictsOfRecord(it) == 1)
            #expect(try Self.replayed(journal, HistoryFilter(verdict: "approved")).map(\.request.requestID) == ["early"])
            #expect(try Self.replayed(journal, HistoryFilter(packID: "gdpr", packVersion: "9.9.9")).isEmpty)
            // A record without outcomes (written before schema 7) says so, and its bytes are whole.
            let early = try #require(try Self.replayed(journal).first)
            #expect(!early.hasOutcomes)
            #expect(try early.result() == completion("early", verdict: "approved").result)
            #expect(early.verdict == "approved" && early.request.department == "HR" && early.packs.map(\.id) == ["ai-act", "gdpr", "workplace"])
        }
    }

    /// The chain hash written down independently of Entry (its documented encoding) for a verdict with outcomes,
    /// stored whole (version 1) and compact (version 2): the stored hashes are these.
    @Test(arguments: [false, true])
    func theStoredHashIsTheDocumentedEncoding(compact: Bool) throws {
        try withJournal { journal, path in
            if compact { journal.storeResults { _ in ResultDictionaryTests.dictionary } }
            let screening = Self.judged("r1")
            try journal.commit([.accepted(request("r1")), .completed(screening)])
            let row = try #require(try DatabaseQueue(path: path).read { db in
                try Row.fetchOne(db, sql: "SELECT e.hash, e.at, p.hash AS previous FROM entry e JOIN entry p ON p.seq = 1 WHERE e.seq = 2")
            })
            func field(_ bytes: [UInt8]?) -> [UInt8] {
                guard let bytes else { return [0xFF, 0xFF, 0xFF, 0xFF] }
                let n = UInt32(bytes.count)
                return [UInt8(n >> 24), UInt8(n >> 16 & 0xFF), UInt8(n >> 8 & 0xFF), UInt8(n & 0xFF)] + bytes
            }
            func text(_ value: String?) -> [UInt8] { field(value.map { Array($0.utf8) }) }
            var canonical = Array((compact ? "aiscreen.journal.entry.v2\n" : "aiscreen.journal.entry.v1\n").utf8)
            canonical += text("2") + text("completed") + text(row["at"]) + text("r1") + text(nil) + text(nil) + text(nil) + text(nil)
            canonical += text(screening.verdict)
            if compact {
                let dictionary = ResultDictionaryTests.dictionary
                canonical += text(dictionary.digest) + field(dictionary.compact(screening.result))
            } else {
                canonical += field(screening.result)
            }
            canonical += text(nil) + text(nil) + text(nil) + text("3")
            for pack in screening.packs.sorted(by: { $0.id < $1.id }) {
                canonical += text(pack.id) + text(pack.version) + text(pack.digest)
                if let outcome = pack.outcome { canonical += text("+outcome") + text(outcome.text) }
            }
            let previous = try #require(bytes(fromHex: row["previous"]))
            #expect(hex(SHA256.hash(data: previous + canonical)) == row["hash"] as String)
        }
    }
}
