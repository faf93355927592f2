public import Journal

/// The query of `/api/screenings` (and `/api/summary`, `/api/conditions`) as a ``HistoryFilter``: pure.
///
/// Parameters, all optional: `verdict` (approved, approved-with-conditions, needs-review, rejected, error),
/// `department` (exact `requester.department`), `since` and `until` (UTC days `YYYY-MM-DD`; `until` includes its
/// day), `pack` (`ID` or `ID@VERSION`), `limit` (1 to ``maximumLimit``, default ``defaultLimit``). Any other
/// parameter is an error, so a misspelt filter never silently returns everything.
public enum ScreeningQuery {
    /// `limit` when the query has none.
    public static let defaultLimit = 50
    /// The largest `limit` a query may ask for.
    public static let maximumLimit = 500

    /// Every parameter of `/api/screenings`.
    public static let known: Set<String> = ["verdict", "department", "since", "until", "pack", "limit"]

    /// - Parameters:
    ///   - parameters: the query's parameters (the last value of a repeated one).
    ///   - allowed: parameter names accepted (default: all of the above).
    /// - Throws: ``QueryError`` naming the parameter and what it must be.
    public static func filter(_ parameters: [String: String], allowed: Set<String> = known) throws(QueryError) -> HistoryFilter {
        if let unknown = parameters.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw QueryError(parameter: unknown, "is not a parameter here; use \(allowed.sorted().joined(separator: ", "))")
        }
        var filter = HistoryFilter(limit: defaultLimit)
        if let verdict = parameters["verdict"] {
            guard ScreeningCounts.verdicts.contains(verdict) || verdict == "error" else {
                throw QueryError(parameter: "verdict", "must be one of \((ScreeningCounts.verdicts + ["error"]).joined(separator: ", "))")
            }
            filter.verdict = verdict
        }
        if let department = parameters["department"] {
            guard !department.isEmpty else { throw QueryError(parameter: "department", "must not be empty") }
            filter.department = department
        }
        if let since = parameters["since"] {
            guard let day = JournalTimestamp(day: since) else { throw QueryError(parameter: "since", "must be a day, YYYY-MM-DD") }
            filter.receivedFrom = day
        }
        if let until = parameters["until"] {
            guard let day = JournalTimestamp(day: until) else { throw QueryError(parameter: "until", "must be a day, YYYY-MM-DD") }
            filter.receivedBefore = day.adding(days: 1)
        }
        if let from = filter.receivedFrom, let before = filter.receivedBefore, before <= from {
            throw QueryError(parameter: "until", "must not be before since")
        }
        if let pack = parameters["pack"] {
            let parts = pack.split(separator: "@", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            guard let id = parts.first, !id.isEmpty, parts.count == 1 || !parts[1].isEmpty else {
                throw QueryError(parameter: "pack", "must be ID or ID@VERSION, e.g. gdpr or gdpr@1.2.0")
            }
            filter.packID = id
            filter.packVersion = parts.count == 2 ? parts[1] : nil
        }
        if let limit = parameters["limit"] {
            guard let n = Int(limit), (1...maximumLimit).contains(n) else {
                throw QueryError(parameter: "limit", "must be a whole number from 1 to \(maximumLimit)")
            }
            filter.limit = n
        }
        return filter
    }
}

/// A query parameter that is not what the endpoint takes: answered 400 with `{"error":"bad-request","parameter","message"}`.
public struct QueryError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The parameter's name.
    public var parameter: String
    /// What it must be.
    public var reason: String

    init(parameter: String, _ reason: String) {
        self.parameter = parameter
        self.reason = reason
    }

    public var description: String { "\(parameter) \(reason)" }
}
