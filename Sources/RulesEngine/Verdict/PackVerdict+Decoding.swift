/// Why a pack verdict received from elsewhere (a worker) could not be read.
public struct VerdictDecodingError: Error, Hashable, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

extension PackVerdict {
    /// Reads a pack verdict from its JSON form (``json``), e.g. the body a worker sends. Strict: a missing or
    /// mistyped member is an error, so a broken worker can never produce an `approved` by accident.
    public init(json: JSONValue) throws(VerdictDecodingError) {
        func fail(_ message: String) -> VerdictDecodingError { VerdictDecodingError(message: message) }
        func string(_ key: String, in value: JSONValue) throws(VerdictDecodingError) -> String {
            guard case .string(let s)? = value[key] else { throw fail("'\(key)' must be text") }
            return s
        }
        func bilingual(_ key: String, in value: JSONValue) throws(VerdictDecodingError) -> Bilingual {
            guard let texts = value[key] else { throw fail("'\(key)' is missing") }
            return Bilingual(da: try string("da", in: texts), en: try string("en", in: texts))
        }
        func list(_ key: String, in value: JSONValue) throws(VerdictDecodingError) -> [JSONValue] {
            guard case .array(let items)? = value[key] else { throw fail("'\(key)' must be a list") }
            return items
        }
        guard case .object = json else { throw fail("a pack verdict must be a JSON object") }
        let verdictText = try string("verdict", in: json)
        guard let verdict = Verdict(verdictText) else { throw fail("unknown verdict '\(verdictText)'") }
        guard case .object(let outputs)? = json["outputs"] else { throw fail("'outputs' must be an object") }
        var findings: [Finding] = []
        var screeningDate: Day?
        for item in try list("findings", in: json) {
            let findingVerdictText = try string("verdict", in: item)
            guard let findingVerdict = Verdict(findingVerdictText) else { throw fail("unknown verdict '\(findingVerdictText)'") }
            var conditions: [Condition] = []
            for c in try list("conditions", in: item) {
                var appliesFrom: Day?
                if case .string(let s)? = c["applies_from"] {
                    guard let day = Day(iso: s) else { throw fail("applies_from '\(s)' is not a date") }
                    appliesFrom = day
                }
                var key: String?
                if case .string(let k)? = c["key"] { key = k }
                conditions.append(Condition(key: key, text: Bilingual(da: try string("da", in: c), en: try string("en", in: c)), appliesFrom: appliesFrom))
            }
            guard case .object(let evidence)? = item["evidence"] else { throw fail("'evidence' must be an object") }
            findings.append(
                Finding(
                    rule: try string("rule", in: item), title: try bilingual("title", in: item), verdict: findingVerdict,
                    citations: try list("citations", in: item).compactMap { if case .string(let s) = $0 { s } else { nil } },
                    rationale: try bilingual("rationale", in: item), conditions: conditions, evidence: evidence))
        }
        if case .string(let s)? = json["screening_date"] { screeningDate = Day(iso: s) }
        var errors = try list("errors", in: json).compactMap { if case .string(let s) = $0 { s } else { nil } }
        var effective = verdict
        let worst = findings.map(\.verdict).max() ?? .approved
        if worst > effective {
            errors.append("the verdict '\(verdict)' is milder than its findings; using '\(worst)'")
            effective = worst
        }
        if !errors.isEmpty { effective = max(effective, .needsReview) }
        self.init(
            pack: try string("pack", in: json), version: try string("version", in: json), digest: try string("digest", in: json),
            verdict: effective, outputs: outputs, findings: findings, errors: errors, screeningDate: screeningDate)
        // Optional (a worker older than next steps sends none; the combination then gives no options).
        if let steps = json["next_steps"] { nextSteps = try PackNextSteps(json: steps) }
    }
}
