import Testing

@testable import RulePacks
@testable import RulesEngine

/// The condition language (rules/README.md §2), each case compiled into a one-rule pack and evaluated.
struct ExpressionTests {
    static let prelude = """
        parameters:
          threshold: {type: int, default: 5, description: a whole number}
          ratio: {type: number, default: 2, description: a number}
          start: {type: date, default: "2026-12-01", description: a date}
          regions: {type: list, default: [DK, EU], description: labels}
          strict: {type: bool, default: true, description: a flag}
          label: {type: string, default: "x", description: text}
        definitions:
          substantive: data.personal_data && data.personal_data_scope == "substantive"
          vulnerable_subjects: '["children", "pupils", "patients"]'
          vulnerable: substantive && intersects(data.data_subjects, vulnerable_subjects)
          nested: vulnerable || ai.profiling
        rules:

        """

    /// Whether `expression` holds for a request with `members`.
    static func holds(_ expression: String, _ members: String = "", screeningDate: String = "2026-11-27") throws -> Bool
    {
        let pack = try compile(packHeader + prelude + ruleYAML("R", when: expression))
        let verdict = try evaluate(pack, requestJSON(members, screeningDate: screeningDate))
        let fired = verdict.findings.map(\.rule) == ["R"]
        #expect(fired == (verdict.verdict == .rejected), "the verdict follows the one rule")
        return fired
    }

    struct Case: CustomTestStringConvertible, Sendable {
        var expression: String
        var members: String = ""
        var expected: Bool
        var testDescription: String { "\(expression) [\(members)] → \(expected)" }
        init(_ expression: String, _ members: String, _ expected: Bool) {
            self.expression = expression
            self.members = members
            self.expected = expected
        }
        init(_ expression: String, _ expected: Bool) {
            self.init(expression, "", expected)
        }
    }

    static let users3 = #""tool": {"users_count": 3, "name": "X"}"#

    static let operators: [Case] = [
        Case("true", true),
        Case("false", false),
        Case("!false", true),
        Case("not false", true),
        Case("!!true", true),
        Case("not not false", false),
        Case("true && false", false),
        Case("true && true", true),
        Case("true and true", true),
        Case("true and false", false),
        Case("false || true", true),
        Case("false || false", false),
        Case("false or true", true),
        Case("false or false", false),
        // `&&` binds tighter than `||`.
        Case("true || false && false", true),
        Case("false && false || true", true),
        Case("(true || false) && false", false),
        Case("true or false and false", true),
        // `!` binds tighter than `&&`, `||` and comparisons.
        Case("!true || true", true),
        Case("!(true || true)", false),
        Case("not true or true", true),
        Case("!false && false", false),
        Case("!true in [true, false]", true),
        Case("!(true in [true, false])", false),
        Case("((((true))))", true),
        // Comparisons of whole numbers and numbers.
        Case("tool.users_count == 3", users3, true),
        Case("tool.users_count != 3", users3, false),
        Case("tool.users_count < 4", users3, true),
        Case("tool.users_count < 3", users3, false),
        Case("tool.users_count <= 3", users3, true),
        Case("tool.users_count > 2", users3, true),
        Case("tool.users_count > 3", users3, false),
        Case("tool.users_count >= 3", users3, true),
        Case("tool.users_count >= 4", users3, false),
        Case("tool.users_count == 3.0", users3, true),
        Case("3.0 == tool.users_count", users3, true),
        Case("tool.users_count != 3.0", users3, false),
        Case("tool.users_count < 3.5", users3, true),
        Case("tool.users_count > 2.5", users3, true),
        Case("tool.users_count >= 3.5", users3, false),
        Case("params.ratio == 2", true),
        Case("params.ratio > 1.5 && params.ratio < 2.5", true),
        Case("params.threshold == 5.0", true),
        // Text and enums.
        Case(#"tool.name == "X""#, users3, true),
        Case("tool.name == 'X'", users3, true),
        Case(#"tool.name != "x""#, users3, true),
        Case(#"ai.use_domain == "education""#, #""ai": {"use_domain": "education"}"#, true),
        Case(#"ai.use_domain != "education""#, #""ai": {"use_domain": "education"}"#, false),
        Case(#""education" == ai.use_domain"#, #""ai": {"use_domain": "education"}"#, true),
        Case(
            #"ai.use_domain == tool.name"#,
            #""ai": {"use_domain": "education"}, "tool": {"name": "education"}"#,
            true
        ),
        // Membership.
        Case(#"ai.use_domain in ["education", "hr_recruitment"]"#, #""ai": {"use_domain": "education"}"#, true),
        Case(#"ai.use_domain in ["justice", "hr_recruitment"]"#, #""ai": {"use_domain": "education"}"#, false),
        Case(#"ai.use_domain not in ["education", "hr_recruitment"]"#, #""ai": {"use_domain": "education"}"#, false),
        Case(#"ai.use_domain not in ["justice"]"#, #""ai": {"use_domain": "education"}"#, true),
        Case(#""health" in data.special_categories"#, #""data": {"special_categories": ["genetic", "health"]}"#, true),
        Case(#""health" in data.special_categories"#, #""data": {"special_categories": ["genetic"]}"#, false),
        Case(#""health" not in data.special_categories"#, #""data": {"special_categories": ["genetic"]}"#, true),
        Case(#""health" in data.special_categories"#, "", false),
        Case(#"tool.users_count in [1, 2, 3]"#, users3, true),
        Case(#"tool.users_count in [1.5, 3.0]"#, users3, true),
        Case(#""DK" in params.regions"#, true),
        Case(#""US" in params.regions"#, false),
        Case(#"tool.name in []"#, users3, false),
        Case(#"!(tool.name in ["X"]) == (tool.name not in ["X"])"#, users3, true),
        // Comments.
        Case("# only a comment line first\ntrue # and a comment after", true),
        Case("false # || true", false),
        Case("false ||   # the next line still counts\n  true", true),
    ]

    @Test(arguments: operators)
    func operatorsAndPrecedence(_ c: Case) throws {
        #expect(try Self.holds(c.expression, c.members) == c.expected)
    }

    static let nullSemantics: [Case] = [
        // A null object gives null fields.
        Case("ai.emotion_recognition == null", true),
        Case("ai.emotion_recognition != null", false),
        Case("ai.emotion_recognition.purpose == null", true),
        Case(#"ai.emotion_recognition.purpose != "medical""#, true),
        Case(#"ai.emotion_recognition.purpose == "medical""#, false),
        Case(#"ai.emotion_recognition.purpose in ["medical", "safety"]"#, false),
        Case(#"ai.emotion_recognition.purpose not in ["medical", "safety"]"#, true),
        Case(
            #"ai.emotion_recognition.purpose == "medical""#,
            #""ai": {"emotion_recognition": {"purpose": "medical"}}"#,
            true
        ),
        Case(
            #"ai.emotion_recognition.purpose == null"#,
            #""ai": {"emotion_recognition": {"purpose": "medical"}}"#,
            false
        ),
        Case(
            #"ai.emotion_recognition.subjects == null"#,
            #""ai": {"emotion_recognition": {"purpose": "medical"}}"#,
            true
        ),
        Case(#"ai.emotion_recognition.based_on_biometric_data != false"#, #""ai": {"emotion_recognition": {}}"#, true),
        // Ordering comparisons with null are false, whichever way round.
        Case("workplace.control_measure_notice_weeks < 6", false),
        Case("workplace.control_measure_notice_weeks <= 6", false),
        Case("workplace.control_measure_notice_weeks > 6", false),
        Case("workplace.control_measure_notice_weeks >= 6", false),
        Case("6 > workplace.control_measure_notice_weeks", false),
        Case("!(workplace.control_measure_notice_weeks < 6)", true),
        Case("workplace.control_measure_notice_weeks == null", true),
        Case("workplace.control_measure_notice_weeks != 6", true),
        Case("workplace.control_measure_notice_weeks < 6", #""workplace": {"control_measure_notice_weeks": 4}"#, true),
        // Nullable booleans must be compared explicitly.
        Case("ai.gpai_systemic_risk_model == true", false),
        Case("ai.gpai_systemic_risk_model != true", true),
        Case("ai.gpai_systemic_risk_model == false", false),
        Case("ai.gpai_systemic_risk_model == null", true),
        Case("ai.gpai_systemic_risk_model == false", #""ai": {"gpai_systemic_risk_model": false}"#, true),
        Case("null == null", true),
        Case("planned_go_live < date(\"2030-01-01\")", false),
        Case("planned_go_live >= date(\"2000-01-01\")", false),
    ]

    @Test(arguments: nullSemantics)
    func nullPropagation(_ c: Case) throws {
        #expect(try Self.holds(c.expression, c.members) == c.expected)
    }

    static let goLive = #""planned_go_live": "2027-12-02""#

    static let dates: [Case] = [
        Case(#"screening_date >= date("2026-11-27")"#, true),
        Case(#"screening_date > date("2026-11-27")"#, false),
        Case(#"screening_date < date("2026-11-28")"#, true),
        Case(#"screening_date == date("2026-11-27")"#, true),
        Case(#"screening_date != date("2026-11-27")"#, false),
        // A text literal compared with a date field is read as a date.
        Case(#"screening_date < "2026-12-02""#, true),
        Case(#"screening_date >= "2026-12-02""#, false),
        Case(#"screening_date == "2026-11-27""#, true),
        Case(#"screening_date != '2026-11-27'"#, false),
        Case(#""2026-11-28" > screening_date"#, true),
        Case(#"planned_go_live >= "2027-12-02""#, goLive, true),
        Case(#"planned_go_live > "2027-12-02""#, goLive, false),
        Case(#"planned_go_live == "2027-12-02""#, goLive, true),
        Case(#"planned_go_live > screening_date"#, goLive, true),
        Case(#"planned_go_live < screening_date"#, goLive, false),
        Case(#"params.start > screening_date"#, true),
        Case(#"params.start == "2026-12-01""#, true),
        // Dates across month, year and leap-day boundaries compare by calendar order.
        Case(#"date("2024-02-29") < date("2024-03-01")"#, true),
        Case(#"date("2026-12-31") < date("2027-01-01")"#, true),
        Case(#"date("2026-10-01") > date("2026-09-30")"#, true),
    ]

    @Test(arguments: dates)
    func dateComparisons(_ c: Case) throws {
        #expect(try Self.holds(c.expression, c.members) == c.expected)
    }

    @Test func screeningDateDecidesWhatAlreadyApplies() throws {
        let rule = #"screening_date >= "2026-12-02""#
        #expect(try Self.holds(rule, screeningDate: "2026-12-01") == false)
        #expect(try Self.holds(rule, screeningDate: "2026-12-02") == true)
        #expect(try Self.holds(rule, screeningDate: "2027-01-01") == true)
    }

    static let macros: [Case] = [
        Case(
            #"data.data_subjects.exists(s, s in ["children", "pupils"])"#,
            #""data": {"data_subjects": ["citizens", "pupils"]}"#,
            true
        ),
        Case(
            #"data.data_subjects.exists(s, s in ["children", "pupils"])"#,
            #""data": {"data_subjects": ["citizens"]}"#,
            false
        ),
        Case(#"data.data_subjects.exists(s, s == "citizens")"#, "", false),
        Case(#"hosting.processing_regions.all(r, r in ["DK", "EU"])"#, "", true),
        Case(
            #"hosting.processing_regions.all(r, r in ["DK", "EU"])"#,
            #""hosting": {"processing_regions": ["DK", "EU"]}"#,
            true
        ),
        Case(
            #"hosting.processing_regions.all(r, r in ["DK", "EU"])"#,
            #""hosting": {"processing_regions": ["DK", "US"]}"#,
            false
        ),
        Case(
            #"hosting.processing_regions.all(r, r == "DK") && hosting.processing_regions.exists(r, r == "DK")"#,
            #""hosting": {"processing_regions": ["DK"]}"#,
            true
        ),
        Case(#"[1, 2, 3].all(n, n > 0)"#, true),
        Case(#"[1, 2, 3].exists(n, n > 2)"#, true),
        Case(#"[1, 2, 3].exists(n, n > 3)"#, false),
        Case(#"[].all(n, n == 1)"#, true),
        Case(#"[].exists(n, n == 1)"#, false),
        Case(
            #"data.data_subjects.exists(s, s == "patients" && data.special_categories.exists(c, c == "health"))"#,
            #""data": {"data_subjects": ["patients"], "special_categories": ["health"]}"#,
            true
        ),
        Case(
            #"data.data_subjects.exists(s, data.data_subjects.exists(t, s != t))"#,
            #""data": {"data_subjects": ["patients", "citizens"]}"#,
            true
        ),
        Case(
            #"data.data_subjects.exists(s, data.data_subjects.exists(t, s != t))"#,
            #""data": {"data_subjects": ["patients"]}"#,
            false
        ),
        Case(
            #"params.regions.all(r, r in hosting.processing_regions)"#,
            #""hosting": {"processing_regions": ["EU", "DK"]}"#,
            true
        ),
    ]

    @Test(arguments: macros)
    func existsAndAll(_ c: Case) throws {
        #expect(try Self.holds(c.expression, c.members) == c.expected)
    }

    static let functions: [Case] = [
        Case("size(data.data_subjects) == 2", #""data": {"data_subjects": ["citizens", "pupils"]}"#, true),
        Case("size(data.data_subjects) == 0", "", true),
        Case("size([]) == 0", true),
        Case("size(params.regions) == 2", true),
        Case("count(true, false, ai.profiling) == 1", true),
        Case("count(true, false, ai.profiling) == 2", #""ai": {"profiling": true}"#, true),
        Case("count(false) == 0", true),
        Case(
            "count(substantive, ai.profiling, tool.users_count > 2) >= 2",
            #""ai": {"profiling": true}, "tool": {"users_count": 3}"#,
            true
        ),
        Case(
            #"intersects(data.data_subjects, ["children", "pupils"])"#,
            #""data": {"data_subjects": ["citizens", "pupils"]}"#,
            true
        ),
        Case(
            #"intersects(data.data_subjects, ["children", "pupils"])"#,
            #""data": {"data_subjects": ["citizens"]}"#,
            false
        ),
        Case(#"intersects([], data.data_subjects)"#, #""data": {"data_subjects": ["citizens"]}"#, false),
        Case(#"intersects([1, 2], [2.0])"#, true),
        Case(#"date("2026-11-27") == screening_date"#, true),
        Case(#"date(params.label) == null"#, true),
        Case(#"days_between(screening_date, planned_go_live) == 5"#, #""planned_go_live": "2026-12-02""#, true),
        Case(#"days_between(planned_go_live, screening_date) < 0"#, #""planned_go_live": "2026-12-02""#, true),
        Case(#"days_between(planned_go_live, screening_date) > 0"#, #""planned_go_live": "2026-12-02""#, false),
        Case(#"days_between(date("2024-02-28"), date("2024-03-01")) == 2"#, true),
        Case(#"days_between(date("2026-01-01"), date("2027-01-01")) == 365"#, true),
        Case(#"days_between(screening_date, planned_go_live) == null"#, true),
        Case(#"days_between(screening_date, planned_go_live) < 42"#, false),
        Case(#"days_between(screening_date, planned_go_live) < 42"#, #""planned_go_live": "2027-01-07""#, true),
        Case(#"days_between(screening_date, planned_go_live) < 42"#, #""planned_go_live": "2027-01-08""#, false),
        Case(#"coalesce(planned_go_live, screening_date) == date("2026-11-27")"#, true),
        Case(#"coalesce(planned_go_live, screening_date) == date("2027-12-02")"#, goLive, true),
        Case(#"coalesce(ai.gpai_systemic_risk_model, true)"#, true),
        Case(#"coalesce(ai.gpai_systemic_risk_model, true)"#, #""ai": {"gpai_systemic_risk_model": false}"#, false),
        Case(#"coalesce(workplace.control_measure_notice_weeks, 0) >= params.threshold"#, "", false),
        Case(
            #"coalesce(workplace.control_measure_notice_weeks, 0) >= params.threshold"#,
            #""workplace": {"control_measure_notice_weeks": 5}"#,
            true
        ),
        Case(#"coalesce(null, 3) == 3"#, true),
        Case(#"normalise("  Seksuel-Orientering ") == "seksuel_orientering""#, true),
        Case(#"normalise("Art. 6(1)(f)") == "art_6_1_f""#, true),
        Case(#"normalise("racial__or - ethnic origin") == "racial_or_ethnic_origin""#, true),
        Case(#"normalise("ETNICITET") == "etnicitet""#, true),
        Case(#"normalise("Myndighedsudøvelse") == "myndighedsudøvelse""#, true),
        Case(#"normalise(data.legal_basis_art6) == null"#, true),
        Case(#"normalise(data.legal_basis_art6) == "6_stk_1_litra_e""#, #""data": {"legal_basis_art6": "6, stk. 1, litra e"}"#, true),
        Case(#"matches(normalise(data.legal_basis_art6), "(^|_)6_1_([a-f]_)*f(_|$)")"#, #""data": {"legal_basis_art6": "6(1)(e)/(f)"}"#, true),
        Case(#"matches(normalise(data.legal_basis_art6), "(^|_)6_1_([a-f]_)*f(_|$)")"#, #""data": {"legal_basis_art6": "6(1)(e), jf. § 5"}"#, false),
        Case(#"matches(data.legal_basis_art6, "legitimate interest")"#, #""data": {"legal_basis_art6": "Legitimate Interests"}"#, true),
        Case(#"matches(data.legal_basis_art6, "samtykke")"#, false),
        Case(#"matches("abc", "(")"#, false),
        Case(#"matches("abc", "^b")"#, false),
        Case(#"matches("abc", "b")"#, true),
    ]

    @Test(arguments: functions)
    func standardFunctions(_ c: Case) throws {
        #expect(try Self.holds(c.expression, c.members) == c.expected)
    }

    @Test func theStandardRegistryHasTheDocumentedFunctions() {
        #expect(
            Set(FunctionRegistry.standard.functions.keys) == [
                "size", "count", "intersects", "date", "days_between", "coalesce", "normalise", "matches",
            ]
        )
        #expect(FunctionRegistry.standard["days_between"]?.signature == "days_between(date, date) -> int|null")
        #expect(FunctionRegistry.standard["nope"] == nil)
    }

    static let namesAndParameters: [Case] = [
        Case("substantive", #""data": {"personal_data": true, "personal_data_scope": "substantive"}"#, true),
        Case(
            "substantive",
            #""data": {"personal_data": true, "personal_data_scope": "user_account_metadata_only"}"#,
            false
        ),
        Case(
            "vulnerable",
            #""data": {"personal_data": true, "personal_data_scope": "substantive", "data_subjects": ["pupils"]}"#,
            true
        ),
        Case(
            "vulnerable",
            #""data": {"personal_data": false, "personal_data_scope": "substantive", "data_subjects": ["pupils"]}"#,
            false
        ),
        Case(
            "nested",
            #""data": {"personal_data": true, "personal_data_scope": "substantive", "data_subjects": ["patients"]}"#,
            true
        ),
        Case("nested", #""ai": {"profiling": true}"#, true),
        Case("nested", "", false),
        Case(#""children" in vulnerable_subjects"#, true),
        Case("tool.users_count >= params.threshold", #""tool": {"users_count": 5}"#, true),
        Case("tool.users_count >= params.threshold", #""tool": {"users_count": 4}"#, false),
        Case("params.strict", true),
        Case(#"params.label == "x""#, true),
    ]

    @Test(arguments: namesAndParameters)
    func definitionsAndParameters(_ c: Case) throws {
        #expect(try Self.holds(c.expression, c.members) == c.expected)
    }

    @Test func aParameterOverrideChangesTheOutcome() throws {
        let yaml = packHeader + Self.prelude + ruleYAML("R", when: "tool.users_count >= params.threshold")
        let request = requestJSON(#""tool": {"users_count": 6}"#)
        let byDefault = try compile(yaml)
        #expect(try evaluate(byDefault, request).verdict == .rejected)
        let overridden = try compile(
            yaml,
            overrides: ["threshold": Located(.int(7), at: SourceLocation(file: "c.yaml", line: 3, column: 20))]
        )
        #expect(try evaluate(overridden, request).verdict == .approved)
        #expect(overridden.parameter("threshold") == .int(7))
        #expect(byDefault.parameter("threshold") == .int(5))
        #expect(overridden.parameter("nope") == nil)
    }

    /// Rules may write `and`, `or` and `not` as words, but the words stay reserved.
    @Test func keywordsCannotBeUsedAsValues() {
        for expression in ["and", "or && true", "in", "true && not"] {
            let (pack, diagnostics) = check(packHeader + "rules:\n" + ruleYAML("R", when: expression))
            #expect(pack == nil, "\(expression)")
            #expect(diagnostics.map(\.code) == [.syntax], "\(expression): \(diagnostics)")
        }
    }

    @Test func aTrailingCommaInACallIsASyntaxError() {
        let (pack, diagnostics) = check(packHeader + "rules:\n" + ruleYAML("R", when: "count(true,) == 1"))
        #expect(pack == nil)
        #expect(diagnostics.map(\.code) == [.syntax])
        #expect(diagnostics.first?.message == "unexpected ')'")
    }

    @Test(arguments: ["size([, 1]) == 1", "count(, true) == 1"])
    func aCommaBeforeTheFirstElementIsASyntaxError(expression: String) {
        let (pack, diagnostics) = check(packHeader + "rules:\n" + ruleYAML("R", when: expression))
        #expect(pack == nil, "\(expression) must not compile")
        #expect(diagnostics.map(\.code) == [.syntax])
    }

    @Test(arguments: [
        "tool.users_count + 1 == 4", "tool.users_count == -1", "tool.users_count = 3", "true & false", "true | false",
    ])
    func thereIsNoArithmeticNegativeNumberOrSingleCharacterOperator(expression: String) {
        let (pack, diagnostics) = check(packHeader + "rules:\n" + ruleYAML("R", when: expression))
        #expect(pack == nil)
        #expect(diagnostics.map(\.code) == [.syntax], "\(expression)")
    }

    @Test func chainedComparisonsAreRejected() {
        let (_, diagnostics) = check(packHeader + "rules:\n" + ruleYAML("R", when: "1 < 2 < 3"))
        #expect(diagnostics.map(\.code) == [.syntax])
        #expect(diagnostics.first?.message == "comparisons cannot be chained; combine them with '&&' and parentheses")
    }

    @Test func anEnumLabelMisspelledInsideIntersectsIsReported() {
        let (pack, diagnostics) = check(
            packHeader + "rules:\n" + ruleYAML("R", when: #"intersects(data.data_subjects, ["childrn", "pupils"])"#)
        )
        #expect(pack == nil)
        #expect(diagnostics.map(\.code) == [.unknownEnumValue])
    }

    /// The ASCII fast path of `normalise` says what the general one says (the oracle), for random ASCII text.
    @Test func normaliseOfASCIIAgreesWithTheUnicodePath() {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("aZ09 _-.()/§,;:'\"\t\nQxyz5".unicodeScalars.filter(\.isASCII))
        for _ in 0..<3_000 {
            let text = String(String.UnicodeScalarView((0..<Int.random(in: 0...24, using: &generator)).map { _ in
                alphabet.randomElement(using: &generator)!
            }))
            #expect(TextNormalisation.normalise(text) == TextNormalisation.normaliseUnicode(text), "\(text.debugDescription)")
        }
        for text in ["", "___", "A", "Art. 6(1)(f)", "  x  ", "6, stk. 1, litra e", "\u{7F}ab", "ab\u{0}cd"] {
            #expect(TextNormalisation.normalise(text) == TextNormalisation.normaliseUnicode(text), "\(text.debugDescription)")
        }
    }
}
