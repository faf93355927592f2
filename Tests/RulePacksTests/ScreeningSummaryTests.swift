import Foundation
import Testing

@testable import RulePacks
@testable import RulesEngine

/// `detail=summary` (docs/PROTOCOL.md §7.5) comes from one writer, whether the broker has the live result or only the
/// full bytes of one (a cached or journaled answer); both give the bytes an independent derivation from the full
/// value tree gives, for every example.
struct ScreeningSummaryTests {
    /// The summary built from the full result's value tree, member by member as §7.5 lists them: the test oracle.
    static func oracle(_ full: JSONValue) throws -> JSONValue {
        guard case .object(let packs)? = full["packs"], case .array(let conditions)? = full["conditions"], let steps = full["next_steps"],
            case .array(let duties)? = steps["duties"]
        else { throw VerdictDecodingError(message: "not a combined result") }
        func member(_ value: JSONValue, _ key: String) throws -> JSONValue {
            guard let found = value[key] else { throw VerdictDecodingError(message: "no \(key)") }
            return found
        }
        let summaryPacks: [(String, JSONValue)] = try packs.map { id, pack in
            guard case .array(let findings)? = pack["findings"] else { throw VerdictDecodingError(message: "no findings") }
            return (id, .object([
                ("version", try member(pack, "version")), ("digest", try member(pack, "digest")), ("verdict", try member(pack, "verdict")),
                ("outputs", try member(pack, "outputs")), ("rules", .array(try findings.map { try member($0, "rule") })),
                ("errors", try member(pack, "errors")),
            ]))
        }
        let summaryConditions: [JSONValue] = try conditions.map { condition in
            var members: [(String, JSONValue)] = [("packs", try member(condition, "packs"))]
            if let key = condition["key"] {
                members.append(("key", key))
            } else {
                members += [("da", try member(condition, "da")), ("en", try member(condition, "en"))]
            }
            members += [("applies_from", try member(condition, "applies_from")), ("status", try member(condition, "status"))]
            return .object(members)
        }
        return .object([
            ("request_id", try member(full, "request_id")), ("detail", .string("summary")), ("verdict", try member(full, "verdict")),
            ("packs", .object(summaryPacks)), ("conditions", .array(summaryConditions)),
            ("next_steps", .object([
                ("options", try member(steps, "options")), ("duties", .array(try duties.map { try member($0, "field") })),
                ("blockers", try member(steps, "blockers")),
            ])),
            ("errors", try member(full, "errors")),
        ])
    }

    /// The combined result as the broker builds it from workers' bytes.
    static func received(_ result: ScreeningResult) throws -> RenderedScreeningResult {
        let packs = try result.packs.map {
            try #require(RenderedPackVerdict(canonical: JSONWriter.bytes($0), screeningDate: result.screeningDate))
        }
        return RenderedScreeningResult(requestID: result.requestID, packs: packs, required: result.packs.map(\.pack), screeningDate: result.screeningDate)
    }

    @Test func everyExampleSummaryIsTheSameLiveFromFullBytesAndFromTheValueTree() throws {
        let results = try RenderedPackVerdictTests.exampleResults()
        #expect(results.count >= 20)
        var keyless = 0
        var (summaryBytes, fullBytes) = (0, 0)
        for (file, result) in results {
            let full = JSONWriter.bytes(result)
            let live = ScreeningSummary(try Self.received(result))
            let read = try ScreeningSummary(json: full)
            #expect(read == live, "\(file)")
            #expect(live.bytes == read.bytes, "\(file)")
            #expect(try ScreeningSummary(json: live.bytes).bytes == live.bytes, "a summary reads back to its own bytes: \(file)")
            let oracle = JSONWriter.bytes(try Self.oracle(try JSONParser().parse(full)))
            #expect(live.bytes == oracle, "\(file): \(String(decoding: live.bytes, as: UTF8.self))")
            // From decoded pack verdicts (the broker's strict road) too.
            let decoded = RenderedScreeningResult(
                requestID: result.requestID, packs: result.packs.map(RenderedPackVerdict.init), required: result.packs.map(\.pack),
                screeningDate: result.screeningDate)
            #expect(ScreeningSummary(decoded).bytes == oracle, "\(file)")
            // The summary drops the pack texts and the evidence, and is a small part of the full bytes.
            let text = String(decoding: live.bytes, as: UTF8.self)
            for absent in [#""rationale""#, #""title""#, #""evidence""#, #""citations""#, #""findings""#] {
                #expect(!text.contains(absent), "\(file) has \(absent)")
            }
            summaryBytes += live.bytes.count
            fullBytes += full.count
            #expect(live.packs.map(\.rules) == result.packs.map { $0.findings.map(\.rule) })
            keyless += live.conditions.filter { $0.key == nil }.count
            #expect(live.conditions.allSatisfy { ($0.key == nil) == ($0.text != nil) })
        }
        #expect(keyless > 0, "the examples include conditions without a key, which keep their text")
        #expect(summaryBytes * 10 < fullBytes, "summaries: \(summaryBytes) bytes, full results: \(fullBytes) bytes")
    }

    @Test func aFailedPackSummarisesWithItsError() throws {
        let (result, _, _) = try RenderedPackVerdictTests.sample()
        var packs = try Self.received(result).packs.filter { $0.pack != "gdpr" }
        packs.append(RenderedPackVerdict(.failed(pack: "gdpr", error: "no-workers: no gdpr worker")))
        let combined = RenderedScreeningResult(requestID: result.requestID, packs: packs, required: ["ai-act", "gdpr", "workplace"], screeningDate: result.screeningDate)
        let summary = ScreeningSummary(combined)
        #expect(summary.verdict >= .needsReview)
        #expect(summary.errors == ["gdpr: no-workers: no gdpr worker"])
        let gdpr = try #require(summary.packs.first { $0.id == "gdpr" })
        #expect(gdpr.verdict == .needsReview && gdpr.rules.isEmpty && gdpr.errors == ["no-workers: no gdpr worker"])
        #expect(try ScreeningSummary(json: JSONWriter.bytes(combined)) == summary)
        #expect(summary.bytes == JSONWriter.bytes(try Self.oracle(try JSONParser().parse(JSONWriter.bytes(combined)))))
    }

    @Test func whatIsNotACombinedResultIsRefusedWithAReason() {
        for text in ["", "[]", "{}", #"{"request_id":"x","verdict":"approved","packs":{},"conditions":[],"errors":[]}"#,
            #"{"request_id":"x","verdict":"approved","packs":{"gdpr":{"version":"1"}},"conditions":[],"next_steps":{"options":[],"duties":[],"blockers":[]},"errors":[]}"#,
            #"{"request_id":"x","verdict":"maybe","packs":{},"conditions":[],"next_steps":{"options":[],"duties":[],"blockers":[]},"errors":[]}"#]
        {
            #expect(throws: VerdictDecodingError.self, "\(text)") { try ScreeningSummary(json: Array(text.utf8)) }
        }
    }
}
