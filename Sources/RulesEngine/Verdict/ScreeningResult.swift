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

    /// Combines pack verdicts. `required` names packs that must be present: each missing one adds an error
    /// and makes the verdict at least `needs-review` (fail closed).
    public init(requestID: String, packs: [PackVerdict], required: [String] = [], screeningDate: Day? = nil) {
        self.requestID = requestID
        self.packs = packs.sorted { $0.pack < $1.pack }
        self.screeningDate = screeningDate ?? packs.lazy.compactMap(\.screeningDate).first
        var verdict = Verdict.approved
        var errors: [String] = []
        for pack in self.packs {
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
        var merged: [(packs: [String], condition: Condition)] = []
        var index: [String: Int] = [:]
        for pack in self.packs {
            for finding in pack.findings {
                for condition in finding.conditions {
                    let identity = condition.key.map { "key:" + $0 } ?? "text:" + condition.text.en
                    if let i = index[identity] {
                        if !merged[i].packs.contains(pack.pack) { merged[i].packs.append(pack.pack) }
                    } else {
                        index[identity] = merged.count
                        merged.append(([pack.pack], condition))
                    }
                }
            }
        }
        self.requestID = requestID
        self.verdict = verdict
        self.conditions = merged
        self.errors = errors
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
            ("errors", .array(errors.map(JSONValue.string))),
        ])
    }
}
