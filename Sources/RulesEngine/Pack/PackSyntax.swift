/// A value and where it was written.
public struct Located<T: Sendable>: Sendable {
    public var value: T
    public var location: SourceLocation

    public init(_ value: T, at location: SourceLocation) {
        self.value = value
        self.location = location
    }
}

/// The text of an expression and how to map a byte offset in it back to the pack file.
public struct ExpressionSource: Sendable {
    /// One line of the expression: where it starts in `text` and where that is in the file.
    public struct Segment: Sendable {
        public var offset: Int
        public var line: Int
        public var column: Int

        public init(offset: Int, line: Int, column: Int) {
            self.offset = offset
            self.line = line
            self.column = column
        }
    }

    public var text: String
    public var file: String
    public var segments: [Segment]

    /// An expression written on one line starting at `location`.
    public init(_ text: String, at location: SourceLocation) {
        self.text = text
        self.file = location.file
        self.segments = [Segment(offset: 0, line: location.line, column: location.column)]
    }

    public init(_ text: String, file: String, segments: [Segment]) {
        self.text = text
        self.file = file
        self.segments = segments.isEmpty ? [Segment(offset: 0, line: 1, column: 1)] : segments
    }

    public var location: SourceLocation { locate(0) }

    /// The file position of byte `offset` of ``text``.
    public func locate(_ offset: Int) -> SourceLocation {
        var segment = segments[0]
        for candidate in segments where candidate.offset <= offset { segment = candidate }
        return SourceLocation(file: file, line: segment.line, column: segment.column + (offset - segment.offset))
    }
}

/// Danish and English text of one item.
public struct Texts: Sendable {
    public var da: Located<String>?
    public var en: Located<String>?
    public var location: SourceLocation

    public init(da: Located<String>?, en: Located<String>?, at location: SourceLocation) {
        self.da = da
        self.en = en
        self.location = location
    }
}

/// A rule pack as written, with positions: the input to ``PackCompiler``. `RulePacks` builds it from YAML.
public struct PackSyntax: Sendable {
    public struct Parameter: Sendable {
        public var name: Located<String>
        public var type: Located<String>?
        public var defaultValue: Located<JSONValue>?
        public var description: String?
        public init(name: Located<String>, type: Located<String>?, defaultValue: Located<JSONValue>?, description: String?) {
            self.name = name
            self.type = type
            self.defaultValue = defaultValue
            self.description = description
        }
    }

    public struct Output: Sendable {
        public var name: Located<String>
        public var type: Located<String>?
        public var values: [Located<String>]?
        public var merge: Located<String>?
        public var defaultValue: Located<JSONValue>?
        public var value: ExpressionSource?
        public var includeWhen: [(label: Located<String>, condition: ExpressionSource)]?
        public var description: String?
        public init(name: Located<String>) {
            self.name = name
        }
    }

    public struct Definition: Sendable {
        public var name: Located<String>
        public var expression: ExpressionSource?
        public var description: String?
        public init(name: Located<String>, expression: ExpressionSource?, description: String?) {
            self.name = name
            self.expression = expression
            self.description = description
        }
    }

    public struct Condition: Sendable {
        public var location: SourceLocation
        public var key: Located<String>?
        public var texts: Texts
        public var appliesFrom: Located<String>?
        public init(location: SourceLocation, key: Located<String>?, texts: Texts, appliesFrom: Located<String>?) {
            self.location = location
            self.key = key
            self.texts = texts
            self.appliesFrom = appliesFrom
        }
    }

    public struct Rule: Sendable {
        public var location: SourceLocation
        public var id: Located<String>?
        public var title: Texts?
        public var when: ExpressionSource?
        public var verdict: Located<String>?
        public var set: [(output: Located<String>, value: Located<JSONValue>)] = []
        public var citations: [Located<String>] = []
        public var rationale: Texts?
        public var conditions: [Condition] = []
        public init(location: SourceLocation) {
            self.location = location
        }
    }

    public var file: String
    public var id: Located<String>?
    public var version: Located<String>?
    public var title: Texts?
    public var legalBasis: Located<String>?
    public var parameters: [Parameter] = []
    public var outputs: [Output] = []
    public var definitions: [Definition] = []
    public var rules: [Rule] = []
    /// The duties the requester can meet (`duties.yaml`, shared by the packs beside it).
    public var duties: [Duty] = []

    public init(file: String) {
        self.file = file
    }
}
