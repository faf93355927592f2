import Foundation
import Testing

@testable import RulePacks
@testable import RulesEngine

/// Evidence never echoes a long request once per finding (broker issue 11: a 41 KB request with 46 long
/// categorised attributes made a 1 MB verdict, because 13 findings each quoted the whole list).
struct EvidenceSizeTests {
    /// ≈ 41 KB: 46 categorised attributes and 46 data categories of ≈ 375 UTF-8 bytes each, and long free texts.
    static func longRequest(attributes: Int) -> String {
        let filler = String(repeating: "ø", count: 180)  // two UTF-8 bytes each
        let labels = (0..<attributes).map { "\"attribute \($0) \(filler)\"" }.joined(separator: ",")
        let categories = (0..<attributes).map { "\"category \($0) \(filler)\"" }.joined(separator: ",")
        let text = String(repeating: "æ", count: 990)
        return """
            {"schema_version": "1.0", "request_id": "long", "screening_date": "2026-11-27",
             "tool": {"municipality_role": "deployer"},
             "ai": {"is_ai_system": true, "capabilities": ["biometric_categorisation", "face_recognition"],
                    "interacts_with_natural_persons": true,
                    "biometrics": {"categorisation_sensitive_attributes": true, "categorised_attributes": [\(labels)]}},
             "data": {"personal_data": true, "personal_data_scope": "substantive", "large_scale": true,
                      "legal_basis_art6": "\(text)", "national_legal_basis": "\(text)",
                      "categories": [\(categories)], "data_subjects": ["citizens", "employees"]},
             "workplace": {"used_by_employees": true, "monitors_employees": true}}
            """
    }

    @Test func aFortyKilobyteRequestGivesAVerdictOfASmallMultipleOfItsSize() throws {
        let loader = PackLoader()
        let packs = try BundledPacks.names.map { try #require(loader.load(directory: BundledPacks.directory($0)).pack) }
        let request = Self.longRequest(attributes: 46)
        let size = request.utf8.count
        #expect(size > 38_000 && size < 44_000, "\(size)")
        let result = try Screener(packs: packs).screen(json: request)
        let findings = result.packs.reduce(0) { $0 + $1.findings.count }
        #expect(findings >= 10)
        let verdict = JSONWriter.bytes(result).count
        #expect(verdict < 3 * size, "a \(size)-byte request gave a \(verdict)-byte verdict with \(findings) findings")
        // Every evidence entry is bounded, whatever the request.
        for pack in result.packs {
            for finding in pack.findings {
                for (name, value) in finding.evidence {
                    #expect(JSONWriter.bytes(value).count < EvidenceCap.maxListElements * (EvidenceCap.maxStringBytes + 40), "\(pack.pack) \(finding.rule) \(name)")
                }
            }
        }
    }

    @Test func theCapIsTheSameThroughAWorker() throws {
        // A worker sends the pack verdict as JSON; the broker passes it on. The cut is in the engine's output, so
        // the bytes a worker would send decode to the same evidence.
        let loader = PackLoader()
        let pack = try #require(loader.load(directory: BundledPacks.directory("ai-act")).pack)
        let request = try RequestDecoder(schema: pack.schema).decode(json: Self.longRequest(attributes: 46))
        let verdict = pack.evaluate(request)
        let body = JSONWriter.bytes(verdict)
        let rendered = try #require(RenderedPackVerdict(canonical: body, screeningDate: verdict.screeningDate))
        #expect(Array(rendered.members) == Array(RenderedPackVerdict(verdict).members))
        let decoded = try PackVerdict(json: try JSONParser().parse(body))
        for (a, b) in zip(decoded.findings, verdict.findings) {
            #expect(JSONWriter.bytes(.object(a.evidence)) == JSONWriter.bytes(.object(b.evidence)))
        }
    }
}
