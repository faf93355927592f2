internal import Crypto
internal import Foundation
internal import GRDB

/// One activation of a pack revision: the broker made `to` the revision that judges the pack's requests.
///
/// Activations form a hash chain of their own (table `pack_activation`, schema 5), beside the chain of requests and
/// verdicts: `hash = SHA-256(previous activation's hash ‖ canonicalBytes)`, the first following 32 zero bytes. Each
/// also names the request chain's last entry when it was written (``afterEntry``), so the order of activations and
/// verdicts is part of the record. Pruning never deletes activations.
public struct PackActivation: Hashable, Sendable {
    /// Why the revision became active.
    public enum Kind: String, Hashable, Sendable, CaseIterable {
        /// A broker started with it (and the journal's last activation of the pack was another revision, or none).
        case start
        /// `aiscreen pack deploy`, or `aiscreen up` after the pack's files changed.
        case deploy
        /// `aiscreen pack rollback`: an earlier revision, from the journal's copy.
        case rollback
    }

    /// 1, 2, 3, … in the activation chain; 0 before it is written.
    public var sequence: Int64
    public var at: JournalTimestamp
    public var packID: String
    public var version: String
    public var digest: String
    /// The revision that was active before; nil for the first activation of a pack.
    public var previousVersion: String?
    public var previousDigest: String?
    public var kind: Kind
    /// Who asked: an admin's principal (`admin:NAME`), `anonymous` on a loopback broker without keys, or `local:up`
    /// for `aiscreen up`'s file watcher, `local:broker` for a broker's start.
    public var principal: String
    /// The sequence number of the request chain's last entry when the activation was written (0: none yet).
    public var afterEntry: Int64
    /// Lower-case hex SHA-256, as stored.
    public var hash: String

    public init(
        at: JournalTimestamp, packID: String, version: String, digest: String, previousVersion: String?, previousDigest: String?,
        kind: Kind, principal: String
    ) {
        self.sequence = 0
        self.at = at
        self.packID = packID
        self.version = version
        self.digest = digest
        self.previousVersion = previousVersion
        self.previousDigest = previousDigest
        self.kind = kind
        self.principal = principal
        self.afterEntry = 0
        self.hash = ""
    }

    /// The bytes the activation chain hashes: a fixed prefix, then each field as the request chain encodes one
    /// (``CanonicalField``).
    var canonicalBytes: [UInt8] {
        var out = Array("aiscreen.journal.activation.v1\n".utf8)
        for value in [String(sequence), at.description, packID, version, digest, previousVersion, previousDigest, kind.rawValue, principal, String(afterEntry)] {
            CanonicalField.append(value, to: &out)
        }
        return out
    }

    func chainHash(after previous: [UInt8]) -> [UInt8] { CanonicalField.chainHash(after: previous, canonicalBytes) }
}

/// The outcome of ``Journal/verifyActivations()``.
public struct ActivationVerification: Hashable, Sendable {
    /// Activations checked (up to the first broken one).
    public var count: Int
    /// The first activation that does not fit the chain; nil when it is intact.
    public var firstBroken: BrokenEntry?

    public var isIntact: Bool { firstBroken == nil }
}

extension Journal {
    /// Appends `activation` to the activation chain, in its own transaction (see ``PackActivation``).
    /// - Returns: the activation as stored, with its sequence number, request-chain position and hash.
    /// - Throws: ``JournalError`` when the journal cannot be written.
    @discardableResult
    public func record(_ activation: PackActivation) throws(JournalError) -> PackActivation {
        try mapErrors("cannot write the journal \(path)") {
            try pool.write { db in
                var stored = activation
                let highest = try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'pack_activation'") ?? 0
                let last = try Row.fetchOne(db, sql: "SELECT seq, hash FROM pack_activation ORDER BY seq DESC LIMIT 1")
                var previous = Entry.genesis
                if let last {
                    let hash: String = try last.decode(forColumn: "hash")
                    guard let bytes = bytes(fromHex: hash) else {
                        throw JournalError(.corrupt, "activation \(try last.decode(Int64.self, forColumn: "seq")) has a malformed hash; run 'aiscreen journal verify'")
                    }
                    previous = bytes
                }
                stored.sequence = max(highest, try last?.decode(Int64.self, forColumn: "seq") ?? 0) + 1
                stored.afterEntry = try Int64.fetchOne(db, sql: "SELECT max(seq) FROM entry") ?? 0
                stored.hash = hex(stored.chainHash(after: previous))
                try db.execute(
                    sql: """
                        INSERT INTO pack_activation (seq, at, pack_id, version, digest, previous_version, previous_digest, kind, principal, after_entry, hash)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        stored.sequence, stored.at.description, stored.packID, stored.version, stored.digest, stored.previousVersion,
                        stored.previousDigest, stored.kind.rawValue, stored.principal, stored.afterEntry, stored.hash,
                    ])
                return stored
            }
        }
    }

    /// The activations, oldest first; of pack `packID` only when given.
    /// - Throws: ``JournalError`` when the journal cannot be read.
    public func activations(packID: String? = nil) throws(JournalError) -> [PackActivation] {
        try mapErrors("cannot read the journal \(path)") {
            try pool.read { db in
                let filter = packID == nil ? "" : " WHERE pack_id = ?"
                let arguments: StatementArguments = packID.map { [$0] } ?? []
                return try Row.fetchAll(db, sql: "SELECT * FROM pack_activation\(filter) ORDER BY seq", arguments: arguments).map(PackActivation.init(row:))
            }
        }
    }

    /// Recomputes the activation chain: no sequence number skipped or cut from the end, every hash
    /// SHA-256(previous hash ‖ activation).
    /// - Throws: ``JournalError`` when the journal cannot be read.
    public func verifyActivations() throws(JournalError) -> ActivationVerification {
        try mapErrors("cannot read the journal \(path)") {
            try pool.read { db in
                var result = ActivationVerification(count: 0, firstBroken: nil)
                let highest = try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'pack_activation'") ?? 0
                var previous = Entry.genesis
                var expected: Int64 = 1
                let rows = try Row.fetchCursor(db, sql: "SELECT * FROM pack_activation ORDER BY seq")
                while let row = try rows.next() {
                    let activation: PackActivation
                    do {
                        activation = try PackActivation(row: row)
                    } catch {
                        result.firstBroken = BrokenEntry(sequence: expected, problem: .malformed, detail: "activation \(expected): a value is missing or has the wrong type (\(error))")
                        return result
                    }
                    guard activation.sequence == expected else {
                        result.firstBroken = BrokenEntry(sequence: expected, problem: .missing, detail: "activation \(expected) is missing: the next one is \(activation.sequence)")
                        return result
                    }
                    let hash = activation.chainHash(after: previous)
                    guard hex(hash) == activation.hash else {
                        result.firstBroken = BrokenEntry(
                            sequence: activation.sequence, problem: .hashMismatch,
                            detail: "activation \(activation.sequence) of pack \(activation.packID) (stored hash \(activation.hash.prefix(16))…, recomputed \(hex(hash).prefix(16))…): a field or its position changed",
                            expectedHash: hex(hash), storedHash: activation.hash)
                        return result
                    }
                    previous = hash
                    expected += 1
                    result.count += 1
                }
                if highest >= expected {
                    result.firstBroken = BrokenEntry(sequence: expected, problem: .truncated, detail: "the journal once held activations up to \(highest), but they end at \(expected - 1)")
                }
                return result
            }
        }
    }
}

extension PackActivation {
    init(row: Row) throws {
        let at: String = try row.decode(forColumn: "at")
        guard let timestamp = JournalTimestamp(rfc3339: at) else { throw JournalError(.corrupt, "activation time '\(at)' is not RFC 3339") }
        let kindText: String = try row.decode(forColumn: "kind")
        guard let kind = Kind(rawValue: kindText) else { throw JournalError(.corrupt, "activation kind '\(kindText)' is unknown") }
        self.init(
            at: timestamp, packID: try row.decode(forColumn: "pack_id"), version: try row.decode(forColumn: "version"),
            digest: try row.decode(forColumn: "digest"), previousVersion: try row.decode(forColumn: "previous_version"),
            previousDigest: try row.decode(forColumn: "previous_digest"), kind: kind, principal: try row.decode(forColumn: "principal"))
        self.sequence = try row.decode(forColumn: "seq")
        self.afterEntry = try row.decode(forColumn: "after_entry")
        self.hash = try row.decode(forColumn: "hash")
    }
}
