import Foundation
import Testing

@testable import RulePacks
@testable import RulesEngine

/// The broker passes a pack verdict it received as bytes on unchanged when it is in canonical form, and
/// otherwise decodes it strictly; either way the combined result must be what `aiscreen screen --json` gives.
struct RenderedPackVerdictTests {
    static let screener: Screener = {
        let loader = PackLoader()
        let packs = BundledPacks.names.compactMap { loader.load(directory: BundledPacks.directory($0)).pack }
        return Screener(packs: packs)
    }()

    static func exampleResults() throws -> [(String, ScreeningResult)] {
        var results: [(String, ScreeningResult)] = []
        for directory in ["examples/requests", "examples/minimal"] {
            let files = try FileManager.default.contentsOfDirectory(atPath: Repository.path(directory)).filter { $0.hasSuffix(".json") }.sorted()
            for file in files {
                results.append((file, try screener.screen(json: try Repository.text(directory + "/" + file))))
            }
        }
        return results
    }

    /// A result with findings that have conditions, and the bytes of its `ai-act` verdict.
    static func sample() throws -> (ScreeningResult, PackVerdict, String) {
        let result = try screener.screen(json: try Repository.text("examples/requests/02-m365-copilot.json"))
        let verdict = try #require(result.packs.first { $0.pack == "ai-act" })
        #expect(verdict.findings.contains { !$0.conditions.isEmpty })
        return (result, verdict, String(decoding: JSONWriter.bytes(verdict), as: UTF8.self))
    }

    @Test func everyExampleVerdictIsPassedOnAndCombinesToTheScreenBytes() throws {
        let results = try Self.exampleResults()
        #expect(results.count >= 20)
        for (file, result) in results {
            #expect(result.packs.count == 3)
            var received: [RenderedPackVerdict] = []
            for verdict in result.packs {
                let rendered = try #require(
                    RenderedPackVerdict(canonical: JSONWriter.bytes(verdict), screeningDate: result.screeningDate), "\(file) \(verdict.pack)")
                #expect(rendered.pack == verdict.pack && rendered.version == verdict.version && rendered.digest == verdict.digest)
                #expect(rendered.verdict == verdict.verdict && rendered.errors == verdict.errors)
                #expect(rendered.conditions == verdict.findings.flatMap(\.conditions), "\(file) \(verdict.pack)")
                #expect(Array(rendered.members) == Array(RenderedPackVerdict(verdict).members))
                var writer = JSONWriter()
                writer.write(rendered)
                #expect(writer.bytes == JSONWriter.bytes(verdict.json))
                received.append(rendered)
            }
            let combined = RenderedScreeningResult(
                requestID: result.requestID, packs: received.reversed(), required: result.packs.map(\.pack), screeningDate: result.screeningDate)
            #expect(combined.verdict == result.verdict)
            #expect(JSONWriter.bytes(combined) == JSONWriter.bytes(result.json), "\(file)")
        }
    }

    @Test func aMissingRequiredPackAndAFailedPackFailClosed() throws {
        let (result, verdict, _) = try Self.sample()
        let failed = RenderedPackVerdict(.failed(pack: "gdpr", error: "deadline: no verdict in time"))
        let combined = RenderedScreeningResult(
            requestID: "r", packs: [RenderedPackVerdict(verdict), failed], required: ["ai-act", "gdpr", "workplace"],
            screeningDate: result.screeningDate)
        #expect(combined.verdict == .needsReview)
        #expect(combined.errors == ["gdpr: deadline: no verdict in time", "workplace: no verdict from this pack"])
        let expected = ScreeningResult(
            requestID: "r", packs: [verdict, .failed(pack: "gdpr", error: "deadline: no verdict in time")],
            required: ["ai-act", "gdpr", "workplace"], screeningDate: result.screeningDate)
        #expect(JSONWriter.bytes(combined) == JSONWriter.bytes(expected.json))
    }

    /// Each of these is valid JSON that a worker might send but that is not the canonical form: the fast road
    /// must refuse it, so that the strict decoder normalises it (or refuses it with a reason).
    @Test(arguments: [
        ("members in another order", #"{"pack":"ai-act","version":"1.1.0","#, #"{"version":"1.1.0","pack":"ai-act","#),
        ("an extra member", #""errors":[],"#, #""errors":[],"note":1,"#),
        ("a member missing", #","errors":[],"#, ","),
        ("next steps missing", #","next_steps":{"#, #","note":{"#),
        ("next steps of another shape", #""next_steps":{"open":"#, #""next_steps":{"shut":"#),
        ("a next step with an unknown verdict", #""verdict":"approved"}"#, #""verdict":"fine"}"#),
        ("a verdict milder than its findings", #""verdict":"approved-with-conditions","outputs""#, #""verdict":"approved","outputs""#),
        ("errors but not needs-review", #""errors":[],"#, #""errors":["boom"],"#),
        ("an unknown verdict", #""verdict":"approved-with-conditions","outputs""#, #""verdict":"fine","outputs""#),
        ("a condition status the screening date does not give", #""status":"due""#, #""status":"upcoming""#),
        ("a condition status that is not text", #""status":"due""#, #""status":1"#),
        ("a condition date not in ISO form", #""applies_from":"2026-08-02""#, #""applies_from":"2026-8-2""#),
        ("a condition date that is a number", #""applies_from":"2026-08-02""#, #""applies_from":20260802"#),
        ("a condition date that is true", #""applies_from":"2026-08-02""#, #""applies_from":true"#),
        ("a condition key that is not text", #""key":"machine"#, #""key":1,"k":"machine"#),
        ("a condition key after a text", #"{"key":"machine-readable-marking","da":"#, #"{"en":"x","key":"machine-readable-marking","da":"#),
        ("a condition key twice", #"{"key":"machine-readable-marking","#, #"{"key":"x","key":"machine-readable-marking","#),
        ("a condition with a member too many", #""status":"due""#, #""status":"due","note":"x""#),
        ("a condition without its status", #","status":"due""#, ""),
        ("a repeated key inside evidence", #""evidence":{"#, #""evidence":{"x":1,"x":2,"#),
        ("a repeated key written with an escape", #""evidence":{"#, #""evidence":{"x":1,"\u0078":2,"#),
        ("a title without its English", #","en":"#, #","fr":"#),
        ("a citation that is a number", #""citations":[""#, #""citations":[1,""#),
        ("text after the object", #"]}}"#, #"]}} {}"#),
        ("the end cut off", #"]}}"#, #"]}"#),
    ])
    func aBodyNotInCanonicalFormIsNotPassedOn(_ change: String, _ from: String, _ to: String) throws {
        let (result, _, canonical) = try Self.sample()
        let edited = canonical.replacingOccurrences(of: from, with: to)
        #expect(edited != canonical, "the edit '\(change)' must change the sample")
        #expect(RenderedPackVerdict(canonical: Array(edited.utf8), screeningDate: result.screeningDate) == nil, "\(change)")
    }

    @Test func invalidUTF8InATextIsNotPassedOn() throws {
        let (result, _, canonical) = try Self.sample()
        var bytes = Array(canonical.utf8)
        let at = try #require(bytes.firstIndex { $0 >= 0xC2 && $0 <= 0xDF })  // the lead byte of a two-byte character, e.g. æ
        bytes[at + 1] = 0x28  // followed by ASCII instead of its continuation byte
        #expect(RenderedPackVerdict(canonical: bytes, screeningDate: result.screeningDate) == nil)
        #expect(throws: JSONSyntaxError.self) { try JSONParser().parse(bytes) }
    }

    @Test func theStatusOfConditionsIsCheckedAgainstTheRequestsScreeningDate() throws {
        let (result, verdict, canonical) = try Self.sample()
        let dated = try #require(verdict.findings.flatMap(\.conditions).first { $0.appliesFrom != nil }?.appliesFrom)
        #expect(RenderedPackVerdict(canonical: Array(canonical.utf8), screeningDate: result.screeningDate) != nil)
        // The same bytes for a request screened the day before an obligation applies: a `due` there is wrong.
        let before = try #require(Day(iso: "2000-01-01"))
        #expect(dated > before)
        #expect(RenderedPackVerdict(canonical: Array(canonical.utf8), screeningDate: before) == nil)
    }

    /// What the fast reader passes on must be the bytes the writer gives, or the combined result the broker sends
    /// and journals would differ from `screen --json` for the same verdict. Valid JSON in another form (whitespace,
    /// other escapes, other number spellings) takes the strict road, which writes it in the writer's form.
    @Test(arguments: [
        (#","digest":"#, " ,\n \"digest\" : "), (#""verdict":"#, #""verdict" :"#),
        (#""rule":"#, #""\u0072ule":"#), (#"AI Act"#, #"AI\u0020Act"#),
    ])
    func validJSONInAnotherFormIsNotPassedOnAsItIs(replacing: String, with: String) throws {
        let (result, verdict, canonical) = try Self.sample()
        let other = canonical.replacingOccurrences(of: replacing, with: with)
        #expect(other != canonical)
        #expect(RenderedPackVerdict(canonical: Array(other.utf8), screeningDate: result.screeningDate) == nil)
        var decoded = try PackVerdict(json: try JSONParser().parse(other))
        decoded.screeningDate = result.screeningDate
        #expect(JSONWriter.bytes(decoded) == Array(canonical.utf8))
        #expect(try JSONParser().parse(JSONWriter.bytes(decoded)) == verdict.json)
        #expect(RenderedPackVerdict(canonical: Array(canonical.utf8) + [0x0A], screeningDate: result.screeningDate) == nil)
    }

    @Test(arguments: ["12", "-3", "0.5", "1.0", "-0", "1e2", "10E0", "012"])
    func aNumberIsPassedOnOnlyAsTheWriterWritesIt(number: String) throws {
        let bytes = Array("[\(number)]".utf8)
        let writerForm = bytes.withUnsafeBufferPointer { buffer -> Bool in
            var reader = JSONReader(bytes: buffer, limits: JSONLimits())
            reader.checksWriterForm = true
            let value = try? reader.readValue(depth: 0)
            return value != nil && reader.isWriterForm
        }
        if number == "12" || number == "-3" || number == "0.5" { #expect(writerForm, "\(number)") }
        if number == "-0" || number == "10E0" { #expect(!writerForm, "\(number)") }
        guard number != "012" else { return }  // not JSON at all
        let value = try JSONParser().parse(bytes)
        #expect(writerForm == (JSONWriter.bytes(value) == bytes), "\(number) → \(String(decoding: JSONWriter.bytes(value), as: UTF8.self))")
    }

    @Test func checkingAValueFindsRepeatedKeysAtAnyDepthAsParsingDoes() throws {
        for text in [#"{"a":1,"a":2}"#, #"{"a":[{"b":1,"b":1}]}"#, #"{"ab":1,"a\u0062":2}"#, #"{"\u0061":1,"a":2}"#] {
            #expect(throws: JSONSyntaxError.self, "\(text)") { try JSONParser().parse(text) }
            let bytes = Array(text.utf8)
            let checked = bytes.withUnsafeBufferPointer { buffer in
                var reader = JSONReader(bytes: buffer, limits: JSONLimits())
                return (try? reader.checkValue(depth: 0)) != nil
            }
            #expect(!checked, "\(text)")
        }
        let fine = Array(#"{"a":1,"b":{"a":[1,"a",{"a":null}]},"c":"\u00e6"}"#.utf8)
        let checked = fine.withUnsafeBufferPointer { buffer in
            var reader = JSONReader(bytes: buffer, limits: JSONLimits())
            return (try? reader.checkValue(depth: 0)) != nil
        }
        #expect(checked)
    }
}
