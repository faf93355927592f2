import Foundation

/// Group commit for the broker's journal, on a thread of its own.
///
/// The broker's loop submits each pass's records as a numbered batch and holds that pass's sends until the batch
/// is reported committed (docs/PROTOCOL.md §4.4: nothing is answered or published before it is recorded). While
/// one commit (with its fsync) runs, the batches submitted meanwhile wait, and the next commit takes all of them
/// in one transaction, so the cost of a commit is shared by every request that arrived during the previous one,
/// and the broker's loop keeps routing instead of waiting for the disk.
///
/// If a group fails, each of its batches is tried on its own, so one bad batch cannot sink the others. A batch that
/// completes a request whose acceptance failed to commit fails too: the journal never holds a verdict without
/// its request (the broker sends tickets to workers before the acceptance is committed).
final class JournalCommitter: @unchecked Sendable {
    // @unchecked: `queue` and `stopping` are only touched under `condition`.

    /// One loop pass's records.
    struct Batch: Sendable {
        var id: UInt64
        var records: [BrokerStateMachine.Record]
    }

    /// What became of a batch: `error` is nil when it is committed.
    struct Outcome: Sendable {
        var id: UInt64
        var error: String?
    }

    private let journal: any BrokerJournal
    private let report: @Sendable ([Outcome]) -> Void
    private let observe: @Sendable (Duration, Int) -> Void
    private let condition = NSCondition()
    private var queue: [Batch] = []
    private var stopping = false
    private var finished = false
    /// Request ids whose acceptance failed, the newest 100,000 (by then the broker has long abandoned the
    /// request, so no completion for an older one can come). Only the committer's thread touches them.
    private var unrecordedAccepts = Set<String>()
    private var unrecordedOrder = Deque<String>()

    /// - Parameters:
    ///   - journal: Where the records go.
    ///   - observe: Called on the committer's thread after each group with its duration and record count.
    ///   - report: Called on the committer's thread after each group, with every batch's outcome in order.
    init(journal: any BrokerJournal, observe: @escaping @Sendable (Duration, Int) -> Void = { _, _ in }, report: @escaping @Sendable ([Outcome]) -> Void) {
        self.journal = journal
        self.observe = observe
        self.report = report
        let thread = Thread { [self] in run() }
        thread.name = "aiscreen.journal"
        thread.start()
    }

    /// Queues a batch for the next group commit.
    func submit(_ batch: Batch) {
        condition.lock()
        queue.append(batch)
        condition.signal()
        condition.unlock()
    }

    /// Commits what is queued, then ends the thread; returns when it has ended.
    func stop() {
        condition.lock()
        stopping = true
        condition.broadcast()
        while !finished { condition.wait() }
        condition.unlock()
    }

    private func run() {
        while true {
            condition.lock()
            while queue.isEmpty && !stopping { condition.wait() }
            let group = queue
            queue.removeAll()
            if group.isEmpty {
                finished = true
                condition.broadcast()
                condition.unlock()
                return
            }
            condition.unlock()
            let started = ContinuousClock.now
            let outcomes = commit(group)
            observe(ContinuousClock.now - started, group.reduce(0) { $0 + $1.records.count })
            report(outcomes)
        }
    }

    private func commit(_ group: [Batch]) -> [Outcome] {
        // An id accepted earlier in the group is recorded by this commit if it succeeds (a retry after a refusal).
        var acceptedHere = Set<String>()
        var orphans = false
        for batch in group {
            acceptedHere.formUnion(Self.accepted(batch))
            if Self.completed(batch).contains(where: { unrecordedAccepts.contains($0) && !acceptedHere.contains($0) }) { orphans = true }
        }
        if !orphans {
            do {
                try journal.commit(group.flatMap(\.records))
                for batch in group { recorded(batch) }
                return group.map { Outcome(id: $0.id) }
            } catch {
                if group.count == 1 {
                    remember(Self.accepted(group[0]))
                    return [Outcome(id: group[0].id, error: "\(error)")]
                }
            }
        }
        return group.map { batch in
            let acceptedHere = Self.accepted(batch)
            if let orphan = Self.completed(batch).first(where: { unrecordedAccepts.contains($0) && !acceptedHere.contains($0) }) {
                remember(Self.accepted(batch))
                return Outcome(id: batch.id, error: "request \(orphan) was never recorded as accepted")
            }
            do {
                try journal.commit(batch.records)
                recorded(batch)
                return Outcome(id: batch.id)
            } catch {
                remember(Self.accepted(batch))
                return Outcome(id: batch.id, error: "\(error)")
            }
        }
    }

    /// A batch is committed: the ids it accepted are recorded now, even if an earlier acceptance of them failed.
    private func recorded(_ batch: Batch) {
        guard !unrecordedAccepts.isEmpty else { return }
        for id in Self.accepted(batch) { unrecordedAccepts.remove(id) }
    }

    private func remember(_ unrecorded: [String]) {
        for id in unrecorded where unrecordedAccepts.insert(id).inserted {
            unrecordedOrder.append(id)
        }
        while unrecordedOrder.count > 100_000, let oldest = unrecordedOrder.popFirst() {
            unrecordedAccepts.remove(oldest)
        }
    }

    private static func accepted(_ batch: Batch) -> [String] {
        batch.records.compactMap { if case .accepted(let id, _, _, _, _) = $0 { id } else { nil } }
    }

    private static func completed(_ batch: Batch) -> [String] {
        batch.records.compactMap { if case .completed(let id, _, _, _, _) = $0 { id } else { nil } }
    }
}
