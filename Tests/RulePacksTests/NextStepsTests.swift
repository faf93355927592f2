import Foundation
import Testing

@testable import RulePacks
@testable import RulesEngine

/// Next steps are computed, not guessed: for every example and a generated corpus, the combined "would give" of
/// each duty set equals a full screening of the request with those duties met; the broker's combination (from
/// the packs' bytes) gives the same next steps as `aiscreen screen`; and blockers remain with every duty met.
struct NextStepsTests {
    static let screener = Screener(packs: DecisiveEvidenceTests.packs)

    /// Re-evaluating only the definitions and rules that read the changed fields gives exactly the rules a full
    /// evaluation fires, for every pack, request and duty set.
    @Test func reEvaluatingOnlyWhatAChangeTouchesFiresExactlyTheRulesOfAFullEvaluation() throws {
        var compared = 0
        for (name, request) in try DecisiveEvidenceTests.requests(generated: 150) {
            for pack in Self.screener.packs {
                let fired = pack.firedRules(request.root)
                let baseline = pack.definitionValues(request.root)
                let fields = pack.duties.map(\.duty.field)
                for set in PackNextSteps.family(fields) + fields.map({ [$0] }) {
                    let met = pack.duties.indices.filter { set.contains(pack.duties[$0].duty.field) }
                    var root = request.root
                    for i in met { root = CompiledPack.setting(root, pack.duties[i].path, .bool(true)) ?? root }
                    #expect(pack.firedRules(root, meeting: met, from: fired, baseline: baseline) == pack.firedRules(root), "\(name), \(pack.id), \(set)")
                    compared += 1
                }
            }
        }
        #expect(compared > 1_000)
    }

    @Test func wouldGiveEqualsAFullScreeningWithTheDutiesMet() throws {
        var improving = 0
        var combinations = 0
        for (name, request) in try DecisiveEvidenceTests.requests(generated: 150) {
            let result = Self.screener.screen(request)
            let steps = result.nextSteps
            if result.verdict == .approved {
                #expect(steps == .none, "\(name)")
                continue
            }
            let pack = try #require(Self.screener.packs.first)
            let open = try #require(result.packs.first?.nextSteps?.open.map(\.field))
            for verdict in result.packs { #expect(verdict.nextSteps?.open.map(\.field) == open, "\(name): every pack sees the same open duties") }
            for set in PackNextSteps.family(open) {
                var root = request.root
                for field in set {
                    let duty = try #require(pack.duties.first { $0.duty.field == field })
                    root = try #require(CompiledPack.setting(root, duty.path, .bool(true)))
                }
                let truth = Self.screener.screen(Request(root: root, schema: request.schema)).verdict
                if let option = steps.options.first(where: { $0.meet == set }) {
                    #expect(option.verdict == truth, "\(name): meeting \(set)")
                    #expect(option.verdict < result.verdict)
                    improving += 1
                    if set.count > 1 { combinations += 1 }
                } else if set.count == 1 {
                    #expect(truth >= result.verdict, "\(name): \(set) improves the verdict but is not offered")
                }
            }
            // Blockers still fire with every open duty met.
            var all = request.root
            for field in open {
                let duty = try #require(pack.duties.first { $0.duty.field == field })
                all = try #require(CompiledPack.setting(all, duty.path, .bool(true)))
            }
            let met = Self.screener.screen(Request(root: all, schema: request.schema))
            for blocker in steps.blockers {
                #expect(met.packs.first { $0.pack == blocker.pack }?.findings.contains { $0.rule == blocker.rule } == true, "\(name): \(blocker)")
            }
        }
        #expect(improving >= 40)
        #expect(combinations > 3, "sets where one duty alone is not enough")
    }

    @Test func theBrokersCombinationGivesTheSameNextStepsAndBytes() throws {
        for (name, request) in try DecisiveEvidenceTests.requests(generated: 60) {
            let result = Self.screener.screen(request)
            let rendered = result.packs.map { verdict in
                RenderedPackVerdict(canonical: JSONWriter.bytes(verdict), screeningDate: result.screeningDate) ?? RenderedPackVerdict(verdict)
            }
            let combined = RenderedScreeningResult(
                requestID: result.requestID, packs: rendered, required: Self.screener.required, screeningDate: result.screeningDate)
            #expect(combined.nextSteps == result.nextSteps, "\(name)")
            #expect(JSONWriter.bytes(combined) == JSONWriter.bytes(result), "\(name)")
        }
    }

    @Test func packsThatDisagreeOrSendNoNextStepsGiveNoOptions() throws {
        let (_, request) = try #require(try DecisiveEvidenceTests.requests(generated: 0).first { $0.0.hasSuffix("02-m365-copilot.json") })
        let result = Self.screener.screen(request)
        #expect(!result.nextSteps.options.isEmpty)
        var packs = result.packs
        packs[0].nextSteps = nil  // e.g. an older worker
        let without = ScreeningResult(requestID: "x", packs: packs, screeningDate: result.screeningDate)
        #expect(without.nextSteps.options.isEmpty)
        packs = result.packs
        packs[1].nextSteps?.open.removeLast()
        #expect(ScreeningResult(requestID: "x", packs: packs, screeningDate: result.screeningDate).nextSteps.options.isEmpty)
    }

    @Test func aDutyMustBeAYesNoField() throws {
        let (duties, diagnostics) = DutyReader.read(yaml: """
            duties:
              - field: data.special_categories
                da: x
                en: x
                citations: ["GDPR Art. 9"]
            """, file: "duties.yaml")
        #expect(diagnostics.isEmpty)
        let (packSyntax, _, _) = PackReader.read(yaml: packHeader + "rules:\n" + ruleYAML("R", when: "data.personal_data"), file: "pack.yaml")
        var withDuties = packSyntax
        withDuties.duties = duties
        do {
            _ = try PackCompiler().compile(withDuties, schema: Repository.requestSchema)
            Issue.record("a list field was accepted as a duty")
        } catch {
            #expect(error.diagnostics.map(\.description) == [
                "duties.yaml:2:12: error: [type-mismatch] duty 'data.special_categories' must be a yes/no request field (bool or bool|null)"
            ])
        }
    }
}
