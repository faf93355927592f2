import Journal
import Testing

/// The journal's copies of pack revisions (schema 4): stored once by digest, found by pack, version or digest.
struct JournalPackTextTests {
    static func text(_ digest: String, pack: String = "gdpr", version: String = "1.0.0", content: String = "bundle") -> PackText {
        PackText(digest: digest, packID: pack, version: version, content: Array(content.utf8), overrides: nil, storedAt: time(Int64(digest.count)))
    }

    @Test func aTextIsStoredOnceByDigestAndTheFirstCopyStays() throws {
        try withJournal { journal, _ in
            let first = try journal.store([Self.text("sha256:a"), Self.text("sha256:b", version: "1.1.0")])
            #expect(first == ["sha256:a", "sha256:b"])
            let second = try journal.store([Self.text("sha256:a", content: "other"), Self.text("sha256:c", pack: "ai-act")])
            #expect(second == ["sha256:c"])
            #expect(try journal.packTexts(digest: "sha256:a").map(\.content) == [Array("bundle".utf8)], "never overwritten")
            #expect(try journal.packTexts(packID: "gdpr").map(\.digest) == ["sha256:a", "sha256:b"])
            #expect(try journal.packTexts(packID: "gdpr", version: "1.1.0").map(\.digest) == ["sha256:b"])
            #expect(try journal.packTexts().count == 3)
            #expect(try journal.packTexts(packID: "workplace").isEmpty)
        }
    }

    @Test func aReadOnlyJournalReadsTextsAndRefusesToStoreThem() throws {
        try withJournal { writer, path in
            try writer.store([Self.text("sha256:a")])
            let reader = try Journal(path: path, options: JournalOptions(readOnly: true))
            #expect(try reader.packTexts().map(\.digest) == ["sha256:a"])
            let error = #expect(throws: JournalError.self) { try reader.store([Self.text("sha256:b")]) }
            #expect(error?.code == .readOnly)
        }
    }
}
