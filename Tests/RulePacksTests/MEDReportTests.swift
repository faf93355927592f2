import Foundation
import Testing

@testable import RulePacks
@testable import Reports
@testable import RulesEngine

/// The MED report (Reports): Danish and English words, facts in words instead of field paths, the verdict of record
/// read back from its JSON, and everything from the request escaped.
struct MEDReportTests {
    static let labels = FieldLabels(schema: DecisiveEvidenceTests.packs.first?.schema)

    /// A bundled example screened, written as the broker journals it, and read back as the report reads it.
    static func screening(_ example: String, edit: (inout String) -> Void = { _ in }) throws -> MEDReport.Screening {
        var text = try Repository.text("examples/requests/\(example)")
        edit(&text)
        let result = try Screener(packs: DecisiveEvidenceTests.packs).screen(json: text)
        let stored = try JSONParser().parse(Array(JSONWriter.string(result.json).utf8))
        var decoded = try ScreeningResult(json: stored)
        decoded.screeningDate = result.screeningDate
        let packs = DecisiveEvidenceTests.packs.map {
            MEDReport.PackInfo(id: $0.id, version: $0.version, digest: $0.digest, title: $0.title, legalBasis: $0.legalBasis)
        }
        return MEDReport.Screening(
            result: decoded, request: try JSONParser().parse(Array(text.utf8)), receivedAt: "2026-12-02T10:00:00.000Z",
            completedAt: nil, provisional: false, packs: packs)
    }

    @Test func theDanishReportSpeaksDanishAndShowsFactsInWords() throws {
        let page = MEDReport.html(try Self.screening("04-cv-screening-recruitment.json"), language: .da, labels: Self.labels, stylesheet: .inline)
        for phrase in [
            "<html lang=\"da\">", "MED-rapport om AI-værktøj", "Samlet vurdering", "kræver vurdering", "Næste skridt",
            "Skal MED-udvalget informeres og høres?", "Skal arbejdspladsvurderingen (APV) revideres?", "Betingelser",
            "Afgørende forhold:", "Anvendelsesområde: hr recruitment", "AI-forordningens art. 6, stk. 2",
            "AI-forordningens bilag III, punkt 4, litra a", "Retsgrundlag", "2. december 2027", "@page{size:A4",
        ] {
            #expect(page.contains(HTMLText.escaped(phrase)) || page.contains(phrase), "missing: \(phrase)")
        }
        // Raw field paths and English verdict words stay out of the Danish page's text.
        for raw in ["ai.use_domain", "workplace.med_informed", "needs-review</", "approved-with-conditions</", "Overall verdict"] {
            #expect(!page.contains(raw), "raw text in the Danish report: \(raw)")
        }
    }

    @Test func theEnglishReportSaysTheSameInEnglish() throws {
        let page = MEDReport.html(try Self.screening("04-cv-screening-recruitment.json"), language: .en, labels: Self.labels, stylesheet: .linked("/report.css"))
        for phrase in ["<html lang=\"en\">", "Overall verdict", "needs-review", "Do not use the tool yet", "Must the MED committee be informed and consulted?",
                       "The facts that decided it:", "AI Act Art. 6(2)", "<link rel=\"stylesheet\" href=\"/report.css\">"] {
            #expect(page.contains(phrase), "missing: \(phrase)")
        }
        #expect(!page.contains("<style>"))
    }

    /// Request text is untrusted: markup, entities, quotes and bidirectional overrides in it never become markup.
    @Test func everythingFromTheRequestIsEscaped() throws {
        let hostile = "<script>alert(1)</script><img src=x onerror=alert(2)> &amp; \\\"q\\\" 'a' \\u202Eevil"
        let screening = try Self.screening("04-cv-screening-recruitment.json") { text in
            text = text.replacingOccurrences(of: "\"TalentMatch Screening\"", with: "\"\(hostile)\"")
        }
        for language in Language.allCases {
            let page = MEDReport.html(screening, language: language, labels: Self.labels, stylesheet: .inline)
            #expect(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt; &amp;amp; &quot;q&quot; &#39;a&#39; evil"))
            #expect(!page.contains("<script"))
            #expect(!page.contains("<img"))
            #expect(!page.contains("\u{202E}"))
        }
    }

    /// Read back, the recorded verdict stands even where the packs alone would combine to less.
    @Test func theRecordedVerdictWinsOverARecombination() throws {
        let pack = #"{"verdict":"approved","version":"1.0.0","digest":"sha256:x","outputs":{},"findings":[],"errors":[]}"#
        let json = try JSONParser().parse(Array(#"{"request_id":"r-1","verdict":"needs-review","packs":{"gdpr":\#(pack)},"conditions":[],"errors":["ai-act: no verdict from this pack"]}"#.utf8))
        let result = try ScreeningResult(json: json)
        #expect(result.verdict == .needsReview)
        #expect(result.errors == ["ai-act: no verdict from this pack"])
        #expect(result.packs.map(\.pack) == ["gdpr"])
        #expect(throws: VerdictDecodingError.self) { try ScreeningResult(json: .object([("request_id", .string("r"))])) }
    }

    @Test func fieldLabelsComeFromTheSchema() {
        #expect(Self.labels.label("workplace.med_informed", language: .da) == "MED-udvalget er informeret")
        #expect(Self.labels.label("tool.name", language: .en) == "Product or system name")
        #expect(Self.labels.label("params.min_notice_weeks", language: .en) == "min notice weeks")
        #expect(Self.labels.value(.bool(true), language: .da) == "ja")
        #expect(Self.labels.value(.null, language: .en) == "not stated")
        #expect(Self.labels.value(.array([.string("real_time_gps"), .string("keystrokes")]), language: .en) == "real time gps, keystrokes")
    }

    @Test func htmlEscapingCoversMarkupQuotesAndControls() {
        #expect(HTMLText.escaped("a<b>&\"c\"'d'\u{07}\u{1B}[2J\n") == "a&lt;b&gt;&amp;&quot;c&quot;&#39;d&#39;[2J\n")
    }
}
