import Synchronization
internal import GRDB

extension Journal {
    /// Writes `batch` in one transaction (group commit): when this returns, every write is on disk; when it throws,
    /// none is. The broker calls it once per loop pass and replies or publishes only after it returns.
    ///
    /// A completion may follow its acceptance in the same batch. The broker must itself keep one request id from
    /// appearing twice in a batch (two clients racing with the same id in one loop pass).
    ///
    /// Cost: a few small indexed inserts per write plus one fsync per call (see `aiscreen journal bench`).
    /// - Parameter batch: the writes, in order. An empty batch does nothing.
    /// - Throws: ``JournalError``, with ``JournalError/batchIndex`` naming the failing write when one write is at
    ///   fault: ``JournalError/Code/conflict`` (request id already accepted, or already completed),
    ///   ``JournalError/Code/invalidWrite`` (completing a request that was never accepted). When
    ///   ``JournalError/isUnwritable`` (full disk, read-only file, I/O error) the broker must refuse new requests.
    public func commit(_ batch: [JournalWrite]) throws(JournalError) {
        guard !batch.isEmpty else { return }
        // Chosen before the transaction: the chooser may read this journal (its pack texts).
        let choose = dictionaries.withLock { $0 }
        let chosen = batch.map { write -> ResultDictionary? in
            guard let choose, case .completed(let screening) = write else { return nil }
            return choose(screening.packs)
        }
        try mapErrors("cannot write to the journal \(path)") {
            try pool.write { db in
                var head = try ChainHead.read(db)
                var stored = Set<String>()  // dictionaries known to be in this transaction
                for (index, write) in batch.enumerated() {
                    do {
                        try append(write, to: &head, db, compactingWith: chosen[index], stored: &stored)
                    } catch {
                        var failure = JournalError.from(error, "cannot write to the journal \(path)")
                        failure.batchIndex = index
                        throw failure
                    }
                }
            }
        }
    }

    /// Stores every result written from now on compact against the dictionary `choose` picks for its packs (nil:
    /// whole). The bytes read back are the same either way (``ResultDictionary``); only the file is smaller.
    /// `choose` is called before each commit's transaction, on the committing thread; it may read this journal.
    public func storeResults(compactWith choose: @escaping @Sendable ([PackRevision]) -> ResultDictionary?) {
        dictionaries.withLock { $0 = choose }
    }

    private func append(
        _ write: JournalWrite, to head: inout ChainHead, _ db: Database, compactingWith dictionary: ResultDictionary?, stored: inout Set<String>
    ) throws {
        var entry: Entry
        switch write {
        case .accepted(let request):
            if try ChainHead.acceptedSequence(of: request.requestID, db) != nil {
                throw JournalError(.conflict, "request id '\(request.requestID)' is already in the journal")
            }
            entry = Entry(sequence: head.nextSequence, accepted: request)
        case .completed(let screening):
            guard try ChainHead.acceptedSequence(of: screening.requestID, db) != nil else {
                throw JournalError(.invalidWrite, "request id '\(screening.requestID)' was never accepted")
            }
            // Once a request has its verdict of record, nothing more is answered for it.
            if try ChainHead.completedSequence(of: screening.requestID, db) != nil {
                throw JournalError(.conflict, "request id '\(screening.requestID)' already has a verdict")
            }
            entry = Entry(sequence: head.nextSequence, completed: screening)
            if let dictionary, let compact = dictionary.compact(screening.result) {
                if !stored.contains(dictionary.digest) {
                    if try !Bool.fetchOne(db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM result_dictionary WHERE digest = ?)"), arguments: [dictionary.digest])! {
                        try ResultDictionaries.store(dictionary, db)
                    }
                    stored.insert(dictionary.digest)
                }
                entry.storedResult = (dictionary, compact)
                entry.hashVersion = 2
            }
        }
        try head.append(&entry, db)
    }
}

/// The end of the chain, read inside a write transaction (so a concurrent `prune` from another process is seen).
struct ChainHead {
    /// The next sequence number: one past the highest ever used (`sqlite_sequence`), so rows cut from the end
    /// leave a gap that ``Journal/verify()`` reports instead of being silently reused.
    var nextSequence: Int64
    /// The raw hash the next entry follows.
    var previousHash: [UInt8]

    static func read(_ db: Database) throws -> ChainHead {
        let highest = try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'entry'") ?? 0
        let last = try Row.fetchOne(db, sql: "SELECT seq, hash FROM entry ORDER BY seq DESC LIMIT 1")
        guard let last else { return ChainHead(nextSequence: highest + 1, previousHash: Entry.genesis) }
        let sequence: Int64 = try last.decode(forColumn: "seq")
        guard let hash = bytes(fromHex: try last.decode(forColumn: "hash")) else {
            throw JournalError(.corrupt, "entry \(sequence) has a malformed hash; run 'aiscreen journal verify'")
        }
        return ChainHead(nextSequence: max(highest, sequence) + 1, previousHash: hash)
    }

    /// Hashes `entry` onto the chain, inserts it and advances the head.
    mutating func append(_ entry: inout Entry, _ db: Database) throws {
        entry.sequence = nextSequence
        let hash = entry.chainHash(after: previousHash)
        entry.hash = hex(hash)
        try entry.insert(db)
        nextSequence += 1
        previousHash = hash
    }

    static func acceptedSequence(of requestID: String, _ db: Database) throws -> Int64? {
        try Int64.fetchOne(
            db.cachedStatement(sql: "SELECT seq FROM entry WHERE kind = 'accepted' AND request_id = ?"),
            arguments: [requestID])
    }

    static func completedSequence(of requestID: String, _ db: Database) throws -> Int64? {
        try Int64.fetchOne(
            db.cachedStatement(sql: "SELECT seq FROM entry WHERE kind = 'completed' AND provisional IS NULL AND request_id = ?"),
            arguments: [requestID])
    }
}
