internal import GRDB
import Synchronization
internal import Glibc

/// The durable, hash-chained journal of screening requests and verdicts: a compliance record from which a
/// municipality can show, years later, what was submitted, which pack revisions judged it and why.
///
/// ## Storage
/// One SQLite file (see ``JournalOptions`` for where it lives) in WAL mode through GRDB: the broker's single
/// writer never blocks readers such as `aiscreen history`, and readers see a consistent snapshot.
/// `PRAGMA synchronous = FULL`: in WAL mode every commit fsyncs the WAL, so a verdict the broker has answered or
/// published survives a power cut. (`NORMAL` would be durable only at the next checkpoint: a crash could lose the
/// last commits although their replies went out, and a retried request would then be screened again — possibly by
/// a newer pack — and contradict the answer the client holds.) Group commit (``commit(_:)`` takes a batch) pays
/// that fsync once per broker loop pass, not once per request. The schema is described in `JournalSchema`.
///
/// ## The chain
/// Every entry — a request accepted, a screening completed, a prune checkpoint — has a sequence number
/// (1, 2, 3, … with no gaps) and `hash = SHA-256(previous entry's hash ‖ canonical bytes of the entry)`; the first
/// entry follows 32 zero bytes. The canonical bytes are a length-prefixed encoding of every column, including the
/// sequence number, the body's SHA-256 and the pack revisions (with each pack's outcome in brief, schema 7). A result
/// stored compact is hashed as its dictionary's digest and its compact bytes (hash version 2, schema 7), which fixes
/// the expanded bytes as firmly, since the dictionary is checked against its digest. ``verify()`` recomputes the chain and names the first
/// entry that does not fit: a changed field, a changed body, a deleted or reordered row, rows cut from the end.
/// The chain detects edits made with `sqlite3` or a script; someone who can write the file can also recompute every
/// hash after an edit. Write down the head (`aiscreen journal verify` prints its sequence and hash) somewhere
/// else — the operations log, a ticket, a signed e-mail — and a rewrite becomes detectable too.
///
/// ## Retention
/// ``prune(olderThan:now:)`` deletes the oldest part of the chain (a prefix), but only whole screenings completed
/// before the cutoff, and appends a `checkpoint` entry that records the last deleted sequence number and its hash.
/// ``verify()`` starts from that anchor, and the checkpoint is itself chained, so the chain stays verifiable.
///
/// ## Personal data
/// Request bodies describe AI tools and may name systems, suppliers and staff and give staff counts; they should
/// not contain personal data about citizens. Principals are ZeroMQ routing ids or `anonymous` for now.
/// `PRAGMA secure_delete = ON`, so what a prune deletes is overwritten in the file rather than left in free pages.
///
/// ## Threads
/// All methods are synchronous and may be called from any thread; writes are serialised. The broker calls
/// ``commit(_:)`` from its I/O thread once per loop pass.
public final class Journal: Sendable {
    /// The schema version this build reads and writes (`PRAGMA user_version`).
    public static let schemaVersion = JournalSchema.version

    /// The file path.
    public let path: String
    /// The options it was opened with.
    public let options: JournalOptions
    let pool: DatabasePool
    /// Picks the dictionary a completion's result is stored compact against (``storeResults(compactWith:)``).
    let dictionaries = Mutex<(@Sendable ([PackRevision]) -> ResultDictionary?)?>(nil)
    /// Held while this journal is open with ``JournalOptions/exclusiveWriter``.
    let lock: JournalLock?

    /// Opens (creating it and its schema when missing, unless `options.readOnly`) the journal at `path`.
    /// - Parameters:
    ///   - path: the SQLite file.
    ///   - options: read-only, busy timeout, retention, size cap.
    /// - Throws: ``JournalError`` with ``JournalError/Code/cannotOpen`` (no such folder, no permission, or a
    ///   missing file when read-only), ``JournalError/Code/corrupt`` (not a database),
    ///   ``JournalError/Code/incompatibleSchema`` (another application's database, or a newer schema), or any
    ///   code for a failure while creating the schema.
    public init(path: String, options: JournalOptions = JournalOptions()) throws(JournalError) {
        self.path = path
        self.options = options
        if !options.readOnly {
            // SQLite opens a file it may not write read-only without saying so, and then waits on the write-ahead log's
            // locks for its busy timeout, again and again: say at once what is wrong instead.
            for file in [path, path + "-wal", path + "-shm"]
            where faccessat(AT_FDCWD, file, F_OK, AT_EACCESS) == 0 && faccessat(AT_FDCWD, file, W_OK, AT_EACCESS) != 0 {
                throw JournalError(
                    .readOnly, "cannot open the journal \(path): \(file) is read-only for this user; make it writable, or open the journal read-only")
            }
        }
        // A file at the configured path that is empty is not a new journal: it may be a truncated one.
        var status = stat()
        let existed = stat(path, &status) == 0
        if existed && status.st_size == 0 {
            throw JournalError(
                .incompatibleSchema,
                "\(path) exists but is empty, so it is not an aiscreen journal (it may have been truncated); restore it from a backup, or remove it to start a new journal")
        }
        lock = options.exclusiveWriter && !options.readOnly ? try JournalLock(journal: path) : nil
        var configuration = Configuration()
        configuration.readonly = options.readOnly
        configuration.label = "aiscreen.journal"
        let timeout = options.busyTimeout.components
        configuration.busyMode = .timeout(Double(timeout.seconds) + Double(timeout.attoseconds) / 1e18)
        configuration.maximumReaderCount = 2
        let cap = options.maximumBytes
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            // Pruned bodies are overwritten, not left in free pages (retention of personal data).
            try db.execute(sql: "PRAGMA secure_delete = ON")
            if let cap {
                // The cap in whole pages (4096 bytes unless the file says otherwise); at least one.
                let pageSize = try Int.fetchOne(db, sql: "PRAGMA page_size") ?? 4096
                try db.execute(sql: "PRAGMA max_page_count = \(max(1, cap / max(1, pageSize)))")
            }
        }
        let pool = try mapErrors("cannot open the journal \(path)") {
            try DatabasePool(path: path, configuration: configuration)
        }
        self.pool = pool
        try mapErrors("cannot open the journal \(path)") {
            if options.readOnly {
                try pool.read { db in try JournalSchema.check(db, path: path, requireComplete: true) }
            } else {
                try JournalSchema.prepare(pool, path: path, existed: existed)
            }
        }
    }

    /// Closes the file. Further calls fail. Not needed before the process exits: closing happens on deinit too.
    /// - Throws: ``JournalError`` when SQLite cannot close (e.g. a statement is still running).
    public func close() throws(JournalError) {
        try mapErrors("cannot close the journal \(path)") { try pool.close() }
    }
}
