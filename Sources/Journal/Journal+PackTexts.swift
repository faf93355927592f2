internal import Foundation
internal import GRDB

/// The text of one pack revision as the journal keeps it: what its digest covers, stored once when a broker first
/// activated it.
public struct PackText: Hashable, Sendable {
    /// The pack's digest (`sha256:…`): the key, and what every verdict it judged records.
    public var digest: String
    public var packID: String
    public var version: String
    /// The pack's files as a pack bundle (`.aispack`, as `aiscreen pack bundle` writes it; signed when the pack came
    /// from a signed bundle).
    public var content: [UInt8]
    /// The deployment's parameter overrides for the pack, as canonical JSON; nil when there were none.
    public var overrides: String?
    /// When it was stored.
    public var storedAt: JournalTimestamp

    public init(digest: String, packID: String, version: String, content: [UInt8], overrides: String?, storedAt: JournalTimestamp) {
        self.digest = digest
        self.packID = packID
        self.version = version
        self.content = content
        self.overrides = overrides
        self.storedAt = storedAt
    }
}

extension Journal {
    /// Stores the texts the journal does not have yet (by digest); the ones it has stay as they were.
    /// - Returns: the digests newly stored.
    /// - Throws: ``JournalError`` when the journal cannot be written.
    @discardableResult
    public func store(_ texts: [PackText]) throws(JournalError) -> [String] {
        try mapErrors("cannot write the journal \(path)") {
            try pool.write { db in
                var stored: [String] = []
                for text in texts {
                    try db.execute(
                        sql: "INSERT OR IGNORE INTO pack_text (digest, pack_id, version, content, overrides, stored_at) VALUES (?, ?, ?, ?, ?, ?)",
                        arguments: [text.digest, text.packID, text.version, Data(text.content), text.overrides, text.storedAt.description])
                    if db.changesCount > 0 { stored.append(text.digest) }
                }
                return stored
            }
        }
    }

    /// The stored texts: of pack `packID` when given, and of `version` or `digest` when given; oldest first.
    /// - Throws: ``JournalError`` when the journal cannot be read.
    public func packTexts(packID: String? = nil, version: String? = nil, digest: String? = nil) throws(JournalError) -> [PackText] {
        var conditions: [String] = []
        var arguments: [(any DatabaseValueConvertible)?] = []
        if let packID {
            conditions.append("pack_id = ?")
            arguments.append(packID)
        }
        if let version {
            conditions.append("version = ?")
            arguments.append(version)
        }
        if let digest {
            conditions.append("digest = ?")
            arguments.append(digest)
        }
        let filter = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        return try mapErrors("cannot read the journal \(path)") {
            try pool.read { db in
                try Row.fetchAll(db, sql: "SELECT * FROM pack_text\(filter) ORDER BY stored_at, digest", arguments: StatementArguments(arguments)).map { row in
                    let at: String = try row.decode(forColumn: "stored_at")
                    let content: Data = try row.decode(forColumn: "content")
                    return PackText(
                        digest: try row.decode(forColumn: "digest"), packID: try row.decode(forColumn: "pack_id"),
                        version: try row.decode(forColumn: "version"), content: Array(content),
                        overrides: try row.decode(forColumn: "overrides"),
                        storedAt: JournalTimestamp(rfc3339: at) ?? JournalTimestamp(millisecondsSince1970: 0))
                }
            }
        }
    }
}
