/// How a ``Journal`` is opened, and the retention setting.
///
/// Deployment keys (read by the executable, not by this library):
/// - `journal.path` (`--journal`, `AISCREEN_JOURNAL`, default ``defaultPath``): the SQLite file.
/// - `journal.retention_days` (int, default 3650 = ten years): how long a finished screening is kept before
///   `aiscreen journal prune` deletes it; see ``Journal/prune(olderThan:now:)``.
/// - `journal.max_bytes` (`--journal-max-bytes`; int, no default = no cap): ``maximumBytes``.
public struct JournalOptions: Hashable, Sendable {
    /// `aiscreen-journal.sqlite`, in the working directory.
    public static let defaultPath = "aiscreen-journal.sqlite"
    /// 3650 days (ten years), the default of `journal.retention_days`.
    public static let defaultRetentionDays = 3650

    /// Open without writing: no file is created, no migration runs, ``Journal/commit(_:)`` and
    /// ``Journal/prune(olderThan:now:)`` fail with ``JournalError/Code/readOnly``. For the inspection commands.
    public var readOnly = false
    /// How long to wait for another process's lock (e.g. `aiscreen journal prune` while the broker runs) before
    /// failing with ``JournalError/Code/busy``. Default 5 seconds.
    public var busyTimeout: Duration = .seconds(5)
    /// Days to keep finished screenings (`journal.retention_days`, default 3650).
    public var retentionDays = JournalOptions.defaultRetentionDays
    /// A hard cap on the size of the database file in bytes (`journal.max_bytes`), rounded down to whole pages
    /// and set as `PRAGMA max_page_count` on every connection this journal opens; nil (the default) for none.
    /// A write that would grow the database beyond it fails with ``JournalError/Code/diskFull``, exactly as on a
    /// full disk, and nothing of that batch is written. The write-ahead log next to the file (`-wal`, up to a few
    /// MiB between checkpoints) is not counted. A cap below the file's current size keeps it at that size.
    /// Space freed by ``Journal/prune(olderThan:now:)`` is reused.
    public var maximumBytes: Int?
    /// Take an exclusive lock on `<path>.lock` (the broker does): a second writer that asks for one fails at once,
    /// naming the process that holds it. `aiscreen journal prune` does not ask, so it runs beside the broker.
    public var exclusiveWriter = false

    /// Defaults: read-write, 5 s busy timeout, 3650 days' retention, no size cap.
    public init(readOnly: Bool = false, busyTimeout: Duration = .seconds(5), retentionDays: Int = 3650, maximumBytes: Int? = nil) {
        self.readOnly = readOnly
        self.busyTimeout = busyTimeout
        self.retentionDays = retentionDays
        self.maximumBytes = maximumBytes
    }

    /// The prune cutoff for ``retentionDays`` before `now`.
    public func retentionCutoff(now: JournalTimestamp) -> JournalTimestamp {
        now.adding(days: -retentionDays)
    }
}
