import Foundation
import RulePacks
import Wire
import Testing

@testable import Broker
@testable import Dashboard
@testable import RulesEngine

/// What the feed tap hands the dashboard in brief (``PublishedVerdict`` and the stamp) says what the published body
/// says: for every example request, through both ways the broker gets pack verdicts (a worker's canonical bytes, and
/// decoded ones), and with a failed pack.
struct FeedSummaryTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static let packs: [CompiledPack] = ["ai-act", "gdpr", "workplace"].compactMap {
        PackLoader().load(directory: root.appendingPathComponent("rules/\($0)").path).pack
    }

    static let examples: [String] = {
        let folder = root.appendingPathComponent("examples/requests").path
        return ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasSuffix(".json") }.sorted().map { folder + "/" + $0 }
    }()

    /// The message as the tap gives it and as a subscriber parses it from the frames.
    static func both(_ result: RenderedScreeningResult, department: String?) throws -> (tapped: FeedMessage, parsed: FeedMessage) {
        var publishing = Publishing()
        let topic = VerdictTopic(verdict: VerdictTopic.Verdict(rawValue: result.verdict.description) ?? .needsReview, department: department).bytes
        let body = publishing.body(JSONWriter.bytes(result))
        let tapped = try FeedMessage(FeedTap.Message(topic: topic, summary: PublishedVerdict(result), stamp: publishing.stamp))
        return (tapped, try FeedMessage(topic: topic, body: body))
    }

    @Test func theSummaryOfEveryExampleIsWhatItsPublishedBodySays() throws {
        #expect(Self.packs.count == 3 && Self.examples.count > 10)
        let screener = Screener(packs: Self.packs)
        var tiers = Set<String>()
        for file in Self.examples {
            let text = try String(contentsOfFile: file, encoding: .utf8)
            guard let result = try? screener.screen(json: text) else { continue }
            let canonical = try result.packs.map { verdict in
                try #require(RenderedPackVerdict(canonical: JSONWriter.bytes(verdict), screeningDate: verdict.screeningDate), "\(file)")
            }
            for rendered in [canonical, result.packs.map(RenderedPackVerdict.init)] {
                let combined = RenderedScreeningResult(requestID: result.requestID, packs: rendered, required: Self.packs.map(\.id), screeningDate: result.screeningDate)
                let (tapped, parsed) = try Self.both(combined, department: "Børn og Unge")
                #expect(tapped == parsed, "\(file)")
                if let tier = tapped.tier { tiers.insert(tier) }
            }
        }
        #expect(tiers.count >= 3, "the examples reach several AI Act tiers: \(tiers)")
    }

    @Test func aFailedPackIsInTheSummaryAsInTheBody() throws {
        let screener = Screener(packs: Self.packs)
        let text = try String(contentsOfFile: try #require(Self.examples.first), encoding: .utf8)
        let result = try screener.screen(json: text)
        var rendered = result.packs.filter { $0.pack != "gdpr" }.map(RenderedPackVerdict.init)
        rendered.append(RenderedPackVerdict(.failed(pack: "gdpr", error: "no-workers: no gdpr worker")))
        let combined = RenderedScreeningResult(requestID: result.requestID, packs: rendered, required: Self.packs.map(\.id), screeningDate: result.screeningDate)
        let (tapped, parsed) = try Self.both(combined, department: nil)
        #expect(tapped == parsed)
        #expect(tapped.failedClosed && tapped.verdict != "approved")
    }
}
