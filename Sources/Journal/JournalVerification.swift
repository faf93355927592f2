/// The outcome of ``Journal/verify()``.
public struct JournalVerification: Hashable, Sendable {
    /// Entries checked (up to the first broken one).
    public var entryCount: Int
    /// The first entry's sequence number, nil for an empty journal.
    public var firstSequence: Int64?
    /// The last checked entry's sequence number (the head when intact).
    public var headSequence: Int64?
    /// The last checked entry's hash (the head hash when intact): record it elsewhere to detect a rewrite later.
    public var headHash: String?
    /// The sequence number the newest prune checkpoint anchors the chain after, if the journal was pruned.
    public var prunedThrough: Int64?
    /// The first entry that does not fit the chain; nil when the chain is intact.
    public var firstBroken: BrokenEntry?

    /// True when every entry fits the chain.
    public var isIntact: Bool { firstBroken == nil }

    /// - Parameters:
    ///   - entryCount: entries checked.
    ///   - firstSequence: the first entry's sequence number.
    ///   - headSequence: the last checked entry's sequence number.
    ///   - headHash: the last checked entry's hash.
    ///   - prunedThrough: the newest checkpoint's anchor sequence number.
    ///   - firstBroken: the first broken entry.
    public init(
        entryCount: Int, firstSequence: Int64?, headSequence: Int64?, headHash: String?, prunedThrough: Int64?,
        firstBroken: BrokenEntry?
    ) {
        self.entryCount = entryCount
        self.firstSequence = firstSequence
        self.headSequence = headSequence
        self.headHash = headHash
        self.prunedThrough = prunedThrough
        self.firstBroken = firstBroken
    }
}

/// The first entry where the chain breaks, and how.
public struct BrokenEntry: Hashable, Sendable, CustomStringConvertible {
    /// How an entry breaks the chain.
    public struct Problem: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case missing
            case bodyChanged = "body-changed"
            case hashMismatch = "hash-mismatch"
            case malformed
            case truncated
        }
        private let base: Base

        /// The entry with this sequence number is gone (deleted, or pruned without a matching checkpoint).
        public static let missing = Problem(base: .missing)
        /// The request body no longer matches the SHA-256 recorded with it.
        public static let bodyChanged = Problem(base: .bodyChanged)
        /// The stored hash is not SHA-256(previous hash ‖ entry): a field, the entry's position or its predecessor
        /// changed.
        public static let hashMismatch = Problem(base: .hashMismatch)
        /// A value is missing or has the wrong type.
        public static let malformed = Problem(base: .malformed)
        /// Entries were cut from the end: the journal once held higher sequence numbers.
        public static let truncated = Problem(base: .truncated)

        /// The problem's spelling, e.g. `hash-mismatch`.
        public var description: String { base.rawValue }
    }

    /// The sequence number of the first broken (or first missing) entry.
    public var sequence: Int64
    /// How it breaks the chain.
    public var problem: Problem
    /// What differs, for the operator.
    public var detail: String
    /// The hash the entry should have, when it was recomputed.
    public var expectedHash: String?
    /// The hash stored with the entry, when there is one.
    public var storedHash: String?

    /// - Parameters:
    ///   - sequence: the entry's sequence number.
    ///   - problem: how it breaks the chain.
    ///   - detail: what differs.
    ///   - expectedHash: the recomputed hash.
    ///   - storedHash: the stored hash.
    public init(
        sequence: Int64, problem: Problem, detail: String, expectedHash: String? = nil, storedHash: String? = nil
    ) {
        self.sequence = sequence
        self.problem = problem
        self.detail = detail
        self.expectedHash = expectedHash
        self.storedHash = storedHash
    }

    /// `entry 17: hash-mismatch: …`.
    public var description: String { "entry \(sequence): \(problem): \(detail)" }
}
