extension CompiledPack {
    /// The rules that fire on `root` (definitions, then every rule's `when`).
    func firedRules(_ root: Value) -> [Int] { fire(root).fired }

    /// The rules that fire on `changed`: the request that fired `fired` with the fields of duties `met` (indices
    /// into ``duties``) set. Only the definitions and rules that read those fields are evaluated again
    /// (``ReadIndex``); the rest keep their value and outcome. The same answer as ``firedRules(_:)`` (a test
    /// compares them on the examples and a corpus), at a fraction of the cost.
    /// - Parameter baseline: the definitions' values on the original request (``definitionValues(_:)``).
    func firedRules(_ changed: Value, meeting met: [Int], from fired: [Int], baseline: [Value]) -> [Int] {
        let (definitionsAgain, rulesAgain) = touched(by: met)
        guard !rulesAgain.isEmpty else { return fired }
        var evaluator = Evaluator(root: changed, definitionCount: 0, variableCount: variableCount)
        evaluator.definitions = baseline
        for i in definitionsAgain { evaluator.definitions[i] = evaluator.evaluate(definitions[i]) }
        var result = fired.filter { !rulesAgain.contains($0) }
        for i in rulesAgain where evaluator.truth(rules[i].when) { result.append(i) }
        return result.sorted()
    }

    /// The definitions (in evaluation order) and rules that read the fields of duties `met` (``ReadIndex``).
    private func touched(by met: [Int]) -> (definitions: [Int], rules: Set<Int>) {
        if met.count == 1 { return reads.touched[met[0]] }
        var definitionsAgain = Set<Int>()
        var rulesAgain = Set<Int>()
        for duty in met {
            definitionsAgain.formUnion(reads.touched[duty].definitions)
            rulesAgain.formUnion(reads.touched[duty].rules)
        }
        return (definitionsAgain.sorted(), rulesAgain)
    }

    /// Every definition's value on `root`, in evaluation order.
    func definitionValues(_ root: Value) -> [Value] {
        var evaluator = Evaluator(root: root, definitionCount: definitions.count, variableCount: variableCount)
        for i in definitions.indices { evaluator.definitions[i] = evaluator.evaluate(definitions[i]) }
        return evaluator.definitions
    }

    /// This pack's next steps on `root`, where rules `fired` fired (``PackNextSteps``): each open duty met alone and
    /// all of them met, by re-evaluating the pack with those fields set to `true`. A duty this pack does not read
    /// cannot change its verdict, so sets of only such duties are not evaluated.
    /// - Parameter baseline: the definitions' values on `root` when the caller has them (an evaluation's trace).
    func nextSteps(_ root: Value, fired: [Int], baseline: [Value]? = nil) -> PackNextSteps {
        var evaluator = Evaluator(root: root, definitionCount: 0, variableCount: variableCount)
        let openIndices = duties.indices.filter { i in
            if case .bool(true) = Evaluator.navigate(root, duties[i].path) { return false }
            return duties[i].when.map { evaluator.truth($0) } ?? true
        }
        let open = openIndices.map { duties[$0] }
        let verdictNow = fired.map { rules[$0].verdict }.max() ?? .approved
        var remaining = Set(fired)
        let baseline = baseline ?? definitionValues(root)
        var options: [PackNextSteps.Option] = []
        for metIndices in PackNextSteps.family(openIndices) {
            guard metIndices.contains(where: { dutyIsRead[$0] }) else { continue }
            // No rule reads these fields: the same rules fire, the verdict and blockers stay.
            guard metIndices.contains(where: { !reads.touched[$0].rules.isEmpty }) else { continue }
            var changed = root
            for i in metIndices { changed = Self.setting(changed, duties[i].path, .bool(true)) ?? changed }
            let set = metIndices.map { duties[$0].duty.field }
            let fired = firedRules(changed, meeting: metIndices, from: fired, baseline: baseline)
            remaining.formIntersection(fired)
            let verdict = fired.map { rules[$0].verdict }.max() ?? .approved
            if verdict != verdictNow { options.append(PackNextSteps.Option(meet: set, verdict: verdict)) }
        }
        let blockers = fired.filter { remaining.contains($0) && rules[$0].verdict > .approved }.map { rules[$0].id }
        return PackNextSteps(open: open.map(\.duty), ifMet: options, blockers: blockers)
    }

    /// `value` with the field at `path` replaced; nil when an object on the way is null.
    static func setting(_ value: Value, _ path: [Int], _ new: Value) -> Value? { setting(value, path[...], new) }

    private static func setting(_ value: Value, _ path: ArraySlice<Int>, _ new: Value) -> Value? {
        guard let first = path.first else { return new }
        guard case .object(var fields) = value, let child = setting(fields[first], path.dropFirst(), new) else { return nil }
        fields[first] = child
        return .object(fields)
    }
}
