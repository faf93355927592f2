public import RulesEngine

/// The request's fields in words, for readers who never see the schema: `workplace.monitors_employees = true`
/// becomes "Kontrolforanstaltning: registrerer medarbejdernes aktivitet, placering eller adfærd: ja".
///
/// Labels come from the request schema, the one place that names the fields: its `title` (Danish) and the first
/// clause of its `description` (English). A path the schema does not know keeps its own words (`a.b_c` → "b c").
public struct FieldLabels: Sendable {
    private let schema: SchemaNode?

    /// - Parameter schema: the request schema the packs read (nil: paths stay paths, in words).
    public init(schema: SchemaNode?) {
        self.schema = schema
    }

    /// The label of the field at a dotted `path` (`ai.use_domain`).
    public func label(_ path: String, language: Language) -> String {
        if let node = node(at: path) {
            switch language {
            case .da: if let title = node.title, !title.isEmpty { return title }
            case .en: if let clause = node.description.flatMap(Self.firstClause) { return clause }
            }
        }
        let last = path.split(separator: ".").last.map(String.init) ?? path
        return last.replacing("_", with: " ")
    }

    /// A value in words: yes/no, "not stated" for null, enum values without underscores, lists joined.
    public func value(_ value: JSONValue, language: Language) -> String {
        let da = language == .da
        switch value {
        case .null: return da ? "ikke oplyst" : "not stated"
        case .bool(let b): return b ? (da ? "ja" : "yes") : (da ? "nej" : "no")
        case .int(let i): return String(i)
        case .double(let d): return String(d)
        case .string(let s): return s.contains(" ") ? s : s.replacing("_", with: " ")
        case .array(let items):
            guard !items.isEmpty else { return da ? "ingen" : "none" }
            return items.map { self.value($0, language: language) }.joined(separator: ", ")
        case .object(let members):
            return members.map { "\(label($0.0, language: language)): \(self.value($0.1, language: language))" }.joined(separator: "; ")
        }
    }

    private func node(at path: String) -> SchemaNode? {
        guard var node = schema else { return nil }
        for name in path.split(separator: ".") {
            guard case .object(let shape) = node.kind, let index = shape.property(named: String(name)) else { return nil }
            node = shape.nodes[index]
        }
        return node
    }

    /// "Product or system name." → "Product or system name"; the first sentence, before any parenthesis, at most
    /// 90 characters (cut at a word).
    static func firstClause(_ description: String) -> String? {
        var text = Substring(description)
        if let end = text.firstRange(of: ". ") { text = text[..<end.lowerBound] }
        if let paren = text.firstRange(of: " (") { text = text[..<paren.lowerBound] }
        if let semicolon = text.firstRange(of: "; ") { text = text[..<semicolon.lowerBound] }
        while text.hasSuffix(".") || text.hasSuffix(":") { text = text.dropLast() }
        guard !text.isEmpty else { return nil }
        guard text.count > 90 else { return String(text) }
        let cut = text.prefix(90)
        return String(cut[..<(cut.lastIndex(of: " ") ?? cut.endIndex)]) + " …"
    }
}
