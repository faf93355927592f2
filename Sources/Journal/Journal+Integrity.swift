internal import Crypto
internal import Foundation
internal import GRDB
internal import Glibc

extension Journal {
    /// Entries at the end of the chain that ``checkAtStart()`` recomputes.
    public static let tailEntries: Int64 = 10_000

    /// The start-up check of a broker's journal: SQLite's `quick_check`, the hash chain's last
    /// ``tailEntries`` entries, nothing cut from the end, and the head recorded at the last clean stop (in
    /// ``headPath``) still in the chain. A mismatch is an error that names the entry and what to do.
    /// - Throws: ``JournalError`` with code ``JournalError/Code/corrupt``.
    public func checkAtStart() throws(JournalError) {
        let advice = "run 'aiscreen journal verify --journal \(path)' and restore the journal (all of \(path), \(path)-wal and \(path)-shm) from a backup"
        let (problem, verification): (String?, JournalVerification) = try mapErrors("cannot read the journal \(path)") {
            try pool.read { db in
                let check = try String.fetchAll(db, sql: "PRAGMA quick_check")
                if check != ["ok"] { return ("SQLite's quick_check failed: \(check.prefix(3).joined(separator: "; "))", JournalVerification(entryCount: 0, firstSequence: nil, headSequence: nil, headHash: nil, prunedThrough: nil, firstBroken: nil)) }
                let highest = try Int64.fetchOne(db, sql: "SELECT max(seq) FROM entry") ?? 0
                var verifier = ChainVerifier()
                return (nil, try verifier.run(db, from: max(1, highest - Self.tailEntries + 1)))
            }
        }
        if let problem { throw JournalError(.corrupt, "the journal \(path) is damaged: \(problem); \(advice)") }
        if let broken = verification.firstBroken {
            throw JournalError(.corrupt, "the journal \(path) is damaged at entry \(broken.sequence): \(broken.detail); \(advice)")
        }
        if let head = try? String(contentsOfFile: headPath, encoding: .utf8) {
            let parts = head.split(whereSeparator: { $0 == " " || $0 == "\n" })
            if parts.count == 2, let sequence = Int64(parts[0]) {
                let stored: String? = try mapErrors("cannot read the journal \(path)") {
                    try pool.read { db in try String.fetchOne(db, sql: "SELECT hash FROM entry WHERE seq = ?", arguments: [sequence]) }
                }
                let pruned = verification.prunedThrough.map { sequence <= $0 } ?? false
                if !pruned, stored != String(parts[1]) {
                    throw JournalError(
                        .corrupt,
                        "the journal \(path) no longer holds entry \(sequence) as it was at the last clean stop (\(headPath)): acknowledged entries are lost, for example with a lost \(path)-wal; \(advice)")
                }
            }
        }
    }

    /// `<journal>.head`: the last entry's sequence number and hash, written at a clean stop.
    public var headPath: String { path + ".head" }

    /// Records the chain's head in ``headPath`` (at a clean stop).
    public func recordHead() throws(JournalError) {
        let head: (Int64, String)? = try mapErrors("cannot read the journal \(path)") {
            try pool.read { db in
                guard let row = try Row.fetchOne(db, sql: "SELECT seq, hash FROM entry ORDER BY seq DESC LIMIT 1") else { return nil }
                return (try row.decode(forColumn: "seq"), try row.decode(forColumn: "hash"))
            }
        }
        guard let head else { return }
        do {
            try "\(head.0) \(head.1)\n".write(toFile: headPath, atomically: true, encoding: .utf8)
        } catch {
            throw JournalError(.io, "cannot write \(headPath): \(error)")
        }
    }

    /// Recomputes a record's entries before it is served: the accepted entry and its completion against their stored
    /// hashes (each chained to the stored hash of the entry before it), and the body against its SHA-256.
    /// - Parameter previousHash: the stored hash of the entry before, when the caller read it with the entry (nil:
    ///   read it here, or the prune checkpoint's anchor when that entry is gone).
    /// - Throws: ``JournalError/Code/corrupt`` naming the entry.
    static func checkIntegrity(_ entry: Entry, _ db: Database, previousHash: String? = nil) throws {
        if entry.kind == .accepted, let body = entry.body, hex(SHA256.hash(data: body)) != entry.bodySHA256 {
            throw JournalError(.corrupt, "entry \(entry.sequence): the request body no longer matches its SHA-256")
        }
        let previous: [UInt8]
        if entry.sequence == 1 {
            previous = Entry.genesis
        } else if let before = previousHash, let bytes = bytes(fromHex: before) {
            previous = bytes
        } else if let before = try String.fetchOne(db.cachedStatement(sql: "SELECT hash FROM entry WHERE seq = ?"), arguments: [entry.sequence - 1]),
            let bytes = bytes(fromHex: before)
        {
            previous = bytes
        } else if let anchor = try String.fetchOne(
            db.cachedStatement(sql: "SELECT anchor_hash FROM entry WHERE kind = 'checkpoint' AND pruned_through = ?"), arguments: [entry.sequence - 1]),
            let bytes = bytes(fromHex: anchor)
        {
            previous = bytes
        } else {
            throw JournalError(.corrupt, "entry \(entry.sequence): the entry before it is missing")
        }
        guard hex(entry.chainHash(after: previous)) == entry.hash else {
            throw JournalError(.corrupt, "entry \(entry.sequence) (\(entry.kind.rawValue), request \(entry.requestID ?? "?")) does not match its hash: it was changed after it was written")
        }
    }
}

/// An exclusive lock on `<journal>.lock`, held by the one broker that writes the journal.
final class JournalLock: Sendable {
    private let descriptor: Int32

    init(journal path: String) throws(JournalError) {
        let lockPath = path + ".lock"
        let fd = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw JournalError(.cannotOpen, "cannot open \(lockPath): \(String(cString: strerror(errno)))") }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            var buffer = [UInt8](repeating: 0, count: 64)
            let count = read(fd, &buffer, 63)
            close(fd)
            let holder = count > 0 ? String(decoding: buffer.prefix(count), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) : "?"
            throw JournalError(.busy, "the journal \(path) is already open for writing by another broker (process \(holder), holding \(lockPath)); stop it first, or give this broker another journal.path")
        }
        ftruncate(fd, 0)
        let pid = Array("\(getpid())\n".utf8)
        _ = pid.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        descriptor = fd
    }

    deinit {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
