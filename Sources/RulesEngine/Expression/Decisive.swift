/// A fact a condition can rest on: a request field (by property path) or a pack parameter (by name).
enum FactKey: Hashable, Sendable {
    case field([Int])
    case parameter(String)
}

/// Which part of a fact's value was decisive: all of it, or some elements of a list.
enum FactPart: Hashable, Sendable {
    case whole
    case elements([Int])
    /// Only whether the value is null (`x == null`, `x != null`).
    case presence

    func union(_ other: FactPart) -> FactPart {
        if self == .presence { return other }
        if other == .presence { return self }
        guard case .elements(let a) = self, case .elements(let b) = other else { return .whole }
        var merged = a
        for i in b where !merged.contains(i) { merged.append(i) }
        return .elements(merged.sorted())
    }
}

/// The facts that decided a value, each with the part of it that did.
struct Facts: Sendable {
    private(set) var items: [(key: FactKey, part: FactPart)] = []

    static let none = Facts()

    init() {}

    init(_ key: FactKey, _ part: FactPart = .whole) {
        items = [(key, part)]
    }

    mutating func add(_ key: FactKey, _ part: FactPart) {
        if let i = items.firstIndex(where: { $0.key == key }) {
            items[i].part = items[i].part.union(part)
        } else {
            items.append((key, part))
        }
    }

    mutating func merge(_ other: Facts) {
        for item in other.items { add(item.key, item.part) }
    }

    func merged(_ other: Facts) -> Facts {
        var copy = self
        copy.merge(other)
        return copy
    }

    func part(of key: FactKey) -> FactPart? { items.first(where: { $0.key == key })?.part }
}

/// Works out which facts decided a condition's value (docs: rules/README.md, "Evidence").
///
/// - `a && b` true: both sides' facts; false: the first false side's.
/// - `a || b` true: the first true side's; false: both sides'.
/// - `!a`: `a`'s facts. `x == null`, `x != null`: only whether `x` is null (an object is not quoted).
/// - `list.exists(x, p)` true: the elements that satisfy `p` (and the facts `p` read for them); false: the whole
///   list and everything `p` read. `list.all(x, p)` false: the first element that fails; true: all.
/// - `e in list` true: the elements equal to `e`; false: the whole list. `intersects` likewise.
/// - `count(…) >= k` (also `>`, `<`, `<=`, through definitions): only the conditions on the side that decides
///   (the true ones when the count is high enough, the false ones when it is not).
/// - `coalesce(v, f)`: `v` alone when it is not null.
/// - A definition: the facts that decided it. Anything else: every fact its operands read.
///
/// The set is sufficient: with these facts as they are, no change to any other fact changes the value
/// (`DecisiveEvidenceTests` check this by brute force). Runs only for rules that fired, when their evidence is
/// read.
struct Explainer {
    var evaluator: Evaluator
    let definitionNodes: [Node]
    /// The facts that decided each definition, once worked out (they depend only on the request, so the findings
    /// of one evaluation share them).
    private(set) var definitionFacts: [Facts?]
    private var variableFacts: [Facts]

    init(evaluator: Evaluator, definitionNodes: [Node], definitionFacts: [Facts?]? = nil) {
        self.evaluator = evaluator
        self.definitionNodes = definitionNodes
        self.definitionFacts = definitionFacts ?? Array(repeating: nil, count: definitionNodes.count)
        variableFacts = Array(repeating: .none, count: evaluator.variables.count)
    }

    /// The facts that make `node` have the value it has.
    mutating func facts(_ node: Node) -> Facts { explain(node).1 }

    mutating func explain(_ node: Node) -> (Value, Facts) {
        switch node {
        case .fieldIs, .fieldIsNot, .fieldIn, .fieldHas: return explain(node.general)
        case .constant(let v): return (v, .none)
        case .parameter(let name, let v): return (v, Facts(.parameter(name)))
        case .field(let path): return (Evaluator.navigate(evaluator.root, path), Facts(.field(path)))
        case .member(let base, let path):
            let (value, facts) = explain(base)
            return (Evaluator.navigate(value, path), facts)
        case .variable(let slot): return (evaluator.variables[slot], variableFacts[slot])
        case .definition(let i):
            if let known = definitionFacts[i] { return (evaluator.definitions[i], known) }
            let (_, facts) = explain(definitionNodes[i])
            definitionFacts[i] = facts
            return (evaluator.definitions[i], facts)
        case .not(let inner):
            let (value, facts) = explain(inner)
            return (.bool(!value.boolValue), facts)
        case .and(let a, let b):
            let (x, fa) = explain(a)
            guard x.boolValue else { return (.bool(false), fa) }
            let (y, fb) = explain(b)
            return y.boolValue ? (.bool(true), fa.merged(fb)) : (.bool(false), fb)
        case .or(let a, let b):
            let (x, fa) = explain(a)
            if x.boolValue { return (.bool(true), fa) }
            let (y, fb) = explain(b)
            return y.boolValue ? (.bool(true), fb) : (.bool(false), fa.merged(fb))
        case .equal(let a, let b):
            let (x, y, facts) = explainEquality(a, b)
            return (.bool(Evaluator.equal(x, y)), facts)
        case .notEqual(let a, let b):
            let (x, y, facts) = explainEquality(a, b)
            return (.bool(!Evaluator.equal(x, y)), facts)
        case .compare(let ordering, let a, let b):
            return explainCompare(node, ordering, a, b)
        case .contains(let listNode, let elementNode):
            let (element, fe) = explain(elementNode)
            let (list, fl) = explain(listNode)
            guard case .list(let items) = list else { return (.bool(false), fl.merged(fe)) }
            let matching = items.indices.filter { Evaluator.equal(items[$0], element) }
            if matching.isEmpty { return (.bool(false), fl.merged(fe)) }
            return (.bool(true), elements(of: listNode, fl, matching).merged(fe))
        case .list(let nodes):
            var values: [Value] = []
            var facts = Facts()
            for node in nodes {
                let (v, f) = explain(node)
                values.append(v)
                facts.merge(f)
            }
            return (.list(values), facts)
        case .call(let name, let function, let args):
            return explainCall(name, function, args)
        case .exists(let listNode, let slot, let predicate):
            let (list, fl) = explain(listNode)
            guard case .list(let items) = list else { return (.bool(false), fl) }
            var matched = Facts()
            var matchedIndices: [Int] = []
            var all = fl
            for (i, element) in items.enumerated() {
                evaluator.variables[slot] = element
                variableFacts[slot] = elements(of: listNode, fl, [i])
                let (v, fp) = explain(predicate)
                all.merge(fp)
                if v.boolValue {
                    matchedIndices.append(i)
                    matched.merge(fp)
                }
            }
            if matchedIndices.isEmpty { return (.bool(false), all) }
            return (.bool(true), elements(of: listNode, fl, matchedIndices).merged(matched))
        case .all(let listNode, let slot, let predicate):
            let (list, fl) = explain(listNode)
            guard case .list(let items) = list else { return (.bool(true), fl) }
            var all = fl
            for (i, element) in items.enumerated() {
                evaluator.variables[slot] = element
                variableFacts[slot] = elements(of: listNode, fl, [i])
                let (v, fp) = explain(predicate)
                if !v.boolValue { return (.bool(false), elements(of: listNode, fl, [i]).merged(fp)) }
                all.merge(fp)
            }
            return (.bool(true), all)
        }
    }

    /// The facts of some elements of a list: those elements when the list is a field or parameter read directly,
    /// else everything the list was built from.
    private func elements(of listNode: Node, _ listFacts: Facts, _ indices: [Int]) -> Facts {
        switch listNode {
        case .field(let path): return Facts(.field(path), .elements(indices))
        case .parameter(let name, _): return Facts(.parameter(name), .elements(indices))
        case .constant: return .none
        default: return listFacts
        }
    }

    /// Both sides of `==`/`!=`; a field compared with `null` only counts for whether it is null.
    private mutating func explainEquality(_ a: Node, _ b: Node) -> (Value, Value, Facts) {
        let (x, fa) = explain(a)
        let (y, fb) = explain(b)
        for (side, other) in [(a, b), (b, a)] {
            guard case .constant(.null) = other, case .field(let path) = side else { continue }
            return (x, y, Facts(.field(path), .presence))
        }
        return (x, y, fa.merged(fb))
    }

    /// The arguments of a `count(…)`, seen through definitions.
    private func countArguments(_ node: Node) -> [Node]? {
        switch node {
        case .call("count", _, let args): return args
        case .definition(let i): return countArguments(definitionNodes[i])
        default: return nil
        }
    }

    private mutating func explainCompare(_ node: Node, _ ordering: Node.Ordering, _ a: Node, _ b: Node) -> (Value, Facts) {
        let result = evaluator.evaluate(node).boolValue
        if let args = countArguments(a) {
            // count ≥ k / > k holds while enough conditions are true; < k / ≤ k while enough are false.
            let rising = ordering == .greater || ordering == .greaterEqual
            let wanted = rising == result
            var facts = explain(b).1
            for arg in args {
                let (v, f) = explain(arg)
                if v.boolValue == wanted { facts.merge(f) }
            }
            return (.bool(result), facts)
        }
        let (_, fa) = explain(a)
        let (_, fb) = explain(b)
        return (.bool(result), fa.merged(fb))
    }

    private mutating func explainCall(_ name: String, _ function: @Sendable ([Value]) -> Value, _ args: [Node]) -> (Value, Facts) {
        var values: [Value] = []
        var facts: [Facts] = []
        for arg in args {
            let (v, f) = explain(arg)
            values.append(v)
            facts.append(f)
        }
        let result = function(values)
        switch name {
        case "coalesce" where !values[0].isNull:
            return (result, facts[0])
        case "intersects" where result.boolValue:
            guard case .list(let x) = values[0], case .list(let y) = values[1] else { break }
            let inX = x.indices.filter { i in y.contains { Evaluator.equal(x[i], $0) } }
            let inY = y.indices.filter { j in x.contains { Evaluator.equal(y[j], $0) } }
            return (result, elements(of: args[0], facts[0], inX).merged(elements(of: args[1], facts[1], inY)))
        default: break
        }
        var all = Facts()
        for f in facts { all.merge(f) }
        return (result, all)
    }
}
