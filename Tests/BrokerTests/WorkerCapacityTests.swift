import Testing
import Wire

@testable import Broker
@testable import RulesEngine

/// The credit window (PROTOCOL.md §5.3): a worker that declares `capacity` N in READY holds up to N tickets.
struct WorkerCapacityTests {
    typealias Base = BrokerStateMachineTests
    let client = PeerID(Array("client-1".utf8))

    static func ready(_ pack: String, capacity: String) throws -> [[UInt8]] {
        let metadata = #"{"id":"\#(pack)","version":"1.0.0","digest":"sha256:\#(pack)","capacity":\#(capacity)}"#
        return WorkerMessage.ready(service: try .pack(pack), metadata: Array(metadata.utf8)).encode()
    }

    func singlePackMachine() -> BrokerStateMachine {
        BrokerStateMachine(configuration: BrokerConfiguration(active: [ActivePack(id: "gdpr", version: "1.0.0", digest: "sha256:gdpr")]), schema: Base.schema)
    }

    func submit(_ m: inout BrokerStateMachine, _ count: Int, now: Int64 = 0) throws -> [(PeerID, TicketID)] {
        var dispatched: [(PeerID, TicketID)] = []
        for n in 0..<count {
            let frames = ClientMessage.request(service: .screen, requestID: try RequestID("r-\(n)"), body: Base.body("r-\(n)")).encode()
            dispatched += try Base.dispatched(m.clientMessage(from: client, frames: frames, now: now))
        }
        return dispatched
    }

    @Test func ticketsSpreadOverTheWorkersInTurnUpToEachOnesCapacityAndTheRestWait() throws {
        var m = singlePackMachine()
        let a = Base.worker("gdpr", 1), b = Base.worker("gdpr", 2)
        #expect(m.workerMessage(from: a, frames: try Self.ready("gdpr", capacity: "3"), now: 0).isEmpty)
        #expect(m.workerMessage(from: b, frames: try Self.ready("gdpr", capacity: "2"), now: 0).isEmpty)
        let dispatched = try submit(&m, 7)
        #expect(dispatched.map(\.0) == [a, b, a, b, a])
        #expect(m.queues["gdpr"]?.count == 2)
        // b answers its first ticket: it has room again and gets the oldest waiting ticket at once.
        let answer = WorkerMessage.final(ticket: dispatched[1].1, body: Base.verdictBody("gdpr", "approved")).encode()
        let next = try Base.dispatched(m.workerMessage(from: b, frames: answer, now: 1))
        #expect(next.map(\.0) == [b])
        #expect(next.first?.1 == (try TicketID("t-6")))
    }

    @Test func aLostWorkersTicketsAllGoToTheHeadOfTheQueueForAnotherWorker() throws {
        var m = singlePackMachine()
        let a = Base.worker("gdpr", 1), b = Base.worker("gdpr", 2)
        _ = m.workerMessage(from: a, frames: try Self.ready("gdpr", capacity: "4"), now: 0)
        let first = try submit(&m, 3)
        #expect(first.allSatisfy { $0.0 == a })
        _ = m.workerMessage(from: b, frames: try Self.ready("gdpr", capacity: "4"), now: 0)
        let redispatched = try Base.dispatched(m.workerMessage(from: a, frames: WorkerMessage.disconnect(reason: nil).encode(), now: 1))
        #expect(redispatched.map(\.0) == [b, b, b])
        #expect(Set(redispatched.map(\.1)) == Set(first.map(\.1)))
        #expect(m.counters.ticketsRedispatched == 3)
    }

    @Test func onlyTheTicketBeingEvaluatedCountsAsLostWhenAWorkerDies() throws {
        var m = singlePackMachine()
        let a = Base.worker("gdpr", 1), b = Base.worker("gdpr", 2), c = Base.worker("gdpr", 3)
        _ = m.workerMessage(from: a, frames: try Self.ready("gdpr", capacity: "3"), now: 0)
        let first = try submit(&m, 3).map(\.1)
        _ = m.workerMessage(from: b, frames: try Self.ready("gdpr", capacity: "3"), now: 0)
        let afterFirstLoss = try Base.dispatched(m.workerMessage(from: a, frames: WorkerMessage.disconnect(reason: nil).encode(), now: 1))
        #expect(afterFirstLoss.map(\.1) == first)
        _ = m.workerMessage(from: c, frames: try Self.ready("gdpr", capacity: "3"), now: 1)
        // b dies too: its oldest (first[0], lost before) fails; the two behind it go to c.
        let afterSecondLoss = m.workerMessage(from: b, frames: WorkerMessage.disconnect(reason: nil).encode(), now: 2)
        #expect(try Base.dispatched(afterSecondLoss).map(\.1) == Array(first.dropFirst()))
        #expect(try Base.dispatched(afterSecondLoss).allSatisfy { $0.0 == c })
        #expect(m.tickets[first[0]] == nil)
        let failed = try Base.replies(afterSecondLoss, to: client)
        #expect(failed.count == 1)
        // A screening fails closed: needs-review, naming the pack and the loss.
        let json = try Base.finalJSON(failed.first)
        #expect(json["request_id"] == .string("r-0"))
        #expect(json["verdict"] == .string("needs-review"))
        guard case .array(let errors)? = json["errors"] else { throw Base.FailedExpectation(description: "no errors in \(json)") }
        #expect(errors.contains { if case .string(let text) = $0 { text.hasPrefix("gdpr:") && text.contains("worker lost") } else { false } }, "\(errors)")
    }

    @Test func aFinalForATicketTheWorkerDoesNotHoldIsStillAViolation() throws {
        var m = singlePackMachine()
        let a = Base.worker("gdpr", 1), b = Base.worker("gdpr", 2)
        _ = m.workerMessage(from: a, frames: try Self.ready("gdpr", capacity: "4"), now: 0)
        _ = m.workerMessage(from: b, frames: try Self.ready("gdpr", capacity: "4"), now: 0)
        let dispatched = try submit(&m, 2)
        guard let (holder, ticket) = dispatched.first else { throw Base.FailedExpectation(description: "nothing dispatched") }
        let other = holder == a ? b : a
        let actions = m.workerMessage(from: other, frames: WorkerMessage.final(ticket: ticket, body: Base.verdictBody("gdpr", "approved")).encode(), now: 1)
        #expect(actions.contains { if case .sendToWorker(other, let frames) = $0 { (try? BrokerToWorker.decode(frames: frames)).map { if case .disconnect = $0 { true } else { false } } ?? false } else { false } })
        #expect(m.counters.workerViolations == 1)
    }

    @Test(arguments: ["0", "257", "1.5", "\"8\"", "-1"])
    func aCapacityOutsideOneTo256IsAViolation(_ capacity: String) throws {
        var m = singlePackMachine()
        let actions = m.workerMessage(from: Base.worker("gdpr"), frames: try Self.ready("gdpr", capacity: capacity), now: 0)
        guard case .sendToWorker(_, let frames)? = actions.first, case .disconnect(let reason)? = try? BrokerToWorker.decode(frames: frames) else {
            Issue.record("expected DISCONNECT, got \(actions)")
            return
        }
        #expect(reason?.contains("capacity") == true)
        #expect(m.workerCount(pack: "gdpr") == 0)
    }

    @Test func withoutACapacityAWorkerHoldsOneTicket() throws {
        var m = singlePackMachine()
        _ = m.workerMessage(from: Base.worker("gdpr"), frames: try Base.ready("gdpr"), now: 0)
        #expect(try submit(&m, 3).count == 1)
        #expect(m.queues["gdpr"]?.count == 2)
    }

    @Test func whileTheJournalIsBehindNewRequestsAreRefusedAsOverloaded() throws {
        var m = singlePackMachine()
        _ = m.workerMessage(from: Base.worker("gdpr"), frames: try Self.ready("gdpr", capacity: "4"), now: 0)
        m.journalBehind = "the journal is behind: 10001 batches of answers wait for the disk"
        let frames = ClientMessage.request(service: .screen, requestID: try RequestID("late"), body: Base.body("late")).encode()
        let refused = try Base.replies(m.clientMessage(from: client, frames: frames, now: 0), to: client)
        guard case .error(_, _, let code, let message)? = refused.first else {
            Issue.record("expected an ERROR, got \(refused)")
            return
        }
        #expect(code == .overloaded && message.contains("journal is behind"))
        #expect(m.counters.clientErrors["overloaded"] == 1)
        m.journalBehind = nil
        #expect(try Base.dispatched(m.clientMessage(from: client, frames: frames, now: 1)).count == 1)
    }
}
