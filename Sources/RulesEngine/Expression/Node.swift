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

    // The commonest tests, each in one node (``specialized``): evaluated without building a value for either
    // side. Evidence and reads see them as the nodes they stand for (``general``).
    /// `field == constant` (the constant not null).
    case fieldIs([Int], Value)
    /// `field != constant` (the constant not null).
    case fieldIsNot([Int], Value)
    /// `field in [constants]`.
    case fieldIn([Int], [Value])
    /// `constant in field` (a list field).
    case fieldHas([Int], Value)
}

extension Node {
    /// The same expression with the commonest tests as single nodes (`fieldIs`, `fieldIsNot`, `fieldIn`,
    /// `fieldHas`), for evaluation. The value of every node is unchanged (a test compares both forms).
    var specialized: Node {
        switch self {
        case .equal(.field(let path), .constant(let c)) where !c.isNull, .equal(.constant(let c), .field(let path)) where !c.isNull:
            return .fieldIs(path, c)
        case .notEqual(.field(let path), .constant(let c)) where !c.isNull, .notEqual(.constant(let c), .field(let path)) where !c.isNull:
            return .fieldIsNot(path, c)
        case .contains(.constant(.list(let list)), .field(let path)): return .fieldIn(path, list)
        case .contains(.field(let path), .constant(let c)): return .fieldHas(path, c)
        case .constant, .parameter, .field, .variable, .definition, .fieldIs, .fieldIsNot, .fieldIn, .fieldHas: return self
        case .member(let base, let path): return .member(base.specialized, path)
        case .not(let a): return .not(a.specialized)
        case .and(let a, let b): return .and(a.specialized, b.specialized)
        case .or(let a, let b): return .or(a.specialized, b.specialized)
        case .equal(let a, let b): return .equal(a.specialized, b.specialized)
        case .notEqual(let a, let b): return .notEqual(a.specialized, b.specialized)
        case .compare(let ordering, let a, let b): return .compare(ordering, a.specialized, b.specialized)
        case .contains(let list, let element): return .contains(list: list.specialized, element: element.specialized)
        case .list(let nodes): return .list(nodes.map(\.specialized))
        case .call(let name, let function, let args): return .call(name, function, args.map(\.specialized))
        case .exists(let list, let slot, let predicate): return .exists(list: list.specialized, slot: slot, predicate: predicate.specialized)
        case .all(let list, let slot, let predicate): return .all(list: list.specialized, slot: slot, predicate: predicate.specialized)
        }
    }

    /// A specialized test as the general node it stands for; any other node as it is.
    var general: Node {
        switch self {
        case .fieldIs(let path, let c): .equal(.field(path), .constant(c))
        case .fieldIsNot(let path, let c): .notEqual(.field(path), .constant(c))
        case .fieldIn(let path, let list): .contains(list: .constant(.list(list)), element: .field(path))
        case .fieldHas(let path, let c): .contains(list: .field(path), element: .constant(c))
        default: self
        }
    }
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
        case .fieldIs(let path, let constant): return Self.equal(Self.navigate(root, path), constant)
        case .fieldIsNot(let path, let constant): return !Self.equal(Self.navigate(root, path), constant)
        case .fieldIn(let path, let list):
            let value = Self.navigate(root, path)
            for candidate in list where Self.equal(candidate, value) { return true }
            return false
        case .fieldHas(let path, let constant):
            guard case .list(let items) = Self.navigate(root, path) else { return false }
            for item in items where Self.equal(item, constant) { return true }
            return false
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
        case .not, .and, .or, .equal, .notEqual, .contains, .fieldIs, .fieldIsNot, .fieldIn, .fieldHas: return .bool(truth(node))
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
