import Testing
import Wire

@testable import Broker
@testable import RulesEngine

/// Issue 11: limits that count the right thing, deadlines that clean up, transient faults that are never the verdict
/// of record, and one request id.
struct BudgetAndRetryTests {
    typealias Base = BrokerStateMachineTests
    let client = PeerID(Array("client-1".utf8))

    func machine(_ configure: (inout BrokerConfiguration) -> Void = { _ in }) -> BrokerStateMachine {
        Base().machine(configure)
    }

    func request(_ id: String, service: ServiceName = .screen, body: [UInt8]? = nil, deadline: UInt32 = 0) throws -> [[UInt8]] {
        try Base().request(id, service: service, body: body, deadline: deadline)
    }

    static func code(_ actions: [BrokerStateMachine.Action], _ client: PeerID) throws -> ErrorCode? {
        guard case .error(_, _, let code, _)? = try Base.replies(actions, to: client).first else { return nil }
        return code
    }

    // MARK: Deadlines clean up

    @Test func expiredTicketsLeaveTheQueueSoALegitimateRequestIsAdmittedAfterTheirDeadlines() throws {
        var m = machine { $0.maxQueuePerPack = 5 }
        // One gdpr worker that sits on its first ticket; the rest of the gdpr tickets queue up.
        _ = m.workerMessage(from: Base.worker("gdpr"), frames: try Base.ready("gdpr"), now: 0)
        for n in 0..<6 {
            let actions = m.clientMessage(from: PeerID(Array("throwaway-\(n)".utf8)), frames: try request("r-\(n)", service: try .pack("gdpr"), deadline: 1_000), now: 0)
            #expect(try Self.code(actions, PeerID(Array("throwaway-\(n)".utf8))) == nil)
        }
        let full = m.clientMessage(from: client, frames: try request("late", service: try .pack("gdpr"), deadline: 1_000), now: 10)
        #expect(try Self.code(full, client) == .overloaded)
        _ = m.tick(now: 1_000)  // every deadline passed
        #expect(m.counters.ticketsExpired == 5)
        #expect(m.pendingBytes == 0)
        // The worker still sits on its ticket (without its body), but the queue counts live tickets only.
        let admitted = m.clientMessage(from: client, frames: try request("legit", service: try .pack("gdpr"), deadline: 1_000), now: 1_001)
        #expect(try Self.code(admitted, client) == nil)
        #expect(m.tickets.values.allSatisfy { $0.request != nil || $0.body.isEmpty })
    }

    @Test func aWorkerThatKeepsATicketFarPastItsDeadlineLosesCreditThenIsDisconnected() throws {
        var m = machine { $0.lateTicketGraceMilliseconds = 2_000 }
        let worker = Base.worker("gdpr")
        _ = m.workerMessage(from: worker, frames: try WorkerCapacityTests.ready("gdpr", capacity: "4"), now: 0)
        _ = m.clientMessage(from: client, frames: try request("r", service: try .pack("gdpr"), deadline: 500), now: 0)
        _ = m.tick(now: 500)
        #expect(m.workers[worker]?.capacity == 2)
        // It keeps heartbeating, but not answering.
        _ = m.workerMessage(from: worker, frames: WorkerMessage.heartbeat.encode(), now: 2_000)
        #expect(m.workerCount(pack: "gdpr") == 1)
        let actions = m.tick(now: 2_500)
        #expect(m.workerCount(pack: "gdpr") == 0)
        #expect(m.counters.workersLate == 1)
        #expect(actions.contains { if case .sendToWorker(worker, let frames) = $0, case .disconnect? = try? BrokerToWorker.decode(frames: frames) { true } else { false } })
    }

    // MARK: Budgets

    @Test func theGlobalInFlightCapAndThePerPrincipalCapHoldAcrossRoutingIDs() throws {
        var m = machine {
            $0.maxInflight = 3
            $0.maxInflightPerClient = 2
        }
        // One principal with throwaway routing ids shares one limit.
        for n in 0..<2 {
            let peer = PeerID(Array("id-\(n)".utf8))
            #expect(try Self.code(m.clientMessage(from: peer, frames: try request("a-\(n)"), now: 0, principal: "client:alice"), peer) == nil)
        }
        let third = PeerID(Array("id-3".utf8))
        #expect(try Self.code(m.clientMessage(from: third, frames: try request("a-3"), now: 0, principal: "client:alice"), third) == .overloaded)
        // Another principal gets in, up to the global cap.
        #expect(try Self.code(m.clientMessage(from: client, frames: try request("b-1"), now: 0, principal: "client:bob"), client) == nil)
        #expect(try Self.code(m.clientMessage(from: client, frames: try request("b-2"), now: 0, principal: "client:bob"), client) == .overloaded)
    }

    @Test func openRequestsAreBoundedInBytesOfBodies() throws {
        let body = Base.body("r-0")
        var m = machine { $0.maxPendingBytes = 2 * (body.count + 20) }
        var refused = 0
        for n in 0..<4 {
            let actions = m.clientMessage(from: client, frames: try request("r-\(n)"), now: 0)
            if try Self.code(actions, client) == .overloaded { refused += 1 }
        }
        #expect(refused == 2)
        #expect(m.pendingBytes <= 2 * (body.count + 20))
    }

    @Test func theCompletedCacheIsBoundedInBytesAndEvictsTheOldest() throws {
        var m = machine { $0.completedCacheBytes = 3_000 }
        try Base().register(&m)
        for n in 0..<10 {
            let dispatched = try Base.dispatched(m.clientMessage(from: client, frames: try request("r-\(n)"), now: 0))
            _ = Base().answer(&m, dispatched, [:])
        }
        #expect(m.completedBytes <= 3_000)
        #expect(m.completed.count < 10)
        #expect(m.completed[try RequestID("r-9")] != nil)
        #expect(m.completed[try RequestID("r-0")] == nil)
    }

    @Test func retriesOfAProvisionalAnswerNeverEvictAnotherCachedVerdict() throws {
        var m = machine { $0.completedCacheSize = 2 }
        for pack in ["ai-act", "workplace"] { _ = m.workerMessage(from: Base.worker(pack), frames: try Base.ready(pack), now: 0) }
        // "p" is answered provisionally (no gdpr worker) again and again; "x" is a verdict of record.
        _ = Base().answer(&m, try Base.dispatched(m.clientMessage(from: client, frames: try request("p", deadline: 100), now: 0)), [:])
        _ = m.tick(now: 100)
        _ = m.workerMessage(from: Base.worker("gdpr"), frames: try Base.ready("gdpr"), now: 100)
        let x = try Base.dispatched(m.clientMessage(from: client, frames: try request("x"), now: 100))
        _ = Base().answer(&m, x, [:], now: 101)
        _ = m.workerMessage(from: Base.worker("gdpr"), frames: WorkerMessage.disconnect(reason: nil).encode(), now: 102)
        for round in 0..<6 {
            let now = Int64(200 + round * 1_000)
            _ = m.clientMessage(from: client, frames: try request("p", deadline: 100), now: now)
            _ = m.tick(now: now + 100)
        }
        #expect(m.counters.reevaluated == 6)
        #expect(m.completed[try RequestID("x")] != nil, "a retry of another request evicted the verdict of record")
        #expect(m.completed[try RequestID("p")]?.provisional == true)
    }

    // MARK: Transient is not final

    @Test func aFailClosedAnswerIsProvisionalAndARetryEvaluatesOnlyTheFailedPack() throws {
        var m = machine()
        for pack in ["ai-act", "workplace"] { _ = m.workerMessage(from: Base.worker(pack), frames: try Base.ready(pack), now: 0) }
        let first = try Base.dispatched(m.clientMessage(from: client, frames: try request("r", deadline: 1_000), now: 0))
        _ = Base().answer(&m, first, [:])
        let expired = m.tick(now: 1_000)
        #expect(try Base.finalJSON(try Base.replies(expired, to: client).first)["verdict"] == .string("needs-review"))
        #expect(expired.contains { if case .record(.completed("r", "needs-review", _, _, true)) = $0 { true } else { false } })
        // The gdpr worker is back; the client retries the same id.
        _ = m.workerMessage(from: Base.worker("gdpr"), frames: try Base.ready("gdpr"), now: 1_500)
        let retry = m.clientMessage(from: client, frames: try request("r"), now: 1_600)
        let again = try Base.dispatched(retry)
        #expect(again.map(\.0) == [Base.worker("gdpr")])  // only the pack that failed
        #expect(!retry.contains { if case .record(.accepted) = $0 { true } else { false } })  // accepted once
        let done = Base().answer(&m, again, [:], now: 1_601)
        #expect(try Base.finalJSON(try Base.replies(done, to: client).first)["verdict"] == .string("approved"))
        #expect(done.contains { if case .record(.completed("r", "approved", _, let packs, false)) = $0 { packs.count == 3 } else { false } })
        #expect(m.counters.reevaluated == 1)
        // Now it is the verdict of record: a further retry replays it.
        let replay = m.clientMessage(from: client, frames: try request("r"), now: 1_700)
        #expect(try Base.dispatched(replay).isEmpty)
        #expect(try Base.finalJSON(try Base.replies(replay, to: client).first)["verdict"] == .string("approved"))
    }

    @Test func aLostWorkerNoLongerFailsTheWaitingTicketsAtOnce() throws {
        var m = machine()
        try Base().register(&m)
        let dispatched = try Base.dispatched(m.clientMessage(from: client, frames: try request("r", deadline: 5_000), now: 0))
        let gdpr = dispatched.first { $0.0 == Base.worker("gdpr") }
        #expect(gdpr != nil)
        _ = Base().answer(&m, dispatched.filter { $0.0 != Base.worker("gdpr") }, [:])
        // The only gdpr worker dies: its ticket waits for the next one instead of failing closed.
        let gone = m.workerMessage(from: Base.worker("gdpr"), frames: WorkerMessage.disconnect(reason: nil).encode(), now: 100)
        #expect(try Base.replies(gone, to: client).isEmpty)
        let redispatched = try Base.dispatched(m.workerMessage(from: Base.worker("gdpr", 2), frames: try Base.ready("gdpr"), now: 200))
        #expect(redispatched.count == 1)
        let done = Base().answer(&m, redispatched, [:], now: 201)
        #expect(try Base.finalJSON(try Base.replies(done, to: client).first)["verdict"] == .string("approved"))
    }

    // MARK: One request id

    @Test func theBodysRequestIDMustBeTheFramesRequestID() throws {
        var m = machine()
        let actions = m.clientMessage(from: client, frames: try request("frame-id", body: Base.body("AAK-SCR-2026-001")), now: 0)
        guard case .error(_, _, let code, let message)? = try Base.replies(actions, to: client).first else { throw Base.FailedExpectation(description: "\(actions)") }
        #expect(code == .malformed)
        #expect(message.contains("AAK-SCR-2026-001") && message.contains("frame-id"))
    }

    @Test func aReSerialisedRetryIsTheSameRequestAndADifferentOneIsAConflict() throws {
        var m = machine()
        try Base().register(&m)
        let dispatched = try Base.dispatched(m.clientMessage(from: client, frames: try request("r"), now: 0))
        _ = Base().answer(&m, dispatched, [:])
        // The same request as another JSON library writes it: other key order, whitespace and an escape.
        let reordered = Array(#"{ "requester": {"department": "Sundhed og Omsorg"}, "screening_date": "2026-11-27", "request_id": "\u0072", "schema_version": "1.0" }"#.utf8)
        let replay = m.clientMessage(from: client, frames: try request("r", body: reordered), now: 1)
        #expect(try Base.finalJSON(try Base.replies(replay, to: client).first)["request_id"] == .string("r"))
        let different = m.clientMessage(from: client, frames: try request("r", body: Base.body("r", department: "Kultur")), now: 2)
        #expect(try Self.code(different, client) == .conflict)
        #expect(m.sameRequest(Base.body("r"), reordered))
        #expect(!m.sameRequest(Base.body("r"), Base.body("r", department: "Kultur")))
    }

    // MARK: Cheap refusals

    @Test func aBodyNoValidRequestCouldBeIsRefusedWhileReadingNotAfterBuildingATree() throws {
        var m = machine()
        // 15,000 arrays 29 deep in an unknown field (31 in all: the measured flood, within the old reader limit of 32), and 100,000 numbers.
        let deep = String(repeating: "[", count: 29) + String(repeating: "]", count: 29)
        let flood = #"{"schema_version":"1.0","request_id":"f","screening_date":"2026-11-27","x":["# + Array(repeating: deep, count: 15_000).joined(separator: ",") + "]}"
        let numbers = #"{"schema_version":"1.0","request_id":"n","screening_date":"2026-11-27","x":["# + Array(repeating: "1", count: 100_000).joined(separator: ",") + "]}"
        for (id, body) in [("f", flood), ("n", numbers)] {
            let actions = m.clientMessage(from: client, frames: try request(id, body: Array(body.utf8)), now: 0)
            guard case .error(_, _, let code, let message)? = try Base.replies(actions, to: client).first else { throw Base.FailedExpectation(description: "\(actions)") }
            #expect(code == .invalidJSON)
            #expect(message.contains("no valid request comes near this"))
        }
        // The limits are the schema's, with slack: the bundled schema nests 4 deep.
        let limits = JSONLimits().bounded(by: Base.schema)
        #expect(limits.maxDepth < 10)
        #expect(limits.maxValues < 20_000)
    }
}
