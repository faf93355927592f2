internal import GRDB

/// A pack revision as the journal saw it: which screenings it judged, and when.
public struct PackRevisionUse: Hashable, Sendable {
    public var id: String
    public var version: String
    public var digest: String
    /// Answers (verdicts of record and provisional answers) it took part in.
    public var screenings: Int
    public var firstUsed: JournalTimestamp?
    public var lastUsed: JournalTimestamp?

    public init(id: String, version: String, digest: String, screenings: Int, firstUsed: JournalTimestamp?, lastUsed: JournalTimestamp?) {
        self.id = id
        self.version = version
        self.digest = digest
        self.screenings = screenings
        self.firstUsed = firstUsed
        self.lastUsed = lastUsed
    }
}

extension Journal {
    /// Every pack revision that judged a request, oldest first use first; only pack `packID` when given.
    /// - Throws: ``JournalError`` when the journal cannot be read.
    public func packRevisions(packID: String? = nil) throws(JournalError) -> [PackRevisionUse] {
        try mapErrors("cannot read the journal \(path)") {
            try pool.read { db in
                let filter = packID == nil ? "" : " AND p.pack_id = ?"
                let arguments: StatementArguments = packID.map { [$0] } ?? []
                return try Row.fetchAll(
                    db,
                    sql: """
                        SELECT p.pack_id, p.version, p.digest, count(*) AS uses, min(e.at) AS first, max(e.at) AS last
                        FROM entry_pack p JOIN entry e ON e.seq = p.seq
                        WHERE e.kind = 'completed'\(filter)
                        GROUP BY p.pack_id, p.version, p.digest ORDER BY p.pack_id, min(e.at)
                        """, arguments: arguments
                ).map { row in
                    PackRevisionUse(
                        id: try row.decode(forColumn: "pack_id"), version: try row.decode(forColumn: "version"),
                        digest: try row.decode(forColumn: "digest"), screenings: try row.decode(forColumn: "uses"),
                        firstUsed: (try row.decode(String?.self, forColumn: "first")).flatMap(JournalTimestamp.init(rfc3339:)),
                        lastUsed: (try row.decode(String?.self, forColumn: "last")).flatMap(JournalTimestamp.init(rfc3339:)))
                }
            }
        }
    }
}
