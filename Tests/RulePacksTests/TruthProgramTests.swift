import Foundation
import Testing

@testable import RulePacks
@testable import RulesEngine

/// The instructions of ``TruthProgram`` answer every definition and rule exactly as the expression nodes do
/// (``CompiledPack/fireNodes(_:)``, the oracle), on the bundled packs, the engine benchmark's pack and test packs
/// with each covered test, over examples and generated corpora.
struct TruthProgramTests {
    static let bundled: [CompiledPack] = {
        let loader = PackLoader()
        return BundledPacks.names.compactMap { loader.load(directory: BundledPacks.directory($0)).pack }
    }()

    static let benchPack: CompiledPack? = PackLoader().load(directory: Repository.path("bench/engines/euaiact")).pack

    /// Both ways of firing agree on the rules, the verdict and every definition's value.
    static func expectSameAnswers(_ pack: CompiledPack, _ root: Value, _ name: String) {
        let program = pack.fire(root)
        let nodes = pack.fireNodes(root)
        #expect(program.fired == nodes.fired, "\(pack.id) \(name): fired rules")
        #expect(program.verdict == nodes.verdict, "\(pack.id) \(name): verdict")
        #expect(program.evaluator.definitions == nodes.evaluator.definitions, "\(pack.id) \(name): definitions")
    }

    static func corpus(_ schema: SchemaNode, seed: UInt64, count: Int) throws -> [Value] {
        let decoder = RequestDecoder(schema: schema)
        var generator = CorpusGenerator(seed: seed)
        return try (0..<count).map { try decoder.decode(json: JSONWriter.string(generator.request(schema, index: $0))).root }
    }

    @Test func bundledPacksAnswerAsTheNodesDoOnExamplesAndACorpus() throws {
        #expect(Self.bundled.count == BundledPacks.names.count)
        let schema = try #require(Self.bundled.first?.schema)
        let decoder = RequestDecoder(schema: schema)
        var roots: [(String, Value)] = []
        for folder in ["examples/requests", "examples/v1.1", "examples/minimal"] {
            let names = try FileManager.default.contentsOfDirectory(atPath: Repository.path(folder)).filter { $0.hasSuffix(".json") }
            for name in names.sorted() { roots.append((name, try decoder.decode(json: try Repository.text(folder + "/" + name)).root)) }
        }
        for (i, root) in try Self.corpus(schema, seed: 7, count: 400).enumerated() { roots.append(("corpus #\(i)", root)) }
        var fired = 0
        for pack in Self.bundled {
            #expect(pack.program.ruleRoots.count == pack.rules.count)
            for (name, root) in roots {
                #expect(pack.program.codes(root) != nil, "\(pack.id) \(name): a validated request is in every vocabulary")
                Self.expectSameAnswers(pack, root, name)
                fired += pack.fire(root).fired.count
            }
        }
        #expect(fired > 1_000)
    }

    @Test func theBenchmarkPackRunsAsInstructionsAndAnswersAsTheNodesDo() throws {
        let pack = try #require(Self.benchPack)
        // Every condition of this pack is a covered test except `size(derogation_claims) > 0`.
        #expect(pack.program.leaves.count == 1, "\(pack.program.leaves)")
        var fired = Set<Int>()
        for (i, root) in try Self.corpus(pack.schema, seed: 11, count: 2_000).enumerated() {
            Self.expectSameAnswers(pack, root, "corpus #\(i)")
            fired.formUnion(pack.fire(root).fired)
        }
        #expect(fired.count > 20, "the corpus fires most rules")
    }

    /// A test pack with each covered form, nulls, and a form the instructions leave to the nodes, over every
    /// combination of its fields' values.
    @Test func eachFormAnswersAsTheNodesDoOnEveryCombination() throws {
        let pack = try compile(packHeader + """
            definitions:
              is_a: kind == "a"
              not_b: kind != "b"
              one_of: kind in ["a", "c"]
              flagged: flag == true
              flag_false: flag == false
              flag_unknown: flag == null
              has_x: '"x" in tags'
              some_yz: tags.exists(t, t in ["y", "z"])
              some_z: tags.exists(t, t == "z")
              mixed: (is_a || on) && !has_x && n > 1
            rules:
            \(rule("r1", "is_a && not_b"))
            \(rule("r2", "!one_of || flag_unknown"))
            \(rule("r3", "flagged || flag_false && has_x"))
            \(rule("r4", "some_yz && !some_z"))
            \(rule("r5", "mixed"))
            \(rule("r6", "kind == null || tags.exists(t, t == \"x\") || !on"))
            """, schema: Self.testSchema)
        #expect(pack.program.leaves.count == 1, "only `n > 1` is left to the nodes: \(pack.program.leaves)")
        let kinds: [Value] = [.string("a"), .string("b"), .string("c"), .null]
        let flags: [Value] = [.bool(true), .bool(false), .null]
        let tagLists: [Value] = [.null, .list([]), .list([.string("x")]), .list([.string("y"), .string("z")]), .list([.string("z"), .string("x")]), .list([.string("y")])]
        var combinations = 0
        var firedRules = Set<Int>()
        for kind in kinds {
            for flag in flags {
                for tags in tagLists {
                    for on in [Value.bool(true), .bool(false)] {
                        for n in [Value.int(0), .int(5)] {
                            let root = Value.object([kind, flag, tags, on, n])
                            #expect(pack.program.codes(root) != nil)
                            Self.expectSameAnswers(pack, root, "\(root)")
                            firedRules.formUnion(pack.fire(root).fired)
                            combinations += 1
                        }
                    }
                }
            }
        }
        #expect(combinations == 288)
        #expect(firedRules.count == 6)
    }

    /// Constants outside a field's vocabulary (parameters can hold them) never equal its value, and a value
    /// outside its vocabulary (which validation never lets through) leaves the request to the nodes.
    @Test func valuesOutsideTheVocabularyAnswerAsTheNodesDo() throws {
        let conditions: [Node] = [
            .fieldIs([0], .string("q")), .fieldIsNot([0], .string("q")), .fieldIn([0], [.string("q"), .null]),
            .fieldHas([2], .string("q")), .fieldIs([1], .string("yes")), .fieldIsNot([1], .int(1)),
            .equal(.field([0]), .constant(.null)), .notEqual(.constant(.null), .field([1])),
            .exists(list: .field([2]), slot: 0, predicate: .contains(list: .constant(.list([.string("q"), .string("y")])), element: .variable(0))),
        ]
        let program = TruthProgram(definitions: [], rules: conditions, schema: Self.testSchema)
        #expect(program.leaves.isEmpty)
        let inside: [Value] = [
            .object([.string("a"), .bool(true), .list([.string("y")]), .bool(true), .int(0)]),
            .object([.null, .null, .null, .bool(false), .int(0)]),
        ]
        for root in inside {
            let codes = try #require(program.codes(root))
            var evaluator = Evaluator(root: root, definitionCount: 0, variableCount: 1)
            var oracle = Evaluator(root: root, definitionCount: 0, variableCount: 1)
            program.ops.withUnsafeBufferPointer { ops in
                codes.withUnsafeBufferPointer { codes in
                    for (i, node) in conditions.enumerated() {
                        #expect(program.truth(program.ruleRoots[i], codes: codes, ops: ops, evaluator: &evaluator) == oracle.truth(node), "\(node) on \(root)")
                    }
                }
            }
        }
        #expect(program.codes(.object([.string("q"), .null, .null, .bool(true), .int(0)])) == nil)
        #expect(program.codes(.object([.string("a"), .null, .list([.string("q")]), .bool(true), .int(0)])) == nil)
    }

    static let testSchema: SchemaNode = {
        do {
            return try SchemaLoader.load(json: """
                {"type": "object", "properties": {
                  "kind": {"type": ["string", "null"], "enum": ["a", "b", "c", null]},
                  "flag": {"type": ["boolean", "null"]},
                  "tags": {"type": ["array", "null"], "items": {"type": "string", "enum": ["x", "y", "z"]}},
                  "on": {"type": "boolean"},
                  "n": {"type": "integer"}
                }, "required": ["kind", "flag", "tags", "on", "n"], "additionalProperties": false}
                """)
        } catch {
            preconditionFailure("\(error)")
        }
    }()

    private func rule(_ id: String, _ condition: String) -> String {
        "  - {id: \(id), title: {da: R, en: R}, when: '\(condition)', verdict: needs-review, citations: [\"Test Art. 1\"], rationale: {da: R, en: R}}"
    }
}
