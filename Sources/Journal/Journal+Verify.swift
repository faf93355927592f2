internal import Crypto
internal import GRDB

extension Journal {
    /// Recomputes the whole chain, oldest entry first, from one consistent snapshot (the broker may keep writing).
    ///
    /// Checks, for each entry in sequence order: that no sequence number is skipped (a deleted row), that the first
    /// entry is 1 or directly follows the newest prune checkpoint's anchor, that a request body still matches its
    /// recorded SHA-256, and that the stored hash is SHA-256(previous hash ‖ canonical bytes). Finally, that no
    /// entries were cut from the end (`sqlite_sequence` remembers the highest sequence number ever used).
    /// Reads every row once: about 70,000 entries/s on the development VM (a million in about 15 s).
    /// - Returns: the entry count and head when intact, or the first broken entry and what differs.
    /// - Throws: ``JournalError`` when the journal cannot be read at all.
    public func verify() throws(JournalError) -> JournalVerification {
        try mapErrors("cannot read the journal \(path)") {
            try pool.read { db in
                var verifier = ChainVerifier()
                return try verifier.run(db)
            }
        }
    }
}

/// Recomputes the chain; ``Journal/prune(olderThan:now:)`` uses it, bounded, on what it is about to delete.
struct ChainVerifier {
    var result = JournalVerification(
        entryCount: 0, firstSequence: nil, headSequence: nil, headHash: nil, prunedThrough: nil, firstBroken: nil)

    /// Checks the entries up to `last` (all when nil; the end-of-chain truncation check only then).
    /// - Parameter start: check only entries from this sequence number on, chained to the stored hash of the
    ///   entry before it (the start-up check of the chain's tail); nil checks from the first.
    mutating func run(_ db: Database, through last: Int64? = nil, from start: Int64? = nil) throws -> JournalVerification {
        let highest = try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'entry'") ?? 0
        let bound = last ?? Int64.max
        let lower = start ?? 0
        let entries = try Row.fetchCursor(
            db, sql: "SELECT * FROM entry WHERE seq <= ? AND seq >= ? ORDER BY seq", arguments: [bound, lower])
        var packs = PackRows(
            try Row.fetchCursor(
                db, sql: "SELECT \(PackRevision.columns), seq FROM entry_pack WHERE seq <= ? AND seq >= ? ORDER BY seq, pack_id",
                arguments: [bound, lower]))
        var previous: [UInt8] = Entry.genesis
        var dictionaries: [String: ResultDictionary] = [:]
        var columns: EntryColumns?
        while let row = try entries.next() {
            let sequence: Int64 = try row.decode(forColumn: "seq")
            if let head = result.headSequence {
                guard sequence == head + 1 else {
                    return broken(
                        head + 1, .missing,
                        "entry \(head + 1) is missing: entry \(head) is followed by entry \(sequence)")
                }
            } else {
                result.firstSequence = sequence
                if start != nil, let before = try String.fetchOne(db, sql: "SELECT hash FROM entry WHERE seq = ?", arguments: [sequence - 1]),
                    let anchor = bytes(fromHex: before)
                {
                    previous = anchor
                } else {
                    guard let anchor = try anchor(before: sequence, db) else { return result }
                    previous = anchor
                }
            }
            var entry: Entry
            do {
                if columns == nil { columns = try EntryColumns(row) }
                entry = try Entry(row: row, db, columns: columns) { digest in
                    // From the file, not from what this process cached when it wrote it; once per run.
                    if let read = dictionaries[digest] { return read }
                    let read = try ResultDictionaries.load(digest, db, fromFile: true)
                    dictionaries[digest] = read
                    return read
                }
                entry.packs = try packs.take(sequence)
            } catch {
                return broken(sequence, .malformed, "a value is missing or has the wrong type (\(error))")
            }
            if entry.kind == .accepted, let body = entry.body {
                let digest = hex(SHA256.hash(data: body))
                guard digest == entry.bodySHA256 else {
                    return broken(
                        sequence, .bodyChanged,
                        "the request body's SHA-256 is \(digest), but the entry records \(entry.bodySHA256 ?? "none")")
                }
            }
            let hash = entry.chainHash(after: previous)
            guard hex(hash) == entry.hash else {
                result.firstBroken = BrokenEntry(
                    sequence: sequence, problem: .hashMismatch,
                    detail:
                        "stored hash \(entry.hash.prefix(16))…, recomputed \(hex(hash).prefix(16))…: a field of this "
                        + "\(entry.kind.rawValue) entry (or its pack rows) or its position changed, or the entry before it was "
                        + "rewritten together with its hash",
                    expectedHash: hex(hash), storedHash: entry.hash)
                return result
            }
            previous = hash
            result.entryCount += 1
            result.headSequence = sequence
            result.headHash = entry.hash
        }
        let head = result.headSequence ?? result.prunedThrough ?? 0
        if last == nil, highest > head {
            return broken(
                head + 1, .truncated, "the journal once held entries up to \(highest), but it ends at \(head)")
        }
        return result
    }

    /// The hash the first remaining entry follows: zeros for entry 1, else the newest checkpoint's anchor, which
    /// must name exactly the entry before. Sets ``JournalVerification/firstBroken`` and returns nil when neither.
    private mutating func anchor(before first: Int64, _ db: Database) throws -> [UInt8]? {
        if first == 1 { return Entry.genesis }
        let checkpoint = try Row.fetchOne(
            db,
            sql:
                "SELECT seq, pruned_through, anchor_hash FROM entry WHERE kind = 'checkpoint' ORDER BY seq DESC LIMIT 1"
        )
        let checkpointSequence: Int64? = try checkpoint?.decode(forColumn: "seq")
        let through: Int64? = try checkpoint?.decode(forColumn: "pruned_through")
        let anchorHex: String? = try checkpoint?.decode(forColumn: "anchor_hash")
        guard let checkpointSequence, let through, through >= first - 1 else {
            let missing = (through ?? 0) + 1
            let newest = through.map { " (the newest checkpoint anchors the chain after entry \($0))" } ?? ""
            _ = broken(
                missing, .missing,
                "entries \(missing)…\(first - 1) are missing and no prune checkpoint accounts for them\(newest)")
            return nil
        }
        guard through == first - 1, let anchor = anchorHex.flatMap(bytes(fromHex:)) else {
            _ = broken(
                checkpointSequence, .malformed,
                "this checkpoint anchors the chain after entry \(through) with hash \(anchorHex ?? "none"), but the "
                    + "first entry is \(first)")
            return nil
        }
        result.prunedThrough = through
        return anchor
    }

    private mutating func broken(_ sequence: Int64, _ problem: BrokenEntry.Problem, _ detail: String)
        -> JournalVerification
    {
        result.firstBroken = BrokenEntry(sequence: sequence, problem: problem, detail: detail)
        return result
    }
}

/// `entry_pack` rows in sequence order, consumed alongside the entries.
private struct PackRows {
    let cursor: RowCursor
    var pending: Row?
    var started = false

    init(_ cursor: RowCursor) {
        self.cursor = cursor
    }

    /// The pack rows of entry `sequence` (rows of lower, vanished sequence numbers are skipped: foreign keys
    /// delete them with their entry, so they only exist if someone disabled that).
    mutating func take(_ sequence: Int64) throws -> [PackRevision] {
        if !started {
            pending = try cursor.next()
            started = true
        }
        var packs: [PackRevision] = []
        while let row = pending {
            let owner: Int64 = try row.decode(forColumn: "seq")
            if owner > sequence { break }
            if owner == sequence {
                packs.append(try PackRevision(row: row))
            }
            pending = try cursor.next()
        }
        return packs
    }
}
