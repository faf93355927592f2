internal import Yams
public import RulesEngine
internal import Foundation

/// One test case from `rules/<pack>/tests/*.yaml`.
public struct PackTestCase: Sendable {
    public var name: String
    public var location: SourceLocation
    /// The full request JSON: built-in base, the file's `base`, then the case's `input`.
    public var request: JSONValue
    public var verdict: Verdict?
    public var outputs: [(String, JSONValue, SourceLocation)]
    public var fires: [Located<String>]
    public var notFires: [Located<String>]
}

/// The result of one case: failures are human-readable lines (expected vs actual).
public struct PackTestResult: Sendable {
    public var testCase: PackTestCase
    public var failures: [String]
    public var fired: [String]
    public var passed: Bool { failures.isEmpty }
}

/// All results for one pack, plus the rules no case fires.
public struct PackTestReport: Sendable {
    public var pack: String
    public var directory: String
    public var results: [PackTestResult]
    /// Problems in the test files themselves (or in the pack, when it did not compile).
    public var diagnostics: [RuleDiagnostic]
    public var uncoveredRules: [String]
    public var ruleCount: Int

    public var failed: [PackTestResult] { results.filter { !$0.passed } }
    public var succeeded: Bool { diagnostics.allSatisfy { $0.severity != .error } && failed.isEmpty }
}

/// Runs a pack's YAML test cases — the same runner behind `aiscreen pack test` and the Swift test suite.
public struct PackTestRunner: Sendable {
    public var loader: PackLoader
    /// The screening date cases use unless they set one.
    public var defaultScreeningDate = "2026-11-27"

    public init(loader: PackLoader = PackLoader()) {
        self.loader = loader
    }

    public func run(directory: String) -> PackTestReport {
        let loaded = loader.load(directory: directory)
        guard let pack = loaded.pack else {
            return PackTestReport(pack: directory, directory: directory, results: [], diagnostics: loaded.errors, uncoveredRules: [], ruleCount: 0)
        }
        var report = PackTestReport(pack: pack.id, directory: directory, results: [], diagnostics: [], uncoveredRules: [], ruleCount: pack.ruleIDs.count)
        let (testsLocation, files) = Self.caseFiles(of: directory)
        if files.isEmpty {
            report.diagnostics.append(RuleDiagnostic(.error, .missingField, "the pack has no test cases (tests/*.yaml)", at: SourceLocation(file: testsLocation, line: 1, column: 1)))
        }
        var fired = Set<String>()
        for (path, read) in files {
            guard let text = read else {
                report.diagnostics.append(RuleDiagnostic(.error, .missingField, "cannot read the file", at: SourceLocation(file: path, line: 1, column: 1)))
                continue
            }
            var source = YAMLSource(file: path, text: text)
            let (cases, overrides) = readCases(&source, pack: pack)
            report.diagnostics += source.diagnostics
            var filePack = pack
            if !overrides.isEmpty {
                var overridden = loader
                overridden.overrides[pack.id] = (loader.overrides[pack.id] ?? [:]).merging(overrides) { _, new in new }
                let reloaded = overridden.load(directory: directory)
                guard let p = reloaded.pack else {
                    report.diagnostics += reloaded.errors
                    continue
                }
                filePack = p
            }
            let decoder = RequestDecoder(schema: filePack.schema)
            for testCase in cases {
                let result = run(testCase, pack: filePack, decoder: decoder)
                fired.formUnion(result.fired)
                report.results.append(result)
            }
        }
        report.uncoveredRules = pack.ruleIDs.filter { !fired.contains($0) }
        return report
    }

    /// The test case files of a pack folder (`tests/*.yaml`) or of a bundle (its `tests/` files, named
    /// `FILE.aispack:tests/NAME`): where they are, and each file's path and text (nil: unreadable).
    static func caseFiles(of directory: String) -> (location: String, files: [(path: String, text: String?)]) {
        if directory.hasSuffix(PackBundle.fileExtension) {
            let bundle = FileManager.default.contents(atPath: directory).flatMap { try? PackBundle(decoding: Array($0), file: directory) }
            return (directory, (bundle?.tests ?? []).map { ("\(directory):\($0.path)", String(bytes: $0.bytes, encoding: .utf8)) })
        }
        let testsDirectory = directory + "/tests"
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: testsDirectory)) ?? [])
            .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted()
        return (testsDirectory, names.map { name in
            let path = testsDirectory + "/" + name
            return (path, try? String(contentsOfFile: path, encoding: .utf8))
        })
    }

    func run(_ testCase: PackTestCase, pack: CompiledPack, decoder: RequestDecoder) -> PackTestResult {
        let request: Request
        do {
            request = try decoder.decode(testCase.request)
        } catch {
            return PackTestResult(testCase: testCase, failures: error.errors.map { "input is not a valid request: \($0)" }, fired: [])
        }
        let verdict = pack.evaluate(request)
        let fired = verdict.findings.map(\.rule)
        var failures: [String] = []
        if let expected = testCase.verdict, expected != verdict.verdict {
            failures.append("verdict: expected \(expected), got \(verdict.verdict)")
        }
        for (name, expected, _) in testCase.outputs {
            guard let actual = verdict.output(name) else {
                failures.append("outputs.\(name): the pack has no such output")
                continue
            }
            if !Self.matches(expected, actual) {
                failures.append("outputs.\(name): expected \(JSONWriter.string(expected)), got \(JSONWriter.string(actual))")
            }
        }
        for rule in testCase.fires where !fired.contains(rule.value) {
            failures.append(pack.ruleIDs.contains(rule.value) ? "fires: \(rule.value) did not fire" : "fires: the pack has no rule \(rule.value)")
        }
        for rule in testCase.notFires where fired.contains(rule.value) || !pack.ruleIDs.contains(rule.value) {
            failures.append(pack.ruleIDs.contains(rule.value) ? "not_fires: \(rule.value) fired" : "not_fires: the pack has no rule \(rule.value)")
        }
        if !failures.isEmpty { failures.append("fired: \(fired.isEmpty ? "(none)" : fired.joined(separator: ", "))") }
        return PackTestResult(testCase: testCase, failures: failures, fired: fired)
    }

    /// Lists compare as sets (order is not part of the contract); everything else exactly.
    static func matches(_ expected: JSONValue, _ actual: JSONValue) -> Bool {
        if case .array(let a) = expected, case .array(let b) = actual {
            return a.count == b.count && a.allSatisfy { b.contains($0) }
        }
        return expected == actual
    }

    private func readCases(_ source: inout YAMLSource, pack: CompiledPack) -> ([PackTestCase], [String: Located<JSONValue>]) {
        guard let root = source.root(),
            let members = source.mapping(root, what: "a test file", allowed: ["base", "parameters", "cases"])
        else { return ([], [:]) }
        var builtIn: [(String, JSONValue)] = []
        if case .object(let shape) = pack.schema.kind {
            if shape.property(named: "schema_version") != nil { builtIn.append(("schema_version", .string("1.0"))) }
            if shape.property(named: "screening_date") != nil { builtIn.append(("screening_date", .string(defaultScreeningDate))) }
        }
        var base = JSONValue.object(builtIn)
        var overrides: [String: Located<JSONValue>] = [:]
        var caseNodes: [Node] = []
        for (key, value) in members {
            switch key.value {
            case "base": base = base.merging(source.json(value))
            case "parameters":
                for (name, v) in source.mapping(value, what: "parameters") ?? [] {
                    overrides[name.value] = Located(source.json(v), at: source.location(v))
                }
            default: caseNodes = source.sequence(value, what: "cases") ?? []
            }
        }
        let fileName = (source.file as NSString).lastPathComponent
        var cases: [PackTestCase] = []
        for (index, node) in caseNodes.enumerated() {
            guard let fields = source.mapping(node, what: "a case", allowed: ["name", "note", "input", "expect"]) else { continue }
            var testCase = PackTestCase(name: "case \(index + 1)", location: source.location(node), request: base, verdict: nil, outputs: [], fires: [], notFires: [])
            var input = JSONValue.object([])
            var hasExpect = false
            for (key, value) in fields {
                switch key.value {
                case "name", "note": testCase.name = source.string(value, what: "name")?.value ?? testCase.name
                case "input": input = source.json(value)
                default:
                    hasExpect = true
                    readExpectation(value, into: &testCase, &source)
                }
            }
            if !hasExpect {
                source.error(.missingField, "the case has no 'expect'", at: testCase.location)
            }
            var request = base
            if case .object(let shape) = pack.schema.kind, shape.property(named: "request_id") != nil {
                request = request.merging(.object([("request_id", .string("\(fileName)#\(index + 1)"))]))
            }
            testCase.request = request.merging(input)
            cases.append(testCase)
        }
        return (cases, overrides)
    }

    private func readExpectation(_ node: Node, into testCase: inout PackTestCase, _ source: inout YAMLSource) {
        guard let fields = source.mapping(node, what: "expect", allowed: ["verdict", "outputs", "fires", "not_fires"]) else { return }
        for (key, value) in fields {
            switch key.value {
            case "verdict":
                if let text = source.string(value, what: "verdict") {
                    if let verdict = Verdict(text.value) { testCase.verdict = verdict } else {
                        source.error(.invalidValue, "'\(text.value)' is not a verdict", at: text.location)
                    }
                }
            case "outputs":
                testCase.outputs = (source.mapping(value, what: "outputs") ?? []).map { ($0.key.value, source.json($0.value), $0.key.location) }
            case "fires": testCase.fires = source.strings(value, what: "fires")
            default: testCase.notFires = source.strings(value, what: "not_fires")
            }
        }
    }
}
