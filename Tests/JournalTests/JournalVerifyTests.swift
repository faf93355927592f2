import Journal
import Testing

/// Each test builds the same ten-entry chain (five requests, accepted and completed in pairs of batches),
/// changes the file with raw SQL and checks which entry `verify` names.
struct JournalVerifyTests {
    /// Entries: 1 a, 2 b, 3 c (accepted), 4 a, 5 b, 6 c (completed), 7 d, 8 e (accepted), 9 d, 10 e (completed).
    func withChain(_ body: (Journal, String) throws -> Void) throws {
        try withJournal { journal, path in
            try screen(journal, ["a", "b", "c"])
            try screen(journal, ["d", "e"])
            try body(journal, path)
        }
    }

    @Test func anUntouchedChainIsIntact() throws {
        try withChain { journal, _ in
            let report = try journal.verify()
            #expect(report.isIntact)
            #expect(report.entryCount == 10)
            #expect(report.firstSequence == 1)
            #expect(report.headSequence == 10)
            #expect(report.headHash?.count == 64)
            #expect(report.prunedThrough == nil)
        }
    }

    @Test func anEmptyJournalIsIntact() throws {
        try withJournal { journal, _ in
            let report = try journal.verify()
            #expect(report.isIntact)
            #expect(report.entryCount == 0)
        }
    }

    @Test func aChangedBodyIsNamed() throws {
        try withChain { journal, path in
            try tamper(path, "UPDATE entry SET body = CAST('{\"staff\": 1}' AS BLOB) WHERE seq = 2")
            let broken = try #require(try journal.verify().firstBroken)
            #expect(broken.sequence == 2)
            #expect(broken.problem == .bodyChanged)
        }
    }

    @Test func aChangedBodyWithAMatchingDigestStillBreaksTheChain() throws {
        try withChain { journal, path in
            let body = "{\"staff\": 1}"
            let digest = AcceptedRequest.digest(of: Array(body.utf8))
            try tamper(path, "UPDATE entry SET body = CAST('\(body)' AS BLOB), body_sha256 = '\(digest)' WHERE seq = 3")
            let report = try journal.verify()
            #expect(report.firstBroken?.sequence == 3)
            #expect(report.firstBroken?.problem == .hashMismatch)
            #expect(report.entryCount == 2)
        }
    }

    @Test(arguments: [
        ("UPDATE entry SET verdict = 'rejected' WHERE seq = 5", Int64(5)),
        ("UPDATE entry SET department = 'HR' WHERE seq = 7", Int64(7)),
        ("UPDATE entry SET at = '2020-01-01T00:00:00.000Z' WHERE seq = 1", Int64(1)),
        ("UPDATE entry SET result = CAST('{}' AS BLOB) WHERE seq = 9", Int64(9)),
        ("UPDATE entry_pack SET version = '9.9.9' WHERE seq = 6 AND pack_id = 'gdpr'", Int64(6)),
        ("DELETE FROM entry_pack WHERE seq = 10 AND pack_id = 'ai-act'", Int64(10)),
        ("INSERT INTO entry_pack (seq, pack_id, version, digest) VALUES (8, 'extra', '1', 'x')", Int64(8)),
        ("UPDATE entry SET hash = '\(String(repeating: "0", count: 64))' WHERE seq = 4", Int64(4)),
    ])
    func aChangedFieldIsNamed(sql: String, sequence: Int64) throws {
        try withChain { journal, path in
            try tamper(path, sql)
            let report = try journal.verify()
            #expect(report.firstBroken?.sequence == sequence)
            #expect(report.firstBroken?.problem == .hashMismatch)
            #expect(report.entryCount == Int(sequence) - 1)
        }
    }

    @Test func aDeletedRowIsNamed() throws {
        try withChain { journal, path in
            try tamper(path, "DELETE FROM entry WHERE seq = 4")
            let broken = try #require(try journal.verify().firstBroken)
            #expect(broken.sequence == 4)
            #expect(broken.problem == .missing)
        }
    }

    @Test func deletedRowsWithTheRestRenumberedBreakTheChain() throws {
        try withChain { journal, path in
            try tamper(path, "DELETE FROM entry WHERE seq IN (4, 5); UPDATE entry SET seq = seq - 2 WHERE seq > 5")
            let broken = try #require(try journal.verify().firstBroken)
            #expect(broken.sequence == 4)
            #expect(broken.problem == .hashMismatch)
        }
    }

    @Test func swappedRowsAreNamed() throws {
        try withChain { journal, path in
            try tamper(
                path,
                """
                UPDATE entry SET seq = -3 WHERE seq = 3;
                UPDATE entry SET seq = 3 WHERE seq = 7;
                UPDATE entry SET seq = 7 WHERE seq = -3;
                """)
            let broken = try #require(try journal.verify().firstBroken)
            #expect(broken.sequence == 3)
            #expect(broken.problem == .hashMismatch)
        }
    }

    @Test func swappedContentsWithHashesAreNamed() throws {
        try withChain { journal, path in
            // Move the completion of b before the completion of a, hashes and all.
            try tamper(
                path,
                """
                CREATE TEMP TABLE saved AS SELECT seq, hash FROM entry WHERE seq IN (4, 5);
                UPDATE entry SET request_id = 'moving' WHERE seq = 4;
                UPDATE entry SET request_id = 'a', hash = (SELECT hash FROM saved WHERE seq = 4) WHERE seq = 5;
                UPDATE entry SET request_id = 'b', hash = (SELECT hash FROM saved WHERE seq = 5) WHERE seq = 4;
                """)
            let broken = try #require(try journal.verify().firstBroken)
            #expect(broken.sequence == 4)
        }
    }

    @Test func rowsCutFromTheEndAreNamed() throws {
        try withChain { journal, path in
            try tamper(path, "DELETE FROM entry WHERE seq >= 9")
            let report = try journal.verify()
            #expect(report.entryCount == 8)
            #expect(report.firstBroken?.sequence == 9)
            #expect(report.firstBroken?.problem == .truncated)
        }
    }

    @Test func rowsCutFromTheStartAreNamed() throws {
        try withChain { journal, path in
            try tamper(path, "DELETE FROM entry WHERE seq <= 3")
            let broken = try #require(try journal.verify().firstBroken)
            #expect(broken.sequence == 1)
            #expect(broken.problem == .missing)
        }
    }

    @Test func writesAfterTruncationDoNotHideIt() throws {
        try withChain { journal, path in
            try tamper(path, "DELETE FROM entry WHERE seq >= 9")
            try journal.commit([.accepted(request("f"))])
            let broken = try #require(try journal.verify().firstBroken)
            #expect(broken.sequence == 9)
            #expect(broken.problem == .missing)
        }
    }

    @Test func anEntryTurnedIntoAnotherKindIsNamed() throws {
        try withChain { journal, path in
            try tamper(
                path,
                "UPDATE entry SET kind = 'checkpoint', pruned_through = 0, anchor_hash = 'x', pruned_before = 'y' WHERE seq = 6"
            )
            let report = try journal.verify()
            #expect(report.firstBroken?.sequence == 6)
        }
    }
}
