internal import Crypto
internal import Foundation
internal import GRDB

/// One link of the hash chain: a row of the `entry` table (with its `entry_pack` rows), as stored.
///
/// `hash = SHA-256(previous entry's hash ‖ canonicalBytes)`, where the first entry's previous hash is 32 zero bytes
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
    /// always the full bytes (the chain hashes those).
    var storedResult: (dictionary: ResultDictionary, bytes: [UInt8])?
    /// Lower-case hex SHA-256, as stored.
    var hash: String = ""

    /// The bytes the chain hashes, version 1. A fixed prefix, then each field in a fixed order as a 4-byte big-endian
    /// length and the bytes (`FFFFFFFF` for NULL), so no two different entries encode the same. The body enters
    /// through its SHA-256 (``bodySHA256``; ``Journal/verify()`` checks the body against it); the result JSON enters
    /// whole. Pack rows are included for every kind, sorted by pack id, so a pack row added anywhere is caught.
    var canonicalBytes: [UInt8] {
        var out = Array("aiscreen.journal.entry.v1\n".utf8)
        out.reserveCapacity(160 + (result?.count ?? 0))
        func field(_ bytes: some Collection<UInt8>) { CanonicalField.append(bytes, to: &out) }
        func field(_ text: String?) { CanonicalField.append(text, to: &out) }
        field(String(sequence))
        field(kind.rawValue)
        field(at)
        field(requestID)
        field(service)
        field(bodySHA256)
        field(principal)
        field(department)
        field(verdict)
        if let result { field(result) } else { field(nil as String?) }
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
        }
        if provisional {
            // Only when set, so entries written before schema 3 keep their hashes.
            field("+provisional")
        }
        return out
    }

    /// The chain hash of this entry after an entry whose hash is `previous` (32 raw bytes).
    func chainHash(after previous: [UInt8]) -> [UInt8] { CanonicalField.chainHash(after: previous, canonicalBytes) }

    static let genesis = [UInt8](repeating: 0, count: 32)
}

/// How the chains encode a field: a 4-byte big-endian length and the bytes, or `FFFFFFFF` for NULL, so no two
/// different records encode the same.
enum CanonicalField {
    static func append(_ bytes: some Collection<UInt8>, to out: inout [UInt8]) {
        let n = UInt32(truncatingIfNeeded: bytes.count)
        out += [UInt8(n >> 24), UInt8(n >> 16 & 0xff), UInt8(n >> 8 & 0xff), UInt8(n & 0xff)]
        out += bytes
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
    /// - Parameter dictionary: how to get a result dictionary by digest (default: the process's cache, else the
    ///   file); ``Journal/verify()`` reads each from the file once per run.
    init(row: Row, _ db: Database, dictionary: ((String) throws -> ResultDictionary)? = nil) throws {
        guard let kind = Kind(rawValue: try row.decode(String.self, forColumn: "kind")) else {
            throw JournalError(.corrupt, "entry \(try row.decode(Int64.self, forColumn: "seq")) has an unknown kind")
        }
        self.init(
            sequence: try row.decode(forColumn: "seq"), kind: kind, at: try row.decode(forColumn: "at"),
            requestID: try row.decode(forColumn: "request_id"), service: try row.decode(forColumn: "service"),
            body: try row.decode(forColumn: "body"), bodySHA256: try row.decode(forColumn: "body_sha256"),
            principal: try row.decode(forColumn: "principal"), department: try row.decode(forColumn: "department"),
            verdict: try row.decode(forColumn: "verdict"), result: try row.decode(forColumn: "result"),
            prunedThrough: try row.decode(forColumn: "pruned_through"),
            anchorHash: try row.decode(forColumn: "anchor_hash"),
            prunedBefore: try row.decode(forColumn: "pruned_before"),
            hash: try row.decode(forColumn: "hash"))
        provisional = row.hasColumn("provisional") ? (try row.decode(Int64?.self, forColumn: "provisional") ?? 0) != 0 : false
        if row.hasColumn("result_dictionary"), let digest: String = try row.decode(forColumn: "result_dictionary"), let compact = result {
            let found = try dictionary?(digest) ?? ResultDictionaries.load(digest, db)
            result = Data(try found.expand(Array(compact)))
        }
    }

    /// Inserts the entry and its pack rows.
    func insert(_ db: Database) throws {
        let statement = try db.cachedStatement(
            sql: """
                INSERT INTO entry (seq, kind, at, request_id, service, body, body_sha256, principal, department,
                    verdict, result, pruned_through, anchor_hash, pruned_before, hash, provisional, result_dictionary)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
        try statement.execute(arguments: [
            sequence, kind.rawValue, at, requestID, service, body, bodySHA256, principal, department, verdict,
            storedResult.map { Data($0.bytes) } ?? result, prunedThrough, anchorHash, prunedBefore, hash, provisional ? 1 : nil,
            storedResult?.dictionary.digest,
        ])
        let packStatement = try db.cachedStatement(
            sql: "INSERT INTO entry_pack (seq, pack_id, version, digest, judged_by) VALUES (?, ?, ?, ?, ?)")
        for pack in packs {
            try packStatement.execute(arguments: [sequence, pack.id, pack.version, pack.digest, pack.judgedBy])
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
