public import Journal
public import RulesEngine

/// The conditions coming due (`/api/conditions`): which tool must do what by when, from the `conditions` of the
/// combined results in the journal (each with its `applies_from`). Pure.
public enum ConditionCalendar {
    /// One condition of one screened tool.
    public struct Entry: Hashable, Sendable {
        /// `applies_from`, `YYYY-MM-DD`.
        public var date: String
        /// The condition's key (stable across packs).
        public var key: String
        /// What to do, in Danish and English.
        public var da: String
        public var en: String
        /// The packs that require it.
        public var packs: [String]
        /// The screening it comes from.
        public var requestID: String
        /// `tool.name` of that request (untrusted text), when it has one.
        public var tool: String?
        /// `requester.department` (untrusted text), when it has one.
        public var department: String?

        var json: JSONValue {
            .object([
                ("date", .string(date)), ("tool", tool.map(JSONValue.string) ?? .null),
                ("department", department.map(JSONValue.string) ?? .null), ("request_id", .string(requestID)),
                ("key", .string(key)), ("da", .string(da)), ("en", .string(en)), ("packs", .array(packs.map(JSONValue.string))),
            ])
        }
    }

    /// The conditions applying on or after `from` (a `YYYY-MM-DD` day; nil: all), earliest first (then tool, key).
    /// A tool screened more than once counts with its newest screening only (records come newest first, as
    /// ``Journal/history(_:)`` returns them); a tool without a name is its own screening.
    public static func entries(_ records: [JournalRecord], from: String?) -> [Entry] {
        var seenTools: Set<String> = []
        var entries: [Entry] = []
        for record in records {
            guard let shown = record.shown, let result = try? ScreeningJSON.parser.parse(shown.result),
                case .array(let conditions)? = result["conditions"]
            else { continue }
            let tool = ScreeningJSON.toolName(record.request.body)
            if let tool {
                guard seenTools.insert(tool).inserted else { continue }
            }
            for condition in conditions {
                guard case .string(let date)? = condition["applies_from"], case .string(let key)? = condition["key"] else { continue }
                if let from, date < from { continue }
                var packs: [String] = []
                if case .array(let list)? = condition["packs"] {
                    packs = list.compactMap { if case .string(let p) = $0 { p } else { nil } }
                }
                entries.append(Entry(
                    date: date, key: key, da: text(condition["da"]), en: text(condition["en"]), packs: packs,
                    requestID: record.request.requestID, tool: tool, department: record.request.department))
            }
        }
        return entries.sorted { ($0.date, $0.tool ?? "", $0.key) < ($1.date, $1.tool ?? "", $1.key) }
    }

    /// `{"from", "conditions":[{"date","tool","department","request_id","key","da","en","packs"}]}`.
    public static func json(_ entries: [Entry], from: String?) -> JSONValue {
        .object([("from", from.map(JSONValue.string) ?? .null), ("conditions", .array(entries.map(\.json)))])
    }

    private static func text(_ value: JSONValue?) -> String {
        if case .string(let s)? = value { return s }
        return ""
    }
}
