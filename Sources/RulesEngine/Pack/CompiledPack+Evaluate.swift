extension CompiledPack {
    /// Evaluates the pack on one validated request. Pure and total: the same request always gives the same
    /// verdict. A request decoded with another schema yields a fail-closed `needs-review` verdict.
    public func evaluate(_ request: Request) -> PackVerdict {
        guard request.schema === schema else {
            return .failed(pack: id, version: version, digest: digest, error: Self.otherSchema)
        }
        var (evaluator, fired, verdict) = fire(request.root)

        var values = outputs.map(\.defaultValue)
        var setByRule = Array(repeating: false, count: outputs.count)
        for i in fired {
            for (output, value) in rules[i].sets {
                values[output] = outputs[output].merge(values[output], value, first: !setByRule[output])
                setByRule[output] = true
            }
        }
        for (i, output) in outputs.enumerated() {
            if let computed = output.computed {
                values[i] = evaluator.evaluate(computed)
            } else if let items = output.includeWhen {
                values[i] = .list(items.filter { evaluator.truth($0.condition) }.map { .string($0.label) })
            }
        }
        let outputJSON = zip(outputs, values).map { ($0.name, Self.json($1, node: nil)) }

        let ordered = findingOrder(fired)
        let trace = EvaluationTrace(pack: self, root: request.root, definitions: evaluator.definitions, fired: fired)
        let findings = ordered.map { Finding(text: rules[$0].findingText, storedEvidence: .deferred(trace, rule: $0)) }
        var screeningDate: Day?
        if let path = screeningDatePath, case .date(let day) = Evaluator.navigate(request.root, path) { screeningDate = day }
        var result = PackVerdict(
            pack: id, version: version, digest: digest, verdict: verdict, outputs: outputJSON, findings: findings,
            errors: [], screeningDate: screeningDate)
        result.storedNextSteps = .deferred(trace)
        return result
    }

    /// What ``evaluate(_:)`` decides, without its outputs, findings or trace: the verdict, the rule id of each
    /// finding in finding order, and the errors. For a replay that only compares decisions (`aiscreen pack impact`).
    public func decision(_ request: Request) -> (verdict: Verdict, rules: [String], errors: [String]) {
        guard request.schema === schema else { return (.needsReview, [], [Self.otherSchema]) }
        let (_, fired, verdict) = fire(request.root)
        return (verdict, findingOrder(fired).map { rules[$0].id }, [])
    }

    /// The error of a request decoded with another schema (fail closed: `needs-review`).
    static let otherSchema = "the request was decoded with another schema than the one this pack reads"

    /// Evaluates the definitions and every rule's `when` on `root`: the evaluator (holding the definitions' values),
    /// the rules that fire in pack order, and the most severe of their verdicts.
    func fire(_ root: Value) -> (evaluator: Evaluator, fired: [Int], verdict: Verdict) {
        guard let codes = program.codes(root) else { return fireNodes(root) }
        var evaluator = Evaluator(root: root, definitionCount: definitions.count, variableCount: variableCount)
        var fired: [Int] = []
        var verdict = Verdict.approved
        program.ops.withUnsafeBufferPointer { ops in
            codes.withUnsafeBufferPointer { codes in
                for i in definitions.indices {
                    if let root = program.definitionRoots[i] {
                        evaluator.definitions[i] = .bool(program.truth(root, codes: codes, ops: ops, evaluator: &evaluator))
                    } else {
                        evaluator.definitions[i] = evaluator.evaluate(definitions[i])
                    }
                }
                for i in rules.indices where program.truth(program.ruleRoots[i], codes: codes, ops: ops, evaluator: &evaluator) {
                    fired.append(i)
                    if rules[i].verdict > verdict { verdict = rules[i].verdict }
                }
            }
        }
        return (evaluator, fired, verdict)
    }

    /// ``fire(_:)`` on the expression nodes alone: for a request with a value outside its field's vocabulary, and
    /// the oracle the instructions are tested against.
    func fireNodes(_ root: Value) -> (evaluator: Evaluator, fired: [Int], verdict: Verdict) {
        var evaluator = Evaluator(root: root, definitionCount: definitions.count, variableCount: variableCount)
        for i in definitions.indices {
            evaluator.definitions[i] = evaluator.evaluate(definitions[i])
        }
        var fired: [Int] = []
        var verdict = Verdict.approved
        for i in rules.indices where evaluator.truth(rules[i].when) {
            fired.append(i)
            if rules[i].verdict > verdict { verdict = rules[i].verdict }
        }
        return (evaluator, fired, verdict)
    }

    /// The findings' order: most severe first; within a severity, in the pack's order.
    private func findingOrder(_ fired: [Int]) -> [Int] {
        fired.sorted { (a, b) in rules[a].verdict != rules[b].verdict ? rules[a].verdict > rules[b].verdict : a < b }
    }

    /// Renders a value as JSON; objects need their schema node for the field names.
    static func json(_ value: Value, node: SchemaNode?) -> JSONValue {
        switch value {
        case .null: return .null
        case .bool(let b): return .bool(b)
        case .int(let i): return .int(i)
        case .number(let d): return .double(d)
        case .string(let s): return .string(s)
        case .date(let d): return .string(d.description)
        case .list(let items):
            var element: SchemaNode?
            if let node, case .array(let items, _, _, _) = node.kind { element = items }
            return .array(items.map { json($0, node: element) })
        case .object(let fields):
            guard let node, case .object(let shape) = node.kind else { return .null }
            return .object(zip(shape.names, zip(fields, shape.nodes)).map { ($0, json($1.0, node: $1.1)) })
        }
    }

    /// The value of a parameter as the pack sees it.
    public func parameter(_ name: String) -> JSONValue? {
        parameters.first(where: { $0.name == name })?.value
    }
}

extension CompiledOutput {
    /// Merges a value a fired rule sets. The declared default only stands when no fired rule sets the output;
    /// it never takes part in merging.
    func merge(_ current: Value, _ new: Value, first: Bool) -> Value {
        if first, merge != .union { return new }
        switch merge {
        case .any: return .bool(current.boolValue || new.boolValue)
        case .all: return .bool(current.boolValue && new.boolValue)
        case .first: return current
        case .union:
            guard case .list(var items) = first ? .list([]) : current, case .list(let more) = new else { return current }
            for item in more where !items.contains(item) { items.append(item) }
            return .list(items)
        case .max, .min:
            let newIsGreater: Bool
            switch type {
            case .enumeration(let values):
                guard case .string(let a) = current, case .string(let b) = new,
                    let i = values.firstIndex(of: a), let j = values.firstIndex(of: b)
                else { return current }
                newIsGreater = j > i
            default:
                newIsGreater = (new.doubleValue ?? 0) > (current.doubleValue ?? 0)
            }
            return (merge == .max) == newIsGreater ? new : current
        }
    }
}
