import Journal
import Testing

/// The journal's pack activations (schema 5): who made which revision active when, from which; a hash chain of
/// their own that `verifyActivations` recomputes, so an edited, deleted or cut activation is found.
struct JournalActivationTests {
    static func activation(_ version: String, from previous: String?, kind: PackActivation.Kind = .deploy, by principal: String = "admin:ops", at seconds: Int64 = 0) -> PackActivation {
        PackActivation(
            at: time(seconds), packID: "gdpr", version: version, digest: "sha256:\(version)", previousVersion: previous,
            previousDigest: previous.map { "sha256:\($0)" }, kind: kind, principal: principal)
    }

    /// Three activations of gdpr with a verdict between the first two, and one of ai-act.
    static func record(_ journal: Journal) throws {
        try journal.record(activation("1.0.0", from: nil, kind: .start, by: "local:broker"))
        try journal.commit([.accepted(request("r1")), .completed(completion("r1"))])
        try journal.record(activation("1.1.0", from: "1.0.0", at: 5))
        try journal.record(activation("1.0.0", from: "1.1.0", kind: .rollback, at: 9))
        try journal.record(PackActivation(at: time(10), packID: "ai-act", version: "2.0.0", digest: "sha256:x", previousVersion: nil, previousDigest: nil, kind: .start, principal: "local:up"))
    }

    @Test func activationsAreStoredInOrderWithTheirPlaceInTheRequestChainAndVerify() throws {
        try withJournal { journal, _ in
            try Self.record(journal)
            let gdpr = try journal.activations(packID: "gdpr")
            #expect(gdpr.map(\.sequence) == [1, 2, 3])
            #expect(gdpr.map(\.kind) == [.start, .deploy, .rollback])
            #expect(gdpr.map(\.version) == ["1.0.0", "1.1.0", "1.0.0"])
            #expect(gdpr.map(\.previousVersion) == [nil, "1.0.0", "1.1.0"])
            #expect(gdpr.map(\.principal) == ["local:broker", "admin:ops", "admin:ops"])
            #expect(gdpr.map(\.afterEntry) == [0, 2, 2], "the second came after the request chain's entries 1 and 2")
            #expect(try journal.activations().count == 4)
            #expect(Set(gdpr.map(\.hash)).count == 3 && gdpr.allSatisfy { $0.hash.count == 64 })
            let verified = try journal.verifyActivations()
            #expect(verified.isIntact && verified.count == 4)
            #expect(try journal.verify().isIntact, "the request chain is untouched by activations")
        }
    }

    @Test(arguments: [
        ("UPDATE pack_activation SET principal = 'admin:mallory' WHERE seq = 2", Int64(2), "hash-mismatch"),
        ("UPDATE pack_activation SET previous_digest = NULL WHERE seq = 3", Int64(3), "hash-mismatch"),
        ("UPDATE pack_activation SET after_entry = 0 WHERE seq = 2", Int64(2), "hash-mismatch"),
        ("DELETE FROM pack_activation WHERE seq = 2", Int64(2), "missing"),
        ("DELETE FROM pack_activation WHERE seq = 4", Int64(4), "truncated"),
    ])
    func anEditedDeletedOrCutActivationIsFound(sql: String, sequence: Int64, problem: String) throws {
        try withJournal { journal, path in
            try Self.record(journal)
            try tamper(path, sql)
            let verified = try journal.verifyActivations()
            #expect(verified.firstBroken?.sequence == sequence, "\(sql)")
            #expect(verified.firstBroken?.problem.description == problem, "\(sql): \(String(describing: verified.firstBroken))")
        }
    }

    @Test func aReadOnlyJournalReadsActivationsAndRefusesToRecordThem() throws {
        try withJournal { writer, path in
            try Self.record(writer)
            let reader = try Journal(path: path, options: JournalOptions(readOnly: true))
            #expect(try reader.activations().count == 4)
            let error = #expect(throws: JournalError.self) { try reader.record(Self.activation("2.0.0", from: "1.0.0")) }
            #expect(error?.code == .readOnly)
        }
    }
}
