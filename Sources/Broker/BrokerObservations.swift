import Synchronization

/// Timings the broker measures for `/metrics`, collected between scrapes: how long each pack took to answer a
/// ticket (dispatch to FINAL or ERROR, on the loop's millisecond clock) and how long each journal group commit took
/// with how many records. Bounded: past ``capacity`` unread observations the oldest are dropped and counted, so a
/// broker nobody scrapes holds a fixed amount of memory.
public struct BrokerObservations: Sendable, Equatable {
    /// One pack's answer to one ticket.
    public struct PackAnswer: Sendable, Equatable {
        public var pack: String
        public var milliseconds: Int64
    }

    /// One group commit of the journal.
    public struct JournalCommit: Sendable, Equatable {
        public var duration: Duration
        public var records: Int
    }

    public internal(set) var packAnswers: [PackAnswer] = []
    public internal(set) var journalCommits: [JournalCommit] = []
    /// Observations dropped because nobody read them in time.
    public internal(set) var dropped = 0

    public init() {}

    /// How many of each kind are kept unread.
    public static let capacity = 65_536

    mutating func add(_ answer: PackAnswer) {
        if packAnswers.count >= Self.capacity {
            packAnswers.removeFirst(Self.capacity / 4)
            dropped += Self.capacity / 4
        }
        packAnswers.append(answer)
    }

    mutating func add(_ commit: JournalCommit) {
        if journalCommits.count >= Self.capacity {
            journalCommits.removeFirst(Self.capacity / 4)
            dropped += Self.capacity / 4
        }
        journalCommits.append(commit)
    }
}

/// The broker's observations, shared between its loop, its journal committer and a scraper.
final class ObservationBuffer: Sendable {
    private let state = Mutex(BrokerObservations())

    func add(_ answers: [BrokerObservations.PackAnswer]) {
        guard !answers.isEmpty else { return }
        state.withLock { for answer in answers { $0.add(answer) } }
    }

    func add(_ commit: BrokerObservations.JournalCommit) {
        state.withLock { $0.add(commit) }
    }

    /// Everything observed since the last call.
    func drain() -> BrokerObservations {
        state.withLock { observations in
            defer { observations = BrokerObservations() }
            return observations
        }
    }
}
