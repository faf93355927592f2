extension ScreeningResult {
    /// Reads a combined result back from its JSON form (``json``), e.g. a journaled verdict of record, for the
    /// readable renderings (the MED report). Each pack is read strictly (``PackVerdict/init(json:)``); the overall
    /// verdict and the errors are the ones recorded, never recomputed more leniently: a recorded `needs-review`
    /// stays `needs-review` even if its packs alone would combine to less (a pack missing from the record).
    public init(json: JSONValue) throws(VerdictDecodingError) {
        guard case .string(let requestID)? = json["request_id"] else { throw VerdictDecodingError(message: "'request_id' must be text") }
        guard case .string(let verdictText)? = json["verdict"], let recorded = Verdict(verdictText) else {
            throw VerdictDecodingError(message: "'verdict' must be a verdict")
        }
        guard case .object(let members)? = json["packs"] else { throw VerdictDecodingError(message: "'packs' must be an object") }
        var packs: [PackVerdict] = []
        for (id, value) in members {
            guard case .object(var fields) = value else { throw VerdictDecodingError(message: "pack '\(id)' must be an object") }
            fields.insert(("pack", .string(id)), at: 0)
            packs.append(try PackVerdict(json: .object(fields)))
        }
        self.init(requestID: requestID, packs: packs)
        verdict = max(recorded, verdict)
        if case .array(let list)? = json["errors"] {
            errors = list.compactMap { if case .string(let s) = $0 { s } else { nil } }
            if !errors.isEmpty { verdict = max(verdict, .needsReview) }
        }
    }
}
