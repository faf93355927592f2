internal import Yams
public import RulesEngine

/// Reads `pack.yaml` text into a positioned ``PackSyntax``. Structural problems (unknown keys, wrong shapes,
/// YAML errors) are reported here; meaning (types, names, metadata) is checked by ``PackCompiler``.
public enum PackReader {
    static let packKeys: Set<String> = [
        "pack", "version", "title", "description", "legal_basis", "schema", "parameters", "outputs", "definitions", "rules",
    ]
    static let ruleKeys: Set<String> = [
        "id", "title", "when", "verdict", "set", "citations", "rationale", "conditions", "notes",
    ]

    /// The syntax of a pack, the schema path it names (if any), and the structural diagnostics.
    public static func read(yaml text: String, file: String) -> (syntax: PackSyntax, schemaPath: Located<String>?, diagnostics: [RuleDiagnostic]) {
        var source = YAMLSource(file: file, text: text)
        var syntax = PackSyntax(file: file)
        var schemaPath: Located<String>?
        guard let root = source.root(), let members = source.mapping(root, what: "the pack", allowed: packKeys) else {
            return (syntax, nil, source.diagnostics)
        }
        for (key, value) in members {
            switch key.value {
            case "pack": syntax.id = source.string(value, what: "pack")
            case "version": syntax.version = source.string(value, what: "version")
            case "title": syntax.title = source.texts(value, what: "title")
            case "legal_basis": syntax.legalBasis = source.string(value, what: "legal_basis")
            case "schema": schemaPath = source.string(value, what: "schema")
            case "parameters": syntax.parameters = readParameters(value, &source)
            case "outputs": syntax.outputs = readOutputs(value, &source)
            case "definitions": syntax.definitions = readDefinitions(value, &source)
            case "rules": syntax.rules = (source.sequence(value, what: "rules") ?? []).compactMap { readRule($0, &source) }
            default: break
            }
        }
        return (syntax, schemaPath, source.diagnostics)
    }

    private static func describe(_ node: Node, _ source: inout YAMLSource) -> String? {
        if case .scalar = node { return source.string(node, what: "description")?.value }
        return source.texts(node, what: "description").flatMap { $0.en?.value ?? $0.da?.value }
    }

    private static func readParameters(_ node: Node, _ source: inout YAMLSource) -> [PackSyntax.Parameter] {
        guard let members = source.mapping(node, what: "parameters") else { return [] }
        return members.compactMap { (name, value) in
            guard let fields = source.mapping(value, what: "parameter '\(name.value)'", allowed: ["type", "default", "description"]) else { return nil }
            var parameter = PackSyntax.Parameter(name: name, type: nil, defaultValue: nil, description: nil)
            for (key, field) in fields {
                switch key.value {
                case "type": parameter.type = source.string(field, what: "type")
                case "default": parameter.defaultValue = Located(source.json(field), at: source.location(field))
                default: parameter.description = describe(field, &source)
                }
            }
            return parameter
        }
    }

    private static func readOutputs(_ node: Node, _ source: inout YAMLSource) -> [PackSyntax.Output] {
        guard let members = source.mapping(node, what: "outputs") else { return [] }
        return members.compactMap { (name, value) in
            let allowed: Set<String> = ["type", "values", "merge", "default", "value", "include_when", "description"]
            guard let fields = source.mapping(value, what: "output '\(name.value)'", allowed: allowed) else { return nil }
            var output = PackSyntax.Output(name: name)
            for (key, field) in fields {
                switch key.value {
                case "type": output.type = source.string(field, what: "type")
                case "values": output.values = source.strings(field, what: "values")
                case "merge": output.merge = source.string(field, what: "merge")
                case "default": output.defaultValue = Located(source.json(field), at: source.location(field))
                case "value": output.value = source.expression(field, what: "value")
                case "include_when":
                    output.includeWhen = (source.mapping(field, what: "include_when") ?? []).compactMap { (label, condition) in
                        source.expression(condition, what: "the condition for '\(label.value)'").map { (label, $0) }
                    }
                default: output.description = describe(field, &source)
                }
            }
            return output
        }
    }

    private static func readDefinitions(_ node: Node, _ source: inout YAMLSource) -> [PackSyntax.Definition] {
        guard let members = source.mapping(node, what: "definitions") else { return [] }
        return members.compactMap { (name, value) in
            if case .mapping = value {
                guard let fields = source.mapping(value, what: "definition '\(name.value)'", allowed: ["value", "description"]) else { return nil }
                var definition = PackSyntax.Definition(name: name, expression: nil, description: nil)
                for (key, field) in fields {
                    if key.value == "value" {
                        definition.expression = source.expression(field, what: "definition '\(name.value)'")
                    } else {
                        definition.description = describe(field, &source)
                    }
                }
                return definition
            }
            return PackSyntax.Definition(name: name, expression: source.expression(value, what: "definition '\(name.value)'"), description: nil)
        }
    }

    private static func readRule(_ node: Node, _ source: inout YAMLSource) -> PackSyntax.Rule? {
        guard let fields = source.mapping(node, what: "a rule", allowed: ruleKeys) else { return nil }
        var rule = PackSyntax.Rule(location: source.location(node))
        for (key, value) in fields {
            switch key.value {
            case "id": rule.id = source.string(value, what: "id")
            case "title": rule.title = source.texts(value, what: "title")
            case "when": rule.when = source.expression(value, what: "when")
            case "verdict": rule.verdict = source.string(value, what: "verdict")
            case "set":
                rule.set = (source.mapping(value, what: "set") ?? []).map { ($0.key, Located(source.json($0.value), at: source.location($0.value))) }
            case "citations": rule.citations = source.strings(value, what: "citations")
            case "rationale": rule.rationale = source.texts(value, what: "rationale")
            case "conditions":
                rule.conditions = (source.sequence(value, what: "conditions") ?? []).compactMap { readCondition($0, &source) }
            default: break
            }
        }
        return rule
    }

    private static func readCondition(_ node: Node, _ source: inout YAMLSource) -> PackSyntax.Condition? {
        guard let fields = source.mapping(node, what: "a condition", allowed: ["key", "da", "en", "applies_from"]) else { return nil }
        var key: Located<String>?
        var da: Located<String>?
        var en: Located<String>?
        var appliesFrom: Located<String>?
        for (name, value) in fields {
            switch name.value {
            case "key": key = source.string(value, what: "key")
            case "da": da = source.string(value, what: "da")
            case "en": en = source.string(value, what: "en")
            default: appliesFrom = source.string(value, what: "applies_from")
            }
        }
        let location = source.location(node)
        return PackSyntax.Condition(location: location, key: key, texts: Texts(da: da, en: en, at: location), appliesFrom: appliesFrom)
    }
}
