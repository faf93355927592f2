extension Node {
    /// The request fields this expression reads directly (not through definitions) and the definitions it uses.
    func reads(fields: inout Set<[Int]>, definitions: inout Set<Int>) {
        switch self {
        case .constant, .parameter, .variable: return
        case .field(let path): fields.insert(path)
        case .member(let base, _): base.reads(fields: &fields, definitions: &definitions)
        case .definition(let i): definitions.insert(i)
        case .not(let a): a.reads(fields: &fields, definitions: &definitions)
        case .and(let a, let b), .or(let a, let b), .equal(let a, let b), .notEqual(let a, let b), .compare(_, let a, let b),
            .contains(let a, let b), .exists(let a, _, let b), .all(let a, _, let b):
            a.reads(fields: &fields, definitions: &definitions)
            b.reads(fields: &fields, definitions: &definitions)
        case .list(let nodes), .call(_, _, let nodes):
            for node in nodes { node.reads(fields: &fields, definitions: &definitions) }
        case .fieldIs, .fieldIsNot, .fieldIn, .fieldHas: general.reads(fields: &fields, definitions: &definitions)
        }
    }
}

/// Which definitions and rules of a pack each duty's field reaches (directly or through definitions): when some
/// duties are met, only those need evaluating again. Worked out once, when the pack is compiled.
struct ReadIndex: Sendable {
    /// Per duty (in the pack's duty order): the definitions, in evaluation order, and the rules that read its field.
    let touched: [(definitions: [Int], rules: Set<Int>)]

    init(definitions: [Node], rules: [Node], dutyPaths: [[Int]]) {
        var direct: [(fields: Set<[Int]>, definitions: Set<Int>)] = []
        for definition in definitions {
            var fields = Set<[Int]>()
            var uses = Set<Int>()
            definition.reads(fields: &fields, definitions: &uses)
            direct.append((fields, uses))
        }
        // Definitions are in evaluation order: each uses only earlier ones.
        var closed: [Set<[Int]>] = []
        for (i, entry) in direct.enumerated() {
            var fields = entry.fields
            for used in entry.definitions where used < i { fields.formUnion(closed[used]) }
            closed.append(fields)
        }
        let ruleFields = rules.map { condition -> Set<[Int]> in
            var fields = Set<[Int]>()
            var uses = Set<Int>()
            condition.reads(fields: &fields, definitions: &uses)
            for used in uses where used < closed.count { fields.formUnion(closed[used]) }
            return fields
        }
        touched = dutyPaths.map { path in
            (closed.indices.filter { Self.touches(closed[$0], path) }, Set(ruleFields.indices.filter { Self.touches(ruleFields[$0], path) }))
        }
    }

    /// Whether the field at `path`, or one inside or around it, is among `fields`.
    static func touches(_ fields: Set<[Int]>, _ path: [Int]) -> Bool {
        fields.contains(path) || fields.contains { $0.starts(with: path) || path.starts(with: $0) }
    }
}
