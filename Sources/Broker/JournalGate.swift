import Wire

/// "Journal before reply" in one place, as a pure component beside ``BrokerStateMachine``: what a loop pass says
/// to clients and subscribers waits, in order, until the journal has committed the pass's records; a pass whose
/// records fail is changed into what an unrecorded pass may say; a slow disk turns into backpressure; a journal that
/// refuses writes is tried again with one request a second. No sockets, no clock: ``BrokerService`` feeds it the
/// machine's actions, the committer's outcomes and the time, and sends what it returns.
struct JournalGate {
    /// One pass's actions, held until its records are committed.
    struct HeldPass {
        enum Outcome: Equatable {
            case committed
            case failed(String)
        }

        var actions: [BrokerStateMachine.Action]
        var records: [BrokerStateMachine.Record]
        /// The committer's batch number; nil for a pass without records.
        var batch: UInt64?
        var outcome: Outcome?
    }

    /// Whether there is a journal at all (without one every pass is sent at once).
    let journaled: Bool
    /// Passes whose answers may wait for their commit before new requests are refused (`overloaded`).
    var maxHeldPasses = 10_000
    /// How often a broker whose journal refuses writes lets one new request try it again.
    var retryMilliseconds: Int64 = 1_000
    private(set) var held = Deque<HeldPass>()
    private var nextBatch: UInt64 = 0
    /// Since when the journal has been refusing writes.
    private var refusingSince: Int64?

    init(journaled: Bool) {
        self.journaled = journaled
    }

    /// Nothing waits for the journal.
    var isIdle: Bool { held.isEmpty }

    /// A pass the machine proposed.
    /// - Returns: what to send now (tickets to workers always leave at once: a ticket acknowledges nothing, and a
    ///   request whose record fails is abandoned, its tickets' answers ignored; everything else when nothing is held
    ///   before it), and the batch of records to commit, if any.
    mutating func pass(_ proposed: [BrokerStateMachine.Action], _ machine: inout BrokerStateMachine) -> (send: [BrokerStateMachine.Action], commit: JournalCommitter.Batch?) {
        guard journaled else { return (proposed.filter { if case .record = $0 { false } else { true } }, nil) }
        let records = proposed.compactMap { action -> BrokerStateMachine.Record? in
            if case .record(let record) = action { return record }
            return nil
        }
        if records.isEmpty && held.isEmpty { return (proposed, nil) }
        var now: [BrokerStateMachine.Action] = []
        var later: [BrokerStateMachine.Action] = []
        for action in proposed {
            switch action {
            case .sendToWorker: now.append(action)
            case .record: break
            default: later.append(action)
            }
        }
        var pass = HeldPass(actions: later, records: records)
        var batch: JournalCommitter.Batch?
        if records.isEmpty {
            pass.outcome = .committed  // waits only for the passes before it
        } else {
            nextBatch += 1
            pass.batch = nextBatch
            batch = JournalCommitter.Batch(id: nextBatch, records: records)
        }
        held.append(pass)
        now += release(&machine)
        checkBacklog(&machine)
        return (now, batch)
    }

    /// The committer finished batches: what may be sent now, in order.
    mutating func committed(_ outcomes: [JournalCommitter.Outcome], _ machine: inout BrokerStateMachine) -> [BrokerStateMachine.Action] {
        let byBatch = Dictionary(outcomes.map { ($0.id, $0.error) }, uniquingKeysWith: { first, _ in first })
        held.update { pass in
            guard let batch = pass.batch, let error = byBatch[batch] else { return }
            pass.outcome = error.map { .failed($0) } ?? .committed
        }
        let released = release(&machine)
        checkBacklog(&machine)
        return released
    }

    /// While the journal refuses writes (full, read-only), let one request try it again every `retryMilliseconds`:
    /// after an operator freed space (`aiscreen journal prune`) the broker accepts again without a restart. A
    /// request that still cannot be recorded is refused as before.
    mutating func tick(now: Int64, _ machine: inout BrokerStateMachine) {
        if machine.journalUnavailable == nil {
            refusingSince = nil
        } else if let since = refusingSince {
            if now - since >= retryMilliseconds {
                machine.journalUnavailable = nil
                refusingSince = nil
            }
        } else {
            refusingSince = now
        }
    }

    /// Every held pass at the head whose records are committed (or failed: then changed into what an unrecorded
    /// pass may say), in order.
    private mutating func release(_ machine: inout BrokerStateMachine) -> [BrokerStateMachine.Action] {
        var out: [BrokerStateMachine.Action] = []
        while let head = held.first, let outcome = head.outcome {
            _ = held.popFirst()
            switch outcome {
            case .committed:
                if let cause = machine.journalUnavailable, head.records.contains(where: { if case .completed = $0 { true } else { false } }) {
                    machine.journalUnavailable = nil  // a verdict was recorded: the journal takes writes again
                    machine.events.append(BrokerEvent("journal-recovered", ["after": cause]))
                }
                out += head.actions
            case .failed(let reason):
                out += Self.unrecorded(head.actions, head.records, reason: reason, &machine)
            }
        }
        return out
    }

    /// Backpressure from a slow disk: past `maxHeldPasses` passes waiting for their commit, new requests are
    /// refused (`overloaded`) until the backlog is down to half.
    private func checkBacklog(_ machine: inout BrokerStateMachine) {
        if held.count > maxHeldPasses {
            if machine.journalBehind == nil { machine.events.append(BrokerEvent("journal-behind", ["held_batches": String(held.count)])) }
            machine.journalBehind = "the journal is behind: \(held.count) batches of answers wait for the disk"
        } else if held.count <= maxHeldPasses / 2, machine.journalBehind != nil {
            machine.journalBehind = nil
            machine.events.append(BrokerEvent("journal-caught-up", ["held_batches": String(held.count)]))
        }
    }

    /// What a pass whose journal records could not be committed may still send: new requests in it are dropped
    /// with an error to their clients, answers in it are replaced by an error (they were not recorded) and not
    /// published, and the broker refuses new requests until a journal write succeeds again.
    static func unrecorded(
        _ actions: [BrokerStateMachine.Action], _ records: [BrokerStateMachine.Record], reason: String, _ machine: inout BrokerStateMachine
    ) -> [BrokerStateMachine.Action] {
        // The first cause stays: a later batch that fails because of it (a verdict whose acceptance was not
        // recorded) must not hide it.
        if machine.journalUnavailable == nil {
            machine.journalUnavailable = reason
            machine.events.append(BrokerEvent("journal-refusing", ["reason": reason]))
        }
        // What the clients are told is the first cause too ("the journal is full"), not its consequence.
        let reason = machine.journalUnavailable ?? reason
        var accepted: [RequestID] = []
        var completed = Set<String>()
        for record in records {
            switch record {
            case .accepted(let id, _, _, _, _): if let id = try? RequestID(id) { accepted.append(id) }
            case .completed(let id, _, _, _, _): completed.insert(id)
            }
        }
        var kept: [BrokerStateMachine.Action] = []
        for action in actions {
            switch action {
            case .sendToClient(let peer, let frames):
                // A terminal answer of a request whose answer was not recorded: an error instead.
                let answer: (service: ServiceName?, id: RequestID)?
                switch try? BrokerReply.decode(frames: frames) {
                case .final(let service, let id, _)?: answer = (service, id)
                case .error(let service, let id, _, _)?: answer = (service, id)
                default: answer = nil
                }
                guard let (service, id) = answer, completed.contains(id.rawValue) else {
                    kept.append(action)
                    continue
                }
                let message = "the verdict could not be recorded in the journal (\(reason)); retry the same request id later"
                kept.append(machine.refuse(peer, service, id, .internalError, message))  // counted like every refusal
            case .publish(_, let id, _, _, _, _):
                if completed.contains(id.rawValue) { continue }
                kept.append(action)
            default:
                kept.append(action)
            }
        }
        for id in completed { if let requestID = try? RequestID(id) { machine.forget(requestID) } }
        return kept + machine.abandon(accepted, reason: reason)
    }
}
