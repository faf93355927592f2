/// A duty the requester can still meet: a yes/no status field of the request (`data.dpia_completed`,
/// `workplace.med_informed` …) that is met when it is `true`. Declared once for all packs, in `rules/duties.yaml`
/// (rules/README.md §1.6); next steps re-evaluate a pack with such fields set to `true`.
public struct Duty: Hashable, Sendable {
    /// The request field, e.g. `data.dpia_completed`.
    public var field: String
    /// What to do, as the end of "To reach …: <text>", e.g. "complete the DPIA".
    public var text: Bilingual
    public var citations: [String]

    public init(field: String, text: Bilingual, citations: [String]) {
        self.field = field
        self.text = text
        self.citations = citations
    }
}

extension PackSyntax {
    /// One entry of `duties.yaml`, as written.
    public struct Duty: Sendable {
        public var location: SourceLocation
        public var field: Located<String>?
        /// When the duty applies at all (e.g. a TIA only for SCC transfers); request fields only.
        public var when: ExpressionSource?
        public var texts: Texts?
        public var citations: [Located<String>] = []

        public init(location: SourceLocation) {
            self.location = location
        }
    }
}

/// A checked duty: the field's path, and the condition under which it applies.
struct CompiledDuty: Sendable {
    let duty: Duty
    let path: [Int]
    let when: Node?
}

extension PackCompilation {
    /// Checks the duties: each names a yes/no request field, once; its `when` reads only request fields
    /// (no definitions or parameters: every pack must see the same open duties).
    mutating func compileDuties() -> [CompiledDuty]? {
        let checker = ExpressionChecker(schema: schema, functions: functions, parameters: [:], definitions: [:])
        var duties: [CompiledDuty] = []
        var seen = Set<String>()
        var ok = true
        for duty in syntax.duties {
            guard let field = duty.field else {
                error(.missingField, "a duty needs 'field': the yes/no request field that is true once it is met", at: duty.location)
                ok = false
                continue
            }
            guard seen.insert(field.value).inserted else {
                error(.duplicateName, "duty '\(field.value)' is declared twice", at: field.location)
                ok = false
                continue
            }
            checkTexts(duty.texts, what: "duty \(field.value)", missingCode: .missingTranslation, at: duty.location)
            if duty.citations.isEmpty {
                error(.missingCitation, "duty \(field.value) needs at least one legal citation", at: duty.location)
                ok = false
            }
            let source = ExpressionSource(field.value, at: field.location)
            guard let (typed, _) = checker.compile(source) else {
                ok = false
                continue
            }
            guard case .field(let path) = typed.node, case .bool = typed.type.type else {
                error(.typeMismatch, "duty '\(field.value)' must be a yes/no request field (bool or bool|null)", at: field.location)
                ok = false
                continue
            }
            var when: Node?
            if let expression = duty.when {
                guard let (node, _) = checker.compileCondition(expression, what: "the 'when' of duty \(field.value)") else {
                    ok = false
                    continue
                }
                when = node
            }
            duties.append(CompiledDuty(
                duty: Duty(field: field.value, text: bilingual(duty.texts), citations: duty.citations.map(\.value)), path: path, when: when))
        }
        diagnostics += checker.diagnostics
        return ok && !checker.diagnostics.contains(where: { $0.severity == .error }) ? duties : nil
    }
}
