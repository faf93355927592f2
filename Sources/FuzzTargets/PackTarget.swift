internal import Foundation
public import RulePacks
import RulesEngine

/// Fuzz target for the rule-pack loader: the input as the bytes of a `pack.yaml` through
/// ``PackLoader/load(yaml:file:directory:)`` (YAML, structure, expressions, compilation), and a pack that
/// compiles evaluated on example requests.
///
/// Must hold for every input: a pack is returned exactly when there is no error diagnostic; every diagnostic
/// points into the file (line 1 to one past the last line, column 1 or more; lines end where YAML says they do).
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
        let lineCount = Self.yamlLineBreaks(input) + 1
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

    /// The line breaks of YAML 1.1, as libyaml counts lines: LF, CR, CR LF (one break), NEL, LS and PS.
    static func yamlLineBreaks(_ text: [UInt8]) -> Int {
        var breaks = 0
        var i = 0
        while i < text.count {
            switch text[i] {
            case 0x0A:
                breaks += 1
            case 0x0D:
                breaks += 1
                if i + 1 < text.count, text[i + 1] == 0x0A { i += 1 }
            case 0xC2 where i + 1 < text.count && text[i + 1] == 0x85:
                breaks += 1
                i += 1
            case 0xE2 where i + 2 < text.count && text[i + 1] == 0x80 && (text[i + 2] == 0xA8 || text[i + 2] == 0xA9):
                breaks += 1
                i += 2
            default:
                break
            }
            i += 1
        }
        return breaks
    }
}
