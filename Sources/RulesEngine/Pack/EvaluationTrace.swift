import Synchronization

/// What one evaluation of a pack leaves behind for the parts of its verdict that are worked out only when read
/// (a finding's decisive evidence, the pack's next steps): the pack, the request and the definitions' values.
/// One allocation per evaluation, shared by its findings.
final class EvaluationTrace: Sendable {
    let pack: CompiledPack
    let root: Value
    let definitions: [Value]
    /// The rules that fired, in pack order.
    let fired: [Int]
    /// The next steps once worked out: a combined result and its rendering both read them.
    private let nextStepsCache = Mutex<PackNextSteps?>(nil)
    /// The facts that decided each definition, as far as the evidence read so far needed them.
    private let definitionFacts = Mutex<[Facts?]?>(nil)

    init(pack: CompiledPack, root: Value, definitions: [Value], fired: [Int]) {
        self.pack = pack
        self.root = root
        self.definitions = definitions
        self.fired = fired
    }

    /// The pack's next steps on this request (``CompiledPack/nextSteps(_:fired:baseline:)``), worked out once.
    var nextSteps: PackNextSteps {
        if let known = nextStepsCache.withLock({ $0 }) { return known }
        let steps = pack.nextSteps(root, fired: fired, baseline: definitions)
        nextStepsCache.withLock { $0 = steps }
        return steps
    }

    /// The evidence of rule `index`, which fired: the facts that made its condition true (``Explainer``), in the
    /// order the rule reads them, each value capped (``EvidenceCap``).
    func evidence(rule index: Int) -> [(String, JSONValue)] {
        var evaluator = Evaluator(root: root, definitionCount: 0, variableCount: pack.variableCount)
        evaluator.definitions = definitions
        var explainer = Explainer(evaluator: evaluator, definitionNodes: pack.definitions, definitionFacts: definitionFacts.withLock { $0 })
        let rule = pack.rules[index]
        let facts = explainer.facts(rule.when)
        definitionFacts.withLock { $0 = explainer.definitionFacts }
        return rule.evidence.compactMap { source in
            let key: FactKey = source.path.map { .field($0) } ?? .parameter(source.name)
            guard let part = facts.part(of: key) else { return nil }
            let full = source.path.map { CompiledPack.json(Evaluator.navigate(root, $0), node: source.node) } ?? source.constant
            switch part {
            case .elements(let indices): return (source.name, EvidenceCap.value(full, selecting: indices))
            case .presence: return (source.name, EvidenceCap.presence(full))
            case .whole: return (source.name, EvidenceCap.value(full))
            }
        }
    }

    /// The decisive facts of rule `index` (for tests).
    func decisiveFacts(rule index: Int) -> Facts {
        var evaluator = Evaluator(root: root, definitionCount: 0, variableCount: pack.variableCount)
        evaluator.definitions = definitions
        var explainer = Explainer(evaluator: evaluator, definitionNodes: pack.definitions)
        return explainer.facts(pack.rules[index].when)
    }
}
