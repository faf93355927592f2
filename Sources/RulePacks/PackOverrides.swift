public import RulesEngine
internal import Foundation

/// Deployment parameter overrides read from `config/aiscreen.yaml`:
///
/// ```yaml
/// packs:
///   workplace:
///     parameters:
///       control_notice_min_weeks: 8
/// ```
public enum PackOverrides {
    /// Keys of `packs:` that are settings of the deployment (``DeploymentConfig``), not pack ids.
    public static let reservedKeys: Set<String> = ["trusted_signers", "require_signature"]

    /// Reads the `packs:` section of a config file. Other sections are left to their owners.
    /// - Returns: overrides by pack id then parameter name, and any problems found.
    public static func load(path: String) -> (overrides: [String: [String: Located<JSONValue>]], diagnostics: [RuleDiagnostic]) {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            return ([:], [RuleDiagnostic(.error, .missingField, "cannot read the config file", at: SourceLocation(file: path, line: 1, column: 1))])
        }
        return parse(yaml: text, file: path)
    }

    public static func parse(yaml text: String, file: String) -> (overrides: [String: [String: Located<JSONValue>]], diagnostics: [RuleDiagnostic]) {
        var source = YAMLSource(file: file, text: text)
        var result: [String: [String: Located<JSONValue>]] = [:]
        guard let root = source.root(), let members = source.mapping(root, what: "the config") else { return ([:], source.diagnostics) }
        for (key, value) in members where key.value == "packs" {
            for (pack, settings) in source.mapping(value, what: "packs") ?? [] where !reservedKeys.contains(pack.value) {
                for (section, parameters) in source.mapping(settings, what: "packs.\(pack.value)", allowed: ["parameters"]) ?? [] {
                    _ = section
                    var values: [String: Located<JSONValue>] = [:]
                    for (name, v) in source.mapping(parameters, what: "packs.\(pack.value).parameters") ?? [] {
                        values[name.value] = Located(source.json(v), at: source.location(v))
                    }
                    result[pack.value] = values
                }
            }
        }
        return (result, source.diagnostics)
    }
}
