internal import Foundation
public import RulePacks
import RulesEngine

/// Fuzz target for the rule-pack loader: the input as the bytes of a `pack.yaml` through
/// ``PackLoader/load(yaml:file:directory:)`` (YAML, structure, expressions, compilation), and a pack that
/// compiles evaluated on example requests.
///
/// Must hold for every input: a pack is returned exactly when there is no error diagnostic; every diagnostic
/// points into the file (line 1 to one past the last line, column 1 or more).
public struct PackTarget: Sendable {
    public let loader = PackLoader()
    /// Where the fuzzed `pack.yaml` seems to live: a folder of `rules/` that does not exist, so the default
    /// schema is found in the repository's `config/schema/`.
    public let directory: String
    public let file: String
    /// The schema node packs reading the default schema share, and example requests decoded with it.
    private let schema: SchemaNode?
    private let requests: [Request]

    /// - Parameter repositoryRoot: The aiscreen checkout (for `config/schema/` and `examples/`).
    public init(repositoryRoot: String) {
        directory = repositoryRoot + "/rules/fuzz-input"
        file = directory + "/pack.yaml"
        // A bundled pack puts the default schema in the loader's cache, so fuzzed packs share its node.
        let schema = loader.load(directory: repositoryRoot + "/rules/gdpr").pack?.schema
        self.schema = schema
        let examples = ["examples/minimal/required-fields-only.json", "examples/requests/04-cv-screening-recruitment.json", "examples/requests/17-covert-keystroke-logging.json"]
        requests = examples.compactMap { path in
            guard let schema, let text = try? String(contentsOfFile: repositoryRoot + "/" + path, encoding: .utf8) else { return nil }
            return try? RequestDecoder(schema: schema).decode(json: text)
        }
    }

    /// Whether the target found its schema and example requests (a wrong repository root finds neither).
    public var isReady: Bool { schema != nil && requests.count == 3 }

    public func run(_ input: [UInt8]) throws(FuzzViolation) -> FuzzOutcome {
        let loaded = loader.load(yaml: input, file: file, directory: directory)
        let errors = loaded.errors
        guard (loaded.pack == nil) == !errors.isEmpty else {
            throw FuzzViolation("pack is \(loaded.pack == nil ? "nil" : "set") with \(errors.count) errors: \(errors)")
        }
        let lineCount = input.count { $0 == UInt8(ascii: "\n") } + 1
        for diagnostic in loaded.diagnostics {
            let location = diagnostic.location
            guard location.file == file, (1...lineCount + 1).contains(location.line), location.column >= 1 else {
                throw FuzzViolation("diagnostic outside the file (\(lineCount) lines): \(diagnostic)")
            }
        }
        guard let pack = loaded.pack else { return .rejected(errors[0].code.description) }
        if pack.schema === schema {
            for request in requests { _ = pack.evaluate(request) }
        }
        return .decoded
    }
}
