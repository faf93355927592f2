public import Journal
public import RulesEngine

/// Journal records and feed messages as the JSON of the HTTP API: pure functions, no I/O.
///
/// A screening summary (an element of `/api/screenings`, the `data` of an `/api/events` event):
/// `{"request_id","received_at","completed_at","department","tool","verdict","provisional","packs":[{"id","version","verdict"}]}`
/// plus, for a live event, `"seq","run_id","published_at"`. `department` and `tool` (`tool.name`) are the request's own
/// text: untrusted, to be shown as text. Request bodies, findings and evidence are never in a summary.
public enum ScreeningJSON {
    /// Limits for reading journaled bodies and results back (the broker already checked them).
    static var parser: JSONParser { JSONParser(limits: limits) }
    static let limits = JSONLimits(maxDepth: 64, maxStringLength: 1 << 20, maxContainerCount: 100_000, maxValues: 10_000_000)

    /// The summary of a journaled screening.
    public static func summary(_ record: JournalRecord) -> JSONValue {
        let shown = record.shown
        let result = shown.flatMap { try? parser.parse($0.result) }
        let (outcomes, _) = FeedMessage.packs(result?["packs"])
        let packs: [JSONValue] = (shown?.packs ?? []).map { pack in
            .object([
                ("id", .string(pack.id)), ("version", .string(pack.version)),
                ("verdict", outcomes.first { $0.id == pack.id }.map { .string($0.verdict) } ?? .null),
            ])
        }
        return .object([
            ("request_id", .string(record.request.requestID)),
            ("received_at", .string(record.request.receivedAt.description)),
            ("completed_at", shown.map { .string($0.completedAt.description) } ?? .null),
            ("department", record.request.department.map(JSONValue.string) ?? .null),
            ("tool", toolName(record.request.body).map(JSONValue.string) ?? .null),
            ("verdict", shown.map { .string($0.verdict) } ?? .null),
            ("provisional", .bool(shown?.provisional ?? false)),
            ("packs", .array(packs)),
        ])
    }

    /// One screening in full for `/api/screenings/{id}`: the summary, the service and principal, the pack digests
    /// and the combined result as answered (`result`, null while unfinished). Not the request body.
    public static func detail(_ record: JournalRecord) -> JSONValue {
        guard case .object(var members) = summary(record) else { return .null }
        let shown = record.shown
        members.insert(("service", .string(record.request.service)), at: 1)
        members.insert(("principal", .string(record.request.principal)), at: 2)
        members.append(("purpose", purpose(record.request.body).map(JSONValue.string) ?? .null))
        members.append((
            "pack_revisions",
            .array((shown?.packs ?? []).map { pack in
                .object([
                    ("id", .string(pack.id)), ("version", .string(pack.version)), ("digest", .string(pack.digest)),
                    ("judged_by", pack.judgedBy.map(JSONValue.string) ?? .null),
                ])
            })
        ))
        members.append(("result", shown.flatMap { try? parser.parse($0.result) } ?? .null))
        return .object(members)
    }

    /// The summary of a live verdict: from the feed, with the request's department, tool and times from the journal
    /// when it has the request (`acceptance`), else the topic's normalised department and no tool.
    public static func live(_ message: FeedMessage, acceptance: JournalAcceptance?) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("seq", .int(Int64(clamping: message.seq))), ("run_id", .string(message.runID)),
            ("published_at", .string(message.publishedAt.description)),
            ("request_id", .string(message.requestID)),
            ("received_at", acceptance.map { .string($0.request.receivedAt.description) } ?? .null),
            ("completed_at", acceptance?.answeredAt.map { .string($0.description) } ?? .null),
            ("department", .string(acceptance?.request.department ?? message.topicDepartment)),
            ("tool", acceptance.flatMap { toolName($0.request.body) }.map(JSONValue.string) ?? .null),
            ("verdict", .string(message.verdict)),
            ("provisional", .bool(message.failedClosed)),
        ]
        members.append((
            "packs",
            .array(message.packs.map { .object([("id", .string($0.id)), ("version", .string($0.version)), ("verdict", .string($0.verdict))]) })
        ))
        return .object(members)
    }

    /// `tool.name` of a request body, if it is a string.
    static func toolName(_ body: [UInt8]) -> String? {
        if case .string(let name)? = (try? parser.select(.members(["tool": .members(["name": .whole])]), in: body))?["tool"]?["name"] { return name }
        return nil
    }

    /// `tool.purpose` of a request body, if it is a string.
    static func purpose(_ body: [UInt8]) -> String? {
        if case .string(let purpose)? = (try? parser.parse(body))?["tool"]?["purpose"] { return purpose }
        return nil
    }
}
