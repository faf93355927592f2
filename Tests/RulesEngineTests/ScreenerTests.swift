import Testing

@testable import RulesEngine

struct ScreenerTests {
    /// A pack with one rule per (id, when, verdict, conditions).
    static func pack(
        _ id: String,
        _ rules: [(String, String, String, [Condition])],
        schema: SchemaNode = Repository.requestSchema
    ) throws -> CompiledPack {
        var builder = PackBuilder(id: id)
        for (ruleID, when, verdict, conditions) in rules {
            builder.rule(ruleID, when: when, verdict: verdict, conditions: conditions)
        }
        return try builder.compile(schema: schema, digest: "sha256:\(id)")
    }

    static let monitoring = requestJSON(#""workplace": {"monitors_employees": true}, "data": {"personal_data": true}"#)

    // MARK: - Most severe wins

    @Test func theMostSevereVerdictOfAnyPackWins() throws {
        let screener = Screener(packs: [
            try Self.pack("workplace", [("W-1", "workplace.monitors_employees", "approved-with-conditions", [])]),
            try Self.pack("gdpr", [("G-1", "data.personal_data", "needs-review", [])]),
            try Self.pack("ai-act", [("A-1", "ai.profiling", "rejected", [])]),
        ])
        let result = try screener.screen(json: Self.monitoring)
        #expect(result.verdict == .needsReview)
        #expect(result.packs.map(\.pack) == ["ai-act", "gdpr", "workplace"], "sorted by pack id")
        #expect(result.packs.map(\.verdict) == [.approved, .needsReview, .approvedWithConditions])
        #expect(result.errors.isEmpty)
        #expect(result.requestID == "T-1")
        #expect(result.screeningDate == Day(iso: "2026-11-27"))

        let rejected = try screener.screen(json: requestJSON(#""ai": {"profiling": true}"#))
        #expect(rejected.verdict == .rejected)
    }

    @Test func packsThatAllApproveGiveApproved() throws {
        let screener = Screener(packs: [
            try Self.pack("a", [("A-1", "ai.profiling", "rejected", [])]),
            try Self.pack("b", [("B-1", "data.personal_data", "approved", [])]),
        ])
        let result = try screener.screen(json: Self.monitoring)
        #expect(result.verdict == .approved)
        #expect(result.errors.isEmpty)
    }

    @Test func anInvalidRequestIsRejectedBeforeScreening() throws {
        let screener = Screener(packs: [try Self.pack("a", [("A-1", "ai.profiling", "rejected", [])])])
        let error = #expect(throws: RequestValidationError.self) {
            try screener.screen(json: requestJSON(#""ai": {"profiling": "yes"}"#))
        }
        #expect(error?.errors.map(\.path) == ["$.ai.profiling"])
    }

    // MARK: - Fail closed

    @Test func noPacksIsNeedsReviewNeverApproved() throws {
        let screener = Screener(packs: [])
        #expect(screener.schema == nil)
        let result = try screener.screen(json: requestJSON())
        #expect(result.verdict == .needsReview)
        #expect(result.errors == ["no packs were evaluated"])

        let direct = ScreeningResult(requestID: "r", packs: [])
        #expect(direct.verdict == .needsReview)
        #expect(direct.errors == ["no packs were evaluated"])
    }

    @Test func aMissingRequiredPackMakesTheScreeningNeedsReview() throws {
        let screener = Screener(
            packs: [try Self.pack("workplace", [("W-1", "ai.profiling", "rejected", [])])],
            required: ["ai-act", "gdpr", "workplace"]
        )
        let result = try screener.screen(json: requestJSON())
        #expect(result.packs.map(\.verdict) == [.approved])
        #expect(result.verdict == .needsReview)
        #expect(result.errors == ["ai-act: no verdict from this pack", "gdpr: no verdict from this pack"])
    }

    @Test func requiredDefaultsToEveryGivenPack() throws {
        let screener = Screener(packs: [try Self.pack("a", [("A-1", "ai.profiling", "rejected", [])])])
        #expect(screener.required == ["a"])
        let result = ScreeningResult(requestID: "r", packs: [], required: ["a"])
        #expect(result.verdict == .needsReview)
        #expect(result.errors == ["a: no verdict from this pack"])
    }

    @Test func aFailedPackVerdictIsNeedsReviewWithItsError() {
        let failed = PackVerdict.failed(pack: "gdpr", version: "1.0.0", digest: "sha256:x", error: "boom")
        #expect(failed.verdict == .needsReview)
        #expect(failed.errors == ["boom"])
        #expect(failed.findings.isEmpty)
        let result = ScreeningResult(requestID: "r", packs: [failed], required: ["gdpr"])
        #expect(result.verdict == .needsReview)
        #expect(result.errors == ["gdpr: boom"])
    }

    @Test func aPackVerdictWithAnErrorIsNeverApproved() {
        let lying = PackVerdict(
            pack: "gdpr",
            version: "1",
            digest: "",
            verdict: .approved,
            outputs: [],
            findings: [],
            errors: ["partial"],
            screeningDate: nil
        )
        let result = ScreeningResult(requestID: "r", packs: [lying], required: ["gdpr"])
        #expect(result.verdict == .needsReview)
        let worse = PackVerdict(
            pack: "ai-act",
            version: "1",
            digest: "",
            verdict: .rejected,
            outputs: [],
            findings: [],
            errors: [],
            screeningDate: nil
        )
        #expect(
            ScreeningResult(requestID: "r", packs: [lying, worse]).verdict == .rejected,
            "an error never lowers a verdict"
        )
    }

    @Test func aPackReadingAnotherSchemaDecodesTheRequestItself() throws {
        let otherSchema = try SchemaLoader.load(json: try Repository.text(Repository.requestSchemaPath))
        #expect(otherSchema !== Repository.requestSchema)
        let screener = Screener(packs: [
            try Self.pack("a", [("A-1", "data.personal_data", "approved-with-conditions", [])]),
            try Self.pack("b", [("B-1", "workplace.monitors_employees", "needs-review", [])], schema: otherSchema),
        ])
        let result = try screener.screen(json: Self.monitoring)
        #expect(result.packs.map(\.verdict) == [.approvedWithConditions, .needsReview])
        #expect(result.packs.allSatisfy { $0.errors.isEmpty })
        #expect(result.verdict == .needsReview)
    }

    @Test func aRequestThatDoesNotFitAPacksSchemaFailsThatPackClosed() throws {
        let narrow = try SchemaLoader.load(
            json:
                #"{"type": "object", "additionalProperties": false, "required": ["x"], "properties": {"x": {"type": "boolean"}}}"#
        )
        let screener = Screener(packs: [
            try Self.pack("a", [("A-1", "ai.profiling", "rejected", [])]),
            try Self.pack("narrow", [("N-1", "x", "rejected", [])], schema: narrow),
        ])
        let result = try screener.screen(json: requestJSON())
        #expect(result.verdict == .needsReview)
        let failed = try #require(result.packs.first { $0.pack == "narrow" })
        #expect(failed.verdict == .needsReview)
        #expect(failed.errors.count == 1)
        #expect(failed.errors.first?.hasPrefix("request does not match this pack's schema: ") == true)
        #expect(result.errors.first?.hasPrefix("narrow: request does not match") == true)
    }

    @Test func aDecodedRequestWithoutItsTextCannotServeAPackOfAnotherSchema() throws {
        let otherSchema = try SchemaLoader.load(json: try Repository.text(Repository.requestSchemaPath))
        let screener = Screener(packs: [
            try Self.pack("a", [("A-1", "ai.profiling", "rejected", [])]),
            try Self.pack("b", [("B-1", "ai.profiling", "rejected", [])], schema: otherSchema),
        ])
        let request = try decodeRequest(requestJSON())
        let result = screener.screen(request)
        #expect(result.verdict == .needsReview)
        #expect(result.errors == ["b: request was decoded with another schema"])
    }

    @Test func evaluatingARequestOfAnotherSchemaFailsClosed() throws {
        let otherSchema = try SchemaLoader.load(json: try Repository.text(Repository.requestSchemaPath))
        let pack = try Self.pack("a", [("A-1", "ai.profiling", "rejected", [])], schema: otherSchema)
        let verdict = pack.evaluate(try decodeRequest(requestJSON()))
        #expect(verdict.verdict == .needsReview)
        #expect(verdict.errors == ["the request was decoded with another schema than the one this pack reads"])
        #expect(verdict.pack == "a")
        #expect(verdict.digest == "sha256:a")
    }

    // MARK: - Conditions

    @Test func conditionsWithTheSameKeyAreOneConditionTaggedWithEveryPack() throws {
        let inform = condition("Inform the MED committee", key: "med-inform")
        let informAgain = condition("Tell MED before the decision", key: "med-inform")
        let screener = Screener(packs: [
            try Self.pack(
                "workplace",
                [("W-1", "workplace.monitors_employees", "approved-with-conditions", [informAgain])]
            ),
            try Self.pack(
                "gdpr",
                [
                    ("G-1", "data.personal_data", "approved-with-conditions", [inform, condition("Update the ROPA")]),
                    ("G-2", "workplace.monitors_employees", "approved-with-conditions", [condition("Update the ROPA")]),
                ]
            ),
            try Self.pack("ai-act", [("A-1", "ai.profiling", "rejected", [condition("Never shown")])]),
        ])
        let result = try screener.screen(json: Self.monitoring)
        #expect(result.conditions.count == 2)
        #expect(result.conditions.map(\.packs) == [["gdpr", "workplace"], ["gdpr"]])
        #expect(result.conditions.first?.condition == inform, "the first pack's wording is kept")
        #expect(result.conditions.last?.condition.text.en == "Update the ROPA")
    }

    @Test func conditionsWithoutKeyMergeOnlyOnIdenticalEnglishText() throws {
        let screener = Screener(packs: [
            try Self.pack(
                "a",
                [("A-1", "data.personal_data", "approved-with-conditions", [condition("Train the staff")])]
            ),
            try Self.pack(
                "b",
                [
                    (
                        "B-1", "data.personal_data", "approved-with-conditions",
                        [condition("Train the staff"), condition("Train the staff.")]
                    )
                ]
            ),
        ])
        let result = try screener.screen(json: Self.monitoring)
        #expect(result.conditions.map(\.condition.text.en) == ["Train the staff", "Train the staff."])
        #expect(result.conditions.map(\.packs) == [["a", "b"], ["b"]])
    }

    @Test func conditionStatusDependsOnTheScreeningDate() throws {
        let conditions = [
            condition("Register in the EU database", appliesFrom: "2027-12-02"),
            condition("Train the staff", appliesFrom: "2026-11-27"),
            condition("Inform MED"),
        ]
        let screener = Screener(packs: [
            try Self.pack("a", [("A-1", "data.personal_data", "approved-with-conditions", conditions)])
        ])

        func statuses(_ date: String) throws -> [String] {
            let result = try screener.screen(
                json: requestJSON(#""data": {"personal_data": true}"#, screeningDate: date)
            )
            guard case .array(let items)? = result.json["conditions"] else {
                Issue.record("conditions must be a list")
                return []
            }
            return items.compactMap { if case .string(let s)? = $0["status"] { s } else { nil } }
        }
        #expect(try statuses("2026-11-27") == ["upcoming", "due", "due"])
        #expect(try statuses("2026-11-26") == ["upcoming", "upcoming", "due"])
        #expect(try statuses("2027-12-01") == ["upcoming", "due", "due"])
        #expect(try statuses("2027-12-02") == ["due", "due", "due"])

        #expect(conditions[0].status(on: nil) == "due", "no screening date: nothing is deferred")
    }

    // MARK: - JSON form

    @Test func screeningJSONHasTheDocumentedShape() throws {
        let screener = Screener(
            packs: [
                try Self.pack(
                    "b",
                    [
                        (
                            "B-1", "data.personal_data", "needs-review",
                            [condition("Do a DPIA", key: "dpia", appliesFrom: "2027-01-01")]
                        )
                    ]
                ),
                try Self.pack("a", [("A-1", "ai.profiling", "rejected", [])]),
            ],
            required: ["a", "b", "c"]
        )
        let result = try screener.screen(json: Self.monitoring)
        #expect(
            JSONWriter.string(result.json["conditions"] ?? .null)
                == #"[{"packs":["b"],"key":"dpia","da":"da: Do a DPIA","en":"Do a DPIA","applies_from":"2027-01-01","status":"upcoming"}]"#
        )
        guard case .object(let members) = result.json else {
            Issue.record("expected an object")
            return
        }
        #expect(members.map(\.0) == ["request_id", "verdict", "packs", "conditions", "next_steps", "errors"])
        #expect(JSONWriter.string(result.json["next_steps"] ?? .null) == #"{"options":[],"duties":[],"blockers":[{"pack":"b","rule":"B-1"}]}"#, "without duties no finding can be lifted")
        #expect(result.json["request_id"] == .string("T-1"))
        #expect(result.json["verdict"] == .string("needs-review"))
        #expect(result.json["errors"] == .array([.string("c: no verdict from this pack")]))
        guard case .object(let packs)? = result.json["packs"] else {
            Issue.record("packs must be an object keyed by pack id")
            return
        }
        #expect(packs.map(\.0) == ["a", "b"])
        #expect(packs[1].1["pack"] == nil, "the key names the pack")
        #expect(packs[1].1["verdict"] == .string("needs-review"))
        #expect(packs[1].1["digest"] == .string("sha256:b"))
    }
}

struct VerdictTests {
    @Test func verdictsAreOrderedBySeverity() {
        #expect(Verdict.allCases.sorted() == [.approved, .approvedWithConditions, .needsReview, .rejected])
        #expect(Verdict.rejected > .needsReview)
        #expect(Verdict.needsReview > .approvedWithConditions)
        #expect(Verdict.approvedWithConditions > .approved)
    }

    @Test(arguments: [
        (Verdict.approved, "approved"), (.approvedWithConditions, "approved-with-conditions"),
        (.needsReview, "needs-review"), (.rejected, "rejected"),
    ])
    func spellings(verdict: Verdict, text: String) {
        #expect(verdict.description == text)
        #expect(Verdict(text) == verdict)
    }

    @Test(arguments: ["Approved", "needs_review", "approved with conditions", "", "reject"])
    func otherSpellingsAreNotVerdicts(text: String) {
        #expect(Verdict(text) == nil)
    }

    @Test func packVerdictJSONHasTheWireShape() {
        let verdict = PackVerdict(
            pack: "gdpr",
            version: "1.2.0",
            digest: "sha256:ab",
            verdict: .approvedWithConditions,
            outputs: [("dpia_required", .bool(true))],
            findings: [
                Finding(
                    rule: "G-1",
                    title: Bilingual(da: "T", en: "T"),
                    verdict: .approvedWithConditions,
                    citations: ["GDPR Art. 35"],
                    rationale: Bilingual(da: "R", en: "R"),
                    conditions: [condition("Do it", appliesFrom: "2027-01-01")],
                    evidence: [("data.personal_data", .bool(true))]
                )
            ],
            errors: [],
            screeningDate: Day(iso: "2026-11-27")
        )
        #expect(verdict.output("dpia_required") == .bool(true))
        #expect(verdict.output("nope") == nil)
        #expect(
            JSONWriter.string(verdict.json)
                == #"{"pack":"gdpr","version":"1.2.0","digest":"sha256:ab","verdict":"approved-with-conditions","outputs":{"dpia_required":true},"findings":[{"rule":"G-1","title":{"da":"T","en":"T"},"verdict":"approved-with-conditions","citations":["GDPR Art. 35"],"rationale":{"da":"R","en":"R"},"conditions":[{"da":"da: Do it","en":"Do it","applies_from":"2027-01-01","status":"upcoming"}],"evidence":{"data.personal_data":true}}],"errors":[]}"#
        )
    }
}

struct ExpressionSourceTests {
    @Test func locatesOffsetsOnOneLine() {
        let source = ExpressionSource("a && b", at: SourceLocation(file: "p.yaml", line: 7, column: 11))
        #expect(source.location == SourceLocation(file: "p.yaml", line: 7, column: 11))
        #expect(source.locate(5) == SourceLocation(file: "p.yaml", line: 7, column: 16))
    }

    @Test func locatesOffsetsAcrossSegments() {
        let source = ExpressionSource(
            "a &&\n  b",
            file: "p.yaml",
            segments: [.init(offset: 0, line: 3, column: 7), .init(offset: 5, line: 4, column: 7)]
        )
        #expect(source.locate(0).description == "p.yaml:3:7")
        #expect(source.locate(2).description == "p.yaml:3:9")
        #expect(source.locate(7).description == "p.yaml:4:9")
    }

    @Test func diagnosticsPrintLikeACompiler() {
        let diagnostic = RuleDiagnostic(
            .error,
            .unknownField,
            "unknown field 'x'",
            at: SourceLocation(file: "rules/gdpr/pack.yaml", line: 41, column: 17)
        )
        #expect(diagnostic.description == "rules/gdpr/pack.yaml:41:17: error: [unknown-field] unknown field 'x'")
        let warning = RuleDiagnostic(
            .warning,
            .unusedDefinition,
            "unused",
            at: SourceLocation(file: "f", line: 1, column: 2)
        )
        #expect(
            PackCompilationError(diagnostics: [diagnostic, warning]).description
                == "\(diagnostic)\nf:1:2: warning: [unused-definition] unused"
        )
    }

    @Test func sourceLocationsOrderByFileLineColumn() {
        let a = SourceLocation(file: "a", line: 2, column: 9)
        let b = SourceLocation(file: "a", line: 10, column: 1)
        let c = SourceLocation(file: "b", line: 1, column: 1)
        #expect([c, b, a].sorted() == [a, b, c])
    }
}
