extension ExpressionChecker {
    func checkBinary(_ op: Expr.BinaryOp, _ lhs: Expr, _ rhs: Expr, _ span: Span) -> Typed? {
        switch op {
        case .and, .or:
            guard let a = check(lhs), let b = check(rhs) else { return nil }
            guard requireBool(a, lhs.span, "'\(op.rawValue)'"), requireBool(b, rhs.span, "'\(op.rawValue)'") else { return nil }
            return Typed(node: op == .and ? .and(a.node, b.node) : .or(a.node, b.node), type: TypeInfo(.bool))
        case .equal, .notEqual:
            guard var a = check(lhs), var b = check(rhs) else { return nil }
            guard a.type.type.isComparable(with: b.type.type) || coerceDate(&a, &b, lhs, rhs) else {
                report(.typeMismatch, "cannot compare \(a.type) with \(b.type) using '\(op.rawValue)'", span)
                return nil
            }
            guard checkEnumLiteral(a, b, rhs), checkEnumLiteral(b, a, lhs) else { return nil }
            return Typed(node: op == .equal ? .equal(a.node, b.node) : .notEqual(a.node, b.node), type: TypeInfo(.bool))
        case .less, .lessEqual, .greater, .greaterEqual:
            guard var a = check(lhs), var b = check(rhs) else { return nil }
            _ = coerceDate(&a, &b, lhs, rhs)
            let ordered: Bool =
                switch (a.type.type, b.type.type) {
                case (.date, .date): true
                case _ where a.type.type.isNumeric && b.type.type.isNumeric: true
                default: false
                }
            guard ordered else {
                report(.typeMismatch, "'\(op.rawValue)' compares numbers or dates, not \(a.type) and \(b.type)", span)
                return nil
            }
            let ordering: Node.Ordering =
                switch op {
                case .less: .less
                case .lessEqual: .lessEqual
                case .greater: .greater
                default: .greaterEqual
                }
            return Typed(node: .compare(ordering, a.node, b.node), type: TypeInfo(.bool))
        case .in, .notIn:
            guard let element = check(lhs), let list = check(rhs) else { return nil }
            guard case .list(let elementType) = list.type.type else {
                report(.typeMismatch, "the right side of '\(op.rawValue)' must be a list, but it is \(list.type)", rhs.span)
                return nil
            }
            guard element.type.type.isComparable(with: elementType) else {
                report(.typeMismatch, "cannot look for \(element.type) in a list of \(elementType)", span)
                return nil
            }
            guard checkEnumMembership(element, list, lhs, rhs) else { return nil }
            let node = Node.contains(list: list.node, element: element.node)
            return Typed(node: op == .in ? node : .not(node), type: TypeInfo(.bool))
        }
    }

    /// `date_field <op> "2027-12-02"`: a text literal compared with a date is read as a date, once, here.
    private func coerceDate(_ a: inout Typed, _ b: inout Typed, _ lhs: Expr, _ rhs: Expr) -> Bool {
        func convert(_ typed: inout Typed, _ expr: Expr) -> Bool {
            guard case .constant(.string(let text)) = typed.node else { return false }
            guard let day = Day(iso: text) else {
                report(.invalidValue, "\"\(text)\" is not a date (write YYYY-MM-DD)", expr.span)
                return false
            }
            typed = Typed(node: .constant(.date(day)), type: TypeInfo(.date))
            return true
        }
        if case .date = a.type.type, case .string = b.type.type { return convert(&b, rhs) }
        if case .date = b.type.type, case .string = a.type.type { return convert(&a, lhs) }
        return false
    }

    /// A text literal compared with an enum field must be one of its values.
    private func checkEnumLiteral(_ field: Typed, _ literal: Typed, _ literalExpr: Expr) -> Bool {
        guard case .enumeration(let values) = field.type.type, case .constant(.string(let text)) = literal.node else { return true }
        return checkEnumValue(text, values, literalExpr.span)
    }

    func checkEnumValue(_ text: String, _ values: [String], _ span: Span) -> Bool {
        guard !values.contains(text) else { return true }
        var message = "\"\(text)\" is not a value of this field (\(values.map { "\"\($0)\"" }.joined(separator: ", ")))"
        if let near = Spelling.nearest(to: text, in: values) { message = "\"\(text)\" is not a value of this field — did you mean \"\(near)\"?" }
        report(.unknownEnumValue, message, span)
        return false
    }

    private func checkEnumMembership(_ element: Typed, _ list: Typed, _ lhs: Expr, _ rhs: Expr) -> Bool {
        if case .enumeration(let values) = element.type.type, case .list(let elements, _) = rhs {
            var ok = true
            for e in elements {
                if case .literal(.string(let text), let span) = e { ok = checkEnumValue(text, values, span) && ok }
            }
            return ok
        }
        if case .list(.enumeration(let values)) = list.type.type, case .constant(.string(let text)) = element.node {
            return checkEnumValue(text, values, lhs.span)
        }
        return true
    }

    func checkCall(_ name: String, _ args: [Expr], _ span: Span) -> Typed? {
        if name == "exists" || name == "all" {
            report(.syntax, "write '\(name)' after a list: '<list>.\(name)(x, <condition on x>)'", span)
            return nil
        }
        guard let function = functions[name] else {
            var message = "unknown function '\(name)'"
            if let near = Spelling.nearest(to: name, in: functions.functions.keys) { message += " — did you mean '\(near)'?" }
            report(.unknownFunction, message, span)
            return nil
        }
        guard function.arity.contains(args.count) else {
            let expected = function.arity.count == 1 ? "\(function.arity.lowerBound)" : "\(function.arity.lowerBound) to \(function.arity.upperBound)"
            report(.wrongArity, "\(name) takes \(expected) argument(s), got \(args.count): \(function.signature)", span)
            return nil
        }
        if name == "date", case .literal(.string(let text), let argSpan) = args[0] {
            guard let day = Day(iso: text) else {
                report(.invalidValue, "\"\(text)\" is not a date (write YYYY-MM-DD)", argSpan)
                return nil
            }
            return Typed(node: .constant(.date(day)), type: TypeInfo(.date))
        }
        var typed: [Typed] = []
        for arg in args {
            guard let t = check(arg) else { return nil }
            typed.append(t)
        }
        if name == "intersects", typed.count == 2 {
            for (enumSide, literalSide) in [(0, 1), (1, 0)] {
                guard case .list(.enumeration(let values)) = typed[enumSide].type.type,
                    case .list(let elements, _) = args[literalSide]
                else { continue }
                var ok = true
                for case .literal(.string(let text), let span) in elements { ok = checkEnumValue(text, values, span) && ok }
                if !ok { return nil }
            }
        }
        switch function.check(typed.map(\.type)) {
        case .failure(let error):
            let at = error.argument.map { args[$0].span } ?? span
            report(.typeMismatch, "\(error.message) — \(function.signature)", at)
            return nil
        case .success(let type):
            return Typed(node: .call(name, function.implementation, typed.map(\.node)), type: type)
        }
    }

    func checkMacro(_ receiver: Expr, _ name: String, _ args: [Expr], _ span: Span) -> Typed? {
        guard name == "exists" || name == "all" else {
            report(.unknownFunction, "unknown function '.\(name)(…)'; after a list you can write .exists(x, …) or .all(x, …)", span)
            return nil
        }
        guard args.count == 2 else {
            report(.wrongArity, "\(name) takes a variable and a condition: <list>.\(name)(x, <condition on x>)", span)
            return nil
        }
        guard case .path(let variable, let variableSpan) = args[0], variable.count == 1 else {
            report(.syntax, "the first argument of \(name) must be a short variable name, like 'x'", args[0].span)
            return nil
        }
        guard let list = check(receiver) else { return nil }
        guard case .list(let elementType) = list.type.type else {
            report(.typeMismatch, "\(name) needs a list, but this is \(list.type)", receiver.span)
            return nil
        }
        if definitionSources[variable[0]] != nil || variable[0] == "params" {
            report(.nameCollision, "'\(variable[0])' is already a name in this pack; pick another variable name", variableSpan)
            return nil
        }
        let slot = variableCount
        variableCount += 1
        scopes.append((variable[0], slot, TypeInfo(elementType)))
        defer { scopes.removeLast() }
        guard let predicate = check(args[1]), requireBool(predicate, args[1].span, name) else { return nil }
        let node: Node =
            name == "exists"
            ? .exists(list: list.node, slot: slot, predicate: predicate.node)
            : .all(list: list.node, slot: slot, predicate: predicate.node)
        return Typed(node: node, type: TypeInfo(.bool))
    }
}
