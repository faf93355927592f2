public import Journal
public import RulesEngine

/// Counts of screenings by verdict and by department (`/api/summary`): pure.
public enum ScreeningCounts {
    /// The verdicts in order of severity, as the dashboard lists them.
    public static let verdicts = ["approved", "approved-with-conditions", "needs-review", "rejected"]

    /// `{"total","by_verdict":{verdict: n},"by_department":[{"department","total","by_verdict"}],"truncated"}`:
    /// every verdict of ``verdicts`` present (0 when none), departments by total descending then name; unfinished
    /// screenings count under `unfinished`, `pack.<id>` errors under `error`.
    /// - Parameters:
    ///   - records: the screenings of the period.
    ///   - truncated: whether the journal had more than `records` for the period (the counts are then a lower bound).
    public static func json(_ records: [JournalRecord], truncated: Bool) -> JSONValue {
        var total: [String: Int] = [:]
        var departments: [String: [String: Int]] = [:]
        for record in records {
            let verdict = record.shown?.verdict ?? "unfinished"
            total[verdict, default: 0] += 1
            departments[record.request.department ?? "", default: [:]][verdict, default: 0] += 1
        }
        func counts(_ byVerdict: [String: Int]) -> JSONValue {
            let extra = byVerdict.keys.filter { !verdicts.contains($0) }.sorted()
            return .object((verdicts + extra).map { ($0, .int(Int64(byVerdict[$0] ?? 0))) })
        }
        struct Row {
            var name: String
            var counts: [String: Int]
            var total: Int
        }
        let unsorted: [Row] = departments.map { Row(name: $0.key, counts: $0.value, total: $0.value.values.reduce(0, +)) }
        let rows = unsorted.sorted { a, b in a.total != b.total ? a.total > b.total : a.name < b.name }
        let departmentRows: [JSONValue] = rows.map { row in
            let name: JSONValue = row.name.isEmpty ? .null : .string(row.name)
            return .object([("department", name), ("total", .int(Int64(row.total))), ("by_verdict", counts(row.counts))])
        }
        return .object([
            ("total", .int(Int64(records.count))), ("by_verdict", counts(total)), ("by_department", .array(departmentRows)),
            ("truncated", .bool(truncated)),
        ])
    }
}
