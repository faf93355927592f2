/// A place in a rule-pack file: 1-based line and column.
public struct SourceLocation: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    public var description: String { "\(file):\(line):\(column)" }

    public static func < (a: SourceLocation, b: SourceLocation) -> Bool {
        (a.file, a.line, a.column) < (b.file, b.line, b.column)
    }
}

/// A problem found while loading or checking a rule pack, reported like a compiler:
/// `rules/gdpr/pack.yaml:41:17: error: [unknown-field] 'data.special_catgories' — did you mean …?`
public struct RuleDiagnostic: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Severity: String, Hashable, Sendable { case error, warning }

    /// A stable code. Callers and tests match on it; rules/README.md lists every one.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let description: String
        init(_ name: String) { description = name }

        public static let yamlSyntax = Code("yaml-syntax")
        public static let unknownKey = Code("unknown-key")
        public static let wrongShape = Code("wrong-shape")
        public static let missingField = Code("missing-field")
        public static let missingCitation = Code("missing-citation")
        public static let missingRationale = Code("missing-rationale")
        public static let missingTranslation = Code("missing-translation")
        public static let invalidValue = Code("invalid-value")
        public static let syntax = Code("syntax")
        public static let unknownField = Code("unknown-field")
        public static let unknownName = Code("unknown-name")
        public static let unknownFunction = Code("unknown-function")
        public static let wrongArity = Code("wrong-arity")
        public static let typeMismatch = Code("type-mismatch")
        public static let nullableCondition = Code("nullable-condition")
        public static let unknownEnumValue = Code("unknown-enum-value")
        public static let unknownOutput = Code("unknown-output")
        public static let computedOutputSet = Code("computed-output-set")
        public static let definitionCycle = Code("definition-cycle")
        public static let duplicateRuleID = Code("duplicate-rule-id")
        public static let duplicateName = Code("duplicate-name")
        public static let nameCollision = Code("name-collision")
        public static let unknownParameter = Code("unknown-parameter")
        public static let unusedDefinition = Code("unused-definition")
        public static let unusedParameter = Code("unused-parameter")
        public static let schemaNotFound = Code("schema-not-found")
        public static let invalidSchema = Code("invalid-schema")
        public static let duplicateConditionKey = Code("duplicate-condition-key")
        /// The journal knows this version of the pack with other content (`pack check` with a journal).
        public static let versionNotBumped = Code("version-not-bumped")
        /// A pack bundle (`.aispack`) that is not one: not JSON, an unknown format, a member missing or wrong.
        public static let bundleInvalid = Code("bundle-invalid")
        /// A bundle whose files are not those its manifest lists (a file changed, added or removed), or whose
        /// content has another digest, id or version than the manifest says.
        public static let bundleTampered = Code("bundle-tampered")
        /// A bundle whose signature does not verify with the key it names: the manifest or a file changed after
        /// signing.
        public static let signatureInvalid = Code("signature-invalid")
        /// A bundle or folder without a signature where one is required.
        public static let unsigned = Code("unsigned")
        /// A bundle signed by a key that is not among the trusted signers.
        public static let signerUntrusted = Code("signer-untrusted")
    }

    public var severity: Severity
    public var code: Code
    public var message: String
    public var location: SourceLocation

    public init(_ severity: Severity, _ code: Code, _ message: String, at location: SourceLocation) {
        self.severity = severity
        self.code = code
        self.message = message
        self.location = location
    }

    public var description: String { "\(location): \(severity.rawValue): [\(code)] \(message)" }
}

/// The pack could not be compiled. `diagnostics` holds every problem (errors and warnings), in file order.
public struct PackCompilationError: Error, Sendable, CustomStringConvertible {
    public var diagnostics: [RuleDiagnostic]

    public init(diagnostics: [RuleDiagnostic]) { self.diagnostics = diagnostics }

    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}
