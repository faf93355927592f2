/// The combined verdict of every pack on one request.
public struct ScreeningResult: Sendable {
    public var requestID: String
    /// The most severe pack verdict; `needs-review` at least when any pack failed or is missing.
    public var verdict: Verdict
    /// Pack verdicts, sorted by pack id.
    public var packs: [PackVerdict]
    /// Each distinct condition once, tagged with the packs that require it.
    public var conditions: [(packs: [String], condition: Condition)]
    /// Pack-level errors (`<pack>: <message>`), e.g. a pack that is missing or failed.
    public var errors: [String]
    public var screeningDate: Day?
    /// What meeting the open duties would give, combined over the packs (``NextSteps``); worked out when read.
    public var nextSteps: NextSteps {
        NextSteps(packs: packs.map { ($0.pack, $0.verdict, $0.errors, $0.nextSteps) }, required: required, verdict: verdict)
    }
    private var required: [String]

    /// Combines pack verdicts. `required` names packs that must be present: each missing one adds an error
    /// and makes the verdict at least `needs-review` (fail closed).
    public init(requestID: String, packs: [PackVerdict], required: [String] = [], screeningDate: Day? = nil) {
        self.requestID = requestID
        self.packs = packs.sorted { $0.pack < $1.pack }
        self.screeningDate = screeningDate ?? packs.lazy.compactMap(\.screeningDate).first
        let combined = Combination(
            self.packs.map { ($0.pack, $0.verdict, $0.errors, $0.findings.lazy.flatMap(\.conditions)) }, required: required)
        self.verdict = combined.verdict
        self.conditions = combined.conditions
        self.errors = combined.errors
        self.required = required
    }

    /// `{"request_id","verdict","packs":{…},"conditions":[…],"errors":[…]}`.
    public var json: JSONValue {
        var packMembers: [(String, JSONValue)] = []
        for pack in packs {
            guard case .object(let members) = pack.json else { continue }
            packMembers.append((pack.pack, .object(members.filter { $0.0 != "pack" })))
        }
        return .object([
            ("request_id", .string(requestID)),
            ("verdict", .string(verdict.description)),
            ("packs", .object(packMembers)),
            ("conditions", .array(conditions.map { $0.condition.json(on: screeningDate, packs: $0.packs) })),
            ("next_steps", nextSteps.json),
            ("errors", .array(errors.map(JSONValue.string))),
        ])
    }
}

/// How pack verdicts combine, the one place: the most severe verdict, at least `needs-review` for a pack with errors
/// and for each required pack missing (fail closed); each distinct condition once, tagged with its packs.
struct Combination {
    var verdict = Verdict.approved
    var conditions: [(packs: [String], condition: Condition)] = []
    var errors: [String] = []

    /// - Parameter packs: Each pack's id, verdict, errors and its findings' conditions, sorted by pack id.
    init<Conditions: Sequence<Condition>>(_ packs: [(pack: String, verdict: Verdict, errors: [String], conditions: Conditions)], required: [String]) {
        for pack in packs {
            verdict = max(verdict, pack.verdict)
            for error in pack.errors { errors.append("\(pack.pack): \(error)") }
            if !pack.errors.isEmpty { verdict = max(verdict, .needsReview) }
        }
        for name in required where !packs.contains(where: { $0.pack == name }) {
            errors.append("\(name): no verdict from this pack")
            verdict = max(verdict, .needsReview)
        }
        if packs.isEmpty && required.isEmpty {
            errors.append("no packs were evaluated")
            verdict = max(verdict, .needsReview)
        }
        var index: [String: Int] = [:]
        for pack in packs {
            for condition in pack.conditions {
                let identity = condition.key.map { "key:" + $0 } ?? "text:" + condition.text.en
                if let i = index[identity] {
                    if !conditions[i].packs.contains(pack.pack) { conditions[i].packs.append(pack.pack) }
                } else {
                    index[identity] = conditions.count
                    conditions.append(([pack.pack], condition))
                }
            }
        }
    }
}
