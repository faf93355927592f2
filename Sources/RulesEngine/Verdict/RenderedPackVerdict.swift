/// A pack verdict as JSON bytes, with what combining pack verdicts needs read out of them.
///
/// The broker receives each pack's verdict from a worker as ≈ 5–40 KB of JSON, most of it findings' bilingual texts
/// and evidence. To combine verdicts it needs only the verdict, the errors and the findings' conditions; the rest
/// it passes on as the worker wrote it (``init(canonical:screeningDate:)``), after checking every byte.
public struct RenderedPackVerdict: Sendable {
    public let pack: String
    public let version: String
    public let digest: String
    public let verdict: Verdict
    public let errors: [String]
    /// Every finding's conditions, in finding order.
    public let conditions: [Condition]
    /// The pack's next steps (nil when it has none).
    public let nextSteps: PackNextSteps?
    /// The pack's `outputs` object.
    public let outputs: JSONValue
    /// The rule id of each finding, in finding order.
    public let rules: [String]
    /// The members after `pack` — `"version":…,"next_steps":…` — as they appear in a pack's entry of a combined
    /// result.
    public let members: ArraySlice<UInt8>

    /// Renders a pack verdict (its conditions' status relative to its `screeningDate`).
    public init(_ verdict: PackVerdict) {
        var writer = JSONWriter(capacity: 32 * 1024)
        writer.writeMembers(of: verdict)
        pack = verdict.pack
        version = verdict.version
        digest = verdict.digest
        self.verdict = verdict.verdict
        errors = verdict.errors
        conditions = verdict.findings.flatMap(\.conditions)
        nextSteps = verdict.nextSteps
        outputs = .object(verdict.outputs)
        rules = verdict.findings.map(\.rule)
        members = writer.bytes[...]
    }

    /// Reads a pack verdict that is in the exact form ``PackVerdict/json`` gives — members in that order, each of
    /// its type, conditions' `status` as of `screeningDate`, a verdict no milder than its findings and at least
    /// `needs-review` when it has errors — and valid JSON throughout (UTF-8, syntax, no repeated keys), written as
    /// ``JSONWriter`` writes it (no whitespace between tokens, its escapes and number forms).
    ///
    /// Such a body means the same as ``PackVerdict/init(json:)`` followed by rendering, so it can be passed on
    /// unchanged. Anything else gives nil, and the caller takes the strict, normalising road (a malformed body
    /// is refused there with its reason).
    public init?(canonical body: [UInt8], screeningDate: Day?, limits: JSONLimits = JSONLimits()) {
        let read = body.withUnsafeBufferPointer { buffer -> Parts? in
            guard ByteScanning.isValidUTF8(buffer) else { return nil }
            var reader = JSONReader(bytes: buffer, limits: limits)
            reader.checksWriterForm = true
            guard let parts = try? reader.readCanonicalPackVerdict(screeningDate: screeningDate), reader.isWriterForm else { return nil }
            return parts
        }
        guard let read, read.end == body.count else { return nil }
        pack = read.pack
        version = read.version
        digest = read.digest
        verdict = read.verdict
        errors = read.errors
        conditions = read.conditions
        nextSteps = read.nextSteps
        outputs = read.outputs
        rules = read.rules
        members = body[read.membersStart..<read.closingBrace]
    }

    struct Parts {
        var pack = "", version = "", digest = ""
        var verdict = Verdict.needsReview
        var errors: [String] = []
        var conditions: [Condition] = []
        var nextSteps: PackNextSteps?
        var outputs = JSONValue.object([])
        var rules: [String] = []
        var membersStart = 0
        var closingBrace = 0
        var end = 0
    }
}

extension JSONReader {
    private static let packMembers: [StaticString] = ["pack", "version", "digest", "verdict", "outputs", "findings", "errors", "next_steps"]
    private static let findingMembers: [StaticString] = ["rule", "title", "verdict", "citations", "rationale", "conditions", "evidence"]

    /// Reads the canonical pack verdict (see ``RenderedPackVerdict/init(canonical:screeningDate:limits:)``);
    /// throws on anything else (the error is never shown: the caller falls back to the strict decoder).
    fileprivate mutating func readCanonicalPackVerdict(screeningDate: Day?) throws(JSONSyntaxError) -> RenderedPackVerdict.Parts {
        var parts = RenderedPackVerdict.Parts()
        var worst = Verdict.approved
        var index = 0
        guard peek() == UInt8(ascii: "{") else { throw error("not a canonical pack verdict") }
        try readMemberKeys(depth: 1) { (reader: inout JSONReader, keyOffset: Int, raw: UnsafeBufferPointer<UInt8>?, _: String?) throws(JSONSyntaxError) in
            guard index < Self.packMembers.count, let raw, Self.packMembers[index].matches(raw) else { throw reader.error("") }
            switch index {
            case 0: parts.pack = try reader.readString()
            case 1:
                parts.membersStart = keyOffset
                parts.version = try reader.readString()
            case 2: parts.digest = try reader.readString()
            case 3: parts.verdict = try reader.readVerdict()
            case 4:
                guard reader.peek() == UInt8(ascii: "{") else { throw reader.error("") }
                parts.outputs = try reader.readValue(depth: 1)
            case 5:
                try reader.readArray(depth: 2) { (reader: inout JSONReader) throws(JSONSyntaxError) in
                    let (rule, verdict, conditions) = try reader.readCanonicalFinding(depth: 2, screeningDate: screeningDate)
                    parts.rules.append(rule)
                    worst = max(worst, verdict)
                    parts.conditions += conditions
                }
            case 6:
                try reader.readArray(depth: 2) { (reader: inout JSONReader) throws(JSONSyntaxError) in parts.errors.append(try reader.readString()) }
            default:
                guard let read = try? PackNextSteps(json: try reader.readValue(depth: 1)) else { throw reader.error("") }
                parts.nextSteps = read
            }
            index += 1
            reader.skipWhitespace()
        }
        // `next_steps` is the one optional member: a worker older than next steps does not send it.
        guard index >= Self.packMembers.count - 1, worst <= parts.verdict, parts.errors.isEmpty || parts.verdict >= .needsReview else {
            throw error("not a canonical pack verdict")
        }
        parts.closingBrace = position - 1
        skipWhitespace()
        parts.end = position
        return parts
    }

    /// One finding in canonical form; returns its rule id, verdict and conditions.
    private mutating func readCanonicalFinding(depth: Int, screeningDate: Day?) throws(JSONSyntaxError) -> (String, Verdict, [Condition]) {
        var rule = ""
        var verdict = Verdict.approved
        var conditions: [Condition] = []
        var index = 0
        guard peek() == UInt8(ascii: "{") else { throw error("") }
        try readMemberKeys(depth: depth + 1) { (reader: inout JSONReader, _: Int, raw: UnsafeBufferPointer<UInt8>?, _: String?) throws(JSONSyntaxError) in
            guard index < Self.findingMembers.count, let raw, Self.findingMembers[index].matches(raw) else { throw reader.error("") }
            switch index {
            case 0: rule = try reader.readString()
            case 1, 4: try reader.checkBilingual(depth: depth + 1)
            case 2: verdict = try reader.readVerdict()
            case 3: try reader.readArray(depth: depth + 2) { (reader: inout JSONReader) throws(JSONSyntaxError) in try reader.checkStringValue() }
            case 5:
                try reader.readArray(depth: depth + 2) { (reader: inout JSONReader) throws(JSONSyntaxError) in
                    conditions.append(try reader.readCanonicalCondition(depth: depth + 2, screeningDate: screeningDate))
                }
            default: try reader.checkObjectValue(depth: depth + 1)
            }
            index += 1
            reader.skipWhitespace()
        }
        guard index == Self.findingMembers.count else { throw error("") }
        return (rule, verdict, conditions)
    }

    /// `{"key"?,"da","en","applies_from","status"}` with the status the screening date gives, read member by member
    /// (no value tree: a verdict carries dozens of conditions).
    private mutating func readCanonicalCondition(depth: Int, screeningDate: Day?) throws(JSONSyntaxError) -> Condition {
        var key: String?
        var da = "", en = "", status = ""
        var appliesFrom: Day?
        var index = -1  // -1: before the first member, which may be `key`
        guard peek() == UInt8(ascii: "{") else { throw error("") }
        try readMemberKeys(depth: depth + 1) { (reader: inout JSONReader, _: Int, raw: UnsafeBufferPointer<UInt8>?, _: String?) throws(JSONSyntaxError) in
            guard let raw else { throw reader.error("") }
            if index == -1 {
                index = 0
                if Self.keyMember.matches(raw) {
                    key = try reader.readString()
                    reader.skipWhitespace()
                    return
                }
            }
            guard index < Self.conditionMembers.count, Self.conditionMembers[index].matches(raw) else { throw reader.error("") }
            switch index {
            case 0: da = try reader.readString()
            case 1: en = try reader.readString()
            case 2:
                if reader.peek() == UInt8(ascii: "\"") {
                    let text = try reader.readString()
                    guard let day = Day(iso: text), day.description == text else { throw reader.error("") }
                    appliesFrom = day
                } else {
                    guard case .null = try reader.readLiteral() else { throw reader.error("") }
                }
            default: status = try reader.readString()
            }
            index += 1
            reader.skipWhitespace()
        }
        guard index == Self.conditionMembers.count else { throw error("") }
        let condition = Condition(key: key, text: Bilingual(da: da, en: en), appliesFrom: appliesFrom)
        guard condition.status(on: screeningDate) == status else { throw error("") }
        return condition
    }

    private static let keyMember: StaticString = "key"
    private static let conditionMembers: [StaticString] = ["da", "en", "applies_from", "status"]

    private mutating func readVerdict() throws(JSONSyntaxError) -> Verdict {
        guard let verdict = Verdict(try readString()) else { throw error("") }
        return verdict
    }

    private mutating func checkStringValue() throws(JSONSyntaxError) {
        guard peek() == UInt8(ascii: "\"") else { throw error("") }
        try scanValue(depth: 0)
    }

    private mutating func checkObjectValue(depth: Int) throws(JSONSyntaxError) {
        guard peek() == UInt8(ascii: "{") else { throw error("") }
        try checkValue(depth: depth)
    }

    /// `{"da":"…","en":"…"}`.
    private mutating func checkBilingual(depth: Int) throws(JSONSyntaxError) {
        var index = 0
        guard peek() == UInt8(ascii: "{") else { throw error("") }
        try readMemberKeys(depth: depth + 1) { (reader: inout JSONReader, _: Int, raw: UnsafeBufferPointer<UInt8>?, _: String?) throws(JSONSyntaxError) in
            let name: StaticString = index == 0 ? "da" : "en"
            guard index < 2, let raw, name.matches(raw) else { throw reader.error("") }
            try reader.checkStringValue()
            index += 1
        }
        guard index == 2 else { throw error("") }
    }
}

extension StaticString {
    fileprivate func matches(_ raw: UnsafeBufferPointer<UInt8>) -> Bool {
        withUTF8Buffer { JSONReader.sameBytes($0, raw) }
    }
}
