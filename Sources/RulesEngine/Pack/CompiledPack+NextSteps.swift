extension CompiledPack {
    /// The rules that fire on `root` (definitions, then every rule's `when`).
    func firedRules(_ root: Value) -> [Int] {
        var evaluator = Evaluator(root: root, definitionCount: definitions.count, variableCount: variableCount)
        for i in definitions.indices { evaluator.definitions[i] = evaluator.evaluate(definitions[i]) }
        return rules.indices.filter { evaluator.truth(rules[$0].when) }
    }

    /// This pack's next steps on `root`, where rules `fired` fired (``PackNextSteps``): each open duty met alone and
    /// all of them met, by re-evaluating the pack with those fields set to `true`. A duty this pack does not read
    /// cannot change its verdict, so sets of only such duties are not evaluated.
    func nextSteps(_ root: Value, fired: [Int]) -> PackNextSteps {
        var evaluator = Evaluator(root: root, definitionCount: 0, variableCount: variableCount)
        let open = duties.filter { duty in
            if case .bool(true) = Evaluator.navigate(root, duty.path) { return false }
            return duty.when.map { evaluator.truth($0) } ?? true
        }
        let verdictNow = fired.map { rules[$0].verdict }.max() ?? .approved
        var remaining = Set(fired)
        var options: [PackNextSteps.Option] = []
        for set in PackNextSteps.family(open.map(\.duty.field)) {
            let met = open.filter { set.contains($0.duty.field) }
            guard met.contains(where: { ruleReads.contains($0.path) }) else { continue }
            var changed = root
            for duty in met { changed = Self.setting(changed, duty.path, .bool(true)) ?? changed }
            let fired = firedRules(changed)
            remaining.formIntersection(fired)
            let verdict = fired.map { rules[$0].verdict }.max() ?? .approved
            if verdict != verdictNow { options.append(PackNextSteps.Option(meet: set, verdict: verdict)) }
        }
        let blockers = fired.filter { remaining.contains($0) && rules[$0].verdict > .approved }.map { rules[$0].id }
        return PackNextSteps(open: open.map(\.duty), ifMet: options, blockers: blockers)
    }

    /// `value` with the field at `path` replaced; nil when an object on the way is null.
    static func setting(_ value: Value, _ path: [Int], _ new: Value) -> Value? {
        guard let first = path.first else { return new }
        guard case .object(var fields) = value, let child = setting(fields[first], Array(path.dropFirst()), new) else { return nil }
        fields[first] = child
        return .object(fields)
    }
}
