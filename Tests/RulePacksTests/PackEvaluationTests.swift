import Testing

@testable import RulePacks
@testable import RulesEngine

/// Evaluating compiled packs: verdicts, outputs and their merge policies, definitions, parameters, findings,
/// evidence and condition status (rules/README.md §1.2–§1.5).
struct PackEvaluationTests {
    /// A rule in flow style on one line, for packs with many rules.
    static func rule(_ id: String, _ when: String, _ verdict: String, set: String = "", conditions: String = "")
        -> String
    {
        var text =
            "  - {id: \(id), title: {da: \(id), en: \(id)}, when: '\(when)', verdict: \(verdict), citations: [\"Art. \(id)\"], rationale: {da: d\(id), en: e\(id)}"
        if !set.isEmpty { text += ", set: {\(set)}" }
        if !conditions.isEmpty { text += ", conditions: [\(conditions)]" }
        return text + "}\n"
    }

    static func outputs(_ verdict: PackVerdict) -> String { JSONWriter.string(.object(verdict.outputs)) }

    // MARK: - Verdicts and findings

    static let severities =
        packHeader + "rules:\n"
        + rule("A1", "true", "approved-with-conditions")
        + rule("A2", "data.personal_data", "rejected")
        + rule("A3", "true", "needs-review")
        + rule("A4", "true", "rejected")
        + rule("A5", "true", "approved")
        + rule("A6", "false", "needs-review")

    @Test func theVerdictIsTheMostSevereFiredRuleAndFindingsAreOrderedBySeverityThenFileOrder() throws {
        let pack = try compile(Self.severities)
        #expect(pack.ruleIDs == ["A1", "A2", "A3", "A4", "A5", "A6"])
        let verdict = try evaluate(pack, requestJSON(#""data": {"personal_data": true}"#))
        #expect(verdict.verdict == .rejected)
        #expect(verdict.findings.map(\.rule) == ["A2", "A4", "A3", "A1", "A5"])
        #expect(
            verdict.findings.map(\.verdict) == [.rejected, .rejected, .needsReview, .approvedWithConditions, .approved]
        )
        #expect(verdict.errors.isEmpty)
        #expect(verdict.pack == "test")
        #expect(verdict.version == "1.0.0")
    }

    @Test func noFiredRuleMeansApproved() throws {
        let pack = try compile(
            packHeader + "rules:\n" + Self.rule("R1", "ai.profiling", "rejected")
                + Self.rule("R2", "data.personal_data", "needs-review")
        )
        let verdict = try evaluate(pack, requestJSON())
        #expect(verdict.verdict == .approved)
        #expect(verdict.findings.isEmpty)
    }

    @Test func aFiredApprovedRuleIsAFindingButNotAConcern() throws {
        let pack = try compile(packHeader + "rules:\n" + Self.rule("R1", "true", "approved"))
        let verdict = try evaluate(pack, requestJSON())
        #expect(verdict.verdict == .approved)
        #expect(verdict.findings.map(\.rule) == ["R1"])
    }

    @Test func everyVerdictCanBeTheResult() throws {
        for verdict in Verdict.allCases {
            let pack = try compile(
                packHeader + "rules:\n" + Self.rule("R1", "true", verdict.description)
                    + Self.rule("R0", "true", "approved")
            )
            #expect(try evaluate(pack, requestJSON()).verdict == verdict)
        }
    }

    @Test func findingsCarryTheRuleTexts() throws {
        let yaml =
            packHeader + """
                rules:
                  - id: W-CONTROL
                    title: {da: Kontrol skal varsles, en: Control must be announced}
                    when: workplace.monitors_employees
                    verdict: approved-with-conditions
                    citations: ["Kontrolaftalen", "GDPR Art. 13"]
                    rationale: {da: Fordi, en: Because}
                    conditions:
                      - key: control-notice
                        da: Varsl mindst 6 uger før
                        en: Give 6 weeks' notice
                      - {da: Informér MED, en: Inform MED, applies_from: 2026-12-01}

                """
        let verdict = try evaluate(try compile(yaml), requestJSON(#""workplace": {"monitors_employees": true}"#))
        let finding = try #require(verdict.findings.first)
        #expect(finding.rule == "W-CONTROL")
        #expect(finding.title == Bilingual(da: "Kontrol skal varsles", en: "Control must be announced"))
        #expect(finding.citations == ["Kontrolaftalen", "GDPR Art. 13"])
        #expect(finding.rationale == Bilingual(da: "Fordi", en: "Because"))
        #expect(
            finding.conditions == [
                Condition(
                    key: "control-notice",
                    text: Bilingual(da: "Varsl mindst 6 uger før", en: "Give 6 weeks' notice"),
                    appliesFrom: nil
                ),
                Condition(
                    key: nil,
                    text: Bilingual(da: "Informér MED", en: "Inform MED"),
                    appliesFrom: Day(iso: "2026-12-01")
                ),
            ]
        )
        #expect(verdict.screeningDate == Day(iso: "2026-11-27"))
        guard case .array(let findings)? = verdict.json["findings"],
            case .array(let conditions)? = findings.first?["conditions"]
        else {
            Issue.record("findings must carry their conditions")
            return
        }
        #expect(conditions.map { $0["status"] } == [.string("due"), .string("upcoming")])
        #expect(conditions.map { $0["applies_from"] } == [.null, .string("2026-12-01")])

        let later = try evaluate(
            try compile(yaml),
            requestJSON(#""workplace": {"monitors_employees": true}"#, screeningDate: "2026-12-01")
        )
        guard case .array(let laterFindings)? = later.json["findings"],
            case .array(let laterConditions)? = laterFindings.first?["conditions"]
        else {
            Issue.record("findings must carry their conditions")
            return
        }
        #expect(laterConditions.map { $0["status"] } == [.string("due"), .string("due")], "due on the day it applies")
    }

    @Test func evaluationIsDeterministic() throws {
        let pack = try compile(Self.severities)
        let request = try RequestDecoder(schema: pack.schema).decode(
            json: requestJSON(#""data": {"personal_data": true}"#)
        )
        let first = JSONWriter.string(pack.evaluate(request).json)
        for _ in 0..<5 { #expect(JSONWriter.string(pack.evaluate(request).json) == first) }
    }

    // MARK: - Outputs and merge policies

    static let merging =
        packHeader + """
            outputs:
              any_flag: {type: bool}
              all_flag: {type: bool, merge: all}
              tier: {type: enum, values: [minimal, limited, high]}
              low_tier: {type: enum, values: [minimal, limited, high], merge: min}
              score: {type: int}
              min_score: {type: int, merge: min}
              ratio: {type: number}
              note: {type: string}
              labels: {type: list}
            rules:

            """
        + rule(
            "R1",
            "ai.profiling",
            "approved",
            set:
                "any_flag: false, all_flag: true, tier: limited, low_tier: high, score: 3, min_score: 3, ratio: 1.5, note: first, labels: [b, a]"
        )
        + rule(
            "R2",
            "data.personal_data",
            "approved",
            set:
                "any_flag: true, all_flag: false, tier: high, low_tier: limited, score: 7, min_score: 7, ratio: 2, note: second, labels: [a, c]"
        )
        + rule("R3", "workplace.monitors_employees", "approved", set: "tier: minimal, labels: d, all_flag: true")

    static let profiling = #""ai": {"profiling": true}"#
    static let personal = #""data": {"personal_data": true}"#
    static let monitors = #""workplace": {"monitors_employees": true}"#

    @Test func outputsTakeTheirDefaultsWhenNoRuleSetsThem() throws {
        let verdict = try evaluate(try compile(Self.merging), requestJSON())
        #expect(
            Self.outputs(verdict)
                == #"{"any_flag":false,"all_flag":false,"tier":"minimal","low_tier":"minimal","score":0,"min_score":0,"ratio":0,"note":"","labels":[]}"#
        )
    }

    @Test func oneRuleSetsItsValues() throws {
        let verdict = try evaluate(try compile(Self.merging), requestJSON(Self.profiling))
        #expect(
            Self.outputs(verdict)
                == #"{"any_flag":false,"all_flag":true,"tier":"limited","low_tier":"high","score":3,"min_score":3,"ratio":1.5,"note":"first","labels":["b","a"]}"#
        )
    }

    @Test func severalRulesMergeByPolicy() throws {
        let pack = try compile(Self.merging)
        let both = try evaluate(pack, requestJSON(Self.profiling + ", " + Self.personal))
        #expect(both.output("any_flag") == .bool(true), "any: true if any rule sets true")
        #expect(both.output("all_flag") == .bool(false), "all: false as soon as one rule sets false")
        #expect(both.output("tier") == .string("high"), "max on the enum's order")
        #expect(both.output("low_tier") == .string("limited"), "min on the enum's order")
        #expect(both.output("score") == .int(7))
        #expect(both.output("min_score") == .int(3))
        #expect(both.output("ratio") == .double(2))
        #expect(both.output("note") == .string("first"), "first: the first fired rule in file order")
        #expect(
            both.output("labels") == .array([.string("b"), .string("a"), .string("c")]),
            "union: each label once, in rule order"
        )

        let all3 = try evaluate(pack, requestJSON(Self.profiling + ", " + Self.personal + ", " + Self.monitors))
        #expect(all3.output("tier") == .string("high"), "a lower value later does not lower the maximum")
        #expect(
            all3.output("labels") == .array([.string("b"), .string("a"), .string("c"), .string("d")]),
            "a single label counts as a list of one"
        )
        #expect(all3.output("all_flag") == .bool(false))

        let secondOnly = try evaluate(pack, requestJSON(Self.personal))
        #expect(secondOnly.output("note") == .string("second"))
        #expect(secondOnly.output("low_tier") == .string("limited"), "min of one value is that value, not the default")

        let flagsAgree = try evaluate(pack, requestJSON(Self.profiling + ", " + Self.monitors))
        #expect(flagsAgree.output("all_flag") == .bool(true), "all: true when every rule that sets it sets true")
        #expect(flagsAgree.output("tier") == .string("limited"))
    }

    @Test func mergeOrderDoesNotDependOnVerdictSeverity() throws {
        let yaml =
            packHeader + "outputs:\n  note: {type: string}\n  labels: {type: list}\nrules:\n"
            + Self.rule("R1", "true", "approved", set: "note: from-R1, labels: [x, y]")
            + Self.rule("R2", "true", "rejected", set: "note: from-R2, labels: [z, x]")
        let verdict = try evaluate(try compile(yaml), requestJSON())
        #expect(verdict.findings.map(\.rule) == ["R2", "R1"])
        #expect(verdict.output("note") == .string("from-R1"))
        #expect(verdict.output("labels") == .array([.string("x"), .string("y"), .string("z")]))
    }

    @Test func declaredDefaultsAreUsedWhenNoRuleSetsTheOutput() throws {
        let yaml =
            packHeader + """
                outputs:
                  flag: {type: bool, merge: all, default: true}
                  tier: {type: enum, values: [low, mid, high], default: mid}
                  count: {type: int, default: -1}
                  note: {type: string, default: n/a}
                  labels: {type: list, default: [none]}
                rules:

                """ + Self.rule("R1", "ai.profiling", "approved", set: "flag: false")
        let verdict = try evaluate(try compile(yaml), requestJSON())
        #expect(Self.outputs(verdict) == #"{"flag":true,"tier":"mid","count":-1,"note":"n/a","labels":["none"]}"#)
    }

    /// "merge: how values from several fired rules combine"; the default stands in only when no fired rule sets
    /// the output. `min`, `all`, `union` and `first` work that way.
    @Test func theDefaultDoesNotTakePartInMerging() throws {
        let yaml =
            packHeader + """
                outputs:
                  least: {type: int, merge: min, default: -10}
                  every: {type: bool, merge: all, default: true}
                  most: {type: int, default: 10}
                  negative: {type: int}
                  tier: {type: enum, values: [low, mid, high], default: high}
                  some: {type: bool, default: true}
                rules:

                """
            + Self.rule(
                "R1",
                "true",
                "approved",
                set: "least: 5, every: false, most: 5, negative: -3, tier: low, some: false"
            )
        let verdict = try evaluate(try compile(yaml), requestJSON())
        #expect(verdict.output("least") == .int(5))
        #expect(verdict.output("every") == .bool(false))
        #expect(verdict.output("most") == .int(5))
        #expect(verdict.output("negative") == .int(-3))
        #expect(verdict.output("tier") == .string("low"))
        #expect(verdict.output("some") == .bool(false))
    }

    // MARK: - Computed outputs

    static let computed =
        packHeader + """
            outputs:
              subject_count: {type: int, value: size(data.data_subjects)}
              criteria:
                type: list
                description: WP248 criteria that hold
                include_when:
                  C1-evaluation: ai.evaluates_natural_persons
                  C7-vulnerable: vulnerable
                  C9-prevents: data.prevents_right_or_service
              criteria_count:
                type: int
                value: count(ai.evaluates_natural_persons, vulnerable, data.prevents_right_or_service)
              go_live: {type: string, value: 'coalesce(planned_go_live, screening_date)'}
              domain: {type: string, value: ai.use_domain}
              many: {type: bool, value: 'size(data.data_subjects) >= 2'}
            definitions:
              vulnerable: intersects(data.data_subjects, ["children", "pupils"])
            rules:

            """ + rule("R1", "true", "approved")

    @Test func computedOutputsAreEvaluatedFromTheRequest() throws {
        let pack = try compile(Self.computed)
        let none = try evaluate(pack, requestJSON())
        #expect(
            Self.outputs(none)
                == #"{"subject_count":0,"criteria":[],"criteria_count":0,"go_live":"2026-11-27","domain":"general_productivity","many":false}"#
        )

        let some = try evaluate(
            pack,
            requestJSON(
                #""planned_go_live": "2027-01-04", "ai": {"evaluates_natural_persons": true}, "data": {"data_subjects": ["pupils", "citizens"], "prevents_right_or_service": true}"#
            )
        )
        #expect(
            Self.outputs(some)
                == #"{"subject_count":2,"criteria":["C1-evaluation","C7-vulnerable","C9-prevents"],"criteria_count":3,"go_live":"2027-01-04","domain":"general_productivity","many":true}"#
        )

        let one = try evaluate(pack, requestJSON(#""data": {"data_subjects": ["children"]}"#))
        #expect(
            one.output("criteria") == .array([.string("C7-vulnerable")]),
            "labels in declaration order, only those that hold"
        )
        #expect(one.output("criteria_count") == .int(1))
    }

    @Test func computedOutputsMustFitTheirType() {
        let yaml =
            packHeader + """
                outputs:
                  name: {type: string, value: tool.name}
                  count: {type: int, value: 'size(data.data_subjects) > 1'}
                  tier: {type: enum, values: [a, b], value: ai.use_domain}
                  flags:
                    type: bool
                    include_when: {x: true}
                  labels:
                    type: list
                    include_when: {x: tool.users_count, y: ai.gpai_systemic_risk_model}
                rules:

                """ + Self.rule("R1", "true", "approved")
        let diagnostics = check(yaml).diagnostics
        #expect(
            diagnostics.summary == [
                "6:31 type-mismatch error", "7:30 type-mismatch error", "8:45 type-mismatch error",
                "9:3 type-mismatch error",
                "14:23 type-mismatch error", "14:44 nullable-condition error",
            ]
        )
        #expect(diagnostics[0].message == "output 'name' is string, but its value is string|null")
    }

    // MARK: - Definitions

    static let definitions =
        packHeader + """
            definitions:
              high_risk:
                description: substantive data about vulnerable people
                value: substantive && vulnerable
              vulnerable: intersects(data.data_subjects, vulnerable_subjects)
              vulnerable_subjects: '["children", "pupils"]'
              substantive: data.personal_data && data.personal_data_scope == "substantive"
            rules:

            """ + rule("R1", "high_risk", "needs-review")

    @Test(arguments: [
        (#""data": {"personal_data": true, "personal_data_scope": "substantive", "data_subjects": ["pupils"]}"#, true),
        (
            #""data": {"personal_data": true, "personal_data_scope": "substantive", "data_subjects": ["citizens"]}"#,
            false
        ),
        (#""data": {"personal_data": true, "personal_data_scope": "none", "data_subjects": ["pupils"]}"#, false),
        (
            #""data": {"personal_data": false, "personal_data_scope": "substantive", "data_subjects": ["children"]}"#,
            false
        ),
    ])
    func definitionsMayUseDefinitionsDeclaredLater(members: String, fires: Bool) throws {
        let verdict = try evaluate(try compile(Self.definitions), requestJSON(members))
        #expect((verdict.verdict == .needsReview) == fires)
    }

    // MARK: - Evidence

    @Test func evidenceListsTheFactsOfEveryConjunctWithTheirValues() throws {
        let yaml =
            packHeader + """
                parameters:
                  broad: {type: int, default: 500, description: staff count for a broad roll-out}
                definitions:
                  high_risk: substantive && vulnerable
                  vulnerable: intersects(data.data_subjects, vulnerable_subjects)
                  vulnerable_subjects: '["children", "pupils"]'
                  substantive: data.personal_data && data.personal_data_scope == "substantive"
                rules:

                """
            + Self.rule("R0", "high_risk", "needs-review")
            + Self.rule(
                "R2",
                #"high_risk && workplace.employees_affected_count >= params.broad && ai.emotion_recognition.purpose == null && screening_date >= "2026-01-01" && data.data_subjects.exists(s, s == "pupils")"#,
                "rejected"
            )
        let pack = try compile(yaml)
        let verdict = try evaluate(
            pack,
            requestJSON(
                #""workplace": {"employees_affected_count": 600}, "data": {"personal_data": true, "personal_data_scope": "substantive", "data_subjects": ["pupils"]}"#
            )
        )
        let finding = try #require(verdict.findings.first { $0.rule == "R2" })
        #expect(
            finding.evidence.map(\.0) == [
                "data.personal_data", "data.personal_data_scope", "data.data_subjects",
                "workplace.employees_affected_count", "params.broad", "ai.emotion_recognition.purpose",
                "screening_date",
            ]
        )
        #expect(
            finding.evidence.map(\.1) == [
                .bool(true), .string("substantive"), .array([.string("pupils")]), .int(600), .int(500), .null,
                .string("2026-11-27"),
            ]
        )
        let r0 = try #require(verdict.findings.first { $0.rule == "R0" })
        #expect(
            r0.evidence.map(\.0) == ["data.personal_data", "data.personal_data_scope", "data.data_subjects"],
            "through definitions"
        )
    }

    @Test func evidenceOfAnOverriddenParameterShowsTheOverride() throws {
        let yaml =
            packHeader + "parameters:\n  broad: {type: int, default: 500, description: d}\nrules:\n"
            + Self.rule("R1", "workplace.employees_affected_count >= params.broad", "needs-review")
        let pack = try compile(
            yaml,
            overrides: ["broad": Located(.int(550), at: SourceLocation(file: "c.yaml", line: 1, column: 1))]
        )
        let verdict = try evaluate(pack, requestJSON(#""workplace": {"employees_affected_count": 550}"#))
        #expect(verdict.findings.first?.evidence.map(\.0) == ["workplace.employees_affected_count", "params.broad"])
        #expect(verdict.findings.first?.evidence.map(\.1) == [.int(550), .int(550)])
        #expect(
            try evaluate(pack, requestJSON(#""workplace": {"employees_affected_count": 549}"#)).verdict == .approved
        )
    }

    @Test func anObjectComparedWithNullIsOnlySaidToBePresent() throws {
        let yaml = packHeader + "rules:\n" + Self.rule("R1", "ai.emotion_recognition != null", "rejected")
            + Self.rule("R2", "ai.emotion_recognition == null || ai.emotion_recognition.subjects == \"employees\"", "rejected")
        let pack = try compile(yaml)
        let verdict = try evaluate(pack, requestJSON(#""ai": {"emotion_recognition": {"subjects": "employees"}}"#))
        #expect(verdict.findings.map(\.rule) == ["R1", "R2"])
        #expect(verdict.findings[0].evidence.map(\.0) == ["ai.emotion_recognition"])
        #expect(verdict.findings[0].evidence.map(\.1) == [.string("… [present]")])
        // The second side decided R2: the object's presence played no part.
        #expect(verdict.findings[1].evidence.map(\.0) == ["ai.emotion_recognition.subjects"])
        let absent = try evaluate(pack, requestJSON(#""ai": {}"#))
        #expect(absent.findings.map(\.rule) == ["R2"])
        #expect(absent.findings[0].evidence.map(\.0) == ["ai.emotion_recognition"])
        #expect(absent.findings[0].evidence.map(\.1) == [.null])
    }

    @Test func evidenceInTheVerdictJSON() throws {
        let yaml = packHeader + "rules:\n" + Self.rule("R1", "ai.profiling && tool.users_count > 2", "rejected")
        let verdict = try evaluate(
            try compile(yaml),
            requestJSON(#""ai": {"profiling": true}, "tool": {"users_count": 3}"#)
        )
        guard case .array(let findings)? = verdict.json["findings"] else {
            Issue.record("findings must be a list")
            return
        }
        #expect(JSONWriter.string(findings[0]["evidence"] ?? .null) == #"{"ai.profiling":true,"tool.users_count":3}"#)
    }

    // MARK: - Parameters

    @Test func parametersOfEveryTypeTakeDefaultsAndOverrides() throws {
        let yaml =
            packHeader + """
                parameters:
                  flag: {type: bool, default: false, description: d}
                  weeks: {type: int, default: 6, description: d}
                  share: {type: number, default: 0.5, description: d}
                  label: {type: string, default: deployer, description: d}
                  from: {type: date, default: 2026-12-02, description: d}
                  regions: {type: list, default: [DK, EU], description: d}
                rules:

                """
            + Self.rule("FLAG", "params.flag", "rejected")
            + Self.rule("WEEKS", "coalesce(workplace.control_measure_notice_weeks, 0) < params.weeks", "needs-review")
            + Self.rule("SHARE", "params.share > 0.75", "rejected")
            + Self.rule("LABEL", #"tool.municipality_role == params.label"#, "approved")
            + Self.rule("FROM", "screening_date >= params.from", "rejected")
            + Self.rule("REGIONS", "hosting.processing_regions.all(r, r in params.regions)", "approved")
        let request = requestJSON(
            #""workplace": {"control_measure_notice_weeks": 7}, "hosting": {"processing_regions": ["DK", "US"]}"#
        )
        let byDefault = try evaluate(try compile(yaml), request)
        #expect(Set(byDefault.findings.map(\.rule)) == ["LABEL"])

        let at = SourceLocation(file: "config/aiscreen.yaml", line: 5, column: 7)
        let overrides: [String: Located<JSONValue>] = [
            "flag": Located(.bool(true), at: at), "weeks": Located(.int(8), at: at), "share": Located(.int(1), at: at),
            "label": Located(.string("provider"), at: at), "from": Located(.string("2026-11-01"), at: at),
            "regions": Located(.array([.string("DK"), .string("EU"), .string("US")]), at: at),
        ]
        let pack = try compile(yaml, overrides: overrides)
        let overridden = try evaluate(pack, request)
        #expect(Set(overridden.findings.map(\.rule)) == ["FLAG", "WEEKS", "SHARE", "FROM", "REGIONS"])
        #expect(pack.parameters.map(\.name) == ["flag", "weeks", "share", "label", "from", "regions"])
        #expect(pack.parameter("share") == .int(1))
        #expect(pack.parameter("from") == .string("2026-11-01"))
    }

    @Test(arguments: [
        ("flag", JSONValue.string("true")), ("weeks", .double(6.5)), ("weeks", .string("6")), ("share", .bool(false)),
        ("label", .int(3)), ("from", .string("2026-02-30")), ("from", .int(20_261_202)), ("regions", .string("DK")),
        ("regions", .array([.string("DK"), .int(1)])),
    ])
    func overridesOfTheWrongTypeAreRejected(name: String, value: JSONValue) {
        let yaml =
            packHeader + """
                parameters:
                  flag: {type: bool, default: false, description: d}
                  weeks: {type: int, default: 6, description: d}
                  share: {type: number, default: 0.5, description: d}
                  label: {type: string, default: deployer, description: d}
                  from: {type: date, default: 2026-12-02, description: d}
                  regions: {type: list, default: [DK, EU], description: d}
                rules:

                """
            + Self.rule(
                "R1",
                "params.flag && params.weeks > 0 && params.share > 0 && params.label == \"x\" && params.from > screening_date && size(params.regions) > 0",
                "approved"
            )
        let at = SourceLocation(file: "config/aiscreen.yaml", line: 9, column: 14)
        let (pack, diagnostics) = check(yaml, overrides: [name: Located(value, at: at)])
        #expect(pack == nil)
        #expect(diagnostics.contains { $0.code == .typeMismatch && $0.severity == .error && $0.location == at })
        #expect(
            diagnostics.first { $0.location == at }?.message.hasPrefix("the override of parameter '\(name)' is not a")
                == true
        )
        #expect(diagnostics.filter { $0.severity == .error }.map(\.code) == [.typeMismatch], "\(diagnostics)")
    }
}
