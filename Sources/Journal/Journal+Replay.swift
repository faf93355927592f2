internal import Foundation
internal import GRDB

/// A request and its verdict of record, as ``Journal/forEachVerdictOfRecord(_:_:)`` reads them: checked against the
/// chain like every read, but with the result left compact until someone asks for its bytes.
public struct ScreeningOfRecord: Sendable {
    /// The chain sequence number of the request's `accepted` entry.
    public var sequence: Int64
    /// The request as received.
    public var request: AcceptedRequest
    /// The combined verdict of record.
    public var verdict: String
    /// The packs that judged it, sorted by id, each with its outcome in brief when the entry has one (schema 7).
    public var packs: [PackRevision]
    /// When the verdict was combined.
    public var completedAt: JournalTimestamp
    /// The result: whole, or compact against a dictionary.
    let stored: Stored

    enum Stored: Sendable {
        case whole([UInt8])
        case compact(ResultDictionary, [UInt8])
    }

    /// Every pack has its outcome in brief: the result's bytes need not be read to know what each pack decided.
    public var hasOutcomes: Bool { packs.allSatisfy { $0.outcome != nil } }

    /// The combined result's bytes, exactly as answered (expanded now when stored compact).
    /// - Throws: ``JournalError/Code/corrupt`` when a compact result refers to a text its dictionary lacks.
    public func result() throws(JournalError) -> [UInt8] {
        switch stored {
        case .whole(let bytes): bytes
        case .compact(let dictionary, let bytes): try dictionary.expand(bytes)
        }
    }
}

extension Journal {
    /// Calls `body` with every request that has a verdict of record and matches `filter` (``HistoryFilter/limit``
    /// is ignored), oldest received first, reading one at a time from one snapshot: the memory it needs does not grow
    /// with the journal. Each request and verdict is checked against the chain as ``history(_:)`` checks it; a
    /// verdict hashed over its compact result (hash version 2) is checked without expanding it.
    /// - Throws: ``JournalError`` when the journal cannot be read or a record does not match its hash; the records
    ///   before it have been passed to `body`.
    public func forEachVerdictOfRecord(_ filter: HistoryFilter, _ body: (ScreeningOfRecord) -> Void) throws(JournalError) {
        let (conditions, arguments) = Self.verdictOfRecordConditions(filter)
        let sql = """
            SELECT a.*, (SELECT hash FROM entry WHERE seq = a.seq - 1) AS a_previous,
                (SELECT hash FROM entry WHERE seq = c.seq - 1) AS c_previous, c.*
            FROM entry a
            JOIN entry c ON c.kind = 'completed' AND c.provisional IS NULL AND c.request_id = a.request_id
            WHERE \(conditions) ORDER BY a.at, a.seq
            """
        try mapErrors("cannot read the journal \(path)") {
            try pool.read { db in
                let rows = try Row.fetchCursor(db, sql: sql, arguments: arguments)
                // Each row is the accepted entry, the two hashes before them, then the verdict's entry: where each
                // column is, worked out on the first row.
                var columns: (accepted: EntryColumns, previous: Int, completed: EntryColumns)?
                while let row = try rows.next() {
                    if columns == nil {
                        guard let previous = Array(row.columnNames).firstIndex(of: "a_previous") else {
                            throw JournalError(.corrupt, "the replay query lost a column")
                        }
                        columns = (try EntryColumns(row), previous, try EntryColumns(row, startingAt: previous + 2))
                    }
                    guard let columns else { break }
                    let accepted = try Entry(row: row, db, columns: columns.accepted)
                    try Self.checkIntegrity(accepted, db, previousHash: try row.decode(atIndex: columns.previous))
                    let request = try accepted.acceptedRequest()
                    var completed = try Entry(row: row, db, columns: columns.completed, expandingResult: false)
                    let sequence = completed.sequence
                    let completedPrevious: String? = try row.decode(atIndex: columns.previous + 1)
                    completed.packs = try Self.packs(of: sequence, db)
                    try Self.checkIntegrity(completed, db, previousHash: completedPrevious)
                    guard completed.requestID == request.requestID, let verdict = completed.verdict,
                        let completedAt = JournalTimestamp(rfc3339: completed.at)
                    else {
                        throw JournalError(.corrupt, "entry \(sequence) is not a readable verdict of request \(request.requestID)")
                    }
                    let stored: ScreeningOfRecord.Stored
                    if let result = completed.result {
                        stored = .whole([UInt8](result))
                    } else if let compact = completed.storedResult {
                        stored = .compact(compact.dictionary, compact.bytes)
                    } else {
                        throw JournalError(.corrupt, "entry \(sequence) has no result")
                    }
                    body(
                        ScreeningOfRecord(
                            sequence: accepted.sequence, request: request, verdict: verdict, packs: completed.packs,
                            completedAt: completedAt, stored: stored))
                }
            }
        }
    }

    /// How many requests ``forEachVerdictOfRecord(_:_:)`` would pass for `filter` (for a progress bar), or with
    /// `verdictsOfRecordOnly` false how many match it with or without a verdict of record.
    /// - Throws: ``JournalError`` when the journal cannot be read.
    public func countVerdictsOfRecord(_ filter: HistoryFilter, verdictsOfRecordOnly: Bool = true) throws(JournalError) -> Int {
        let (conditions, arguments) = Self.verdictOfRecordConditions(filter)
        let sql = """
            SELECT count(*) FROM entry a
            \(verdictsOfRecordOnly ? "" : "LEFT ")JOIN entry c ON c.kind = 'completed' AND c.provisional IS NULL AND c.request_id = a.request_id
            WHERE \(conditions)
            """
        return try mapErrors("cannot read the journal \(path)") {
            try pool.read { db in try Int.fetchOne(db, sql: sql, arguments: arguments) ?? 0 }
        }
    }

    /// The WHERE clause over accepted entries `a` joined with their verdicts of record `c`.
    private static func verdictOfRecordConditions(_ filter: HistoryFilter) -> (String, StatementArguments) {
        let (conditions, arguments) = filter.sqlConditions(verdict: "c.verdict", answer: "c.seq")
        return (conditions, StatementArguments(arguments))
    }
}
