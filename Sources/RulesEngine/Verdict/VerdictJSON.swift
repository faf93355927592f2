extension Condition {
    func json(on date: Day?, packs: [String]? = nil) -> JSONValue {
        var members: [(String, JSONValue)] = []
        if let packs { members.append(("packs", .array(packs.map(JSONValue.string)))) }
        if let key { members.append(("key", .string(key))) }
        members += [("da", .string(text.da)), ("en", .string(text.en))]
        members.append(("applies_from", appliesFrom.map { .string($0.description) } ?? .null))
        members.append(("status", .string(status(on: date))))
        return .object(members)
    }
}

extension Finding {
    func json(on date: Day?) -> JSONValue {
        .object([
            ("rule", .string(rule)),
            ("title", title.json),
            ("verdict", .string(verdict.description)),
            ("citations", .array(citations.map(JSONValue.string))),
            ("rationale", rationale.json),
            ("conditions", .array(conditions.map { $0.json(on: date) })),
            ("evidence", .object(evidence)),
        ])
    }
}

extension PackVerdict {
    /// `{"pack","version","digest","verdict","outputs","findings","errors"}` — the wire and CLI form.
    /// `next_steps` only when the pack has them (a failed pack, or a verdict from an older worker, has none).
    public var json: JSONValue {
        .object([
            ("pack", .string(pack)),
            ("version", .string(version)),
            ("digest", .string(digest)),
            ("verdict", .string(verdict.description)),
            ("outputs", .object(outputs)),
            ("findings", .array(findings.map { $0.json(on: screeningDate) })),
            ("errors", .array(errors.map(JSONValue.string))),
        ] + (nextSteps.map { [("next_steps", $0.json)] } ?? []))
    }
}
