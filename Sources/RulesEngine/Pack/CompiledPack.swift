/// The type of a pack output.
public enum OutputType: Sendable {
    case bool, int, number, string
    /// Ordered from lowest to highest.
    case enumeration([String])
    case list
}

/// How the values several fired rules set for one output combine.
public enum MergePolicy: String, Sendable, CaseIterable {
    case any, all, max, min, union, first
}

struct CompiledOutput: Sendable {
    var name: String
    var type: OutputType
    var merge: MergePolicy
    var defaultValue: Value
    /// Set when the output is computed from the request rather than set by rules.
    var computed: Node?
    var includeWhen: [(label: String, condition: Node)]?
}

/// A field or parameter a rule reads, reported as evidence when it fires.
struct EvidenceSource: Sendable {
    var name: String
    /// `nil` for a parameter, whose value is `constant`.
    var path: [Int]?
    /// The schema of the field, to render its value.
    var node: SchemaNode?
    var constant: JSONValue
}

struct CompiledRule: Sendable {
    let id: String
    let title: Bilingual
    var when: Node
    let verdict: Verdict
    var sets: [(output: Int, value: Value)]
    let citations: [String]
    let rationale: Bilingual
    let conditions: [Condition]
    var evidence: [EvidenceSource]
    /// The members of this rule's findings that never change (the `let`s above, its conditions, and their JSON
    /// rendered once): shared by every finding of the rule.
    let findingText: Finding.Text

    init(
        id: String, title: Bilingual, when: Node, verdict: Verdict, sets: [(output: Int, value: Value)], citations: [String],
        rationale: Bilingual, conditions: [Condition], evidence: [EvidenceSource]
    ) {
        self.id = id
        self.title = title
        self.when = when
        self.verdict = verdict
        self.sets = sets
        self.citations = citations
        self.rationale = rationale
        self.conditions = conditions
        self.evidence = evidence
        findingText = Finding.Text(
            rule: id, title: title, verdict: verdict, citations: citations, rationale: rationale, conditions: conditions,
            head: FindingHead(rule: id, title: title, verdict: verdict, citations: citations, rationale: rationale))
    }
}

/// A checked, compiled rule pack. Build one with ``PackCompiler``; evaluate with ``evaluate(_:)``.
/// Immutable and `Sendable`: compile once, share across threads. A class, so that a verdict's trace, a sort's
/// closure or a worker holding the pack shares it with one reference count instead of copying twenty.
public final class CompiledPack: Sendable {
    public let id: String
    public let version: String
    public let title: Bilingual
    public let legalBasis: String
    /// `sha256:<hex>` of the pack's files; set by whoever read them.
    public let digest: String
    public let schema: SchemaNode
    /// The effective parameter values (defaults with overrides applied), in declaration order.
    public let parameters: [(name: String, value: JSONValue)]
    /// Rule ids in file order.
    public var ruleIDs: [String] { rules.map(\.id) }
    /// Warnings found while compiling (errors prevent compilation).
    public let warnings: [RuleDiagnostic]

    let definitions: [Node]
    let variableCount: Int
    let outputs: [CompiledOutput]
    let rules: [CompiledRule]
    let screeningDatePath: [Int]?
    /// The duties the requester can meet, shared by every pack that reads the same `duties.yaml`.
    let duties: [CompiledDuty]
    /// Every request field some rule reads (directly or through definitions): a duty outside it cannot change
    /// this pack's verdict.
    let ruleReads: Set<[Int]>
    /// Per duty: whether ``ruleReads`` holds its field (asked for every duty set of every next steps).
    let dutyIsRead: [Bool]
    /// Which definitions and rules read which fields (for re-evaluating only what a change touches).
    let reads: ReadIndex
    /// The definitions and rule conditions as instructions over small integers (``TruthProgram``).
    let program: TruthProgram
    public var dutyFields: [String] { duties.map(\.duty.field) }

    init(
        id: String, version: String, title: Bilingual, legalBasis: String, digest: String, schema: SchemaNode,
        parameters: [(name: String, value: JSONValue)], warnings: [RuleDiagnostic], definitions: [Node],
        variableCount: Int, outputs: [CompiledOutput], rules: [CompiledRule], duties: [CompiledDuty] = []
    ) {
        self.duties = duties
        let ruleReads = Set(rules.flatMap { $0.evidence.compactMap(\.path) })
        self.ruleReads = ruleReads
        dutyIsRead = duties.map { ruleReads.contains($0.path) }
        reads = ReadIndex(definitions: definitions, rules: rules.map(\.when), dutyPaths: duties.map(\.path))
        self.id = id
        self.version = version
        self.title = title
        self.legalBasis = legalBasis
        self.digest = digest
        self.schema = schema
        self.parameters = parameters
        self.warnings = warnings
        // Evaluated in their specialized form (``Node/specialized``); evidence and reads see through it.
        self.definitions = definitions.map(\.specialized)
        self.variableCount = variableCount
        self.outputs = outputs.map { output in
            var output = output
            output.computed = output.computed?.specialized
            output.includeWhen = output.includeWhen?.map { ($0.label, $0.condition.specialized) }
            return output
        }
        self.rules = rules.map { rule in
            var rule = rule
            rule.when = rule.when.specialized
            return rule
        }
        program = TruthProgram(definitions: self.definitions, rules: self.rules.map(\.when), schema: schema)
        if case .object(let shape) = schema.kind, let i = shape.property(named: "screening_date") {
            screeningDatePath = [i]
        } else {
            screeningDatePath = nil
        }
    }
}
