import Foundation
import FuzzTargets
import RulesEngine
import Testing

/// Every file of `fuzz/corpus/<target>/` (seeds and the reproducers of fixed crashes) through the fuzz target's
/// real decoders: each is decoded or refused with the decoder's typed error, and nothing the target checks is
/// broken. The libFuzzer runs themselves are `scripts/fuzz`; this replay is fast and deterministic.
struct FuzzCorpusReplayTests {
    static func corpus(_ name: String) throws -> [(name: String, bytes: [UInt8])] {
        let directory = Repository.path("fuzz/corpus/" + name)
        let names = try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
        return try names.map { file in
            (file, Array(try Data(contentsOf: URL(fileURLWithPath: directory + "/" + file))))
        }
    }

    /// Replays a corpus; returns the outcomes by file name.
    static func replay(_ name: String, _ run: ([UInt8]) throws(FuzzViolation) -> [FuzzOutcome]) throws -> [String: [FuzzOutcome]] {
        let files = try corpus(name)
        #expect(files.count >= 5, "fuzz/corpus/\(name) has only \(files.count) files")
        var outcomes: [String: [FuzzOutcome]] = [:]
        for file in files {
            do throws(FuzzViolation) {
                outcomes[file.name] = try run(file.bytes)
            } catch {
                Issue.record("fuzz/corpus/\(name)/\(file.name): \(error)")
            }
        }
        return outcomes
    }

    @Test func framesAreDecodedOrRefusedWithAWireError() throws {
        let outcomes = try Self.replay("frames") { (input) throws(FuzzViolation) in try FrameTarget.run(input) }
        // Each seed but the bad ones is a valid message for at least one of the four decoders.
        for (file, results) in outcomes where file != "topic" && !file.hasPrefix("crash-") {
            #expect(results.prefix(4).contains(.decoded) == !file.contains("bad"), "\(file): \(results)")
        }
        #expect(outcomes["client-request-bad-deadline"]?.first == .rejected("invalid-deadline"))
        #expect(outcomes["topic"]?.last == .decoded)
    }

    @Test func requestsAreDecodedOrRefusedWithTheirErrors() throws {
        let target = RequestTarget(schema: Repository.requestSchema)
        let outcomes = try Self.replay("request") { (input) throws(FuzzViolation) in [try target.run(input)] }
        for (file, results) in outcomes where file.hasPrefix("invalid-") {
            #expect(results.first != .decoded, "\(file) must be refused")
        }
        #expect(outcomes["04-cv-screening-recruitment.json"] == [.decoded])
        #expect(outcomes["invalid-not-json.json"] == [.rejected("invalid-json")])
    }

    @Test func packsAreLoadedOrRefusedWithDiagnostics() throws {
        let target = PackTarget(repositoryRoot: Repository.root.path)
        #expect(target.isReady)
        let outcomes = try Self.replay("pack") { (input) throws(FuzzViolation) in [try target.run(input)] }
        #expect(outcomes["small-valid.yaml"] == [.decoded])
        #expect(outcomes["workplace.yaml"] == [.decoded])
        #expect(outcomes["yaml-syntax-error.yaml"] == [.rejected("yaml-syntax")])
        #expect(outcomes["expression-error.yaml"]?.first != .decoded)
        // Found by FuzzPack: 25 CRs are 26 YAML lines, and the syntax error on the last one is inside the file.
        #expect(outcomes["crash-cr-line-breaks.yaml"] == [.rejected("yaml-syntax")])
    }
    @Test func packResultsPassTheBrokersCheckOnlyAsTheStrictDecoderReadsThem() throws {
        let outcomes = try Self.replay("packresult") { (input) throws(FuzzViolation) in try PackResultTarget.run(input) }
        // Workers' real bodies are read at every screening date; broken ones are refused at every date.
        for (file, results) in outcomes {
            if file.hasPrefix("bad-") && file != "bad-milder-than-findings.json" && file != "bad-approved-with-errors.json" {
                #expect(!results.contains(.decoded), "\(file) must be refused: \(results)")
            } else {
                #expect(results == Array(repeating: .decoded, count: PackResultTarget.screeningDates.count), "\(file): \(results)")
            }
        }
        #expect(outcomes["bad-not-utf8.json"]?.first == .rejected("invalid-json"))
        #expect(outcomes["bad-missing-digest.json"]?.first == .rejected("not-a-pack-verdict"))
    }

    @Test func aVerdictMilderThanItsFindingsOrErrorsIsRaisedBeforeItIsPassedOn() throws {
        let date = Day(iso: "2026-12-01")
        for name in ["bad-milder-than-findings.json", "bad-approved-with-errors.json"] {
            let body = try #require(try Self.corpus("packresult").first { $0.name == name }).bytes
            // Not canonical: the fast reader leaves it to the strict decoder, which raises the verdict.
            #expect(RenderedPackVerdict(canonical: body, screeningDate: date) == nil, "\(name)")
            let decoded = try PackVerdict(json: try JSONParser().parse(body))
            // Either way the body is wrong, so the pack fails closed: at least needs-review, with the reason.
            #expect(decoded.verdict >= .needsReview, "\(name): \(decoded.verdict)")
            #expect(!decoded.errors.isEmpty, "\(name)")
        }
    }
}
