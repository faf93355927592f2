internal import GRDB

extension Journal {
    /// The request with id `requestID` and its verdict if it has one, or nil when the journal does not know it.
    ///
    /// The broker's idempotency check: for a known id with the same ``AcceptedRequest/bodyDigest`` it answers with
    /// the stored ``CompletedScreening/result`` bytes (or waits for the verdict when unfinished); for a different
    /// digest it answers `conflict`. Cost: two indexed point reads.
    /// - Throws: ``JournalError`` when the journal cannot be read.
    public func lookup(requestID: String) throws(JournalError) -> JournalRecord? {
        try mapErrors("cannot read the journal \(path)") {
            try pool.read { db in
                let row = try Row.fetchOne(
                    db.cachedStatement(sql: "\(Self.recordSelect) WHERE a.kind = 'accepted' AND a.request_id = ?"),
                    arguments: [requestID])
                return try row.map { try Self.record(from: $0, db) }
            }
        }
    }

    /// The request with id `requestID` as accepted, checked as ``lookup(requestID:)`` checks it, and when it was last
    /// answered, without reading the answer: for a reader that already holds the answer, such as the dashboard
    /// following the verdict feed. Cost: two indexed point reads, no result bytes.
    /// - Returns: nil when the journal does not know the request.
    /// - Throws: ``JournalError`` when the journal cannot be read.
    public func acceptance(requestID: String) throws(JournalError) -> JournalAcceptance? {
        try mapErrors("cannot read the journal \(path)") {
            try pool.read { db in
                let row = try Row.fetchOne(db.cachedStatement(sql: Self.acceptanceSQL), arguments: [requestID])
                return try row.map { row in
                    let accepted = try Entry(row: row, db)
                    try Self.checkIntegrity(accepted, db)
                    let answeredAt: String? = try row.decode(forColumn: "answered_at")
                    return JournalAcceptance(
                        sequence: accepted.sequence, request: try accepted.acceptedRequest(), answeredAt: answeredAt.flatMap(JournalTimestamp.init(rfc3339:)))
                }
            }
        }
    }

    /// The accepted entry of request `?` and the time of its latest answer: the verdict of record or a later
    /// provisional answer, each found through its partial index (a plain `kind = 'completed'` condition matches
    /// neither index, and SQLite then scans the whole table for every verdict the dashboard follows).
    static let acceptanceSQL = """
        SELECT a.*, (SELECT c.at FROM entry c WHERE c.seq = (SELECT max(answer) FROM (
                SELECT seq AS answer FROM entry WHERE kind = 'completed' AND provisional IS NULL AND request_id = a.request_id
                UNION ALL
                SELECT max(seq) FROM entry WHERE kind = 'completed' AND provisional IS NOT NULL AND request_id = a.request_id))
            ) AS answered_at
        FROM entry a WHERE a.kind = 'accepted' AND a.request_id = ?
        """

    /// Requests accepted that got no answer at all (neither a verdict nor a provisional answer), oldest first: after a
    /// crash the broker dispatches them again.
    /// - Throws: ``JournalError`` when the journal cannot be read.
    public func unfinished() throws(JournalError) -> [JournalRecord] {
        try mapErrors("cannot read the journal \(path)") {
            try pool.read { db in
                try Row.fetchAll(
                    db, sql: "\(Self.recordSelect) WHERE a.kind = 'accepted' AND c_seq IS NULL AND p_seq IS NULL ORDER BY a.seq"
                )
                .map { try Self.record(from: $0, db) }
            }
        }
    }

    /// Requests matching `filter`, newest received first (ties: latest accepted first), at most `filter.limit`.
    /// - Throws: ``JournalError`` when the journal cannot be read.
    public func history(_ filter: HistoryFilter) throws(JournalError) -> [JournalRecord] {
        // What people are shown: the verdict of record, else the latest provisional answer.
        var (conditions, arguments) = filter.sqlConditions(
            verdict: "coalesce(c_verdict, (SELECT verdict FROM entry WHERE seq = p_seq))", answer: "coalesce(c_seq, p_seq)")
        arguments.append(max(0, filter.limit))
        let sql = "\(Self.recordSelect) WHERE \(conditions) ORDER BY a.at DESC, a.seq DESC LIMIT ?"
        let statementArguments = StatementArguments(arguments)
        return try mapErrors("cannot read the journal \(path)") {
            try pool.read { db in
                try Row.fetchAll(db, sql: sql, arguments: statementArguments).map { try Self.record(from: $0, db) }
            }
        }
    }

    /// An accepted entry (`a`) joined with its verdict of record (`c`, columns prefixed `c_`) and the sequence of its
    /// latest provisional answer (`p_seq`).
    static let recordSelect = """
        SELECT * FROM (SELECT a.*, c.seq AS c_seq, c.at AS c_at, c.verdict AS c_verdict, c.result AS c_result,
            (SELECT max(q.seq) FROM entry q WHERE q.kind = 'completed' AND q.provisional IS NOT NULL AND q.request_id = a.request_id) AS p_seq
        FROM entry a LEFT JOIN entry c ON c.kind = 'completed' AND c.provisional IS NULL AND c.request_id = a.request_id) a
        """

    static func record(from row: Row, _ db: Database) throws -> JournalRecord {
        let accepted = try Entry(row: row, db)
        // Re-hashed on every read: a record changed after it was written is never served.
        try checkIntegrity(accepted, db)
        let request = try accepted.acceptedRequest()
        func answer(_ column: String, provisional: Bool) throws -> CompletedScreening? {
            guard let sequence: Int64 = try row.decode(forColumn: column) else { return nil }
            guard let answerRow = try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM entry WHERE seq = ?"), arguments: [sequence]) else {
                throw JournalError(.corrupt, "entry \(sequence) vanished while it was read")
            }
            var completed = try Entry(row: answerRow, db)
            completed.packs = try packs(of: sequence, db)
            try checkIntegrity(completed, db)
            guard completed.requestID == request.requestID, completed.provisional == provisional else {
                throw JournalError(.corrupt, "entry \(sequence) answers request \(completed.requestID ?? "?"), not \(request.requestID)")
            }
            return try completed.completedScreening()
        }
        let completion = try answer("c_seq", provisional: false)
        return JournalRecord(
            sequence: accepted.sequence, request: request, completion: completion,
            provisional: completion == nil ? try answer("p_seq", provisional: true) : nil)
    }

    static func packs(of sequence: Int64, _ db: Database) throws -> [PackRevision] {
        // A cursor, decoded in place: no copy of each row (read for every verdict `pack impact` replays).
        let rows = try Row.fetchCursor(
            db.cachedStatement(sql: "SELECT \(PackRevision.columns) FROM entry_pack WHERE seq = ? ORDER BY pack_id"),
            arguments: [sequence])
        var packs: [PackRevision] = []
        while let row = try rows.next() { packs.append(try PackRevision(row: row)) }
        return packs
    }
}

extension PackRevision {
    /// The columns ``init(row:)`` reads, in its order.
    static let columns = "pack_id, version, digest, judged_by, outcome"

    /// Reads an `entry_pack` row whose first columns are ``columns``, by position (no lookups by name).
    /// - Throws: ``JournalError/Code/corrupt`` when a stored outcome is not in ``PackOutcome/text``'s form.
    init(row: Row) throws {
        self.init(
            id: try row.decode(atIndex: 0), version: try row.decode(atIndex: 1),
            digest: try row.decode(atIndex: 2), judgedBy: try row.decode(atIndex: 3))
        if let text: String = try row.decode(atIndex: 4) {
            guard let outcome = PackOutcome(text: text) else {
                throw JournalError(.corrupt, "the outcome stored for pack \(id) is not readable: \(text.prefix(80))")
            }
            self.outcome = outcome
        }
    }
}

extension HistoryFilter {
    /// The filter as a WHERE clause over accepted entries `a`, and its arguments in order.
    /// - Parameters:
    ///   - verdict: the SQL expression of the verdict that ``verdict`` is compared with.
    ///   - answer: the SQL expression of the sequence number of the answer whose packs ``packID`` looks at.
    func sqlConditions(verdict: String, answer: String) -> (String, [(any DatabaseValueConvertible)?]) {
        var conditions = ["a.kind = 'accepted'"]
        var arguments: [(any DatabaseValueConvertible)?] = []
        if let wanted = self.verdict {
            conditions.append("\(verdict) = ?")
            arguments.append(wanted)
        }
        if let department {
            conditions.append("a.department = ?")
            arguments.append(department)
        }
        if let receivedFrom {
            conditions.append("a.at >= ?")
            arguments.append(receivedFrom.description)
        }
        if let receivedBefore {
            conditions.append("a.at < ?")
            arguments.append(receivedBefore.description)
        }
        if let packID {
            conditions.append("EXISTS (SELECT 1 FROM entry_pack p WHERE p.seq = \(answer) AND p.pack_id = ?\(packVersion == nil ? "" : " AND p.version = ?"))")
            arguments.append(packID)
            if let packVersion { arguments.append(packVersion) }
        }
        return (conditions.joined(separator: " AND "), arguments)
    }
}
