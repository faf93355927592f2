/// An action status, ordered by severity: `rejected` > `needs-review` > `approved-with-conditions` > `approved`.
public enum Verdict: Int, Comparable, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    case approved = 0
    case approvedWithConditions = 1
    case needsReview = 2
    case rejected = 3

    /// The wire and YAML spelling.
    public var description: String {
        switch self {
        case .approved: "approved"
        case .approvedWithConditions: "approved-with-conditions"
        case .needsReview: "needs-review"
        case .rejected: "rejected"
        }
    }

    public init?(_ text: String) {
        guard let verdict = Verdict.allCases.first(where: { $0.description == text }) else { return nil }
        self = verdict
    }

    public static func < (a: Verdict, b: Verdict) -> Bool { a.rawValue < b.rawValue }
}

/// A text in Danish and English.
public struct Bilingual: Hashable, Sendable {
    public var da: String
    public var en: String

    public init(da: String, en: String) {
        self.da = da
        self.en = en
    }

    var json: JSONValue { .object([("da", .string(da)), ("en", .string(en))]) }
}

/// An action a rule requires before go-live.
public struct Condition: Hashable, Sendable {
    /// Optional shared key: conditions with the same key from several packs are one condition.
    public var key: String?
    public var text: Bilingual
    /// The date the underlying obligation applies from; before it the condition is "upcoming".
    public var appliesFrom: Day?

    public init(key: String?, text: Bilingual, appliesFrom: Day?) {
        self.key = key
        self.text = text
        self.appliesFrom = appliesFrom
    }

    /// `due` or `upcoming` relative to the screening date.
    public func status(on date: Day?) -> String {
        guard let appliesFrom, let date, appliesFrom > date else { return "due" }
        return "upcoming"
    }
}

/// Why one rule fired, for the people reading the verdict.
public struct Finding: Sendable {
    /// The members every finding of one rule shares, behind one reference: a finding is copied with two reference
    /// counts, not nine. Changing a member gives the finding a text of its own.
    final class Text: Sendable {
        let rule: String
        let title: Bilingual
        let verdict: Verdict
        let citations: [String]
        let rationale: Bilingual
        let conditions: [Condition]
        /// `rule` to `rationale` already rendered, when the text comes from a compiled rule and none of them has
        /// changed since: most of a finding's bytes, written once per pack instead of once per verdict.
        let head: FindingHead?

        init(
            rule: String, title: Bilingual, verdict: Verdict, citations: [String], rationale: Bilingual,
            conditions: [Condition], head: FindingHead?
        ) {
            self.rule = rule
            self.title = title
            self.verdict = verdict
            self.citations = citations
            self.rationale = rationale
            self.conditions = conditions
            self.head = head
        }

        /// A copy with some members changed; a change before `conditions` drops the rendered head.
        func with(
            rule: String? = nil, title: Bilingual? = nil, verdict: Verdict? = nil, citations: [String]? = nil,
            rationale: Bilingual? = nil, conditions: [Condition]? = nil
        ) -> Text {
            let headStays = rule == nil && title == nil && verdict == nil && citations == nil && rationale == nil
            return Text(
                rule: rule ?? self.rule, title: title ?? self.title, verdict: verdict ?? self.verdict,
                citations: citations ?? self.citations, rationale: rationale ?? self.rationale,
                conditions: conditions ?? self.conditions, head: headStays ? head : nil)
        }
    }

    var text: Text

    public var rule: String {
        get { text.rule }
        set { text = text.with(rule: newValue) }
    }
    public var title: Bilingual {
        get { text.title }
        set { text = text.with(title: newValue) }
    }
    public var verdict: Verdict {
        get { text.verdict }
        set { text = text.with(verdict: newValue) }
    }
    public var citations: [String] {
        get { text.citations }
        set { text = text.with(citations: newValue) }
    }
    public var rationale: Bilingual {
        get { text.rationale }
        set { text = text.with(rationale: newValue) }
    }
    public var conditions: [Condition] {
        get { text.conditions }
        set { text = text.with(conditions: newValue) }
    }
    /// `rule` to `rationale` rendered (``Text/head``), unless one of them changed.
    var head: FindingHead? { text.head }
    /// The facts (request fields and pack parameters) that made the rule's condition true, with their values,
    /// each capped (``EvidenceCap``).
    public var evidence: [(String, JSONValue)] {
        get {
            switch storedEvidence {
            case .resolved(let members): return members
            case .deferred(let trace, let rule): return trace.evidence(rule: rule)
            }
        }
        set { storedEvidence = .resolved(newValue) }
    }

    /// Evidence is rendered to JSON only when someone reads it: evaluation itself stays cheap.
    enum EvidenceStorage: Sendable {
        case resolved([(String, JSONValue)])
        case deferred(EvaluationTrace, rule: Int)
    }

    var storedEvidence: EvidenceStorage

    public init(
        rule: String, title: Bilingual, verdict: Verdict, citations: [String], rationale: Bilingual,
        conditions: [Condition], evidence: [(String, JSONValue)]
    ) {
        self.init(
            rule: rule, title: title, verdict: verdict, citations: citations, rationale: rationale, conditions: conditions,
            storedEvidence: .resolved(evidence))
    }

    init(
        rule: String, title: Bilingual, verdict: Verdict, citations: [String], rationale: Bilingual,
        conditions: [Condition], storedEvidence: EvidenceStorage
    ) {
        self.init(
            text: Text(
                rule: rule, title: title, verdict: verdict, citations: citations, rationale: rationale,
                conditions: conditions, head: nil),
            storedEvidence: storedEvidence)
    }

    init(text: Text, storedEvidence: EvidenceStorage) {
        self.text = text
        self.storedEvidence = storedEvidence
    }
}

/// One pack's verdict on one request.
public struct PackVerdict: Sendable {
    public var pack: String
    public var version: String
    public var digest: String
    public var verdict: Verdict
    public var outputs: [(String, JSONValue)]
    public var findings: [Finding]
    /// Why the pack could not judge the request, if it could not; such a verdict is never `approved`.
    public var errors: [String]
    /// The request's screening date, for condition status.
    public var screeningDate: Day?
    /// What meeting the open duties would give (nil: unknown, e.g. the pack failed or an older worker sent the
    /// verdict). Worked out when first read, like evidence.
    public var nextSteps: PackNextSteps? {
        get {
            switch storedNextSteps {
            case .resolved(let steps): return steps
            case .deferred(let trace): return trace.nextSteps
            }
        }
        set { storedNextSteps = .resolved(newValue) }
    }

    enum NextStepsStorage: Sendable {
        case resolved(PackNextSteps?)
        case deferred(EvaluationTrace)
    }

    var storedNextSteps: NextStepsStorage = .resolved(nil)

    /// A fail-closed verdict for a pack that could not evaluate the request.
    public static func failed(pack: String, version: String = "", digest: String = "", error: String) -> PackVerdict {
        PackVerdict(
            pack: pack, version: version, digest: digest, verdict: .needsReview, outputs: [], findings: [],
            errors: [error], screeningDate: nil)
    }

    public func output(_ name: String) -> JSONValue? { outputs.first(where: { $0.0 == name })?.1 }
}

/// The rendered JSON of a finding's members from `rule` to `rationale`, with the comma after them:
/// `"rule":…,"title":…,"verdict":…,"citations":[…],"rationale":…,`.
struct FindingHead: Sendable {
    let bytes: [UInt8]

    init(rule: String, title: Bilingual, verdict: Verdict, citations: [String], rationale: Bilingual) {
        var writer = JSONWriter(capacity: 2_048)
        writer.writeHead(rule: rule, title: title, verdict: verdict, citations: citations, rationale: rationale)
        bytes = writer.bytes
    }
}
