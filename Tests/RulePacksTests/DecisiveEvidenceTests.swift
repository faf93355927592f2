import Foundation
import Testing

@testable import RulePacks
@testable import RulesEngine

/// A finding's evidence is exactly the facts that decided its condition, checked by brute force on every bundled
/// pack with the examples and a generated corpus:
/// - **sufficient**: changing any fact the rule reads that is not in the evidence (one at a time, and all of them
///   at once) never stops the rule from firing;
/// - **relevant**: for every fact in the evidence there is a change of it — alone, together with one change of
///   another fact the rule reads, or (searched with a seeded generator, for conditions such as `a || b || c`
///   where more must change) together with several — that stops the rule from firing.
struct DecisiveEvidenceTests {
    static let packs: [CompiledPack] = {
        let loader = PackLoader()
        return BundledPacks.names.compactMap { loader.load(directory: BundledPacks.directory($0)).pack }
    }()

    static func requests(generated: Int) throws -> [(String, Request)] {
        let schema = try #require(packs.first?.schema)
        let decoder = RequestDecoder(schema: schema)
        var out: [(String, Request)] = []
        for folder in ["examples/requests", "examples/v1.1", "examples/minimal"] {
            let names = try FileManager.default.contentsOfDirectory(atPath: Repository.path(folder)).filter { $0.hasSuffix(".json") }.sorted()
            for name in names { out.append((folder + "/" + name, try decoder.decode(json: try Repository.text(folder + "/" + name)))) }
        }
        var generator = CorpusGenerator(seed: 42)
        for i in 0..<generated {
            out.append(("corpus #\(i)", try decoder.decode(json: JSONWriter.string(generator.request(schema, index: i)))))
        }
        return out
    }

    @Test func evidenceIsSufficientAndRelevantOnExamplesAndACorpus() throws {
        #expect(Self.packs.count == BundledPacks.names.count)
        var checkedFindings = 0
        var checkedFacts = 0
        for (name, request) in try Self.requests(generated: 120) {
            for pack in Self.packs {
                let verdict = pack.evaluate(request)
                for finding in verdict.findings {
                    guard case .deferred(let trace, let index) = finding.storedEvidence else {
                        Issue.record("\(name): \(finding.rule) has no trace")
                        continue
                    }
                    let facts = trace.decisiveFacts(rule: index)
                    let check = FindingCheck(pack: pack, rule: index, root: request.root, facts: facts)
                    for problem in check.problems() { Issue.record("\(name) \(pack.id) \(finding.rule): \(problem)") }
                    checkedFindings += 1
                    checkedFacts += facts.items.count
                }
            }
        }
        #expect(checkedFindings > 500)
        #expect(checkedFacts > checkedFindings)
    }

    /// The check can fail: it rejects evidence that lists every field a rule reads (the old evidence) and evidence
    /// that lists nothing.
    @Test func theCheckRejectsEvidenceThatIsTooBroadOrEmpty() throws {
        var tooBroad = 0
        var empty = 0
        for (_, request) in try Self.requests(generated: 0) {
            for pack in Self.packs {
                for finding in pack.evaluate(request).findings {
                    guard case .deferred(_, let index) = finding.storedEvidence else { continue }
                    var everything = Facts()
                    for source in pack.rules[index].evidence { if let path = source.path { everything.add(.field(path), .whole) } }
                    tooBroad += FindingCheck(pack: pack, rule: index, root: request.root, facts: everything).problems().isEmpty ? 0 : 1
                    empty += FindingCheck(pack: pack, rule: index, root: request.root, facts: Facts()).problems().isEmpty ? 0 : 1
                }
            }
        }
        #expect(tooBroad > 20)
        #expect(empty > 100)
    }

    /// A hand-made pack with each connective, checked against the evidence the README promises.
    @Test func connectivesKeepOnlyTheDecidingSide() throws {
        let yaml = packHeader + """
            parameters:
              banned: {type: list, default: ["ethnicity", "religion"], description: x}
            definitions:
              either: data.large_scale || data.location_data
              two: count(data.large_scale, data.location_data, data.combines_datasets, data.cpr_numbers) >= 2
            rules:
            \(ruleYAML("OR", when: "either"))
            \(ruleYAML("AND", when: "data.large_scale && data.personal_data"))
            \(ruleYAML("EXISTS", when: "data.data_subjects.exists(s, s in [\"children\", \"pupils\"])"))
            \(ruleYAML("IN", when: "ai.biometrics.categorised_attributes.exists(a, normalise(a) in params.banned)"))
            \(ruleYAML("COUNT", when: "two"))
            \(ruleYAML("NOTAND", when: "!(data.dpia_completed && data.ropa_updated)"))
            """
        let pack = try PackCompiler().compile(try parsed(yaml), schema: Repository.requestSchema)
        let request = try RequestDecoder(schema: Repository.requestSchema).decode(json: """
            {"schema_version": "1.0", "request_id": "r", "screening_date": "2026-11-27",
             "data": {"personal_data": true, "large_scale": true, "location_data": true, "combines_datasets": false,
                      "cpr_numbers": true, "data_subjects": ["employees", "children", "citizens", "pupils"],
                      "dpia_completed": false, "ropa_updated": false},
             "ai": {"biometrics": {"categorisation_sensitive_attributes": true, "categorised_attributes": ["age", "Religion", "mood"]}}}
            """)
        let evidence = Dictionary(uniqueKeysWithValues: pack.evaluate(request).findings.map { ($0.rule, $0.evidence) })
        func names(_ rule: String) -> [String] { evidence[rule]?.map(\.0) ?? ["(did not fire)"] }
        func value(_ rule: String, _ name: String) -> JSONValue? { evidence[rule]?.first(where: { $0.0 == name })?.1 }
        #expect(names("OR") == ["data.large_scale"])
        #expect(names("AND") == ["data.large_scale", "data.personal_data"])
        #expect(names("EXISTS") == ["data.data_subjects"])
        #expect(value("EXISTS", "data.data_subjects") == .array([.string("children"), .string("pupils"), .string("… [2 more, 4 in all]")]))
        #expect(names("IN") == ["ai.biometrics.categorised_attributes", "params.banned"])
        #expect(value("IN", "ai.biometrics.categorised_attributes") == .array([.string("Religion"), .string("… [2 more, 3 in all]")]))
        #expect(value("IN", "params.banned") == .array([.string("religion"), .string("… [1 more, 2 in all]")]))
        #expect(names("COUNT") == ["data.large_scale", "data.location_data", "data.cpr_numbers"])
        #expect(names("NOTAND") == ["data.dpia_completed"])
    }

    @Test func longStringsAreCutAtAScalarBoundaryWithTheirLength() {
        let text = String(repeating: "æ", count: 200)  // 400 bytes
        let cut = EvidenceCap.cut(text)
        #expect(cut == String(repeating: "æ", count: 128) + "… [400 bytes in all]")
        #expect(EvidenceCap.cut("short") == "short")
        let exactly = String(repeating: "a", count: EvidenceCap.maxStringBytes)
        #expect(EvidenceCap.cut(exactly) == exactly)
        let emoji = String(repeating: "a", count: 254) + "😀😀"  // the emoji straddles byte 256
        #expect(EvidenceCap.cut(emoji) == String(repeating: "a", count: 254) + "… [262 bytes in all]")
    }

    @Test func listsShowAtMostEightElementsAndCountTheRest() {
        let long = JSONValue.array((0..<46).map { .string("attribute-\($0)") })
        guard case .array(let shown) = EvidenceCap.value(long) else {
            Issue.record("not a list")
            return
        }
        #expect(shown.count == EvidenceCap.maxListElements + 1)
        #expect(shown.last == .string("… [38 more, 46 in all]"))
        #expect(EvidenceCap.value(.array([.string("a")])) == .array([.string("a")]))
    }

    private func parsed(_ yaml: String) throws -> PackSyntax {
        let (syntax, _, diagnostics) = PackReader.read(yaml: yaml, file: "test.yaml")
        #expect(diagnostics.isEmpty, "\(diagnostics)")
        return syntax
    }
}

/// The brute-force check of one finding.
struct FindingCheck {
    let pack: CompiledPack
    let rule: Int
    let root: Value
    let facts: Facts

    /// A change of one read field: the new root, and whether it touches the decisive part of a fact.
    struct Change {
        var path: [Int]
        var decisive: Bool
        var apply: (Value) -> Value?
    }

    func fires(_ root: Value) -> Bool {
        var evaluator = Evaluator(root: root, definitionCount: pack.definitions.count, variableCount: pack.variableCount)
        for i in pack.definitions.indices { evaluator.definitions[i] = evaluator.evaluate(pack.definitions[i]) }
        return evaluator.truth(pack.rules[rule].when)
    }

    func problems() -> [String] {
        var problems: [String] = []
        guard fires(root) else { return ["the rule does not fire on the request it fired on"] }
        let reads = pack.rules[rule].evidence.compactMap { source in source.path.map { (source.name, $0, source.node) } }
        var changes: [(String, Change)] = []
        for (name, path, node) in reads {
            guard let node else { continue }
            for change in self.changes(path, node) { changes.append((name, change)) }
        }
        // Sufficient: no change outside the evidence stops the rule, one at a time or all together.
        var together = root
        for (name, change) in changes where !change.decisive {
            guard let changed = change.apply(root) else { continue }
            if !fires(changed) { problems.append("changing \(name), which is not in the evidence, stops the rule") }
            if let both = change.apply(together) { together = both }
        }
        if !fires(together) { problems.append("changing every fact outside the evidence at once stops the rule") }
        // Relevant: every decisive fact can stop the rule, alone or with one other change.
        for item in facts.items {
            guard case .field(let path) = item.key else { continue }
            let name = reads.first(where: { $0.1 == path })?.0 ?? "\(path)"
            let own = changes.filter { $0.1.path == path && $0.1.decisive }.map(\.1)
            var found = false
            search: for change in own {
                guard let changed = change.apply(root) else { continue }
                if !fires(changed) {
                    found = true
                    break
                }
                for (_, other) in changes where other.path != path {
                    if let both = other.apply(changed), !fires(both) {
                        found = true
                        break search
                    }
                }
            }
            // Everything else at its emptiest (false, null, []), which switches off the other ways to fire.
            for change in own where !found {
                guard var changed = change.apply(root) else { continue }
                for (_, otherPath, node) in reads where otherPath != path {
                    guard let node else { continue }
                    let empty: Value? =
                        node.nullable ? .null
                        : { if case .boolean = node.kind { return .bool(false) } else if case .array = node.kind { return .list([]) } else { return nil } }()
                    if let empty, let next = Self.setting(changed, otherPath, empty) { changed = next }
                }
                if !fires(changed) { found = true }
            }
            var random = SplitMix(seed: UInt64(rule) &* 7_919 &+ UInt64(path.count))
            for _ in 0..<3_000 where !found {
                guard var changed = own[Int(random.next() % UInt64(max(own.count, 1)))...].first?.apply(root) else { break }
                var byPath: [[Int]: [Change]] = [:]
                for (_, other) in changes where other.path != path { byPath[other.path, default: []].append(other) }
                for (_, options) in byPath.sorted(by: { $0.key.lexicographicallyPrecedes($1.key) }) where random.next() % 2 == 0 {
                    if let next = options[Int(random.next() % UInt64(options.count))].apply(changed) { changed = next }
                }
                if !fires(changed) { found = true }
            }
            if !found { problems.append("\(name) is in the evidence, but no change of it stops the rule") }
        }
        return problems
    }

    private func decisivePart(_ path: [Int]) -> FactPart? {
        for item in facts.items {
            guard case .field(let p) = item.key else { continue }
            // A fact on an enclosing object or on a field inside this one makes this change decisive.
            if p == path { return item.part }
            if p.count < path.count, Array(path.prefix(p.count)) == p { return .whole }
            if p.count > path.count, Array(p.prefix(path.count)) == path { return .whole }
        }
        return nil
    }

    private func changes(_ path: [Int], _ node: SchemaNode) -> [Change] {
        let current = Evaluator.navigate(root, path)
        let part = decisivePart(path)
        func set(_ value: Value, decisive: Bool? = nil) -> Change {
            Change(path: path, decisive: decisive ?? (part != nil)) { Self.setting($0, path, value) }
        }
        var out: [Change] = []
        if node.nullable, !current.isNull { out.append(set(.null)) }
        switch node.kind {
        case .boolean:
            out.append(set(.bool(!current.boolValue)))
        case .string(let values?, _, _, _, _):
            for v in values where .string(v) != current { out.append(set(.string(v))) }
        case .string(_, true, _, _, _):
            if case .date(let d) = current {
                for delta: Int32 in [-800, -30, 30, 800] { out.append(set(.date(Day(daysSinceEpoch: d.daysSinceEpoch + delta)))) }
            } else {
                out.append(set(.date(Day(year: 2027, month: 12, day: 2))))
            }
        case .string:
            for text in ["", "none", "6(1)(e) public task", "6(1)(f)", "art. 9, stk. 2, litra g", "consent", "ethnicity", "other"]
            where .string(text) != current {
                out.append(set(.string(text)))
            }
        case .integer:
            let n: Int64 = if case .int(let i) = current { i } else { 0 }
            for v in [0, n - 1, n + 1, 10_000] where v >= 0 && .int(v) != current { out.append(set(.int(v))) }
        case .number:
            out.append(set(.number(0)))
            out.append(set(.number(10_000)))
        case .array(let items, _, _, _):
            guard case .list(let elements) = current else { break }
            let selected: Set<Int>? = if case .elements(let e)? = part { Set(e) } else { nil }
            if !elements.isEmpty { out.append(set(.list([]), decisive: part != nil && (selected == nil || !selected!.isEmpty))) }
            for i in elements.indices {
                var fewer = elements
                fewer.remove(at: i)
                out.append(set(.list(fewer), decisive: part != nil && (selected == nil || selected!.contains(i))))
            }
            var additions: [Value] = []
            if case .string(let values?, _, _, _, _) = items.kind {
                additions = values.map(Value.string)
            } else if case .string = items.kind {
                additions = ["ethnicity", "age", "other", "religion", "mood"].map(Value.string)
            }
            for value in additions where !elements.contains(value) {
                out.append(set(.list(elements + [value]), decisive: part != nil && selected == nil))
            }
        case .object:
            // A null object can become one (with its fields' defaults); its fields can then change too.
            if current.isNull { out.append(set(Self.empty(node))) }
        }
        return out
    }

    /// An object of `node`'s shape with every field at its default.
    static func empty(_ node: SchemaNode) -> Value {
        if let value = node.defaultValue, !value.isNull { return value }
        switch node.kind {
        case .object(let shape): return .object(shape.nodes.map { $0.defaultValue ?? ($0.nullable ? .null : empty($0)) })
        case .array: return .list([])
        default: return .null
        }
    }

    static func setting(_ value: Value, _ path: [Int], _ new: Value) -> Value? {
        guard let first = path.first else { return new }
        guard case .object(var fields) = value, let child = setting(fields[first], Array(path.dropFirst()), new) else { return nil }
        fields[first] = child
        return .object(fields)
    }
}

/// A small seeded generator for the search.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
