/// The JSON of next steps (rules/README.md §1.6), written and read in one place.
extension Duty {
    /// `{"field","da","en","citations"}`.
    var json: JSONValue {
        .object([
            ("field", .string(field)), ("da", .string(text.da)), ("en", .string(text.en)),
            ("citations", .array(citations.map(JSONValue.string))),
        ])
    }

    init(json: JSONValue) throws(VerdictDecodingError) {
        guard case .string(let field)? = json["field"], case .string(let da)? = json["da"], case .string(let en)? = json["en"],
            case .array(let citations)? = json["citations"]
        else { throw VerdictDecodingError(message: "a duty needs 'field', 'da', 'en' and 'citations'") }
        self.init(field: field, text: Bilingual(da: da, en: en), citations: try citations.map { (c: JSONValue) throws(VerdictDecodingError) -> String in
            guard case .string(let s) = c else { throw VerdictDecodingError(message: "a duty's citations must be text") }
            return s
        })
    }
}

extension PackNextSteps.Option {
    /// `{"meet":[fields],"verdict"}`.
    var json: JSONValue { .object([("meet", .array(meet.map(JSONValue.string))), ("verdict", .string(verdict.description))]) }

    init(json: JSONValue) throws(VerdictDecodingError) {
        guard case .array(let meet)? = json["meet"], case .string(let text)? = json["verdict"], let verdict = Verdict(text) else {
            throw VerdictDecodingError(message: "a next-step option needs 'meet' (fields) and a 'verdict'")
        }
        var fields: [String] = []
        for item in meet {
            guard case .string(let field) = item else { throw VerdictDecodingError(message: "'meet' lists field names") }
            fields.append(field)
        }
        self.init(meet: fields, verdict: verdict)
    }
}

extension PackNextSteps {
    /// A pack result's `next_steps`: `{"open":[duty],"if_met":[option],"blockers":[rule]}`.
    public var json: JSONValue {
        .object([
            ("open", .array(open.map(\.json))),
            ("if_met", .array(ifMet.map(\.json))),
            ("blockers", .array(blockers.map(JSONValue.string))),
        ])
    }

    /// Reads `next_steps` strictly: a malformed one is an error, never silently "no next steps".
    public init(json: JSONValue) throws(VerdictDecodingError) {
        guard case .object(let members) = json, members.map(\.0) == ["open", "if_met", "blockers"],
            case .array(let open)? = json["open"], case .array(let ifMet)? = json["if_met"], case .array(let blockers)? = json["blockers"]
        else { throw VerdictDecodingError(message: "'next_steps' must be {\"open\",\"if_met\",\"blockers\"}") }
        var rules: [String] = []
        for item in blockers {
            guard case .string(let rule) = item else { throw VerdictDecodingError(message: "'blockers' lists rule ids") }
            rules.append(rule)
        }
        self.init(
            open: try open.map { (d: JSONValue) throws(VerdictDecodingError) in try Duty(json: d) },
            ifMet: try ifMet.map { (o: JSONValue) throws(VerdictDecodingError) in try Option(json: o) },
            blockers: rules)
    }
}

extension NextSteps {
    /// A combined result's `next_steps`: `{"options":[option],"duties":[duty],"blockers":[{"pack","rule"}]}`.
    public var json: JSONValue {
        .object([
            ("options", .array(options.map(\.json))),
            ("duties", .array(duties.map(\.json))),
            ("blockers", .array(blockers.map { .object([("pack", .string($0.pack)), ("rule", .string($0.rule))]) })),
        ])
    }

    /// Reads a combined result's `next_steps` (for the explanation of a result received from the broker).
    public init(json: JSONValue) throws(VerdictDecodingError) {
        guard case .array(let options)? = json["options"], case .array(let duties)? = json["duties"],
            case .array(let blockers)? = json["blockers"]
        else { throw VerdictDecodingError(message: "'next_steps' must be {\"options\",\"duties\",\"blockers\"}") }
        var pairs: [(pack: String, rule: String)] = []
        for item in blockers {
            guard case .string(let pack)? = item["pack"], case .string(let rule)? = item["rule"] else {
                throw VerdictDecodingError(message: "a blocker is {\"pack\",\"rule\"}")
            }
            pairs.append((pack, rule))
        }
        self.init(
            options: try options.map { (o: JSONValue) throws(VerdictDecodingError) in try PackNextSteps.Option(json: o) },
            duties: try duties.map { (d: JSONValue) throws(VerdictDecodingError) in try Duty(json: d) }, blockers: pairs)
    }
}
