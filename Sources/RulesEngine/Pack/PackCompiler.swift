/// Checks a ``PackSyntax`` against its request schema and compiles it into a ``CompiledPack``.
///
/// Every problem is collected before failing, so an author sees all of them at once. A pack with any error
/// is never returned; warnings travel with the compiled pack.
public struct PackCompiler: Sendable {
    public var functions: FunctionRegistry

    public init(functions: FunctionRegistry = .standard) {
        self.functions = functions
    }

    /// Compiles a pack.
    /// - Parameters:
    ///   - syntax: the pack as written.
    ///   - schema: the request schema the pack reads.
    ///   - overrides: deployment parameter values (from `config/`), by parameter name.
    ///   - digest: the content digest of the pack's files.
    /// - Throws: ``PackCompilationError`` with all diagnostics when there is at least one error.
    public func compile(
        _ syntax: PackSyntax, schema: SchemaNode, overrides: [String: Located<JSONValue>] = [:], digest: String = ""
    ) throws(PackCompilationError) -> CompiledPack {
        var context = PackCompilation(syntax: syntax, schema: schema, functions: functions)
        let pack = context.run(overrides: overrides, digest: digest)
        let diagnostics = context.diagnostics.sorted { $0.location < $1.location }
        guard let pack, !diagnostics.contains(where: { $0.severity == .error }) else {
            throw PackCompilationError(diagnostics: diagnostics)
        }
        return pack
    }
}

/// The state of one compilation.
struct PackCompilation {
    let syntax: PackSyntax
    let schema: SchemaNode
    let functions: FunctionRegistry
    var diagnostics: [RuleDiagnostic] = []
    /// Declared parameters whose declaration has an error: their uses are not reported again.
    var rejectedParameters = Set<String>()

    init(syntax: PackSyntax, schema: SchemaNode, functions: FunctionRegistry) {
        self.syntax = syntax
        self.schema = schema
        self.functions = functions
    }

    var fileStart: SourceLocation { SourceLocation(file: syntax.file, line: 1, column: 1) }

    mutating func error(_ code: RuleDiagnostic.Code, _ message: String, at location: SourceLocation) {
        diagnostics.append(RuleDiagnostic(.error, code, message, at: location))
    }

    mutating func warning(_ code: RuleDiagnostic.Code, _ message: String, at location: SourceLocation) {
        diagnostics.append(RuleDiagnostic(.warning, code, message, at: location))
    }

    mutating func run(overrides: [String: Located<JSONValue>], digest: String) -> CompiledPack? {
        let id = checkMetadata()
        let parameters = compileParameters(overrides: overrides)
        let definitions = collectDefinitions()
        let checker = ExpressionChecker(
            schema: schema, functions: functions,
            parameters: parameters.reduce(into: [:]) { $0[$1.name] = $1.parameter }, definitions: definitions,
            rejectedParameters: rejectedParameters)
        let outputs = compileOutputs(checker)
        for name in syntax.definitions.map(\.name.value) where definitions[name] != nil {
            _ = checker.definition(name, referencedAt: nil)
        }
        let rules = compileRules(checker, outputs: outputs)
        let duties = compileDuties()
        // An expression with an error stops being read at the error, so "unused" would be guesswork then.
        let complete = !(diagnostics + checker.diagnostics).contains { $0.severity == .error }
        for definition in syntax.definitions where complete && !checker.usedDefinitions.contains(definition.name.value) {
            warning(.unusedDefinition, "definition '\(definition.name.value)' is never used", at: definition.name.location)
        }
        for parameter in syntax.parameters where complete && !checker.usedParameters.contains(parameter.name.value) {
            warning(.unusedParameter, "parameter '\(parameter.name.value)' is never used", at: parameter.name.location)
        }
        diagnostics += checker.diagnostics
        guard let id, let outputs, let rules, let duties, !diagnostics.contains(where: { $0.severity == .error }) else { return nil }
        return CompiledPack(
            id: id, version: syntax.version?.value ?? "", title: bilingual(syntax.title),
            legalBasis: syntax.legalBasis?.value ?? "", digest: digest, schema: schema,
            parameters: parameters.map { ($0.name, $0.parameter.json) },
            warnings: diagnostics.filter { $0.severity == .warning },
            definitions: checker.definitionNodes, variableCount: checker.variableCount, outputs: outputs, rules: rules,
            duties: duties)
    }

    // MARK: - Metadata

    private mutating func checkMetadata() -> String? {
        var id: String?
        if let located = syntax.id {
            let valid = !located.value.isEmpty && located.value.utf8.allSatisfy {
                ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 45
            }
            if valid { id = located.value } else {
                error(.invalidValue, "pack id '\(located.value)' must use only lower-case letters, digits and '-'", at: located.location)
            }
        } else {
            error(.missingField, "the pack needs an id ('pack: <id>')", at: fileStart)
        }
        if let version = syntax.version {
            let parts = version.value.split(separator: ".", omittingEmptySubsequences: false)
            if parts.count != 3 || !parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isNumber) }) {
                error(.invalidValue, "version '\(version.value)' must be a semantic version like 1.2.0", at: version.location)
            }
        } else {
            error(.missingField, "the pack needs a version ('version: 1.0.0')", at: fileStart)
        }
        checkTexts(syntax.title, what: "the pack title", missingCode: .missingField, at: fileStart)
        if syntax.legalBasis == nil {
            error(.missingField, "the pack needs 'legal_basis': the legal texts and versions it encodes", at: fileStart)
        }
        if syntax.rules.isEmpty { error(.missingField, "the pack has no rules", at: fileStart) }
        return id
    }

    mutating func checkTexts(_ texts: Texts?, what: String, missingCode: RuleDiagnostic.Code, at location: SourceLocation) {
        guard let texts else {
            error(missingCode, "\(what) is missing (needs 'da' and 'en')", at: location)
            return
        }
        for (language, text) in [("da", texts.da), ("en", texts.en)] where text?.value.isEmpty ?? true {
            error(.missingTranslation, "\(what) has no '\(language)' text", at: texts.location)
        }
    }

    func bilingual(_ texts: Texts?) -> Bilingual {
        Bilingual(da: texts?.da?.value ?? "", en: texts?.en?.value ?? "")
    }

    // MARK: - Parameters

    private mutating func compileParameters(
        overrides: [String: Located<JSONValue>]
    ) -> [(name: String, parameter: ExpressionChecker.Parameter)] {
        var result: [(name: String, parameter: ExpressionChecker.Parameter)] = []
        var seen = Set<String>()
        for parameter in syntax.parameters {
            let name = parameter.name.value
            guard seen.insert(name).inserted else {
                error(.duplicateName, "parameter '\(name)' is declared twice", at: parameter.name.location)
                continue
            }
            guard let typeName = parameter.type else {
                error(.missingField, "parameter '\(name)' needs a type (bool, int, number, string, date, list)", at: parameter.name.location)
                rejectedParameters.insert(name)
                continue
            }
            guard let type = Self.parameterType(typeName.value) else {
                error(.invalidValue, "unknown parameter type '\(typeName.value)' (use bool, int, number, string, date or list)", at: typeName.location)
                rejectedParameters.insert(name)
                continue
            }
            guard let defaultValue = parameter.defaultValue else {
                error(.missingField, "parameter '\(name)' needs a default", at: parameter.name.location)
                rejectedParameters.insert(name)
                continue
            }
            let chosen = overrides[name] ?? defaultValue
            guard let value = Self.value(chosen.value, as: type) else {
                let what = overrides[name] != nil ? "the override" : "the default"
                error(.typeMismatch, "\(what) of parameter '\(name)' is not a \(type)", at: chosen.location)
                rejectedParameters.insert(name)
                continue
            }
            result.append((name, ExpressionChecker.Parameter(value: value, json: chosen.value, type: TypeInfo(type))))
        }
        for (name, value) in overrides.sorted(by: { $0.key < $1.key }) where !seen.contains(name) {
            var message = "pack '\(syntax.id?.value ?? "?")' has no parameter '\(name)'"
            if let near = Spelling.nearest(to: name, in: seen) { message += " — did you mean '\(near)'?" }
            error(.unknownParameter, message, at: value.location)
        }
        return result
    }

    static func parameterType(_ name: String) -> ValueType? {
        switch name {
        case "bool": .bool
        case "int": .int
        case "number": .number
        case "string": .string
        case "date": .date
        case "list": .list(.string)
        default: nil
        }
    }

    /// Converts a YAML/JSON scalar to a typed value, or nil when it does not have that type (no coercion).
    static func value(_ json: JSONValue, as type: ValueType) -> Value? {
        switch (type, json) {
        case (.bool, .bool(let b)): return .bool(b)
        case (.int, .int(let i)): return .int(i)
        case (.number, .int(let i)): return .number(Double(i))
        case (.number, .double(let d)): return .number(d)
        case (.string, .string(let s)): return .string(s)
        case (.enumeration(let values), .string(let s)) where values.contains(s): return .string(s)
        case (.date, .string(let s)): return Day(iso: s).map(Value.date)
        case (.list(let element), .array(let items)):
            var values: [Value] = []
            for item in items {
                guard let v = value(item, as: element) else { return nil }
                values.append(v)
            }
            return .list(values)
        default: return nil
        }
    }

    // MARK: - Definitions

    private mutating func collectDefinitions() -> [String: PackSyntax.Definition] {
        var result: [String: PackSyntax.Definition] = [:]
        var topLevel: [String] = []
        if case .object(let shape) = schema.kind { topLevel = shape.names }
        for definition in syntax.definitions {
            let name = definition.name.value
            if result[name] != nil {
                error(.duplicateName, "definition '\(name)' is declared twice", at: definition.name.location)
                continue
            }
            if topLevel.contains(name) || name == "params" || ["true", "false", "null", "and", "or", "not", "in"].contains(name) {
                error(.nameCollision, "'\(name)' is already a request field or a word of the language; rename the definition", at: definition.name.location)
                continue
            }
            if definition.expression == nil {
                error(.missingField, "definition '\(name)' has no value", at: definition.name.location)
                continue
            }
            result[name] = definition
        }
        return result
    }
}
