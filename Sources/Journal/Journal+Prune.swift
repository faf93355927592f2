internal import GRDB

/// What ``Journal/prune(olderThan:now:)`` did.
public struct PruneSummary: Hashable, Sendable {
    /// Entries deleted (accepted, completed and superseded checkpoints).
    public var deletedEntries: Int
    /// Requests deleted with their verdicts.
    public var deletedRequests: Int
    /// The last deleted sequence number (the new checkpoint's anchor); nil when nothing was old enough.
    public var prunedThrough: Int64?
    /// The sequence number of the checkpoint entry written; nil when nothing was deleted.
    public var checkpointSequence: Int64?
    /// The oldest request that stopped the prune: unfinished, or completed at or after the cutoff. Everything from
    /// it on is kept (the chain is pruned as a prefix).
    public var heldBackBy: String?

    /// - Parameters:
    ///   - deletedEntries: entries deleted.
    ///   - deletedRequests: requests deleted.
    ///   - prunedThrough: the last deleted sequence number.
    ///   - checkpointSequence: the checkpoint entry written.
    ///   - heldBackBy: the request that stopped the prune.
    public init(
        deletedEntries: Int, deletedRequests: Int, prunedThrough: Int64?, checkpointSequence: Int64?,
        heldBackBy: String?
    ) {
        self.deletedEntries = deletedEntries
        self.deletedRequests = deletedRequests
        self.prunedThrough = prunedThrough
        self.checkpointSequence = checkpointSequence
        self.heldBackBy = heldBackBy
    }
}

extension Journal {
    /// Deletes screenings completed before `cutoff`, keeping the chain verifiable. One transaction.
    ///
    /// Design: the chain can only lose a prefix. The prune finds the longest run of entries from the start in which
    /// every request is completed before `cutoff` and has both its entries inside the run (old checkpoints count
    /// as prunable), deletes it, and appends a `checkpoint` entry — `pruned_through` = the last deleted sequence
    /// number, `anchor_hash` = its hash, `pruned_before` = `cutoff` — which is chained like any entry.
    /// ``verify()`` then starts at the first remaining entry from that anchor. An unfinished request, or one
    /// completed at or after the cutoff, holds back everything after it (``PruneSummary/heldBackBy``).
    ///
    /// Before deleting, the prune verifies the entries it is about to delete and refuses (``JournalError/Code/corrupt``)
    /// when they do not verify: a checkpoint must never paper over a break. (Its cost is proportional to what goes.)
    ///
    /// The cutoff normally comes from `journal.retention_days` (default 3650 days, ten years):
    /// `options.retentionCutoff(now:)`.
    /// - Parameters:
    ///   - cutoff: delete screenings completed before this instant.
    ///   - now: the checkpoint's time.
    /// - Returns: what was deleted.
    /// - Throws: ``JournalError`` (``JournalError/Code/readOnly``, ``JournalError/Code/busy`` while another process
    ///   writes for longer than the busy timeout, ``JournalError/Code/corrupt`` when the part to delete does not
    ///   verify, …). On error nothing is deleted.
    public func prune(olderThan cutoff: JournalTimestamp, now: JournalTimestamp = .now()) throws(JournalError)
        -> PruneSummary
    {
        try mapErrors("cannot prune the journal \(path)") {
            try pool.write { db in try Self.prune(db, cutoff: cutoff, now: now) }
        }
    }

    private static func prune(_ db: Database, cutoff: JournalTimestamp, now: JournalTimestamp) throws -> PruneSummary {
        var summary = PruneSummary(
            deletedEntries: 0, deletedRequests: 0, prunedThrough: nil, checkpointSequence: nil, heldBackBy: nil)
        // The first request that must stay.
        let blocker = try Row.fetchOne(
            db,
            sql: """
                SELECT a.seq, a.request_id FROM entry a
                LEFT JOIN entry c ON c.kind = 'completed' AND c.request_id = a.request_id
                WHERE a.kind = 'accepted' AND (c.seq IS NULL OR c.at >= ?)
                ORDER BY a.seq LIMIT 1
                """, arguments: [cutoff.description])
        let stop: Int64? = try blocker?.decode(forColumn: "seq")
        summary.heldBackBy = try blocker?.decode(forColumn: "request_id")
        // Walk the entries before it; the prefix may end only where no request has its completion still ahead.
        let candidates = try Row.fetchCursor(
            db,
            sql: """
                SELECT e.seq, e.kind, (SELECT max(c.seq) FROM entry c WHERE c.kind = 'completed' AND c.request_id = e.request_id)
                    AS completion
                FROM entry e WHERE e.seq < ? ORDER BY e.seq
                """, arguments: [stop ?? Int64.max])
        var needed: Int64 = 0
        var through: Int64?
        var requests = 0
        var prefixRequests = 0
        while let row = try candidates.next() {
            let sequence: Int64 = try row.decode(forColumn: "seq")
            if try row.decode(String.self, forColumn: "kind") == "accepted" {
                guard let completion: Int64 = try row.decode(forColumn: "completion"), completion < (stop ?? Int64.max)
                else {
                    break
                }
                needed = max(needed, completion)
                requests += 1
            }
            if needed <= sequence {
                through = sequence
                prefixRequests = requests
            }
        }
        guard let through else { return summary }
        // Never delete evidence: the part to go must verify, or the prune would hide a break behind a checkpoint.
        var verifier = ChainVerifier()
        if let broken = try verifier.run(db, through: through).firstBroken {
            throw JournalError(
                .corrupt,
                "the chain is broken at \(broken); prune refuses to delete entries that fail verification "
                    + "(see 'aiscreen journal verify')")
        }
        guard
            let anchor: String = try String.fetchOne(
                db, sql: "SELECT hash FROM entry WHERE seq = ?", arguments: [through])
        else { throw JournalError(.corrupt, "entry \(through) vanished during the prune") }
        var head = try ChainHead.read(db)  // before the delete: the checkpoint follows the head even if all goes
        try db.execute(sql: "DELETE FROM entry WHERE seq <= ?", arguments: [through])
        summary.deletedEntries = db.changesCount
        summary.deletedRequests = prefixRequests
        summary.prunedThrough = through
        var checkpoint = Entry(sequence: head.nextSequence, kind: .checkpoint, at: now.description)
        checkpoint.prunedThrough = through
        checkpoint.anchorHash = anchor
        checkpoint.prunedBefore = cutoff.description
        try head.append(&checkpoint, db)
        summary.checkpointSequence = checkpoint.sequence
        return summary
    }
}
