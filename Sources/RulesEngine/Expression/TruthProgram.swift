/// A pack's conditions compiled to a flat array of instructions over small integers, for the tests rule packs
/// are made of: a yes/no or enum field against constants, a constant in a list of enum values, some element of
/// such a list among constants, and the connectives between them.
///
/// Before the instructions run, each field they read is loaded once into a *code*: a yes/no or enum value becomes
/// the index of its value in the field's schema vocabulary (`null` one past the end), and a list of such values
/// the set of those indices as a bit mask. A test is then one integer comparison or mask test, with no `Value`
/// copied and no reference counted. Every other expression stays a ``Node`` leaf that the ``Evaluator`` answers,
/// and a request holding a value outside its field's vocabulary (which validation never lets through) is
/// answered by the nodes alone, so the program's answers are the nodes' answers on every request (a test
/// compares them).
struct TruthProgram: Sendable {
    /// One instruction. Only trivial payloads: an array of them is plain memory.
    enum Op: Sendable {
        case constant(Bool)
        /// The truth of definition `i` (already evaluated).
        case definition(Int32)
        /// The field's code equals `code`.
        case equals(slot: Int32, code: Int64)
        case notEquals(slot: Int32, code: Int64)
        /// The scalar field's code is one of the bits of `mask`.
        case oneOf(slot: Int32, mask: UInt64)
        /// The list field holds some value among the bits of `mask`.
        case holdsAny(slot: Int32, mask: UInt64)
        case not(Int32)
        case and(Int32, Int32)
        case or(Int32, Int32)
        /// An expression the instructions do not cover: `leaves[i]`, asked of the evaluator.
        case leaf(Int32)
    }

    /// How a field is loaded into its code.
    struct Slot: Sendable {
        let path: [Int]
        /// The field's vocabulary (at most 63 values, so that `null` has a bit too).
        let domain: [Value]
        /// A list of vocabulary values (a mask) rather than one value (an index).
        let isList: Bool
    }

    private(set) var ops: [Op] = []
    private(set) var slots: [Slot] = []
    private(set) var leaves: [Node] = []
    /// Per definition, the instruction that computes it, when it is a yes/no test the instructions cover.
    private(set) var definitionRoots: [Int32?] = []
    /// Per rule, the instruction of its `when`.
    private(set) var ruleRoots: [Int32] = []
    private let schema: SchemaNode
    private var slotOfPath: [[Int]: Int32] = [:]

    /// Compiles the (specialized) definitions and rule conditions of a pack.
    init(definitions: [Node], rules: [Node], schema: SchemaNode) {
        self.schema = schema
        definitionRoots = definitions.map { Self.isTest($0) ? compile($0) : nil }
        ruleRoots = rules.map { compile($0) }
    }

    /// Whether the node's value is `.bool(truth(node))` (so a definition of it can be computed as a truth).
    private static func isTest(_ node: Node) -> Bool {
        switch node {
        case .not, .and, .or, .equal, .notEqual, .compare, .contains, .exists, .all, .fieldIs, .fieldIsNot, .fieldIn, .fieldHas: true
        default: false
        }
    }

    private mutating func emit(_ op: Op) -> Int32 {
        ops.append(op)
        return Int32(ops.count - 1)
    }

    private mutating func compile(_ node: Node) -> Int32 {
        switch node {
        case .constant(let v), .parameter(_, let v): return emit(.constant(v.boolValue))
        case .definition(let i): return emit(.definition(Int32(i)))
        case .not(let a): return emit(.not(compile(a)))
        case .and(let a, let b):
            let x = compile(a)
            return emit(.and(x, compile(b)))
        case .or(let a, let b):
            let x = compile(a)
            return emit(.or(x, compile(b)))
        case .field(let path):
            if case (let slot, let domain, false)? = slot(path), domain == Self.yesNo { return emit(.equals(slot: slot, code: 1)) }
        case .equal(.field(let path), .constant(let constant)), .equal(.constant(let constant), .field(let path)),
            .fieldIs(let path, let constant):
            if case (let slot, let domain, false)? = slot(path) {
                guard let code = Self.code(constant, domain) else { return emit(.constant(false)) }
                return emit(.equals(slot: slot, code: code))
            }
        case .notEqual(.field(let path), .constant(let constant)), .notEqual(.constant(let constant), .field(let path)),
            .fieldIsNot(let path, let constant):
            if case (let slot, let domain, false)? = slot(path) {
                guard let code = Self.code(constant, domain) else { return emit(.constant(true)) }
                return emit(.notEquals(slot: slot, code: code))
            }
        case .fieldIn(let path, let list):
            if case (let slot, let domain, false)? = slot(path) { return emit(.oneOf(slot: slot, mask: Self.mask(list, domain))) }
        case .fieldHas(let path, let constant):
            if case (let slot, let domain, true)? = slot(path) { return emit(.holdsAny(slot: slot, mask: Self.mask([constant], domain))) }
        case .exists(list: .field(let path), slot: let variable, predicate: let predicate):
            if case (let slot, let domain, true)? = slot(path), let candidates = Self.candidates(predicate, variable: variable) {
                return emit(.holdsAny(slot: slot, mask: Self.mask(candidates, domain)))
            }
        default: break
        }
        leaves.append(node)
        return emit(.leaf(Int32(leaves.count - 1)))
    }

    /// The constants an element must equal one of for `predicate` (on the element in `variable`) to hold, when
    /// the predicate is `v in [constants]` or `v == constant`.
    private static func candidates(_ predicate: Node, variable: Int) -> [Value]? {
        switch predicate {
        case .contains(list: .constant(.list(let list)), element: .variable(variable)),
            .contains(list: .parameter(_, .list(let list)), element: .variable(variable)):
            list
        case .equal(.variable(variable), .constant(let c)), .equal(.constant(let c), .variable(variable)):
            [c]
        default: nil
        }
    }

    /// The slot of a field whose values have a small vocabulary (yes/no or an enum), or of a list of them.
    private mutating func slot(_ path: [Int]) -> (Int32, [Value], Bool)? {
        var node = schema
        for index in path {
            guard case .object(let shape) = node.kind, index < shape.nodes.count else { return nil }
            node = shape.nodes[index]
        }
        var isList = false
        if case .array(let items, _, _, _) = node.kind {
            node = items
            isList = true
        }
        let domain: [Value]
        switch node.kind {
        case .boolean: domain = Self.yesNo
        case .string(let values?, _, _, _, _) where values.count < 64: domain = values.map(Value.string)
        default: return nil
        }
        if let known = slotOfPath[path] { return (known, domain, isList) }
        slots.append(Slot(path: path, domain: domain, isList: isList))
        slotOfPath[path] = Int32(slots.count - 1)
        return (Int32(slots.count - 1), domain, isList)
    }

    /// The vocabulary of a yes/no field: `true` is code 1.
    static let yesNo: [Value] = [.bool(false), .bool(true)]

    /// The index of `value` in `domain` (equal as the evaluator compares), `domain.count` for null, or nil.
    @inline(__always) static func code(_ value: Value, _ domain: [Value]) -> Int64? {
        if value.isNull { return Int64(domain.count) }
        for i in domain.indices where Evaluator.equal(domain[i], value) { return Int64(i) }
        return nil
    }

    /// The bits of the values of `list` that are in the vocabulary (or null); the others never equal a field value.
    private static func mask(_ list: [Value], _ domain: [Value]) -> UInt64 {
        var mask: UInt64 = 0
        for value in list { if let code = code(value, domain) { mask |= 1 << UInt64(code) } }
        return mask
    }

    /// The codes of the fields the instructions read, or nil when some value is outside its vocabulary.
    func codes(_ root: Value) -> [Int64]? {
        var codes = [Int64](repeating: 0, count: slots.count)
        for i in slots.indices {
            let slot = slots[i]
            let value = Evaluator.navigate(root, slot.path)
            if !slot.isList {
                guard let code = Self.code(value, slot.domain) else { return nil }
                codes[i] = code
            } else if case .list(let items) = value {
                var mask: UInt64 = 0
                for item in items {
                    guard let code = Self.code(item, slot.domain) else { return nil }
                    mask |= 1 << UInt64(code)
                }
                codes[i] = Int64(bitPattern: mask)
            }
        }
        return codes
    }

    /// The truth of instruction `index` on a request's codes; leaves and definitions come from `evaluator`.
    func truth(_ index: Int32, codes: UnsafeBufferPointer<Int64>, ops: UnsafeBufferPointer<Op>, evaluator: inout Evaluator) -> Bool {
        switch ops[Int(index)] {
        case .constant(let b): return b
        case .definition(let i): return evaluator.definitions[Int(i)].boolValue
        case .equals(let slot, let code): return codes[Int(slot)] == code
        case .notEquals(let slot, let code): return codes[Int(slot)] != code
        case .oneOf(let slot, let mask): return (UInt64(1) << UInt64(codes[Int(slot)])) & mask != 0
        case .holdsAny(let slot, let mask): return UInt64(bitPattern: codes[Int(slot)]) & mask != 0
        case .not(let a): return !truth(a, codes: codes, ops: ops, evaluator: &evaluator)
        case .and(let a, let b):
            return truth(a, codes: codes, ops: ops, evaluator: &evaluator) && truth(b, codes: codes, ops: ops, evaluator: &evaluator)
        case .or(let a, let b):
            return truth(a, codes: codes, ops: ops, evaluator: &evaluator) || truth(b, codes: codes, ops: ops, evaluator: &evaluator)
        case .leaf(let i): return evaluator.truth(leaves[Int(i)])
        }
    }
}
