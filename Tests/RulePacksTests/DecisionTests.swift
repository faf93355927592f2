import Testing

@testable import RulePacks
@testable import RulesEngine

/// `CompiledPack.decision(_:)` (what `aiscreen pack impact` replays) decides exactly what `evaluate(_:)` decides:
/// the verdict, the rule of each finding in finding order, the errors; on every bundled pack with the examples and a
/// generated corpus, and for a request decoded with another schema.
struct DecisionTests {
    @Test func theDecisionIsTheEvaluationsOnExamplesAndACorpus() throws {
        var decisions = 0
        var rulesSeen = Set<String>()
        for (name, request) in try DecisiveEvidenceTests.requests(generated: 300) {
            for pack in DecisiveEvidenceTests.packs {
                let full = pack.evaluate(request)
                let decision = pack.decision(request)
                #expect(decision.verdict == full.verdict, "\(name) \(pack.id)")
                #expect(decision.rules == full.findings.map(\.rule), "\(name) \(pack.id)")
                #expect(decision.errors == full.errors, "\(name) \(pack.id)")
                rulesSeen.formUnion(decision.rules)
                decisions += 1
            }
        }
        #expect(decisions > 900)
        #expect(rulesSeen.count > 40, "the corpus fires many rules: \(rulesSeen.count)")
    }

    @Test func aRequestDecodedWithAnotherSchemaFailsClosedAsEvaluationDoes() throws {
        let packs = DecisiveEvidenceTests.packs
        let other = try SchemaLoader.load(json: #"{"type":"object","properties":{},"additionalProperties":false}"#)
        let request = try RequestDecoder(schema: other).decode(json: "{}")
        for pack in packs {
            let full = pack.evaluate(request)
            let decision = pack.decision(request)
            #expect(decision.verdict == .needsReview && decision.verdict == full.verdict)
            #expect(decision.errors == full.errors && !decision.errors.isEmpty)
            #expect(decision.rules.isEmpty)
        }
    }
}
