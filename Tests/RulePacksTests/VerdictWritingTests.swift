import Foundation
import Testing

@testable import RulePacks
@testable import RulesEngine

/// The direct verdict renderer (used by the broker and the workers) gives the same bytes as rendering the value
/// tree (used by `aiscreen screen --json`), for every example request and every bundled pack.
struct VerdictWritingTests {
    @Test func everyExampleRendersToTheSameBytesBothWays() throws {
        let loader = PackLoader()
        let packs = try BundledPacks.names.map { name in try #require(loader.load(directory: BundledPacks.directory(name)).pack) }
        let screener = Screener(packs: packs)
        let files = try FileManager.default.contentsOfDirectory(atPath: Repository.path("examples/requests")).filter { $0.hasSuffix(".json") }.sorted()
        #expect(files.count >= 10)
        for file in files {
            let result = try screener.screen(json: try Repository.text("examples/requests/" + file))
            #expect(JSONWriter.bytes(result) == JSONWriter.bytes(result.json), "\(file)")
            #expect(!result.packs.isEmpty)
            for verdict in result.packs {
                #expect(JSONWriter.bytes(verdict) == JSONWriter.bytes(verdict.json), "\(file) \(verdict.pack)")
            }
        }
    }

    /// A finding from a compiled rule carries its rule's members already rendered; changing any of them must not
    /// leave the old bytes behind.
    @Test func aChangedFindingIsRenderedWithItsChanges() throws {
        let loader = PackLoader()
        let packs = try BundledPacks.names.map { name in try #require(loader.load(directory: BundledPacks.directory(name)).pack) }
        let result = try Screener(packs: packs).screen(json: try Repository.text("examples/requests/04-cv-screening-recruitment.json"))
        var verdict = try #require(result.packs.first { !$0.findings.isEmpty })
        #expect(verdict.findings[0].head != nil, "a finding from a compiled rule has its head rendered")
        verdict.findings[0].title.en = "Changed \"title\""
        verdict.findings[0].citations.append("Changed citation")
        verdict.findings[0].verdict = .rejected
        let bytes = JSONWriter.bytes(verdict)
        #expect(bytes == JSONWriter.bytes(verdict.json))
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.contains(#"Changed \"title\""#) && text.contains("Changed citation"))
    }

    @Test func aFailedPackAndAnEmptyResultRenderTheSameBothWays() {
        let failed = ScreeningResult(requestID: "r", packs: [.failed(pack: "gdpr", error: "internal: worker lost")], required: ["gdpr", "ai-act"])
        #expect(JSONWriter.bytes(failed) == JSONWriter.bytes(failed.json))
        let empty = ScreeningResult(requestID: "r \"q\"", packs: [])
        #expect(JSONWriter.bytes(empty) == JSONWriter.bytes(empty.json))
    }
}
