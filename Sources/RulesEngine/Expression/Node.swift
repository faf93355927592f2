/// A type-checked, compiled expression, ready to evaluate. Produced by the checker; never written by hand.
enum Node: Sendable {
    enum Ordering: Sendable { case less, lessEqual, greater, greaterEqual }

    case constant(Value)
    /// A pack parameter: a constant, named so that evidence can report it.
    case parameter(String, Value)
    /// A request field: property indices from the request root.
    case field([Int])
    /// A field of another value (a macro variable's element).
    indirect case member(Node, [Int])
    /// A macro variable slot.
    case variable(Int)
    /// A definition, by its evaluation index.
    case definition(Int)
    indirect case not(Node)
    indirect case and(Node, Node)
    indirect case or(Node, Node)
    indirect case equal(Node, Node)
    indirect case notEqual(Node, Node)
    indirect case compare(Ordering, Node, Node)
    indirect case contains(list: Node, element: Node)
    case list([Node])
    /// A function call; the name lets evidence treat `count`, `intersects` and `coalesce` precisely.
    case call(String, @Sendable ([Value]) -> Value, [Node])
    indirect case exists(list: Node, slot: Int, predicate: Node)
    indirect case all(list: Node, slot: Int, predicate: Node)
}

/// Evaluates compiled expressions against one request. Pure; allocation-light.
struct Evaluator {
    let root: Value
    var definitions: [Value]
    var variables: [Value]

    init(root: Value, definitionCount: Int, variableCount: Int) {
        self.root = root
        self.definitions = Array(repeating: .null, count: definitionCount)
        self.variables = Array(repeating: .null, count: variableCount)
    }

    @inline(__always) static func navigate(_ start: Value, _ path: [Int]) -> Value {
        var value = start
        for index in path {
            guard case .object(let fields) = value else { return .null }
            value = fields[index]
        }
        return value
    }

    static func equal(_ a: Value, _ b: Value) -> Bool {
        switch (a, b) {
        // Most unequal enum values differ in length; that check is O(1) for native strings.
        case (.string(let x), .string(let y)): x.utf8.count == y.utf8.count && x == y
        case (.bool(let x), .bool(let y)): x == y
        case (.int(let x), .number(let y)): Double(x) == y
        case (.number(let x), .int(let y)): x == Double(y)
        default: a == b
        }
    }

    /// Evaluates a condition straight to a `Bool`, without building `Value`s for the connectives.
    mutating func truth(_ node: Node) -> Bool {
        switch node {
        case .constant(let v), .parameter(_, let v): return v.boolValue
        case .definition(let i): return definitions[i].boolValue
        case .field(let path): return Self.navigate(root, path).boolValue
        case .not(let inner): return !truth(inner)
        case .and(let a, let b): return truth(a) && truth(b)
        case .or(let a, let b): return truth(a) || truth(b)
        case .equal(let a, let b): return Self.equal(evaluate(a), evaluate(b))
        case .notEqual(let a, let b): return !Self.equal(evaluate(a), evaluate(b))
        case .contains(let listNode, let elementNode):
            let element = evaluate(elementNode)
            if case .constant(.list(let list)) = listNode {
                for candidate in list where Self.equal(candidate, element) { return true }
                return false
            }
            if case .parameter(_, .list(let list)) = listNode {
                for candidate in list where Self.equal(candidate, element) { return true }
                return false
            }
            guard case .list(let list) = evaluate(listNode) else { return false }
            for candidate in list where Self.equal(candidate, element) { return true }
            return false
        default: return evaluate(node).boolValue
        }
    }

    mutating func evaluate(_ node: Node) -> Value {
        switch node {
        case .constant(let v), .parameter(_, let v): return v
        case .field(let path): return Self.navigate(root, path)
        case .member(let base, let path): return Self.navigate(evaluate(base), path)
        case .variable(let slot): return variables[slot]
        case .definition(let i): return definitions[i]
        case .not, .and, .or, .equal, .notEqual, .contains: return .bool(truth(node))
        case .compare(let ordering, let a, let b):
            let x = evaluate(a)
            let y = evaluate(b)
            if case .date(let p) = x, case .date(let q) = y {
                return .bool(Self.holds(ordering, p.daysSinceEpoch < q.daysSinceEpoch, p == q))
            }
            if case .int(let p) = x, case .int(let q) = y { return .bool(Self.holds(ordering, p < q, p == q)) }
            guard let p = x.doubleValue, let q = y.doubleValue else { return .bool(false) }
            return .bool(Self.holds(ordering, p < q, p == q))
        case .list(let nodes):
            var values: [Value] = []
            values.reserveCapacity(nodes.count)
            for node in nodes { values.append(evaluate(node)) }
            return .list(values)
        case .call(_, let function, let args):
            var values: [Value] = []
            values.reserveCapacity(args.count)
            for arg in args { values.append(evaluate(arg)) }
            return function(values)
        case .exists(let listNode, let slot, let predicate):
            guard case .list(let list) = evaluate(listNode) else { return .bool(false) }
            for element in list {
                variables[slot] = element
                if truth(predicate) { return .bool(true) }
            }
            return .bool(false)
        case .all(let listNode, let slot, let predicate):
            guard case .list(let list) = evaluate(listNode) else { return .bool(true) }
            for element in list {
                variables[slot] = element
                if !truth(predicate) { return .bool(false) }
            }
            return .bool(true)
        }
    }

    @inline(__always) private static func holds(_ ordering: Node.Ordering, _ less: Bool, _ equal: Bool) -> Bool {
        switch ordering {
        case .less: less
        case .lessEqual: less || equal
        case .greater: !less && !equal
        case .greaterEqual: !less
        }
    }
}
