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

    /// Requests accepted but without a verdict, oldest first: after a crash the broker dispatches them again.
    /// - Throws: ``JournalError`` when the journal cannot be read.
    public func unfinished() throws(JournalError) -> [JournalRecord] {
        try mapErrors("cannot read the journal \(path)") {
            try pool.read { db in
                try Row.fetchAll(
                    db, sql: "\(Self.recordSelect) WHERE a.kind = 'accepted' AND c.seq IS NULL ORDER BY a.seq"
                )
                .map { try Self.record(from: $0, db) }
            }
        }
    }

    /// Requests matching `filter`, newest received first (ties: latest accepted first), at most `filter.limit`.
    /// - Throws: ``JournalError`` when the journal cannot be read.
    public func history(_ filter: HistoryFilter) throws(JournalError) -> [JournalRecord] {
        var conditions = ["a.kind = 'accepted'"]
        var arguments: [(any DatabaseValueConvertible)?] = []
        if let verdict = filter.verdict {
            conditions.append("c.verdict = ?")
            arguments.append(verdict)
        }
        if let department = filter.department {
            conditions.append("a.department = ?")
            arguments.append(department)
        }
        if let from = filter.receivedFrom {
            conditions.append("a.at >= ?")
            arguments.append(from.description)
        }
        if let before = filter.receivedBefore {
            conditions.append("a.at < ?")
            arguments.append(before.description)
        }
        if let pack = filter.packID {
            let version = filter.packVersion.map { _ in " AND p.version = ?" } ?? ""
            conditions.append("EXISTS (SELECT 1 FROM entry_pack p WHERE p.seq = c.seq AND p.pack_id = ?\(version))")
            arguments.append(pack)
            if let v = filter.packVersion { arguments.append(v) }
        }
        arguments.append(max(0, filter.limit))
        let sql =
            "\(Self.recordSelect) WHERE \(conditions.joined(separator: " AND ")) ORDER BY a.at DESC, a.seq DESC LIMIT ?"
        let statementArguments = StatementArguments(arguments)
        return try mapErrors("cannot read the journal \(path)") {
            try pool.read { db in
                try Row.fetchAll(db, sql: sql, arguments: statementArguments).map { try Self.record(from: $0, db) }
            }
        }
    }

    /// An accepted entry (`a`) joined with its completion (`c`, columns prefixed `c_`).
    static let recordSelect = """
        SELECT a.*, c.seq AS c_seq, c.at AS c_at, c.verdict AS c_verdict, c.result AS c_result
        FROM entry a LEFT JOIN entry c ON c.kind = 'completed' AND c.request_id = a.request_id
        """

    static func record(from row: Row, _ db: Database) throws -> JournalRecord {
        let accepted = try Entry(row: row)
        // Re-hashed on every read: a record changed after it was written is never served.
        try checkIntegrity(accepted, db)
        let request = try accepted.acceptedRequest()
        guard let completedSequence: Int64 = try row.decode(forColumn: "c_seq") else {
            return JournalRecord(sequence: accepted.sequence, request: request, completion: nil)
        }
        guard let completedRow = try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM entry WHERE seq = ?"), arguments: [completedSequence]) else {
            throw JournalError(.corrupt, "entry \(completedSequence) vanished while it was read")
        }
        var completed = try Entry(row: completedRow)
        completed.packs = try packs(of: completedSequence, db)
        try checkIntegrity(completed, db)
        guard completed.requestID == request.requestID else {
            throw JournalError(.corrupt, "entry \(completedSequence) completes request \(completed.requestID ?? "?"), not \(request.requestID)")
        }
        return JournalRecord(
            sequence: accepted.sequence, request: request, completion: try completed.completedScreening())
    }

    static func packs(of sequence: Int64, _ db: Database) throws -> [PackRevision] {
        try Row.fetchAll(
            db.cachedStatement(sql: "SELECT pack_id, version, digest, judged_by FROM entry_pack WHERE seq = ? ORDER BY pack_id"),
            arguments: [sequence]
        ).map { row in
            PackRevision(
                id: try row.decode(forColumn: "pack_id"), version: try row.decode(forColumn: "version"),
                digest: try row.decode(forColumn: "digest"), judgedBy: try row.decode(forColumn: "judged_by"))
        }
    }
}
