import Foundation
import Testing

@testable import RulePacks
@testable import RulesEngine

struct PackTestRunnerTests {
    static let pack =
        packHeader + """
            parameters:
              threshold: {type: int, default: 5, description: d}
            outputs:
              dpia: {type: bool}
              labels: {type: list}
            rules:
              - id: R1
                title: {da: R1, en: R1}
                when: data.personal_data
                verdict: needs-review
                citations: [x]
                rationale: {da: R, en: R}
                set: {dpia: true, labels: [a, b]}
              - id: R2
                title: {da: R2, en: R2}
                when: ai.profiling
                verdict: rejected
                citations: [x]
                rationale: {da: R, en: R}
              - id: R3
                title: {da: R3, en: R3}
                when: workplace.covert_monitoring
                verdict: rejected
                citations: [x]
                rationale: {da: R, en: R}
              - id: R4
                title: {da: R4, en: R4}
                when: tool.users_count >= params.threshold
                verdict: approved-with-conditions
                citations: [x]
                rationale: {da: R, en: R}

            """

    static let cases = """
        base:
          data: {personal_data: true}
        cases:
          - name: personal data needs review
            input: {}
            expect:
              verdict: needs-review
              outputs: {dpia: true, labels: [b, a]}
              fires: [R1]
              not_fires: [R2, R4]
          - name: every expectation wrong
            input: {ai: {profiling: true}}
            expect:
              verdict: needs-review
              outputs: {dpia: false, nope: 1}
              fires: [R3, R9]
              not_fires: [R2, R8]
          - note: an input that is not a valid request
            input: {data: {personal_data: "yes"}}
            expect: {verdict: approved}
          - input: {data: {personal_data: false}, tool: {users_count: 4}}
            expect: {verdict: approved, fires: [], not_fires: [R1, R4]}

        """

    /// Lays out `rules/p/pack.yaml` and its test files in a repository-like tree and runs them.
    static func run(pack: String = Self.pack, tests: [String: String], runner: PackTestRunner = PackTestRunner()) throws
        -> PackTestReport
    {
        try withTemporaryDirectory { root in
            try root.installRequestSchema()
            try root.write("rules/p/pack.yaml", pack)
            for (name, text) in tests { try root.write("rules/p/tests/" + name, text) }
            return runner.run(directory: root.appendingPathComponent("rules/p").path)
        }
    }

    @Test func passingAndFailingCasesWithExpectedAndActualLines() throws {
        let report = try Self.run(tests: ["cases.yaml": Self.cases])
        #expect(report.pack == "test")
        #expect(report.ruleCount == 4)
        #expect(report.diagnostics.isEmpty, "\(report.diagnostics)")
        #expect(
            report.results.map(\.testCase.name) == [
                "personal data needs review", "every expectation wrong", "an input that is not a valid request",
                "case 4",
            ]
        )
        #expect(report.results.map(\.passed) == [true, false, false, true])
        #expect(report.failed.count == 2)
        #expect(!report.succeeded)
        #expect(report.results[0].failures.isEmpty, "lists compare as sets: \(report.results[0].failures)")
        #expect(
            report.results[1].failures == [
                "verdict: expected needs-review, got rejected",
                "outputs.dpia: expected false, got true",
                "outputs.nope: the pack has no such output",
                "fires: R3 did not fire",
                "fires: the pack has no rule R9",
                "not_fires: R2 fired",
                "not_fires: the pack has no rule R8",
                "fired: R2, R1",
            ]
        )
        #expect(report.results[1].fired == ["R2", "R1"])
        #expect(
            report.results[2].failures == [
                #"input is not a valid request: $.data.personal_data: expected boolean, found string "yes""#
            ]
        )
        #expect(report.results[2].fired.isEmpty)
        #expect(report.results[1].testCase.location.line == 11)
        #expect(report.results[1].testCase.location.file.hasSuffix("rules/p/tests/cases.yaml"))
    }

    @Test func rulesThatNoCaseFiresAreListed() throws {
        let report = try Self.run(tests: ["cases.yaml": Self.cases])
        #expect(report.uncoveredRules == ["R3", "R4"], "a rule fired only by a failing case still counts as covered")
    }

    @Test func casesAreBuiltFromDefaultsTheFileBaseAndTheInput() throws {
        let report = try Self.run(tests: ["cases.yaml": Self.cases])
        let request = try #require(report.results.first?.testCase.request)
        #expect(request["schema_version"] == .string("1.0"))
        #expect(request["screening_date"] == .string("2026-11-27"))
        #expect(request["request_id"] == .string("cases.yaml#1"))
        #expect(request["data"] == .object([("personal_data", .bool(true))]))
        #expect(
            report.results[3].testCase.request["data"] == .object([("personal_data", .bool(false))]),
            "the input overrides the base"
        )
        #expect(report.results[3].testCase.request["tool"] == .object([("users_count", .int(4))]))
    }

    @Test func theDefaultScreeningDateCanBeChangedAndACaseCanSetItsOwn() throws {
        var runner = PackTestRunner()
        runner.defaultScreeningDate = "2027-12-02"
        let tests =
            "cases:\n  - input: {}\n    expect: {verdict: approved}\n  - input: {screening_date: '2026-01-01'}\n    expect: {verdict: approved}\n"
        let report = try Self.run(tests: ["dates.yaml": tests], runner: runner)
        #expect(
            report.results.map { $0.testCase.request["screening_date"] } == [
                .string("2027-12-02"), .string("2026-01-01"),
            ]
        )
    }

    @Test func aTestFileMayOverrideParameters() throws {
        let withOverride = """
            parameters: {threshold: 4}
            cases:
              - name: four users meet the lowered threshold
                input: {tool: {users_count: 4}}
                expect: {verdict: approved-with-conditions, fires: [R4]}

            """
        let without = """
            cases:
              - name: four users stay under the default threshold
                input: {tool: {users_count: 4}}
                expect: {verdict: approved, not_fires: [R4]}

            """
        let report = try Self.run(tests: ["a-override.yaml": withOverride, "b-default.yaml": without])
        #expect(report.diagnostics.isEmpty, "\(report.diagnostics)")
        #expect(report.results.map(\.passed) == [true, true], "\(report.results.map(\.failures))")
        #expect(
            report.results.map(\.testCase.name) == [
                "four users meet the lowered threshold", "four users stay under the default threshold",
            ],
            "files in name order"
        )
        #expect(report.succeeded)
        #expect(report.uncoveredRules == ["R1", "R2", "R3"])
    }

    @Test func aBadParameterOverrideInATestFileIsReportedAndItsCasesSkipped() throws {
        let tests =
            "parameters: {threshold: many, thresold: 3}\ncases:\n  - input: {}\n    expect: {verdict: approved}\n"
        let report = try Self.run(tests: ["bad.yaml": tests])
        #expect(report.results.isEmpty)
        #expect(!report.succeeded)
        let inTestFile = report.diagnostics.filter { $0.location.file.hasSuffix("tests/bad.yaml") }
        #expect(inTestFile.summary == ["1:25 type-mismatch error", "1:41 unknown-parameter error"])
        #expect(report.diagnostics.count == inTestFile.count, "\(report.diagnostics)")
    }

    @Test func problemsInTestFilesAreDiagnostics() throws {
        let tests = """
            cases:
              - name: no expectation
                input: {}
              - name: a verdict that does not exist
                input: {}
                expect: {verdict: approve}
              - name: an unknown key
                inptu: {}
                expect: {verdict: approved}
            extra: 1

            """
        let report = try Self.run(tests: ["broken.yaml": tests])
        #expect(
            Set(report.diagnostics.summary) == [
                "2:5 missing-field error", "6:23 invalid-value error", "8:5 unknown-key error",
                "10:1 unknown-key error",
            ]
        )
        #expect(!report.succeeded)
    }

    @Test func aPackWithoutTestsIsReported() throws {
        let report = try Self.run(tests: [:])
        #expect(report.results.isEmpty)
        #expect(report.diagnostics.map(\.code) == [.missingField])
        #expect(report.diagnostics.first?.message == "the pack has no test cases (tests/*.yaml)")
        #expect(report.uncoveredRules == ["R1", "R2", "R3", "R4"])
        #expect(!report.succeeded)
    }

    @Test func aPackThatDoesNotCompileHasNoResults() throws {
        let report = try Self.run(pack: PackLoaderTests.oneBadPack, tests: ["cases.yaml": Self.cases])
        #expect(report.results.isEmpty)
        #expect(report.ruleCount == 0)
        #expect(report.diagnostics.map(\.code) == [.unknownKey, .unknownField])
        #expect(!report.succeeded)
    }

    @Test func onlyYAMLFilesAreTestFiles() throws {
        let report = try Self.run(tests: [
            "notes.txt": "not yaml: [", "more.yml": "cases:\n  - input: {}\n    expect: {verdict: approved}\n",
        ])
        #expect(report.results.count == 1)
        #expect(report.succeeded)
    }

    @Test func listsCompareAsSetsEverythingElseExactly() {
        #expect(PackTestRunner.matches(.array([.string("a"), .string("b")]), .array([.string("b"), .string("a")])))
        #expect(!PackTestRunner.matches(.array([.string("a")]), .array([.string("a"), .string("b")])))
        #expect(!PackTestRunner.matches(.array([.string("a"), .string("b")]), .array([.string("a")])))
        #expect(PackTestRunner.matches(.int(3), .int(3)))
        #expect(!PackTestRunner.matches(.bool(true), .string("true")))
        #expect(!PackTestRunner.matches(.string("high"), .string("High")))
    }
}
