internal import GRDB

/// The journal's schema and its migrations.
///
/// Version 1 (`PRAGMA user_version = 1`, GRDB migration `v1`, `PRAGMA application_id = 0x61697363` "aisc"):
///
/// ```sql
/// CREATE TABLE entry (                       -- the hash chain, one row per entry
///   seq INTEGER PRIMARY KEY AUTOINCREMENT,   -- 1, 2, 3, … gapless; sqlite_sequence keeps the highest ever used
///   kind TEXT NOT NULL,                      -- 'accepted' | 'completed' | 'checkpoint'
///   at TEXT NOT NULL,                        -- RFC 3339 UTC ms: received / completed / pruned
///   request_id TEXT,                         -- accepted, completed
///   service TEXT, body BLOB, body_sha256 TEXT, principal TEXT, department TEXT,   -- accepted
///   verdict TEXT, result BLOB,                                                    -- completed
///   pruned_through INTEGER, anchor_hash TEXT, pruned_before TEXT,                 -- checkpoint
///   hash TEXT NOT NULL                       -- hex SHA-256(previous hash ‖ canonical bytes)
/// );
/// CREATE TABLE entry_pack (seq → entry ON DELETE CASCADE, pack_id, version, digest, PRIMARY KEY (seq, pack_id));
/// -- version 2 adds entry_pack.judged_by: the principal of the worker key that judged the pack (inside the chain)
/// -- version 3 adds entry.provisional: 1 on a `completed` entry that is not the verdict of record (inside the chain
/// --   when set); one verdict of record per request, any number of provisional answers
/// -- version 4 adds pack_text: the content of every pack revision that was activated, keyed by its digest (the
/// --   digest is SHA-256 over that content and is in the chain with every verdict the revision judged)
/// -- version 5 adds pack_activation: every activation of a pack revision (start, deploy, rollback: who, when,
/// --   from → to), a hash chain of its own (see PackActivation)
/// -- version 6 adds result_dictionary (shared texts by digest) and entry.result_dictionary: a result stored compact,
/// --   its shared texts replaced by references to that dictionary (see ResultDictionary); the chain hashes the full
/// --   result either way
/// -- version 7 adds entry_pack.outcome: the pack's verdict, error count and fired rules in brief (PackOutcome; inside
/// --   the chain when set), and entry.hash_version: 2 on an entry whose chain hash covers its compact result and
/// --   dictionary digest instead of the expanded bytes (Entry.canonical); NULL is version 1
/// CREATE VIEW screening AS …                 -- one row per request with its verdict, for people using sqlite3
/// ```
enum JournalSchema {
    /// The schema version this build writes and reads.
    static let version = 7
    /// `PRAGMA application_id` of a journal file: "aisc".
    static let applicationID: Int32 = 0x6169_7363

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE entry (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT,
                        kind TEXT NOT NULL CHECK (kind IN ('accepted', 'completed', 'checkpoint')),
                        at TEXT NOT NULL,
                        request_id TEXT,
                        service TEXT,
                        body BLOB,
                        body_sha256 TEXT,
                        principal TEXT,
                        department TEXT,
                        verdict TEXT,
                        result BLOB,
                        pruned_through INTEGER,
                        anchor_hash TEXT,
                        pruned_before TEXT,
                        hash TEXT NOT NULL,
                        CHECK (CASE kind
                            WHEN 'accepted' THEN request_id IS NOT NULL AND service IS NOT NULL AND body IS NOT NULL
                                AND body_sha256 IS NOT NULL AND principal IS NOT NULL
                            WHEN 'completed' THEN request_id IS NOT NULL AND verdict IS NOT NULL AND result IS NOT NULL
                            ELSE pruned_through IS NOT NULL AND anchor_hash IS NOT NULL AND pruned_before IS NOT NULL
                        END)
                    );
                    CREATE UNIQUE INDEX entry_accepted_request ON entry (request_id) WHERE kind = 'accepted';
                    CREATE UNIQUE INDEX entry_completed_request ON entry (request_id) WHERE kind = 'completed';
                    CREATE INDEX entry_accepted_at ON entry (at) WHERE kind = 'accepted';
                    CREATE INDEX entry_accepted_department ON entry (department, at) WHERE kind = 'accepted';
                    CREATE INDEX entry_completed_verdict ON entry (verdict) WHERE kind = 'completed';
                    CREATE INDEX entry_checkpoint ON entry (seq) WHERE kind = 'checkpoint';
                    CREATE TABLE entry_pack (
                        seq INTEGER NOT NULL REFERENCES entry (seq) ON DELETE CASCADE,
                        pack_id TEXT NOT NULL,
                        version TEXT NOT NULL,
                        digest TEXT NOT NULL,
                        PRIMARY KEY (seq, pack_id)
                    ) WITHOUT ROWID;
                    CREATE INDEX entry_pack_revision ON entry_pack (pack_id, version);
                    CREATE VIEW screening AS
                        SELECT a.request_id, a.service, a.at AS received_at, a.principal, a.department,
                            a.body_sha256, c.verdict, c.at AS completed_at,
                            (SELECT group_concat(p.pack_id || '@' || p.version, ' ')
                                FROM entry_pack p WHERE p.seq = c.seq) AS packs,
                            a.seq AS accepted_seq, c.seq AS completed_seq
                        FROM entry a LEFT JOIN entry c ON c.kind = 'completed' AND c.request_id = a.request_id
                        WHERE a.kind = 'accepted';
                    PRAGMA application_id = \(applicationID);
                    PRAGMA user_version = 1;
                    """)
        }
        // Version 2: who judged each pack (the worker's principal), inside the hash chain when present.
        migrator.registerMigration("v2") { db in
            try db.execute(sql: "ALTER TABLE entry_pack ADD COLUMN judged_by TEXT; PRAGMA user_version = 2;")
        }
        // Version 3: answers that are not the verdict of record (a pack failed, or an ERROR) are kept too, as
        // `completed` entries with `provisional = 1`; a request has at most one verdict of record.
        migrator.registerMigration("v3") { db in
            try db.execute(
                sql: """
                    ALTER TABLE entry ADD COLUMN provisional INTEGER CHECK (provisional IS NULL OR (provisional = 1 AND kind = 'completed'));
                    DROP INDEX entry_completed_request;
                    CREATE UNIQUE INDEX entry_completed_request ON entry (request_id) WHERE kind = 'completed' AND provisional IS NULL;
                    CREATE INDEX entry_provisional_request ON entry (request_id, seq) WHERE kind = 'completed' AND provisional IS NOT NULL;
                    DROP VIEW screening;
                    CREATE VIEW screening AS
                        SELECT a.request_id, a.service, a.at AS received_at, a.principal, a.department,
                            a.body_sha256, coalesce(c.verdict, p.verdict) AS verdict, coalesce(c.at, p.at) AS completed_at,
                            (SELECT group_concat(x.pack_id || '@' || x.version, ' ')
                                FROM entry_pack x WHERE x.seq = coalesce(c.seq, p.seq)) AS packs,
                            a.seq AS accepted_seq, c.seq AS completed_seq,
                            CASE WHEN c.seq IS NULL AND p.seq IS NOT NULL THEN 1 ELSE 0 END AS provisional
                        FROM entry a
                        LEFT JOIN entry c ON c.kind = 'completed' AND c.provisional IS NULL AND c.request_id = a.request_id
                        LEFT JOIN entry p ON p.seq = (SELECT max(q.seq) FROM entry q
                            WHERE q.kind = 'completed' AND q.provisional IS NOT NULL AND q.request_id = a.request_id)
                        WHERE a.kind = 'accepted';
                    PRAGMA user_version = 3;
                    """)
        }
        // Version 4: the text of each pack revision, stored once when the broker activates it, so the rules that
        // judged a screening can be read back after the files changed. Content-addressed: `digest` is the pack's
        // digest, computed over `content` (and `overrides`), and the chain holds it with every verdict.
        migrator.registerMigration("v4") { db in
            try db.execute(
                sql: """
                    CREATE TABLE pack_text (
                        digest TEXT PRIMARY KEY,
                        pack_id TEXT NOT NULL,
                        version TEXT NOT NULL,
                        content BLOB NOT NULL,
                        overrides TEXT,
                        stored_at TEXT NOT NULL
                    ) WITHOUT ROWID;
                    CREATE INDEX pack_text_revision ON pack_text (pack_id, version);
                    PRAGMA user_version = 4;
                    """)
        }
        // Version 5: every activation of a pack revision, with who asked and what was active before; a hash chain
        // of its own, and never pruned.
        migrator.registerMigration("v5") { db in
            try db.execute(
                sql: """
                    CREATE TABLE pack_activation (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT,
                        at TEXT NOT NULL,
                        pack_id TEXT NOT NULL,
                        version TEXT NOT NULL,
                        digest TEXT NOT NULL,
                        previous_version TEXT,
                        previous_digest TEXT,
                        kind TEXT NOT NULL CHECK (kind IN ('start', 'deploy', 'rollback')),
                        principal TEXT NOT NULL,
                        after_entry INTEGER NOT NULL,
                        hash TEXT NOT NULL
                    );
                    CREATE INDEX pack_activation_pack ON pack_activation (pack_id, seq);
                    PRAGMA user_version = 5;
                    """)
        }
        // Version 6: results stored compact against a dictionary of shared texts (ResultDictionary); a NULL
        // result_dictionary is a result stored whole, as before.
        migrator.registerMigration("v6") { db in
            try db.execute(
                sql: """
                    CREATE TABLE result_dictionary (
                        digest TEXT PRIMARY KEY,
                        content BLOB NOT NULL
                    ) WITHOUT ROWID;
                    ALTER TABLE entry ADD COLUMN result_dictionary TEXT;
                    PRAGMA user_version = 6;
                    """)
        }
        // Version 7: each pack's outcome in brief beside its row, and the chain-hash version of an entry.
        migrator.registerMigration("v7") { db in
            try db.execute(
                sql: """
                    ALTER TABLE entry_pack ADD COLUMN outcome TEXT;
                    ALTER TABLE entry ADD COLUMN hash_version INTEGER CHECK (hash_version IS NULL OR (hash_version = 2 AND result_dictionary IS NOT NULL));
                    PRAGMA user_version = 7;
                    """)
        }
        return migrator
    }

    /// Creates or upgrades the schema. Refuses a file that belongs to something else or to a newer aiscreen.
    /// - Parameter existed: the file was there before it was opened: then it must already be a journal.
    static func prepare(_ writer: any DatabaseWriter, path: String, existed: Bool = false) throws {
        try writer.read { db in try check(db, path: path, requireComplete: false, allowEmpty: !existed) }
        try migrator.migrate(writer)
    }

    /// Throws ``JournalError/Code/incompatibleSchema`` unless `db` is an aiscreen journal this build understands
    /// (or, with `requireComplete` false, an empty database about to become one).
    static func check(_ db: Database, path: String, requireComplete: Bool, allowEmpty: Bool = true) throws {
        let application = try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0
        let tables = try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master") ?? 0
        let userVersion = try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0
        if application == 0 && tables == 0 && !requireComplete && allowEmpty { return }
        guard application == applicationID else {
            throw JournalError(.incompatibleSchema, "\(path) is not an aiscreen journal")
        }
        guard userVersion <= version, try !migrator.hasBeenSuperseded(db) else {
            throw JournalError(
                .incompatibleSchema,
                "\(path) has journal schema version \(userVersion); this aiscreen understands up to \(version)")
        }
        if requireComplete, try !migrator.hasCompletedMigrations(db) {
            throw JournalError(
                .incompatibleSchema, "\(path) has an older journal schema; open it read-write once to upgrade it")
        }
    }
}
