import Foundation
import Testing
import Wire

@testable import Broker
@testable import RulesEngine

/// The broker's routing rules, without sockets: frames in, actions out.
struct BrokerStateMachineTests {
    static let schema: SchemaNode = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("config/schema/ai-tool-request.v1.json")
        guard let text = try? String(contentsOf: url, encoding: .utf8), let schema = try? SchemaLoader.load(json: text) else {
            preconditionFailure("cannot load the request schema")
        }
        return schema
    }()

    static let packs = ["ai-act", "gdpr", "workplace"]
    let client = PeerID(Array("client-1".utf8))
    let otherClient = PeerID(Array("client-2".utf8))

    func machine(_ configure: (inout BrokerConfiguration) -> Void = { _ in }) -> BrokerStateMachine {
        var configuration = BrokerConfiguration(active: Self.packs.map { ActivePack(id: $0, version: "1.0.0", digest: "sha256:\($0)") })
        configure(&configuration)
        return BrokerStateMachine(configuration: configuration, schema: Self.schema)
    }

    static func body(_ id: String = "req-1", department: String = "Sundhed og Omsorg") -> [UInt8] {
        Array(#"{"schema_version":"1.0","request_id":"\#(id)","screening_date":"2026-11-27","requester":{"department":"\#(department)"}}"#.utf8)
    }

    func request(_ id: String, service: ServiceName = .screen, body: [UInt8]? = nil, deadline: UInt32 = 0, options: RequestOptions = []) throws -> [[UInt8]] {
        ClientMessage.request(service: service, requestID: try RequestID(id), deadline: Deadline(milliseconds: deadline), options: options, body: body ?? Self.body(id)).encode()
    }

    static func ready(_ pack: String) throws -> [[UInt8]] {
        WorkerMessage.ready(service: try .pack(pack), metadata: Array(#"{"id":"\#(pack)","version":"1.0.0","digest":"sha256:\#(pack)"}"#.utf8)).encode()
    }

    static func verdictBody(_ pack: String, _ verdict: String, version: String = "1.0.0") -> [UInt8] {
        Array(#"{"pack":"\#(pack)","version":"\#(version)","digest":"sha256:\#(pack)","verdict":"\#(verdict)","outputs":{},"findings":[],"errors":[]}"#.utf8)
    }

    static func worker(_ pack: String, _ n: Int = 1) -> PeerID { PeerID(Array("w-\(pack)-\(n)".utf8)) }

    /// Registers one worker per pack.
    func register(_ m: inout BrokerStateMachine, now: Int64 = 0, count: Int = 1) throws {
        for pack in Self.packs {
            for n in 1...count { #expect(m.workerMessage(from: Self.worker(pack, n), frames: try Self.ready(pack), now: now).isEmpty) }
        }
    }

    /// The tickets dispatched in `actions`, by worker.
    static func dispatched(_ actions: [BrokerStateMachine.Action]) throws -> [(PeerID, TicketID)] {
        try actions.compactMap { action in
            guard case .sendToWorker(let peer, let frames) = action, case .request(let ticket, _) = try BrokerToWorker.decode(frames: frames) else { return nil }
            return (peer, ticket)
        }
    }

    static func replies(_ actions: [BrokerStateMachine.Action], to peer: PeerID) throws -> [BrokerReply] {
        try actions.compactMap { action in
            guard case .sendToClient(let p, let frames) = action, p == peer else { return nil }
            return try BrokerReply.decode(frames: frames)
        }
    }

    static func finalJSON(_ reply: BrokerReply?) throws -> JSONValue {
        guard case .final(_, _, let body)? = reply else { throw FailedExpectation(description: "expected a FINAL, got \(String(describing: reply))") }
        return try JSONParser().parse(body)
    }

    struct FailedExpectation: Error { var description: String }

    /// Answers every dispatched ticket with the given verdicts.
    func answer(_ m: inout BrokerStateMachine, _ dispatched: [(PeerID, TicketID)], _ verdicts: [String: String], now: Int64 = 1) -> [BrokerStateMachine.Action] {
        var actions: [BrokerStateMachine.Action] = []
        for (peer, ticket) in dispatched {
            let pack = Self.packs.first { Self.worker($0, 1) == peer || Self.worker($0, 2) == peer } ?? ""
            actions += m.workerMessage(from: peer, frames: WorkerMessage.final(ticket: ticket, body: Self.verdictBody(pack, verdicts[pack] ?? "approved")).encode(), now: now)
        }
        return actions
    }

    @Test func aScreeningFansOutToEveryPackCombinesAnswersAndPublishes() throws {
        var m = machine()
        try register(&m)
        let dispatched = try Self.dispatched(m.clientMessage(from: client, frames: try request("req-1"), now: 0))
        #expect(Set(dispatched.map(\.0)) == Set(Self.packs.map { Self.worker($0) }))
        let actions = answer(&m, dispatched, ["gdpr": "needs-review", "ai-act": "approved-with-conditions"])
        let replies = try Self.replies(actions, to: client)
        #expect(replies.count == 1)
        let json = try Self.finalJSON(replies.first)
        #expect(json["verdict"] == .string("needs-review"))
        #expect(json["request_id"] == .string("req-1"))
        guard case .object(let packs)? = json["packs"] else { throw FailedExpectation(description: "no packs") }
        #expect(packs.map(\.0).sorted() == Self.packs)
        let published = actions.compactMap { action -> String? in
            if case .publish(let topic, _, _, _, _, _) = action { return String(decoding: topic, as: UTF8.self) }
            return nil
        }
        #expect(published == ["verdict.needs-review.sundhed-og-omsorg"])
        #expect(m.pendingCount == 0)
    }

    @Test func aPackWithNoWorkersWaitsUntilTheDeadlineThenTheScreeningIsNeedsReviewNeverApproved() throws {
        var m = machine()
        for pack in ["ai-act", "workplace"] { _ = m.workerMessage(from: Self.worker(pack), frames: try Self.ready(pack), now: 0) }
        let dispatched = try Self.dispatched(m.clientMessage(from: client, frames: try request("r", deadline: 5_000), now: 0))
        #expect(dispatched.count == 2)
        // The gdpr ticket waits for a worker (one may be restarting): the two answers alone finish nothing.
        #expect(try Self.replies(answer(&m, dispatched, [:]), to: client).isEmpty)
        #expect(try Self.replies(m.tick(now: 4_999), to: client).isEmpty)
        let json = try Self.finalJSON(try Self.replies(m.tick(now: 5_000), to: client).first)
        #expect(json["verdict"] == .string("needs-review"))
        guard case .array(let errors)? = json["errors"] else { throw FailedExpectation(description: "no errors") }
        #expect(errors.contains { if case .string(let s) = $0 { s.hasPrefix("gdpr:") && s.contains("no-workers") } else { false } })
        #expect(m.counters.failedClosed == 1)
        #expect(m.drainEvents().contains { $0.name == "failed-closed" && $0.fields["packs"] == "gdpr:no-workers" && $0.fields["request_id"] == "r" })
    }

    @Test func aTicketWithoutAWorkerIsServedByAWorkerThatJoinsBeforeTheDeadline() throws {
        var m = machine()
        #expect(try Self.dispatched(m.clientMessage(from: client, frames: try request("r", service: try .pack("gdpr"), deadline: 5_000), now: 0)).isEmpty)
        let dispatched = try Self.dispatched(m.workerMessage(from: Self.worker("gdpr"), frames: try Self.ready("gdpr"), now: 3_000))
        #expect(dispatched.count == 1)
        let replies = try Self.replies(answer(&m, dispatched, ["gdpr": "approved"], now: 3_001), to: client)
        #expect(try Self.finalJSON(replies.first)["verdict"] == .string("approved"))
    }

    @Test func aSinglePackServiceWithoutWorkersIsAnErrorReplyAtTheDeadline() throws {
        var m = machine()
        #expect(try Self.replies(m.clientMessage(from: client, frames: try request("r", service: try .pack("gdpr"), deadline: 2_000), now: 0), to: client).isEmpty)
        let actions = m.tick(now: 2_000)
        guard case .error(_, _, let code, _)? = try Self.replies(actions, to: client).first else { throw FailedExpectation(description: "\(actions)") }
        #expect(code == .noWorkers)
        // The ERROR closes the request in the journal, as a provisional answer (a retry evaluates it again).
        #expect(actions.contains { if case .record(.completed("r", "error", _, [], true)) = $0 { true } else { false } })
    }

    @Test func aRetryInFlightAttachesAndEveryWaiterGetsOneAnswer() throws {
        var m = machine()
        try register(&m)
        let dispatched = try Self.dispatched(m.clientMessage(from: client, frames: try request("same"), now: 0))
        #expect(try Self.dispatched(m.clientMessage(from: client, frames: try request("same"), now: 1)).isEmpty)
        #expect(m.clientMessage(from: otherClient, frames: try request("same"), now: 1).isEmpty)
        let actions = answer(&m, dispatched, [:])
        #expect(try Self.replies(actions, to: client).count == 1)
        #expect(try Self.replies(actions, to: otherClient).count == 1)
        #expect(m.counters.requestsAccepted == 1)
    }

    @Test func theSameIDWithAnotherBodyIsAConflict() throws {
        var m = machine()
        try register(&m)
        let dispatched = try Self.dispatched(m.clientMessage(from: client, frames: try request("id"), now: 0))
        let conflict = try Self.replies(m.clientMessage(from: client, frames: try request("id", body: Self.body("id", department: "IT")), now: 0), to: client)
        guard case .error(_, _, let code, _)? = conflict.first else { throw FailedExpectation(description: "\(conflict)") }
        #expect(code == .conflict)
        _ = answer(&m, dispatched, [:])
        let later = try Self.replies(m.clientMessage(from: client, frames: try request("id", body: Self.body("id", department: "IT")), now: 5), to: client)
        guard case .error(_, _, let laterCode, _)? = later.first else { throw FailedExpectation(description: "\(later)") }
        #expect(laterCode == .conflict)
    }

    @Test func aRetryAfterTheAnswerGetsTheSameBytesWithoutANewEvaluation() throws {
        var m = machine()
        try register(&m)
        let dispatched = try Self.dispatched(m.clientMessage(from: client, frames: try request("again"), now: 0))
        let first = answer(&m, dispatched, ["gdpr": "rejected"]).first { if case .sendToClient = $0 { true } else { false } }
        let second = m.clientMessage(from: client, frames: try request("again"), now: 10)
        #expect(second.count == 1)
        #expect(second.first == first)
        #expect(try Self.dispatched(second).isEmpty)
        #expect(m.counters.cacheReplays == 1)
    }

    @Test func aDeadWorkersTicketGoesToAnotherWorkerOfThePack() throws {
        var m = machine { $0.heartbeatMilliseconds = 100; $0.liveness = 3 }
        try register(&m, count: 2)
        let dispatched = try Self.dispatched(m.clientMessage(from: client, frames: try request("r", service: try .pack("gdpr")), now: 0))
        #expect(dispatched.count == 1)
        let (first, ticket) = try #require(dispatched.first)
        // Everyone but the busy worker keeps heartbeating.
        for pack in Self.packs {
            for n in 1...2 where Self.worker(pack, n) != first {
                _ = m.workerMessage(from: Self.worker(pack, n), frames: WorkerMessage.heartbeat.encode(), now: 250)
            }
        }
        let redispatched = try Self.dispatched(m.tick(now: 301))
        #expect(redispatched.count == 1)
        #expect(redispatched.first?.0 != first)
        #expect(redispatched.first?.1 == ticket)
        #expect(m.workerCount(pack: "gdpr") == 1)
        let replies = try Self.replies(answer(&m, redispatched, ["gdpr": "approved"], now: 302), to: client)
        #expect(try Self.finalJSON(replies.first)["verdict"] == .string("approved"))
    }

    @Test func aMissedDeadlineIsNeedsReviewNamingThePack() throws {
        var m = machine()
        try register(&m)
        let dispatched = try Self.dispatched(m.clientMessage(from: client, frames: try request("slow", deadline: 50), now: 0))
        _ = answer(&m, dispatched.filter { $0.0 != Self.worker("workplace") }, [:])
        let replies = try Self.replies(m.tick(now: 60), to: client)
        let json = try Self.finalJSON(replies.first)
        #expect(json["verdict"] == .string("needs-review"))
        #expect(JSONWriter.string(json["errors"] ?? .null).contains("workplace: deadline-exceeded"))
        // The late answer is discarded, and the worker is free again.
        let late = answer(&m, dispatched.filter { $0.0 == Self.worker("workplace") }, [:], now: 70)
        #expect(try Self.replies(late, to: client).isEmpty)
    }

    @Test(arguments: [
        ([[UInt8]()], "no header"),
        ([[], Array("MDPC02".utf8), [1]], "another protocol"),
        ([[], Array("AISC01".utf8), [9]], "unknown command"),
    ])
    func unreadableClientFramesAreDroppedAndCounted(frames: [[UInt8]], _ why: String) {
        var m = machine()
        #expect(m.clientMessage(from: client, frames: frames, now: 0).isEmpty, "\(why)")
        #expect(m.counters.clientMalformedDropped == 1)
    }

    @Test func aMalformedRequestWithAReadableIDGetsAnErrorReply() throws {
        var m = machine()
        var frames = try request("bad-deadline")
        frames[5] = Array("soon".utf8)
        let replies = try Self.replies(m.clientMessage(from: client, frames: frames, now: 0), to: client)
        guard case .error(_, let id, let code, _)? = replies.first else { throw FailedExpectation(description: "\(replies)") }
        #expect(id.rawValue == "bad-deadline")
        #expect(code == .malformed)
    }

    @Test(arguments: [
        ("{not json", "invalid-json"),
        (#"{"schema_version":"1.0","request_id":"x","screening_date":"2026-11-27","data":{"special_categories":["helth"]}}"#, "schema-violation"),
        (#"{"schema_version":"1.0","request_id":"x","screening_date":"2026-11-27","colour":"red"}"#, "schema-violation"),
    ])
    func badBodiesAreRefusedWithAClearCode(body: String, code: String) throws {
        var m = machine()
        try register(&m)
        let actions = m.clientMessage(from: client, frames: try request("x", body: Array(body.utf8)), now: 0)
        #expect(try Self.dispatched(actions).isEmpty)
        guard case .error(_, _, let errorCode, let message)? = try Self.replies(actions, to: client).first else {
            throw FailedExpectation(description: "\(actions)")
        }
        #expect(errorCode.rawValue == code)
        if code == "schema-violation" { #expect(message.contains("$.")) }
    }

    @Test func bodiesOverTheConfiguredJSONLimitsAreRefusedAndCounted() throws {
        var m = machine { $0.jsonLimits = JSONLimits(maxDepth: 8, maxStringLength: 100, maxContainerCount: 5) }
        try register(&m)
        let deep = String(repeating: "[", count: 20) + String(repeating: "]", count: 20)
        let bodies = [
            ("deep", #"{"schema_version":"1.0","request_id":"d","screening_date":"2026-11-27","x":\#(deep)}"#),
            ("long", #"{"schema_version":"1.0","request_id":"l","screening_date":"2026-11-27","tool":{"name":"\#(String(repeating: "n", count: 200))"}}"#),
            ("wide", #"{"schema_version":"1.0","request_id":"w","screening_date":"2026-11-27","ai":{"capabilities":["a","b","c","d","e","f"]}}"#),
        ]
        for (id, body) in bodies {
            let replies = try Self.replies(m.clientMessage(from: client, frames: try request(id, body: Array(body.utf8)), now: 0), to: client)
            guard case .error(_, _, let code, let message)? = replies.first else { throw FailedExpectation(description: "\(id): \(replies)") }
            #expect(code == .invalidJSON, "\(id): \(message)")
        }
        #expect(m.counters.clientErrors["invalid-json"] == 3)
        // Valid traffic still flows.
        #expect(try Self.dispatched(m.clientMessage(from: client, frames: try request("fine"), now: 0)).count == 3)
    }

    @Test func unknownServicesAndOversizedMessagesAreRefused() throws {
        var m = machine { $0.maxMessageBytes = 2_000 }
        try register(&m)
        let unknown = try Self.replies(m.clientMessage(from: client, frames: try request("u", service: try ServiceName("pack.tax")), now: 0), to: client)
        guard case .error(_, _, let code, _)? = unknown.first else { throw FailedExpectation(description: "\(unknown)") }
        #expect(code == .unknownService)
        let big = Array(#"{"schema_version":"1.0","request_id":"b","screening_date":"2026-11-27","tool":{"description":"\#(String(repeating: "x", count: 3_000))"}}"#.utf8)
        let tooLarge = try Self.replies(m.clientMessage(from: client, frames: try request("b", body: big), now: 0), to: client)
        guard case .error(_, _, let bigCode, _)? = tooLarge.first else { throw FailedExpectation(description: "\(tooLarge)") }
        #expect(bigCode == .tooLarge)
    }

    @Test func aFinalFromAWorkerThatDoesNotHoldTheTicketGetsItDisconnected() throws {
        var m = machine()
        try register(&m, count: 2)
        let dispatched = try Self.dispatched(m.clientMessage(from: client, frames: try request("r", service: try .pack("gdpr")), now: 0))
        let (holder, ticket) = try #require(dispatched.first)
        let intruder = holder == Self.worker("gdpr", 1) ? Self.worker("gdpr", 2) : Self.worker("gdpr", 1)
        let actions = m.workerMessage(from: intruder, frames: WorkerMessage.final(ticket: ticket, body: Self.verdictBody("gdpr", "approved")).encode(), now: 1)
        #expect(actions.contains { if case .sendToWorker(let p, let f) = $0, p == intruder, case .disconnect? = try? BrokerToWorker.decode(frames: f) { true } else { false } })
        #expect(m.workerCount(pack: "gdpr") == 1)
        #expect(m.counters.workerViolations == 1)
    }

    @Test func aWorkerVerdictThatDoesNotMatchItsRegistrationIsAViolation() throws {
        var m = machine()
        try register(&m)
        let dispatched = try Self.dispatched(m.clientMessage(from: client, frames: try request("v", service: try .pack("gdpr")), now: 0))
        let (holder, ticket) = try #require(dispatched.first)
        _ = m.workerMessage(from: holder, frames: WorkerMessage.final(ticket: ticket, body: Self.verdictBody("gdpr", "approved", version: "9.9.9")).encode(), now: 1)
        #expect(m.counters.workerViolations == 1)
        #expect(m.workerCount(pack: "gdpr") == 0)
    }

    @Test func idleWorkersAreUsedLeastRecentlyUsedFirst() throws {
        var m = machine()
        try register(&m, count: 2)
        var order: [PeerID] = []
        for i in 0..<4 {
            let dispatched = try Self.dispatched(m.clientMessage(from: client, frames: try request("lru-\(i)", service: try .pack("gdpr")), now: Int64(i)))
            order += dispatched.map(\.0)
            _ = answer(&m, dispatched, [:], now: Int64(i))
        }
        #expect(order == [Self.worker("gdpr", 1), Self.worker("gdpr", 2), Self.worker("gdpr", 1), Self.worker("gdpr", 2)])
    }

    @Test func requestsQueueWhileEveryWorkerOfAPackIsBusy() throws {
        var m = machine()
        try register(&m)
        let first = try Self.dispatched(m.clientMessage(from: client, frames: try request("q1", service: try .pack("gdpr")), now: 0))
        #expect(try Self.dispatched(m.clientMessage(from: client, frames: try request("q2", service: try .pack("gdpr")), now: 0)).isEmpty)
        let next = try Self.dispatched(answer(&m, first, [:]))
        #expect(next.count == 1)
    }

    @Test func idleWorkersGetHeartbeatsAndSilentOnesExpire() throws {
        var m = machine { $0.heartbeatMilliseconds = 100; $0.liveness = 3 }
        try register(&m)
        let beats = m.tick(now: 100).filter { if case .sendToWorker(_, let f) = $0, case .heartbeat? = try? BrokerToWorker.decode(frames: f) { true } else { false } }
        #expect(beats.count == 3)
        _ = m.tick(now: 301)
        #expect(Self.packs.allSatisfy { m.workerCount(pack: $0) == 0 })
        #expect(m.counters.workersExpired == 3)
    }

    @Test func aWorkerMustSayReadyFirstAndOnlyOnce() throws {
        var m = machine()
        let stranger = PeerID(Array("stranger".utf8))
        let first = m.workerMessage(from: stranger, frames: WorkerMessage.heartbeat.encode(), now: 0)
        #expect(first.count == 1)
        _ = m.workerMessage(from: stranger, frames: try Self.ready("gdpr"), now: 0)
        _ = m.workerMessage(from: stranger, frames: try Self.ready("gdpr"), now: 0)
        #expect(m.workerCount(pack: "gdpr") == 0)
        #expect(m.counters.workerViolations == 2)
        let unknownPack = m.workerMessage(from: stranger, frames: try Self.ready("tax"), now: 0)
        #expect(unknownPack.count == 1)
    }

    @Test func partialsGoOnlyToWaitersThatAskedForThem() throws {
        var m = machine()
        try register(&m)
        let dispatched = try Self.dispatched(m.clientMessage(from: client, frames: try request("p", options: .partials), now: 0))
        let actions = answer(&m, dispatched, [:])
        let replies = try Self.replies(actions, to: client)
        #expect(replies.count == 4)
        #expect(replies.last?.isTerminal == true)
        #expect(replies.dropLast().allSatisfy { if case .partial = $0 { true } else { false } })
        // Each PARTIAL body is {"request_id","pack","result"} with the pack's verdict as its worker sent it.
        var packs: [String] = []
        for reply in replies.dropLast() {
            guard case .partial(_, _, let body) = reply else { continue }
            let json = try JSONParser().parse(body)
            guard case .object(let members) = json, case .string(let pack)? = json["pack"] else {
                throw FailedExpectation(description: "partial body: \(String(decoding: body, as: UTF8.self))")
            }
            #expect(members.map(\.0) == ["request_id", "pack", "result"])
            #expect(json["request_id"] == .string("p"))
            #expect(json["result"] == (try JSONParser().parse(Self.verdictBody(pack, "approved"))))
            packs.append(pack)
        }
        #expect(packs.sorted() == Self.packs.sorted())
    }

    @Test func aPartialForAPackThatFailedCarriesItsError() throws {
        var m = machine()
        try register(&m)
        let dispatched = try Self.dispatched(m.clientMessage(from: client, frames: try request("e", options: .partials), now: 0))
        let (peer, ticket) = try #require(dispatched.first { $0.0 == Self.worker("gdpr") })
        let actions = m.workerMessage(from: peer, frames: WorkerMessage.error(ticket: ticket, code: .internalError, message: "pack \"crashed\"").encode(), now: 1)
        guard case .partial(_, _, let body)? = try Self.replies(actions, to: client).first else {
            throw FailedExpectation(description: "no PARTIAL for the failed pack")
        }
        let json = try JSONParser().parse(body)
        #expect(json["pack"] == .string("gdpr"))
        #expect(json["error"] == .object([("code", .string("internal")), ("message", .string("pack \"crashed\""))]))
        #expect(json["result"] == nil)
    }

    @Test func shuttingDownRefusesNewRequestsButFinishesOpenOnes() throws {
        var m = machine()
        try register(&m)
        let dispatched = try Self.dispatched(m.clientMessage(from: client, frames: try request("open"), now: 0))
        m.beginShutdown()
        let refused = try Self.replies(m.clientMessage(from: client, frames: try request("new"), now: 0), to: client)
        guard case .error(_, _, let code, _)? = refused.first else { throw FailedExpectation(description: "\(refused)") }
        #expect(code == .shuttingDown)
        #expect(try Self.replies(answer(&m, dispatched, [:]), to: client).count == 1)
    }

    @Test func aClientWithTooManyOpenRequestsIsToldItIsOverloaded() throws {
        var m = machine { $0.maxInflightPerClient = 2 }
        try register(&m)
        _ = m.clientMessage(from: client, frames: try request("a"), now: 0)
        _ = m.clientMessage(from: client, frames: try request("b"), now: 0)
        let third = try Self.replies(m.clientMessage(from: client, frames: try request("c"), now: 0), to: client)
        guard case .error(_, _, let code, _)? = third.first else { throw FailedExpectation(description: "\(third)") }
        #expect(code == .overloaded)
        // Another client is not limited by the first one's open requests: its request is queued, not refused.
        #expect(try Self.replies(m.clientMessage(from: otherClient, frames: try request("d"), now: 0), to: otherClient).isEmpty)
        #expect(m.pendingCount == 3)
    }
}
