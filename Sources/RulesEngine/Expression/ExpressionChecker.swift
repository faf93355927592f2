/// Type-checks parsed expressions against the request schema, the pack's definitions, parameters and the
/// function registry, and compiles them to ``Node``s. Reports every problem as a ``RuleDiagnostic``.
final class ExpressionChecker {
    struct Typed {
        var node: Node
        var type: TypeInfo
    }

    struct Parameter {
        var value: Value
        var json: JSONValue
        var type: TypeInfo
    }

    private enum DefinitionState {
        case compiling
        case done(index: Int, type: TypeInfo, reads: [String: EvidenceSource], order: [String])
        case failed
    }

    let schema: SchemaNode
    let functions: FunctionRegistry
    let parameters: [String: Parameter]
    let rejectedParameters: Set<String>
    let definitionSources: [String: PackSyntax.Definition]
    private var definitionStates: [String: DefinitionState] = [:]
    private(set) var definitionNodes: [Node] = []
    private(set) var diagnostics: [RuleDiagnostic] = []
    var variableCount = 0
    private(set) var usedDefinitions = Set<String>()
    private(set) var usedParameters = Set<String>()

    // Per-expression state.
    private var source = ExpressionSource("", at: SourceLocation(file: "", line: 1, column: 1))
    var scopes: [(name: String, slot: Int, type: TypeInfo)] = []
    private var reads: [String: EvidenceSource] = [:]
    private var readOrder: [String] = []

    init(
        schema: SchemaNode, functions: FunctionRegistry, parameters: [String: Parameter],
        definitions: [String: PackSyntax.Definition], rejectedParameters: Set<String> = []
    ) {
        self.rejectedParameters = rejectedParameters
        self.schema = schema
        self.functions = functions
        self.parameters = parameters
        self.definitionSources = definitions
    }

    func report(_ severity: RuleDiagnostic.Severity = .error, _ code: RuleDiagnostic.Code, _ message: String, at location: SourceLocation) {
        diagnostics.append(RuleDiagnostic(severity, code, message, at: location))
    }

    func report(_ code: RuleDiagnostic.Code, _ message: String, _ span: Span) {
        report(.error, code, message, at: source.locate(span.start))
    }

    /// Compiles a condition: it must be a definite `bool`.
    func compileCondition(_ expression: ExpressionSource, what: String) -> (Node, [EvidenceSource])? {
        guard let (typed, evidence) = compile(expression) else { return nil }
        return requireCondition(typed, what: what, at: expression.location) ? (typed.node, evidence) : nil
    }

    private func requireCondition(_ typed: Typed, what: String, at location: SourceLocation) -> Bool {
        guard case .bool = typed.type.type else {
            report(.error, .typeMismatch, "\(what) must be a condition (true/false), but this is \(typed.type)", at: location)
            return false
        }
        guard !typed.type.nullable else {
            report(
                .error, .nullableCondition,
                "\(what) may be null (unknown); say what unknown means: compare with '== true' or '!= true'",
                at: location)
            return false
        }
        return true
    }

    /// Compiles any expression, returning its node, type, and the fields it reads.
    func compile(_ expression: ExpressionSource) -> (Typed, [EvidenceSource])? {
        let saved = (source, scopes, reads, readOrder)
        defer { (source, scopes, reads, readOrder) = saved }
        source = expression
        scopes = []
        reads = [:]
        readOrder = []
        let parsed: Expr
        do {
            parsed = try ExpressionParser.parse(expression.text)
        } catch {
            report(.error, .syntax, error.message, at: expression.locate(error.offset))
            return nil
        }
        guard let typed = check(parsed) else { return nil }
        return (typed, readOrder.compactMap { reads[$0] })
    }

    /// Compiles the named definition (and, first, those it uses). Returns its index and type.
    func definition(_ name: String, referencedAt span: Span?) -> (index: Int, type: TypeInfo)? {
        switch definitionStates[name] {
        case .done(let index, let type, let defReads, let order)?:
            mergeReads(defReads, order)
            return (index, type)
        case .failed?:
            return nil
        case .compiling?:
            let at = span.map { source.locate($0.start) } ?? definitionSources[name]?.name.location
            report(.error, .definitionCycle, "definition '\(name)' depends on itself (a circle of definitions)",
                at: at ?? SourceLocation(file: source.file, line: 1, column: 1))
            definitionStates[name] = .failed
            return nil
        case nil:
            guard let syntax = definitionSources[name], let expression = syntax.expression else { return nil }
            definitionStates[name] = .compiling
            guard let (typed, evidence) = compile(expression) else {
                if case .compiling? = definitionStates[name] { definitionStates[name] = .failed }
                return nil
            }
            if case .failed? = definitionStates[name] { return nil }
            let index = definitionNodes.count
            definitionNodes.append(typed.node)
            var defReads: [String: EvidenceSource] = [:]
            for e in evidence { defReads[e.name] = e }
            let order = evidence.map(\.name)
            definitionStates[name] = .done(index: index, type: typed.type, reads: defReads, order: order)
            mergeReads(defReads, order)
            return (index, typed.type)
        }
    }

    private func mergeReads(_ more: [String: EvidenceSource], _ order: [String]) {
        for name in order where reads[name] == nil {
            reads[name] = more[name]
            readOrder.append(name)
        }
    }

    private func read(_ name: String, _ source: EvidenceSource) {
        guard reads[name] == nil else { return }
        reads[name] = source
        readOrder.append(name)
    }

    // MARK: - Checking

    func check(_ expr: Expr) -> Typed? {
        switch expr {
        case .literal(let literal, _):
            switch literal {
            case .null: return Typed(node: .constant(.null), type: TypeInfo(.any, nullable: true))
            case .bool(let b): return Typed(node: .constant(.bool(b)), type: TypeInfo(.bool))
            case .int(let i): return Typed(node: .constant(.int(i)), type: TypeInfo(.int))
            case .number(let d): return Typed(node: .constant(.number(d)), type: TypeInfo(.number))
            case .string(let s): return Typed(node: .constant(.string(s)), type: TypeInfo(.string))
            }
        case .list(let elements, let span):
            return checkList(elements, span)
        case .path(let parts, let span):
            return checkPath(parts, span)
        case .unary(.not, let operand, _):
            guard let inner = check(operand), requireBool(inner, operand.span, "'!'") else { return nil }
            return Typed(node: .not(inner.node), type: TypeInfo(.bool))
        case .binary(let op, let lhs, let rhs, let span):
            return checkBinary(op, lhs, rhs, span)
        case .call(let name, let args, let span):
            return checkCall(name, args, span)
        case .method(let receiver, let name, let args, let span):
            return checkMacro(receiver, name, args, span)
        }
    }

    func requireBool(_ typed: Typed, _ span: Span, _ context: String) -> Bool {
        guard case .bool = typed.type.type else {
            report(.typeMismatch, "\(context) needs a condition (true/false), but this is \(typed.type)", span)
            return false
        }
        guard !typed.type.nullable else {
            report(.nullableCondition, "this may be null (unknown); compare it explicitly, e.g. '== true' or '!= true'", span)
            return false
        }
        return true
    }

    private func checkList(_ elements: [Expr], _ span: Span) -> Typed? {
        var nodes: [Node] = []
        var elementType: ValueType = .any
        var allConstant = true
        var constants: [Value] = []
        for element in elements {
            guard let typed = check(element) else { return nil }
            if case .any = elementType {
                elementType = typed.type.type
            } else if !elementType.isComparable(with: typed.type.type) {
                report(.typeMismatch, "list elements must have one type; found \(elementType) and \(typed.type.type)", element.span)
                return nil
            }
            nodes.append(typed.node)
            if case .constant(let v) = typed.node { constants.append(v) } else { allConstant = false }
        }
        let node: Node = allConstant ? .constant(.list(constants)) : .list(nodes)
        return Typed(node: node, type: TypeInfo(.list(elementType)))
    }

    private func checkPath(_ parts: [String], _ span: Span) -> Typed? {
        let head = parts[0]
        if let scope = scopes.last(where: { $0.name == head }) {
            guard parts.count > 1 else { return Typed(node: .variable(scope.slot), type: scope.type) }
            guard case .object(let node) = scope.type.type else {
                report(.unknownField, "'\(head)' is \(scope.type) and has no fields", span)
                return nil
            }
            guard let (path, type) = resolve(Array(parts.dropFirst()), in: node, prefix: head, span, nullable: scope.type.nullable) else { return nil }
            return Typed(node: .member(.variable(scope.slot), path), type: type)
        }
        if head == "params" {
            guard parts.count == 2 else {
                report(.unknownName, "write a parameter as 'params.<name>'", span)
                return nil
            }
            if rejectedParameters.contains(parts[1]) {
                usedParameters.insert(parts[1])
                return nil  // its declaration is already reported
            }
            guard let parameter = parameters[parts[1]] else {
                var message = "unknown parameter 'params.\(parts[1])'"
                if let near = Spelling.nearest(to: parts[1], in: parameters.keys) { message += " — did you mean 'params.\(near)'?" }
                report(.unknownName, message, span)
                return nil
            }
            usedParameters.insert(parts[1])
            read("params." + parts[1], EvidenceSource(name: "params." + parts[1], path: nil, node: nil, constant: parameter.json))
            return Typed(node: .parameter("params." + parts[1], parameter.value), type: parameter.type)
        }
        if definitionSources[head] != nil {
            usedDefinitions.insert(head)
            guard parts.count == 1 else {
                report(.unknownField, "'\(head)' is a definition and has no fields", span)
                return nil
            }
            guard let (index, type) = definition(head, referencedAt: span) else { return nil }
            return Typed(node: .definition(index), type: type)
        }
        guard case .object = schema.kind else { return nil }
        guard let (path, type) = resolve(parts, in: schema, prefix: nil, span, nullable: false) else { return nil }
        return Typed(node: .field(path), type: type)
    }

    /// Resolves field names through object schemas; records the field as evidence when it is a request field.
    private func resolve(
        _ parts: [String], in root: SchemaNode, prefix: String?, _ span: Span, nullable: Bool
    ) -> ([Int], TypeInfo)? {
        var node = root
        var path: [Int] = []
        var nullable = nullable
        for (i, part) in parts.enumerated() {
            let written = ((prefix.map { [$0] } ?? []) + parts[...i]).joined(separator: ".")
            guard case .object(let shape) = node.kind else {
                report(.unknownField, "'\(written.dropLast(part.count + 1))' is \(node.typeName) and has no field '\(part)'", span)
                return nil
            }
            guard let index = shape.property(named: part) else {
                var message = "unknown field '\(written)'"
                var candidates = shape.names
                if i == 0 && prefix == nil { candidates += Array(definitionSources.keys) + ["params"] }
                if let near = Spelling.nearest(to: part, in: candidates) {
                    let stem = written.dropLast(part.count)
                    message += " — did you mean '\(stem)\(near)'?"
                }
                report(.unknownField, message, span)
                return nil
            }
            path.append(index)
            node = shape.nodes[index]
            nullable = nullable || node.nullable
        }
        if prefix == nil {
            let name = parts.joined(separator: ".")
            read(name, EvidenceSource(name: name, path: path, node: node, constant: .null))
        }
        return (path, TypeInfo(ValueType(schema: node), nullable: nullable))
    }
}
