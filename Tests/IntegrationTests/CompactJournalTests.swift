import Foundation
import Journal
import RulePacks
import RulesEngine
import Testing

/// Verdicts stored compact: the packs' texts as references to a dictionary the journal keeps once. Every example and
/// a generated corpus read back byte for byte, in a fraction of the space; through `aiscreen up` the journal's
/// answers equal the answers the client got.
@Suite(.serialized)
struct CompactJournalTests {
    @Test func everyExampleAndACorpusOfResultsReadsBackByteForByte() throws {
        let packs = try ["ai-act", "gdpr", "workplace"].map { id in
            let path = Repo.path("rules/\(id)")
            return (path, try #require(PackLoader().load(directory: path).pack))
        }
        let screener = Screener(packs: packs.map(\.1))
        var requests = try FileManager.default.contentsOfDirectory(atPath: Repo.path("examples/requests")).filter { $0.hasSuffix(".json") }.sorted()
            .map { try String(contentsOfFile: Repo.path("examples/requests/\($0)"), encoding: .utf8) }
        var generator = CorpusGenerator(seed: 20261202)
        for index in 0..<400 { requests.append(JSONWriter.string(generator.request(packs[0].1.schema, index: index))) }
        let directory = NSTemporaryDirectory() + "aiscreen-compact-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let journal = try Journal(path: directory + "/journal.sqlite")
        // The dictionary as 'aiscreen broker' builds it: the literals of the journal's copies of the revisions.
        var literals: [[UInt8]] = []
        for (path, pack) in packs {
            let text = try #require(RecordedPackText.of(pack, at: path, overrides: [:]))
            try journal.store([PackText(digest: pack.digest, packID: pack.id, version: pack.version, content: text.content, overrides: text.overrides, storedAt: .now())])
            literals += RecordedPackText(content: text.content, overrides: text.overrides).literals(digest: pack.digest)
        }
        let dictionary = ResultDictionary(literals: literals)
        journal.storeResults { _ in dictionary }
        var written: [String: [UInt8]] = [:]
        for (index, text) in requests.enumerated() {
            let id = "c-\(index)"
            guard let result = try? screener.screen(json: text) else { continue }
            let bytes = JSONWriter.bytes(result.json)
            written[id] = bytes
            let revisions = packs.map { PackRevision(id: $0.1.id, version: $0.1.version, digest: $0.1.digest) }
            try journal.commit([
                .accepted(AcceptedRequest(requestID: id, service: "screen", body: Array(text.utf8), receivedAt: .now(), principal: "anonymous", department: nil)),
                .completed(CompletedScreening(requestID: id, verdict: "x", result: bytes, packs: revisions, completedAt: .now())),
            ])
        }
        #expect(written.count >= 400)
        let read = try journal.history(HistoryFilter(limit: 10_000))
        #expect(read.count == written.count)
        for record in read { #expect(record.completion?.result == written[record.request.requestID], "\(record.request.requestID)") }
        #expect(try journal.verify().isIntact)
        let sizes = try Self.query(directory + "/journal.sqlite", "print(*c.execute(\"select sum(length(result)), count(*), sum(result_dictionary is not null) from entry where kind='completed'\").fetchone())")
        let numbers = sizes.first?.split(separator: " ").compactMap { Int($0) } ?? []
        let full = written.values.reduce(0) { $0 + $1.count }
        #expect(numbers.count == 3 && numbers[1] == written.count && numbers[2] == written.count, "\(sizes)")
        #expect(numbers.first.map { Double($0) < Double(full) * 0.4 } == true, "stored \(sizes) of \(full) bytes")
    }

    @Test(.timeLimit(.minutes(2)))
    func throughUpTheJournalAnswersExactlyWhatTheClientGot() throws {
        let journal = NSTemporaryDirectory() + "aiscreen-compact-\(UUID().uuidString).sqlite"
        defer { for suffix in ["", "-wal", "-shm", ".head", ".lock"] { try? FileManager.default.removeItem(atPath: journal + suffix) } }
        let up = try Child(["up", "--client", "tcp://127.0.0.1:*", "--publish", "tcp://127.0.0.1:*", "--journal", journal, "--http", "off"])
        defer {
            up.kill(SIGTERM)
            _ = up.exitStatus(within: 10)
        }
        let ready = try JSONParser().parse(try up.line { $0.contains("\"ready\"") })
        let endpoint = try #require(ready["client"].flatMap { if case .string(let s) = $0 { s } else { nil } })
        let files = try FileManager.default.contentsOfDirectory(atPath: Repo.path("examples/requests")).filter { $0.hasSuffix(".json") }.sorted().map { Repo.path("examples/requests/\($0)") }
        let submitted = try runCommand(["submit", "--connect", endpoint, "--json", "--new-id"] + files)
        #expect(submitted.status == 0, "\(submitted.err)")
        let answers = submitted.out.split(separator: "\n").map(String.init)
        #expect(answers.count == files.count)
        for answer in answers {
            guard case .string(let id)? = try JSONParser().parse(answer)["request_id"] else { continue }
            let stored = try runCommand(["verdict", id, "--json", "--journal", journal])
            var bytes = Array(stored.out.utf8)
            if bytes.last == 0x0A { bytes.removeLast() }
            let same = bytes == Array(answer.utf8)  // bytes, not String's canonical equivalence
            #expect(same, "\(id): \(stored.out.utf8.count) bytes stored, \(answer.utf8.count) answered; \(stored.err)")
        }
        let compact = try Self.query(journal, "print(c.execute(\"select count(*) from entry where kind='completed' and result_dictionary is not null and hash_version = 2\").fetchone()[0])")
        #expect(compact == ["\(files.count)"], "every verdict stored compact, hashed as stored")
        // Each pack's outcome in brief says what the answered bytes say (what `pack impact` reads instead of them).
        var answered: [String: [UInt8]] = [:]
        for answer in answers {
            if case .string(let id)? = try JSONParser().parse(answer)["request_id"] { answered[id] = Array(answer.utf8) }
        }
        var replayed = 0
        try Journal(path: journal, options: JournalOptions(readOnly: true)).forEachVerdictOfRecord(HistoryFilter()) { record in
            replayed += 1
            guard let bytes = try? record.result(), let stored = try? StoredResultSummary(bytes) else {
                Issue.record("\(record.request.requestID): unreadable result")
                return
            }
            #expect(bytes == answered[record.request.requestID], "\(record.request.requestID)")
            #expect(record.hasOutcomes && record.packs.count == 3, "\(record.request.requestID)")
            for pack in record.packs {
                let brief = pack.outcome.map { StoredResultSummary.Pack(verdict: Verdict($0.verdict), hasErrors: $0.errors > 0, rules: $0.rules) }
                #expect(brief == stored.packs[pack.id], "\(record.request.requestID) \(pack.id)")
            }
            #expect(Verdict(record.verdict) == stored.verdict)
        }
        #expect(replayed == files.count)
    }

    static func query(_ journal: String, _ python: String) throws -> [String] {
        let result = try runCommand(["-c", "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); " + python, journal], executable: "python3")
        #expect(result.status == 0, "\(result.err)")
        return result.out.split(separator: "\n").map(String.init)
    }
}
