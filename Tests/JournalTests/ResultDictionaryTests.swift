import Foundation
import GRDB
import Journal
import Testing

/// Results stored compact (schema 6): the packs' texts as references to a dictionary kept once, read back byte for
/// byte whatever the dictionary holds; a dictionary changed behind the journal's back is found.
@Suite(.serialized)
struct ResultDictionaryTests {
    static func literal(_ text: String) -> [UInt8] { Array("\"\(text)\"".utf8) }
    static let title = literal("Lawful basis for processing (Art. 6)")
    static let rationale = literal("A public authority may not rely on legitimate interests \\\"in its tasks\\\" (Art. 6(1), second subparagraph).")
    static let dictionary = ResultDictionary(literals: [title, rationale, literal("short"), title])

    static func result(_ id: String) -> [UInt8] {
        Array(#"{"request_id":"\#(id)","verdict":"rejected","packs":{"gdpr":{"findings":[{"title":\#(String(decoding: title, as: UTF8.self)),"rationale":\#(String(decoding: rationale, as: UTF8.self)),"evidence":{"x":"Lawful basis for processing (Art. 6) is not this"}}]}}}"#.utf8)
    }

    @Test func aResultIsStoredSmallerAndExpandsToItsExactBytes() throws {
        #expect(Self.dictionary.entries.count == 2, "short literals and repeats are left out")
        let result = Self.result("r1")
        let compact = try #require(Self.dictionary.compact(result))
        #expect(compact.count < result.count - Self.title.count - Self.rationale.count + 10)
        #expect(try Self.dictionary.expand(compact) == result)
        // A literal that only contains a dictionary text, and one that differs by a byte, stay as they are.
        #expect(compact.count > 60 && String(decoding: compact, as: UTF8.self).contains("is not this"))
    }

    /// Literals of one length that share their first and last eight bytes share a table key: each is still told
    /// apart by its bytes, and one that is in no entry stays as it is.
    @Test func literalsThatShareTheirEndsAreToldApart() throws {
        let literals = (0..<40).map { Self.literal("Condition \(String(format: "%02d", $0)) applies from the date") }
        let dictionary = ResultDictionary(literals: literals)
        let outsider = Self.literal("Condition 99 applies from the date")
        let text = "[" + (literals.reversed() + [outsider]).map { String(decoding: $0, as: UTF8.self) }.joined(separator: ",") + "]"
        let compact = try #require(dictionary.compact(Array(text.utf8)))
        #expect(try dictionary.expand(compact) == Array(text.utf8))
        #expect(compact.count < 40 * 4 + outsider.count + 50, "every entry replaced")
        #expect(String(decoding: compact, as: UTF8.self).contains("Condition 99"))
    }

    @Test func escapedQuotesDoNotEndALiteral() throws {
        let dictionary = ResultDictionary(literals: [Self.literal(#"say \"in its tasks\" here"#), Self.literal(#"ends in a backslash \\"#)])
        for text in [#"{"a":"say \"in its tasks\" here"}"#, #"["ends in a backslash \\","x"]"#, #"["say \"in its tasks\" here\" no"]"#, #"["unterminated \"#] {
            let bytes = Array(text.utf8)
            if let compact = dictionary.compact(bytes) {
                #expect(try dictionary.expand(compact) == bytes, "\(text)")
            } else {
                #expect(!text.hasPrefix(#"{"a""#) && !text.hasPrefix(#"["ends"#), "\(text) should have been compacted")
            }
        }
    }

    @Test func randomJSONTextRoundTripsByteForByte() throws {
        var generator = SystemRandomNumberGenerator()
        let pieces: [String] = [#"{"#, #"}"#, #"["#, #"]"#, ",", ":", " ", "\n", "12", "-0.5e3", "true", "null",
            String(decoding: Self.title, as: UTF8.self), String(decoding: Self.rationale, as: UTF8.self), #""\"""#, #""\\""#,
            #""ø æ å \u0001 \n""#, #""Lawful basis for processing (Art. 6)x""#, #""""#]
        for _ in 0..<2_000 {
            let text = (0..<Int.random(in: 0...40, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
            let bytes = Array(text.utf8)
            if let compact = Self.dictionary.compact(bytes) {
                #expect(try Self.dictionary.expand(compact) == bytes, "\(text)")
                #expect(compact.count < bytes.count)
            }
        }
    }

    @Test func bytesThatHoldTheMarkerAreNotCompacted() {
        var result = Self.result("r1")
        result.insert(0x01, at: 3)
        #expect(Self.dictionary.compact(result) == nil)
        #expect(Self.dictionary.compact(Array(#"{"a":1}"#.utf8)) == nil, "nothing to save")
    }

    @Test func aReferenceToNoEntryIsCorrupt() {
        let error = #expect(throws: JournalError.self) { try Self.dictionary.expand([0x7B, 0x01, 0x09, 0x7D]) }
        #expect(error?.code == .corrupt)
    }

    @Test func theJournalStoresResultsCompactAndServesTheirExactBytes() throws {
        try withJournal { journal, path in
            journal.storeResults { _ in Self.dictionary }
            var screening = completion("r1")
            screening.result = Self.result("r1")
            try journal.commit([.accepted(request("r1")), .completed(screening)])
            try journal.commit([.accepted(request("r2")), .completed(completion("r2"))])  // nothing to compact: stored whole
            #expect(try journal.history(HistoryFilter(limit: 10)).first { $0.request.requestID == "r1" }?.completion?.result == Self.result("r1"))
            #expect(try journal.history(HistoryFilter(limit: 10)).first { $0.request.requestID == "r2" }?.completion?.result == completion("r2").result)
            #expect(try journal.verify().isIntact)
            let reader = try Journal(path: path, options: JournalOptions(readOnly: true))
            #expect(try reader.history(HistoryFilter(limit: 10)).first { $0.request.requestID == "r1" }?.completion?.result == Self.result("r1"))
            let stored = try DatabaseQueue(path: path).read { db in
                try Row.fetchAll(db, sql: "SELECT request_id, length(result) AS n, result_dictionary FROM entry WHERE kind = 'completed' ORDER BY seq")
            }
            #expect(stored.count == 2)
            #expect((stored[0]["n"] as Int) < Self.result("r1").count - 100 && (stored[0]["result_dictionary"] as String?) == Self.dictionary.digest)
            #expect((stored[1]["result_dictionary"] as String?) == nil)
        }
    }

    @Test func verifyReadsEachDictionaryFromTheFileOncePerRun() throws {
        // A dictionary no other test stores, so that tests running beside this one do not add to its count.
        let dictionary = ResultDictionary(literals: Self.dictionary.entries + [Self.literal("read once per verify, whatever the entries")])
        try withJournal { journal, _ in
            journal.storeResults { _ in dictionary }
            for index in 0..<50 {
                var screening = completion("r\(index)")
                screening.result = Self.result("r\(index)")
                try journal.commit([.accepted(request("r\(index)")), .completed(screening)])
            }
            let before = ResultDictionaries.fileReads(of: dictionary.digest)
            #expect(try journal.verify().entryCount == 100)
            #expect(ResultDictionaries.fileReads(of: dictionary.digest) - before == 1, "not once per entry")
        }
    }

    @Test(arguments: [
        "UPDATE result_dictionary SET content = CAST(replace(CAST(content AS TEXT), 'Art. 6', 'Art. 9') AS BLOB)",
        "DELETE FROM result_dictionary",
        "UPDATE entry SET result = CAST(replace(CAST(result AS TEXT), 'rejected', 'approved') AS BLOB) WHERE kind = 'completed'",
    ])
    func aChangedDictionaryOrCompactResultIsFound(sql: String) throws {
        try withTemporaryDirectory { dir in
            let path = dir + "/journal.sqlite"
            do {
                let journal = try Journal(path: path)
                journal.storeResults { _ in Self.dictionary }
                var screening = completion("r1")
                screening.result = Self.result("r1")
                try journal.commit([.accepted(request("r1")), .completed(screening)])
            }
            try tamper(path, sql)
            // verify reads the dictionary from the file, not from what this process cached when it wrote it.
            let journal = try Journal(path: path, options: JournalOptions(readOnly: true))
            let verification = try journal.verify()
            #expect(verification.firstBroken?.sequence == 2, "\(sql): \(String(describing: verification.firstBroken))")
        }
    }
}
