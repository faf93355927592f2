extension PackCompilation {
    // MARK: - Outputs

    mutating func compileOutputs(_ checker: ExpressionChecker) -> [CompiledOutput]? {
        var outputs: [CompiledOutput] = []
        var ok = true
        var seen = Set<String>()
        for output in syntax.outputs {
            let name = output.name.value
            guard seen.insert(name).inserted else {
                error(.duplicateName, "output '\(name)' is declared twice", at: output.name.location)
                ok = false
                continue
            }
            guard let compiled = compileOutput(output, checker) else {
                ok = false
                continue
            }
            outputs.append(compiled)
        }
        return ok ? outputs : nil
    }

    private mutating func compileOutput(_ output: PackSyntax.Output, _ checker: ExpressionChecker) -> CompiledOutput? {
        let name = output.name.value
        guard let typeName = output.type else {
            error(.missingField, "output '\(name)' needs a type (bool, int, number, string, enum, list)", at: output.name.location)
            return nil
        }
        let type: OutputType
        let valueType: ValueType
        switch typeName.value {
        case "bool": (type, valueType) = (.bool, .bool)
        case "int": (type, valueType) = (.int, .int)
        case "number": (type, valueType) = (.number, .number)
        case "string": (type, valueType) = (.string, .string)
        case "list": (type, valueType) = (.list, .list(.string))
        case "enum":
            guard let values = output.values, !values.isEmpty else {
                error(.missingField, "enum output '\(name)' needs 'values', listed from lowest to highest", at: typeName.location)
                return nil
            }
            let strings = values.map(\.value)
            if Set(strings).count != strings.count {
                error(.duplicateName, "enum output '\(name)' lists a value twice", at: values[0].location)
                return nil
            }
            (type, valueType) = (.enumeration(strings), .enumeration(strings))
        default:
            error(.invalidValue, "unknown output type '\(typeName.value)' (use bool, int, number, string, enum or list)", at: typeName.location)
            return nil
        }
        let allowed: [MergePolicy]
        switch type {
        case .bool: allowed = [.any, .all]
        case .int, .number, .enumeration: allowed = [.max, .min]
        case .string: allowed = [.first]
        case .list: allowed = [.union]
        }
        var merge = allowed[0]
        if let written = output.merge {
            guard let policy = MergePolicy(rawValue: written.value), allowed.contains(policy) else {
                error(.invalidValue, "merge '\(written.value)' does not fit a \(typeName.value) output (use \(allowed.map(\.rawValue).joined(separator: " or ")))", at: written.location)
                return nil
            }
            merge = policy
        }
        var defaultValue: Value
        switch type {
        case .bool: defaultValue = .bool(false)
        case .int: defaultValue = .int(0)
        case .number: defaultValue = .number(0)
        case .string: defaultValue = .string("")
        case .list: defaultValue = .list([])
        case .enumeration(let values): defaultValue = .string(values[0])
        }
        if let written = output.defaultValue {
            guard let value = Self.value(written.value, as: valueType) else {
                error(.typeMismatch, "the default of output '\(name)' is not a valid \(typeName.value)", at: written.location)
                return nil
            }
            defaultValue = value
        }
        var compiled = CompiledOutput(name: name, type: type, merge: merge, defaultValue: defaultValue)
        if let expression = output.value {
            guard let (typed, _) = checker.compile(expression) else { return nil }
            guard Self.fits(typed.type, valueType) else {
                error(.typeMismatch, "output '\(name)' is \(typeName.value), but its value is \(typed.type)", at: expression.location)
                return nil
            }
            compiled.computed = typed.node
        }
        if let includeWhen = output.includeWhen {
            guard case .list = type else {
                error(.typeMismatch, "'include_when' builds a list; output '\(name)' must have type list", at: output.name.location)
                return nil
            }
            var items: [(label: String, condition: Node)] = []
            for (label, condition) in includeWhen {
                guard let (node, _) = checker.compileCondition(condition, what: "the condition for '\(label.value)'") else { continue }
                items.append((label.value, node))
            }
            guard items.count == includeWhen.count else { return nil }
            compiled.includeWhen = items
        }
        return compiled
    }

    static func fits(_ actual: TypeInfo, _ declared: ValueType) -> Bool {
        if actual.nullable { return false }
        switch (actual.type, declared) {
        case (.bool, .bool), (.int, .int), (.date, .string): return true
        case (.int, .number), (.number, .number): return true
        case (.string, .string), (.enumeration, .string): return true
        case (.enumeration(let a), .enumeration(let b)): return Set(a).isSubset(of: Set(b))
        case (.list(let e), .list): return e.isText || { if case .any = e { true } else { false } }()
        default: return false
        }
    }

    // MARK: - Rules

    mutating func compileRules(_ checker: ExpressionChecker, outputs: [CompiledOutput]?) -> [CompiledRule]? {
        var rules: [CompiledRule] = []
        var ok = true
        // A condition key names one action: within a pack, every use of a key must carry the same text.
        var keyTexts: [String: (text: Bilingual, line: Int)] = [:]
        for rule in syntax.rules {
            for condition in rule.conditions {
                guard let key = condition.key else { continue }
                let text = bilingual(condition.texts)
                if let first = keyTexts[key.value] {
                    if first.text != text {
                        error(.duplicateConditionKey, "condition key '\(key.value)' is used at line \(first.line) with a different text; one key must always mean the same action", at: key.location)
                        ok = false
                    }
                } else {
                    keyTexts[key.value] = (text, key.location.line)
                }
            }
        }
        var ids: [String: SourceLocation] = [:]
        for rule in syntax.rules {
            let id = rule.id?.value
            if let located = rule.id {
                if let first = ids[located.value] {
                    error(.duplicateRuleID, "rule id '\(located.value)' is already used at line \(first.line)", at: located.location)
                    ok = false
                } else {
                    ids[located.value] = located.location
                }
            } else {
                error(.missingField, "the rule has no 'id'", at: rule.location)
                ok = false
            }
            guard let compiled = compileRule(rule, id: id ?? "?", checker, outputs: outputs) else {
                ok = false
                continue
            }
            rules.append(compiled)
        }
        return ok ? rules : nil
    }

    private mutating func compileRule(
        _ rule: PackSyntax.Rule, id: String, _ checker: ExpressionChecker, outputs: [CompiledOutput]?
    ) -> CompiledRule? {
        var ok = true
        checkTexts(rule.title, what: "rule \(id): the title", missingCode: .missingField, at: rule.location)
        checkTexts(rule.rationale, what: "rule \(id): the rationale", missingCode: .missingRationale, at: rule.location)
        if rule.citations.isEmpty || rule.citations.contains(where: { $0.value.isEmpty }) {
            error(.missingCitation, "rule \(id) needs at least one legal citation ('citations: [\"GDPR Art. 35(1)\"]')", at: rule.location)
            ok = false
        }
        var verdict = Verdict.approved
        if let written = rule.verdict {
            if let parsed = Verdict(written.value) { verdict = parsed } else {
                error(.invalidValue, "verdict '\(written.value)' is not one of approved, approved-with-conditions, needs-review, rejected", at: written.location)
                ok = false
            }
        } else {
            error(.missingField, "rule \(id) needs a 'verdict'", at: rule.location)
            ok = false
        }
        var when: (Node, [EvidenceSource])?
        if let expression = rule.when {
            when = checker.compileCondition(expression, what: "the 'when' of rule \(id)")
        } else {
            error(.missingField, "rule \(id) needs a 'when' condition", at: rule.location)
        }
        var sets: [(output: Int, value: Value)] = []
        for (name, value) in rule.set {
            guard let outputs else { continue }
            guard let index = outputs.firstIndex(where: { $0.name == name.value }) else {
                var message = "rule \(id) sets '\(name.value)', which is not an output of this pack"
                if let near = Spelling.nearest(to: name.value, in: outputs.map(\.name)) { message += " — did you mean '\(near)'?" }
                error(.unknownOutput, message, at: name.location)
                ok = false
                continue
            }
            let output = outputs[index]
            if output.computed != nil || output.includeWhen != nil {
                error(.computedOutputSet, "output '\(name.value)' is computed from the request; rules cannot set it", at: name.location)
                ok = false
                continue
            }
            guard let typed = Self.outputValue(value.value, output.type) else {
                error(.typeMismatch, "'\(name.value)' cannot be set to \(JSONWriter.string(value.value)) (\(Self.describe(output.type)))", at: value.location)
                ok = false
                continue
            }
            sets.append((index, typed))
        }
        var conditions: [Condition] = []
        for condition in rule.conditions {
            checkTexts(condition.texts, what: "rule \(id): a condition", missingCode: .missingTranslation, at: condition.location)
            var appliesFrom: Day?
            if let written = condition.appliesFrom {
                appliesFrom = Day(iso: written.value)
                if appliesFrom == nil {
                    error(.invalidValue, "applies_from '\(written.value)' is not a date (YYYY-MM-DD)", at: written.location)
                    ok = false
                }
            }
            conditions.append(Condition(key: condition.key?.value, text: bilingual(condition.texts), appliesFrom: appliesFrom))
        }
        guard ok, let (node, evidence) = when else { return nil }
        return CompiledRule(
            id: id, title: bilingual(rule.title), when: node, verdict: verdict, sets: sets,
            citations: rule.citations.map(\.value), rationale: bilingual(rule.rationale), conditions: conditions,
            evidence: evidence)
    }

    static func outputValue(_ json: JSONValue, _ type: OutputType) -> Value? {
        switch type {
        case .bool: value(json, as: .bool)
        case .int: value(json, as: .int)
        case .number: value(json, as: .number)
        case .string: value(json, as: .string)
        case .enumeration(let values): value(json, as: .enumeration(values))
        case .list:
            if case .string(let s) = json { .list([.string(s)]) } else { value(json, as: .list(.string)) }
        }
    }

    static func describe(_ type: OutputType) -> String {
        switch type {
        case .bool: "a bool output takes true or false"
        case .int: "an int output takes a whole number"
        case .number: "a number output takes a number"
        case .string: "a string output takes text"
        case .enumeration(let values): "one of \(values.joined(separator: ", "))"
        case .list: "a list output takes a label or a list of labels"
        }
    }
}
