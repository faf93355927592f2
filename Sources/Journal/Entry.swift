internal import Crypto
internal import Foundation
internal import GRDB

/// One link of the hash chain: a row of the `entry` table (with its `entry_pack` rows), as stored.
///
/// `hash = SHA-256(previous entry's hash ‖ canonical bytes)` (``canonical(_:)``), where the first entry's previous hash is 32 zero bytes
/// (or, after pruning, the anchor hash of the newest checkpoint). See ``Journal`` for the design.
struct Entry: Sendable {
    enum Kind: String, Sendable {
        case accepted, completed, checkpoint
    }

    var sequence: Int64
    var kind: Kind
    /// Received (accepted), completed (completed) or pruned (checkpoint) time, RFC 3339 UTC ms.
    var at: String
    var requestID: String?
    var service: String?
    var body: Data?
    var bodySHA256: String?
    var principal: String?
    var department: String?
    var verdict: String?
    var result: Data?
    var prunedThrough: Int64?
    var anchorHash: String?
    var prunedBefore: String?
    var packs: [PackRevision] = []
    /// A `completed` entry that is not the verdict of record (schema 3; NULL in the table otherwise).
    var provisional = false
    /// How ``result`` is stored: compact against this dictionary (schema 6), or whole when nil. ``result`` itself is
    /// the full bytes (nil only on an entry read with `expandingResult: false` whose hash does not need them).
    var storedResult: (dictionary: ResultDictionary, bytes: [UInt8])?
    /// Which canonical form the chain hash covers (schema 7): 2 when the result is stored compact and the hash covers
    /// the compact bytes with the dictionary's digest, 1 (NULL in the table) otherwise. Version 2 binds the same
    /// content as version 1 (the dictionary is content-addressed and expanding is exact) while hashing about a
    /// quarter of the bytes, and lets a reader check an entry without expanding its result.
    var hashVersion = 1
    /// Lower-case hex SHA-256, as stored.
    var hash: String = ""

    /// The bytes the chain hashes, version 1. A fixed prefix, then each field in a fixed order as a 4-byte big-endian
    /// length and the bytes (`FFFFFFFF` for NULL), so no two different entries encode the same. The body enters
    /// through its SHA-256 (``bodySHA256``; ``Journal/verify()`` checks the body against it); the result JSON enters
    /// whole. Pack rows are included for every kind, sorted by pack id, so a pack row added anywhere is caught.
    ///
    /// Version 2 (``hashVersion``) differs in its prefix and in the result, which enters as two fields: the
    /// dictionary's digest and the compact bytes.
    ///
    /// The bytes come in pieces, in order, without copying the result into them: `emit` gets the fields before it,
    /// the result's bytes themselves, then the rest.
    private func canonical(_ emit: (UnsafeRawBufferPointer) -> Void) {
        var out = Array((hashVersion == 2 ? "aiscreen.journal.entry.v2\n" : "aiscreen.journal.entry.v1\n").utf8)
        out.reserveCapacity(400)
        func field(_ bytes: some Collection<UInt8>) { CanonicalField.append(bytes, to: &out) }
        func field(_ text: String?) { CanonicalField.append(text, to: &out) }
        /// A large field: its length into `out`, then `out` and the bytes straight to `emit`.
        func large(_ bytes: UnsafeRawBufferPointer) {
            CanonicalField.appendLength(bytes.count, to: &out)
            out.withUnsafeBytes { emit($0) }
            out.removeAll(keepingCapacity: true)
            emit(bytes)
        }
        field(String(sequence))
        field(kind.rawValue)
        field(at)
        field(requestID)
        field(service)
        field(bodySHA256)
        field(principal)
        field(department)
        field(verdict)
        if hashVersion == 2, let stored = storedResult {
            field(stored.dictionary.digest)
            stored.bytes.withUnsafeBytes { large($0) }
        } else if let result {
            result.withUnsafeBytes { large($0) }
        } else {
            field(nil as String?)
        }
        field(prunedThrough.map { String($0) })
        field(anchorHash)
        field(prunedBefore)
        field(String(packs.count))
        for pack in packs.sorted(by: { $0.id < $1.id }) {
            field(pack.id)
            field(pack.version)
            field(pack.digest)
            if let judgedBy = pack.judgedBy {
                // Only when present, so entries of schema 1 keep their hashes; "+" never starts a pack id.
                field("+judged_by")
                field(judgedBy)
            }
            if let outcome = pack.outcome {
                // Only when present (schema 7), so older entries keep their hashes.
                field("+outcome")
                field(outcome.text)
            }
        }
        if provisional {
            // Only when set, so entries written before schema 3 keep their hashes.
            field("+provisional")
        }
        out.withUnsafeBytes { emit($0) }
    }

    /// The chain hash of this entry after an entry whose hash is `previous` (32 raw bytes): SHA-256 over `previous`
    /// and the canonical bytes (``canonical(_:)``), fed in pieces.
    func chainHash(after previous: [UInt8]) -> [UInt8] {
        var hasher = SHA256()
        hasher.update(data: previous)
        canonical { hasher.update(bufferPointer: $0) }
        return Array(hasher.finalize())
    }

    static let genesis = [UInt8](repeating: 0, count: 32)
}

/// How the chains encode a field: a 4-byte big-endian length and the bytes, or `FFFFFFFF` for NULL, so no two
/// different records encode the same.
enum CanonicalField {
    static func append(_ bytes: some Collection<UInt8>, to out: inout [UInt8]) {
        appendLength(bytes.count, to: &out)
        out += bytes
    }

    /// A field's 4-byte big-endian length.
    static func appendLength(_ count: Int, to out: inout [UInt8]) {
        let n = UInt32(truncatingIfNeeded: count)
        out += [UInt8(n >> 24), UInt8(n >> 16 & 0xff), UInt8(n >> 8 & 0xff), UInt8(n & 0xff)]
    }

    /// SHA-256(previous hash ‖ canonical bytes): how both chains link a record to the one before.
    static func chainHash(after previous: [UInt8], _ canonical: [UInt8]) -> [UInt8] {
        var hasher = SHA256()
        hasher.update(data: previous)
        hasher.update(data: canonical)
        return Array(hasher.finalize())
    }

    static func append(_ text: String?, to out: inout [UInt8]) {
        guard let text else {
            out += [0xff, 0xff, 0xff, 0xff]
            return
        }
        append(text.utf8, to: &out)
    }
}

extension Entry {
    /// An `accepted` entry for `request` at `sequence`.
    init(sequence: Int64, accepted request: AcceptedRequest) {
        self.init(sequence: sequence, kind: .accepted, at: request.receivedAt.description)
        requestID = request.requestID
        service = request.service
        body = Data(request.body)
        bodySHA256 = request.bodyDigest
        principal = request.principal
        department = request.department
    }

    /// A `completed` entry for `screening` at `sequence`.
    init(sequence: Int64, completed screening: CompletedScreening) {
        self.init(sequence: sequence, kind: .completed, at: screening.completedAt.description)
        requestID = screening.requestID
        verdict = screening.verdict
        result = Data(screening.result)
        packs = screening.packs
        provisional = screening.provisional
    }

    /// Reads the columns of an `entry` row (packs are added by the caller), expanding a compact result with its
    /// dictionary from `db`. Throws on a missing or mistyped value, which only tampering can produce (the table's
    /// CHECK constraints forbid it otherwise), and on a compact result whose dictionary is missing or changed.
    /// - Parameters:
    ///   - dictionary: how to get a result dictionary by digest (default: the process's cache, else the file);
    ///     ``Journal/verify()`` reads each from the file once per run.
    ///   - expandingResult: false leaves ``result`` nil when the hash does not need it (``hashVersion`` 2): for a
    ///     reader that expands ``storedResult`` only if it must.
    ///   - columns: where the columns are in `row` (from ``EntryColumns/init(_:)`` on a row of the same statement, once
    ///     for all its rows); nil works them out from `row`.
    init(
        row: Row, _ db: Database, columns: EntryColumns? = nil, dictionary: ((String) throws -> ResultDictionary)? = nil,
        expandingResult: Bool = true
    ) throws {
        let c = try columns ?? EntryColumns(row)
        guard let kind = Kind(rawValue: try row.decode(String.self, atIndex: c.kind)) else {
            throw JournalError(.corrupt, "entry \(try row.decode(Int64.self, atIndex: c.seq)) has an unknown kind")
        }
        self.init(
            sequence: try row.decode(atIndex: c.seq), kind: kind, at: try row.decode(atIndex: c.at),
            requestID: try row.decode(atIndex: c.requestID), service: try row.decode(atIndex: c.service),
            body: try row.decode(atIndex: c.body), bodySHA256: try row.decode(atIndex: c.bodySHA256),
            principal: try row.decode(atIndex: c.principal), department: try row.decode(atIndex: c.department),
            verdict: try row.decode(atIndex: c.verdict), result: try row.decode(atIndex: c.result),
            prunedThrough: try row.decode(atIndex: c.prunedThrough),
            anchorHash: try row.decode(atIndex: c.anchorHash),
            prunedBefore: try row.decode(atIndex: c.prunedBefore),
            hash: try row.decode(atIndex: c.hash))
        provisional = try c.provisional.map { (try row.decode(Int64?.self, atIndex: $0) ?? 0) != 0 } ?? false
        if let index = c.hashVersion, let version: Int = try row.decode(atIndex: index) {
            guard version == 2 else { throw JournalError(.corrupt, "entry \(sequence) has an unknown hash version \(version)") }
            hashVersion = version
        }
        if let index = c.resultDictionary, let digest: String = try row.decode(atIndex: index), let compact = result {
            let found = try dictionary?(digest) ?? ResultDictionaries.load(digest, db)
            storedResult = (found, Array(compact))
            result = expandingResult || hashVersion != 2 ? Data(try found.expand(Array(compact))) : nil
        } else if hashVersion != 1 {
            throw JournalError(.corrupt, "entry \(sequence) has hash version \(hashVersion) without a compact result")
        }
    }

    /// Inserts the entry and its pack rows.
    func insert(_ db: Database) throws {
        let statement = try db.cachedStatement(
            sql: """
                INSERT INTO entry (seq, kind, at, request_id, service, body, body_sha256, principal, department,
                    verdict, result, pruned_through, anchor_hash, pruned_before, hash, provisional, result_dictionary, hash_version)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
        try statement.execute(arguments: [
            sequence, kind.rawValue, at, requestID, service, body, bodySHA256, principal, department, verdict,
            storedResult.map { Data($0.bytes) } ?? result, prunedThrough, anchorHash, prunedBefore, hash, provisional ? 1 : nil,
            storedResult?.dictionary.digest, hashVersion == 2 ? 2 : nil,
        ])
        let packStatement = try db.cachedStatement(
            sql: "INSERT INTO entry_pack (seq, pack_id, version, digest, judged_by, outcome) VALUES (?, ?, ?, ?, ?, ?)")
        for pack in packs {
            try packStatement.execute(arguments: [sequence, pack.id, pack.version, pack.digest, pack.judgedBy, pack.outcome?.text])
        }
    }

    /// The request of an `accepted` entry.
    func acceptedRequest() throws(JournalError) -> AcceptedRequest {
        guard kind == .accepted, let requestID, let service, let body, let bodySHA256, let principal,
            let receivedAt = JournalTimestamp(rfc3339: at)
        else { throw JournalError(.corrupt, "entry \(sequence) is not a readable accepted request") }
        return AcceptedRequest(
            requestID: requestID, service: service, body: [UInt8](body), bodyDigest: bodySHA256,
            receivedAt: receivedAt, principal: principal, department: department)
    }

    /// The screening of a `completed` entry.
    func completedScreening() throws(JournalError) -> CompletedScreening {
        guard kind == .completed, let requestID, let verdict, let result,
            let completedAt = JournalTimestamp(rfc3339: at)
        else { throw JournalError(.corrupt, "entry \(sequence) is not a readable completion") }
        return CompletedScreening(
            requestID: requestID, verdict: verdict, result: [UInt8](result), packs: packs, completedAt: completedAt,
            provisional: provisional)
    }
}

/// Where an `entry` row's columns are among a statement's columns: worked out once per statement, so reading its
/// rows looks up no column by name. The first column of a name counts (`a.*` before a join's other columns).
struct EntryColumns {
    let seq, kind, at, requestID, service, body, bodySHA256, principal, department, verdict, result: Int
    let prunedThrough, anchorHash, prunedBefore, hash: Int
    /// Columns of later schemas (absent from a row of an older one).
    let provisional, hashVersion, resultDictionary: Int?

    /// - Parameter start: consider only the columns from this position on (the second entry of a joined row).
    /// - Throws: ``JournalError/Code/corrupt`` when a column of schema 1 is missing.
    init(_ row: Row, startingAt start: Int = 0) throws {
        var index: [String: Int] = [:]
        for (position, name) in row.columnNames.enumerated() where position >= start && index[name] == nil { index[name] = position }
        func required(_ name: String) throws -> Int {
            guard let position = index[name] else { throw JournalError(.corrupt, "an entry row has no column \(name)") }
            return position
        }
        seq = try required("seq")
        kind = try required("kind")
        at = try required("at")
        requestID = try required("request_id")
        service = try required("service")
        body = try required("body")
        bodySHA256 = try required("body_sha256")
        principal = try required("principal")
        department = try required("department")
        verdict = try required("verdict")
        result = try required("result")
        prunedThrough = try required("pruned_through")
        anchorHash = try required("anchor_hash")
        prunedBefore = try required("pruned_before")
        hash = try required("hash")
        provisional = index["provisional"]
        hashVersion = index["hash_version"]
        resultDictionary = index["result_dictionary"]
    }
}

/// 64 hex digits → 32 bytes; nil when `text` is not that.
func bytes(fromHex text: String) -> [UInt8]? {
    let digits = Array(text.utf8)
    guard digits.count == 64 else { return nil }
    func value(_ c: UInt8) -> UInt8? {
        switch c {
        case 48...57: c - 48
        case 97...102: c - 87
        default: nil
        }
    }
    var out: [UInt8] = []
    out.reserveCapacity(32)
    var i = 0
    while i < 64 {
        guard let high = value(digits[i]), let low = value(digits[i + 1]) else { return nil }
        out.append(high << 4 | low)
        i += 2
    }
    return out
}
