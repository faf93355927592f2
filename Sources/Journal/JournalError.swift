internal import GRDB

/// Why a journal operation failed. Match on ``code`` (never on ``message``):
///
/// ```swift
/// do { try journal.commit(batch) } catch where error.code == .diskFull { refuse("journal full") }
/// ```
///
/// When ``isUnwritable`` is true the broker must stop accepting requests: it cannot record them, and a screening
/// that is not recorded must not be answered.
public struct JournalError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A stable error code.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case cannotOpen = "cannot-open"
            case diskFull = "disk-full"
            case readOnly = "read-only"
            case corrupt
            case conflict
            case busy
            case io
            case incompatibleSchema = "incompatible-schema"
            case invalidWrite = "invalid-write"
            case database
        }
        private let base: Base

        /// The file could not be opened or created (`SQLITE_CANTOPEN`): a missing folder, no permission, a bad path.
        public static let cannotOpen = Code(base: .cannotOpen)
        /// The disk, or the journal's size limit, is full (`SQLITE_FULL`).
        public static let diskFull = Code(base: .diskFull)
        /// The journal cannot be written (`SQLITE_READONLY`, `SQLITE_PERM`): a read-only file, mount or connection.
        public static let readOnly = Code(base: .readOnly)
        /// The file is damaged or is not a database (`SQLITE_CORRUPT`, `SQLITE_NOTADB`), or a stored value is
        /// unreadable.
        public static let corrupt = Code(base: .corrupt)
        /// A write contradicts the journal: a request id accepted twice, or completed twice (`SQLITE_CONSTRAINT`).
        public static let conflict = Code(base: .conflict)
        /// Another process held the journal locked longer than the busy timeout (`SQLITE_BUSY`, `SQLITE_LOCKED`).
        public static let busy = Code(base: .busy)
        /// The operating system failed a read or write (`SQLITE_IOERR`).
        public static let io = Code(base: .io)
        /// The file is not an aiscreen journal, or was written by a newer aiscreen (unknown schema version).
        public static let incompatibleSchema = Code(base: .incompatibleSchema)
        /// The batch itself is wrong, e.g. it completes a request the journal never accepted.
        public static let invalidWrite = Code(base: .invalidWrite)
        /// Any other SQLite failure.
        public static let database = Code(base: .database)

        /// The code's spelling, e.g. `disk-full`.
        public var description: String { base.rawValue }
    }

    /// What went wrong.
    public var code: Code
    /// A sentence for the operator (may include SQLite's own message; never a request body).
    public var message: String
    /// The SQLite extended result code, when SQLite reported the failure.
    public var sqliteCode: Int32?
    /// For ``Journal/commit(_:)``: the position in the batch of the write that failed, when known.
    /// Nothing of the batch was written either way.
    public var batchIndex: Int?

    /// - Parameters:
    ///   - code: what went wrong.
    ///   - message: a sentence for the operator.
    ///   - sqliteCode: the SQLite extended result code, if any.
    ///   - batchIndex: the failing write's position in a committed batch, if any.
    public init(_ code: Code, _ message: String, sqliteCode: Int32? = nil, batchIndex: Int? = nil) {
        self.code = code
        self.message = message
        self.sqliteCode = sqliteCode
        self.batchIndex = batchIndex
    }

    /// True when the journal cannot take writes now (full, read-only, unopenable, damaged, failing disk):
    /// the broker should refuse new requests with a clear error until an operator fixes it.
    public var isUnwritable: Bool {
        [.diskFull, .readOnly, .cannotOpen, .corrupt, .io, .incompatibleSchema].contains(code)
    }

    /// `disk-full: …`.
    public var description: String { "\(code): \(message)" }
}

extension JournalError {
    /// Maps any error GRDB throws (or one of ours passing through) to a ``JournalError``.
    static func from(_ error: any Error, _ doing: String) -> JournalError {
        if let error = error as? JournalError { return error }
        guard let error = error as? DatabaseError else {
            return JournalError(.corrupt, "\(doing): unreadable stored value (\(error))")
        }
        let text = error.message ?? "\(error.resultCode)"
        let sqlite = error.extendedResultCode.rawValue
        let code: Code
        switch error.resultCode {
        case .SQLITE_CANTOPEN: code = .cannotOpen
        case .SQLITE_FULL: code = .diskFull
        case .SQLITE_READONLY, .SQLITE_PERM, .SQLITE_AUTH: code = .readOnly
        case .SQLITE_CORRUPT, .SQLITE_NOTADB: code = .corrupt
        case .SQLITE_CONSTRAINT: code = .conflict
        case .SQLITE_BUSY, .SQLITE_LOCKED: code = .busy
        case .SQLITE_IOERR: code = .io
        default: code = .database
        }
        if code == .diskFull {
            // Say which limit it may be: SQLite reports a full disk and a reached max_page_count alike.
            return JournalError(
                code, "\(doing): the journal is full — no room left on the disk or under its size cap (journal.max_bytes): \(text) (SQLite code \(sqlite))",
                sqliteCode: sqlite)
        }
        return JournalError(code, "\(doing): \(text) (SQLite code \(sqlite))", sqliteCode: sqlite)
    }
}

/// Runs `body`, turning whatever it throws into a ``JournalError``.
func mapErrors<T>(_ doing: String, _ body: () throws -> T) throws(JournalError) -> T {
    do {
        return try body()
    } catch {
        throw JournalError.from(error, doing)
    }
}
