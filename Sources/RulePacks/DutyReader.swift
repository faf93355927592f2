internal import Yams
public import RulesEngine

/// Reads `duties.yaml`, the one list of duties a requester can meet, shared by the packs in the folders beside
/// it (rules/README.md §1.6).
public enum DutyReader {
    /// The file name, looked for in the folder that holds the pack folders.
    public static let fileName = "duties.yaml"

    public static func read(yaml text: String, file: String) -> (duties: [PackSyntax.Duty], diagnostics: [RuleDiagnostic]) {
        var source = YAMLSource(file: file, text: text)
        guard let root = source.root(), let members = source.mapping(root, what: "the duties file", allowed: ["duties"]) else {
            return ([], source.diagnostics)
        }
        var duties: [PackSyntax.Duty] = []
        for (_, value) in members {
            for node in source.sequence(value, what: "duties") ?? [] {
                guard let fields = source.mapping(node, what: "a duty", allowed: ["field", "when", "da", "en", "citations"]) else { continue }
                var duty = PackSyntax.Duty(location: source.location(node))
                var da: Located<String>?
                var en: Located<String>?
                for (key, field) in fields {
                    switch key.value {
                    case "field": duty.field = source.string(field, what: "field")
                    case "when": duty.when = source.expression(field, what: "when")
                    case "da": da = source.string(field, what: "da")
                    case "en": en = source.string(field, what: "en")
                    default: duty.citations = source.strings(field, what: "citations")
                    }
                }
                duty.texts = Texts(da: da, en: en, at: duty.location)
                duties.append(duty)
            }
        }
        return (duties, source.diagnostics)
    }
}
