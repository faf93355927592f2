import Testing
import Wire

@testable import Broker
@testable import RulesEngine

/// Journal before reply, as a pure component: what a pass says to clients and subscribers leaves only after its
/// records are committed, in order; a failed commit turns answers into errors.
struct JournalGateTests {
    typealias Base = BrokerStateMachineTests
    let client = PeerID(Array("client-1".utf8))

    /// A machine with a worker per pack, the pass that accepts request `id` and the pass that answers it.
    func screening(_ id: String, _ m: inout BrokerStateMachine) throws -> (accept: [BrokerStateMachine.Action], answer: [BrokerStateMachine.Action]) {
        let accept = m.clientMessage(from: client, frames: try Base().request(id), now: 0)
        let answer = Base().answer(&m, try Base.dispatched(accept), [:])
        return (accept, answer)
    }

    static func kinds(_ actions: [BrokerStateMachine.Action]) -> [String] {
        actions.map { action in
            switch action {
            case .sendToClient(_, let frames):
                switch try? BrokerReply.decode(frames: frames) {
                case .final?: "final"
                case .error(_, _, let code, _)?: "error:\(code)"
                default: "client"
                }
            case .sendToWorker: "worker"
            case .publish: "publish"
            case .record: "record"
            }
        }
    }

    @Test func withoutAJournalEverythingLeavesAtOnceAndNoRecordIsKept() throws {
        var m = Base().machine()
        try Base().register(&m)
        var gate = JournalGate(journaled: false)
        let (accept, answer) = try screening("r", &m)
        let first = gate.pass(accept, &m)
        #expect(first.commit == nil)
        #expect(Self.kinds(first.send) == ["worker", "worker", "worker"])
        #expect(Self.kinds(gate.pass(answer, &m).send) == ["final", "publish"])
        #expect(gate.isIdle)
    }

    @Test func answersWaitForTheirCommitAndLaterPassesWaitBehindThem() throws {
        var m = Base().machine()
        try Base().register(&m)
        var gate = JournalGate(journaled: true)
        let (accept, answer) = try screening("r", &m)
        // Tickets leave at once; the acceptance is a batch.
        let accepted = gate.pass(accept, &m)
        #expect(Self.kinds(accepted.send) == ["worker", "worker", "worker"])
        let acceptBatch = try #require(accepted.commit)
        // The verdict waits for its own batch.
        let answered = gate.pass(answer, &m)
        #expect(answered.send.isEmpty)
        let answerBatch = try #require(answered.commit)
        // A replay of the cached verdict (no records) waits behind it: it must not overtake the commit.
        let replay = gate.pass(m.clientMessage(from: client, frames: try Base().request("r"), now: 2), &m)
        #expect(replay.send.isEmpty && replay.commit == nil)
        // The later batch committing first releases nothing: passes leave in order.
        #expect(gate.committed([JournalCommitter.Outcome(id: answerBatch.id)], &m).isEmpty)
        let released = gate.committed([JournalCommitter.Outcome(id: acceptBatch.id)], &m)
        #expect(Self.kinds(released) == ["final", "publish", "final"])
        #expect(gate.isIdle)
    }

    @Test func aFailedCommitTurnsTheVerdictIntoAnErrorPublishesNothingAndForgetsTheCachedAnswer() throws {
        var m = Base().machine()
        try Base().register(&m)
        var gate = JournalGate(journaled: true)
        let (accept, answer) = try screening("r", &m)
        let acceptBatch = try #require(gate.pass(accept, &m).commit)
        #expect(gate.committed([JournalCommitter.Outcome(id: acceptBatch.id)], &m).isEmpty)
        let answerBatch = try #require(gate.pass(answer, &m).commit)
        #expect(m.completed[try RequestID("r")] != nil)
        let released = gate.committed([JournalCommitter.Outcome(id: answerBatch.id, error: "the journal is full")], &m)
        #expect(Self.kinds(released) == ["error:internal"])
        #expect(m.journalUnavailable == "the journal is full")
        #expect(m.completed[try RequestID("r")] == nil)  // never replayed: it was not recorded
        // A failure caused by the first one does not hide its reason, neither from the broker nor from the client.
        let orphan = BrokerReply.final(service: .screen, requestID: try RequestID("o"), body: Array("{}".utf8)).encode()
        let told = JournalGate.unrecorded(
            [.sendToClient(client, orphan)], [.completed(requestID: "o", verdict: "approved", result: [], packs: [], provisional: false)],
            reason: "request o was never recorded as accepted", &m)
        #expect(m.journalUnavailable == "the journal is full")
        guard case .sendToClient(_, let frames)? = told.first, case .error(_, _, .internalError, let message)? = try? BrokerReply.decode(frames: frames) else {
            throw Base.FailedExpectation(description: "\(told)")
        }
        #expect(message.contains("the journal is full"), "\(message)")
    }

    @Test func aFailedAcceptanceAbandonsTheRequestAndTellsItsClient() throws {
        var m = Base().machine()
        try Base().register(&m)
        var gate = JournalGate(journaled: true)
        let accept = m.clientMessage(from: client, frames: try Base().request("r"), now: 0)
        let batch = try #require(gate.pass(accept, &m).commit)
        let released = gate.committed([JournalCommitter.Outcome(id: batch.id, error: "disk I/O error")], &m)
        #expect(Self.kinds(released) == ["error:internal"])
        #expect(m.pendingCount == 0)
        #expect(m.pendingBytes == 0)
    }

    @Test func aSlowDiskTurnsIntoOverloadedUntilTheBacklogIsHalved() throws {
        var m = Base().machine()
        try Base().register(&m)
        var gate = JournalGate(journaled: true)
        gate.maxHeldPasses = 4
        var batches: [UInt64] = []
        for n in 0..<5 {
            let accept = m.clientMessage(from: client, frames: try Base().request("r-\(n)"), now: 0)
            if let batch = gate.pass(accept, &m).commit { batches.append(batch.id) }
        }
        #expect(m.journalBehind != nil)
        let refused = m.clientMessage(from: client, frames: try Base().request("late"), now: 0)
        #expect(Self.kinds(refused) == ["error:overloaded"])
        _ = gate.committed(batches.prefix(3).map { JournalCommitter.Outcome(id: $0) }, &m)
        #expect(m.journalBehind == nil)
    }

    @Test func aRefusingJournalIsTriedAgainOnceASecond() {
        var m = Base().machine()
        var gate = JournalGate(journaled: true)
        m.journalUnavailable = "the journal is full"
        gate.tick(now: 0, &m)
        gate.tick(now: 999, &m)
        #expect(m.journalUnavailable != nil)
        gate.tick(now: 1_000, &m)
        #expect(m.journalUnavailable == nil)
    }
}
