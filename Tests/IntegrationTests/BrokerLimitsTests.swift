import Foundation
import RulesEngine
import Testing
import Wire
import ZeroMQ

/// Each configured limit of the broker, with real processes: a broker started with the limit set low refuses what
/// exceeds it with the documented error code (PROTOCOL.md §4.6), counts the refusal (the counters of its
/// `stopped` event), and answers a valid request right after. Each excess stays within the built-in default, so
/// the refusal shows that the configured value is in force.
///
/// Requests stay in flight by stopping a pack's only worker with SIGSTOP (a real hung process): it holds its
/// ticket and the broker queues the rest, until SIGCONT. The heartbeat (1 s × 3) outlasts the pause.
@Suite(.serialized, .timeLimit(.minutes(3)))
struct BrokerLimitsTests {
    static let files = (try? Repo.exampleRequests()) ?? []

    static func code(_ replies: [String: [BrokerReply]], _ id: String) -> String? { Requester.errorCode(replies[id]?.first) }

    static func message(_ replies: [String: [BrokerReply]], _ id: String) -> String {
        if case .error(_, _, _, let message)? = replies[id]?.first { return message }
        return ""
    }

    @Test func aClientOverItsInFlightLimitIsToldItIsOverloadedAndOthersAreNot() throws {
        let cluster = try Cluster(heartbeatMs: 1_000, extraConfig: "  max_inflight_per_client: 3\n")
        let a = Requester(socket: try cluster.dealer())
        let b = Requester(socket: try cluster.dealer())
        defer {
            a.socket.close()
            b.socket.close()
        }
        let gdpr = try #require(cluster.workers["gdpr"]?.first)
        gdpr.kill(SIGSTOP)
        let service = try ServiceName.pack("gdpr")
        for n in 1...5 { try a.send("a-\(n)", body: try exampleBody(Self.files[n], id: "a-\(n)"), service: service, deadlineMs: 30_000) }
        // The first three are in flight (the worker holds one, two wait); the fourth and fifth are refused at once.
        let refused = try a.collect(["a-4", "a-5"])
        #expect(Self.code(refused, "a-4") == "overloaded")
        #expect(Self.code(refused, "a-5") == "overloaded")
        #expect(Self.message(refused, "a-4").contains("more than 3 requests in flight"))
        #expect(Set(refused.keys) == ["a-4", "a-5"], "\(refused.keys)")
        // The limit is per client: another client's request is accepted meanwhile.
        try b.send("b-1", body: try exampleBody(Self.files[6], id: "b-1"), service: service, deadlineMs: 30_000)
        gdpr.kill(SIGCONT)
        let answered = try a.collect(["a-1", "a-2", "a-3"])
        for id in ["a-1", "a-2", "a-3"] {
            #expect(answered[id]?.count == 1 && answered[id]?.first?.finalJSON?["verdict"] != nil, "\(id): \(String(describing: answered[id]))")
        }
        #expect(try b.collect(["b-1"])["b-1"]?.first?.finalJSON?["verdict"] != nil)
        // Once its answers are in, the client may send again.
        try a.send("a-6", body: try exampleBody(Self.files[7], id: "a-6"))
        #expect(try a.collect(["a-6"])["a-6"]?.first?.finalJSON?["verdict"] != nil)
        let counters = try cluster.broker.stopBroker()
        #expect(refusalCounts(counters)["overloaded"] == 2, "\(counters)")
    }

    @Test func aFullPackQueueRefusesNewRequestsForThatPackOnly() throws {
        // Capacity 1: the stopped worker holds exactly one ticket, so the others queue in the broker.
        let cluster = try Cluster(heartbeatMs: 1_000, extraConfig: "  max_queue_per_pack: 2\n  worker_capacity: 1\n")
        let requester = Requester(socket: try cluster.dealer())
        defer { requester.socket.close() }
        let gdpr = try #require(cluster.workers["gdpr"]?.first)
        gdpr.kill(SIGSTOP)
        let service = try ServiceName.pack("gdpr")
        // g-1 goes to the (stopped) worker, g-2 and g-3 wait in the gdpr queue, which is then full.
        for n in 1...4 { try requester.send("g-\(n)", body: try exampleBody(Self.files[n], id: "g-\(n)"), service: service, deadlineMs: 30_000) }
        // A screening needs gdpr too.
        try requester.send("s-1", body: try exampleBody(Self.files[5], id: "s-1"), deadlineMs: 30_000)
        let refused = try requester.collect(["g-4", "s-1"])
        #expect(Self.code(refused, "g-4") == "overloaded")
        #expect(Self.code(refused, "s-1") == "overloaded")
        #expect(Self.message(refused, "g-4").contains("pack gdpr has 2 requests waiting"))
        #expect(Set(refused.keys) == ["g-4", "s-1"], "\(refused.keys)")
        // Another pack's queue is not full: its request is answered while gdpr is stuck.
        try requester.send("x-1", body: try exampleBody(Self.files[6], id: "x-1"), service: try .pack("ai-act"))
        #expect(try requester.collect(["x-1"])["x-1"]?.first?.finalJSON?["verdict"] != nil)
        gdpr.kill(SIGCONT)
        let answered = try requester.collect(["g-1", "g-2", "g-3"])
        for id in ["g-1", "g-2", "g-3"] {
            #expect(answered[id]?.count == 1 && answered[id]?.first?.finalJSON?["verdict"] != nil, "\(id): \(String(describing: answered[id]))")
        }
        try requester.send("s-2", body: try exampleBody(Self.files[5], id: "s-2"))
        #expect(try requester.collect(["s-2"])["s-2"]?.first?.finalJSON?["verdict"] != nil)
        let counters = try cluster.broker.stopBroker()
        #expect(refusalCounts(counters)["overloaded"] == 2, "\(counters)")
    }

    @Test func bodiesOverTheConfiguredDepthStringAndListLimitsAreRefusedAsInvalidJSON() throws {
        let cluster = try Cluster(extraConfig: "  max_json_depth: 5\n  max_string_bytes: 2048\n  max_list_items: 64\n")
        let requester = Requester(socket: try cluster.dealer())
        defer { requester.socket.close() }
        // The examples nest at most 4 deep, have strings of at most ~1 KB and lists of at most 29 items.
        let head = #"{"schema_version":"1.0","screening_date":"2026-11-27","requester":{"organisation":"Aarhus Kommune","department":"IT"}"#
        let deep = String(repeating: "[", count: 12) + String(repeating: "]", count: 12)
        let long = String(repeating: "x", count: 3_000)
        let wide = (0..<100).map { "\"c\($0)\"" }.joined(separator: ",")
        let bodies = [
            "deep": head + #","request_id":"deep","tool":{"name":"T","x":\#(deep)}}"#,
            "long": head + #","request_id":"long","tool":{"name":"\#(long)"}}"#,
            "wide": head + #","request_id":"wide","ai":{"capabilities":[\#(wide)]}}"#,
        ]
        for (id, body) in bodies { try requester.send(id, body: Array(body.utf8)) }
        try requester.send("fine", body: try exampleBody(Self.files[0], id: "fine"))
        let replies = try requester.collect(Set(bodies.keys).union(["fine"]))
        for id in bodies.keys {
            #expect(Self.code(replies, id) == "invalid-json", "\(id): \(String(describing: replies[id]))")
            #expect(replies[id]?.count == 1)
        }
        #expect(Self.message(replies, "deep").contains("nesting deeper than 5 levels"), "\(Self.message(replies, "deep"))")
        #expect(Self.message(replies, "long").contains("string longer than 2048 bytes"), "\(Self.message(replies, "long"))")
        #expect(Self.message(replies, "wide").contains("array has more than 64 elements"), "\(Self.message(replies, "wide"))")
        #expect(replies["fine"]?.first?.finalJSON?["verdict"] != nil, "\(String(describing: replies["fine"]))")
        let counters = try cluster.broker.stopBroker()
        #expect(refusalCounts(counters)["invalid-json"] == 3, "\(counters)")
    }

    @Test func aMessageOverTheConfiguredSizeIsRefusedAsTooLarge() throws {
        let cluster = try Cluster(extraConfig: "  max_message_bytes: 8192\n")
        let requester = Requester(socket: try cluster.dealer())
        defer { requester.socket.close() }
        // About 9 KB: over the configured 8 KiB, far under the default 1 MiB. The examples are about 5 KB.
        let padded = try exampleBody(Self.files[0], id: "big").dropLast(2) + Array(#","notes":"\#(String(repeating: "n", count: 4_000))"}"#.utf8)
        try requester.send("big", body: Array(padded))
        // Example 14's pack results are small enough for the workers' FINALs to stay under the limit too.
        let small = try #require(Self.files.first { $0.contains("14-") })
        try requester.send("fine", body: try exampleBody(small, id: "fine"))
        let replies = try requester.collect(["big", "fine"])
        #expect(Self.code(replies, "big") == "too-large", "\(String(describing: replies["big"]))")
        #expect(Self.message(replies, "big").contains("the limit is 8192"))
        #expect(replies["fine"]?.first?.finalJSON?["verdict"] != nil, "\(String(describing: replies["fine"]))")
        let counters = try cluster.broker.stopBroker()
        #expect(refusalCounts(counters)["too-large"] == 1, "\(counters)")
    }

    /// A frame over `ZMQ_MAXMSGSIZE` (twice the configured limit, PROTOCOL.md §3.4) never reaches the broker:
    /// libzmq drops that connection without a reply. The broker stays up, and other clients are served.
    @Test func aFrameOverTheTransportGuardDropsOnlyThatConnection() throws {
        let cluster = try Cluster(extraConfig: "  max_message_bytes: 8192\n")
        let hostile = Requester(socket: try cluster.dealer())
        let requester = Requester(socket: try cluster.dealer())
        defer {
            hostile.socket.close()
            requester.socket.close()
        }
        try hostile.send("huge", body: Array(repeating: UInt8(ascii: " "), count: 20_000) + Array("{}".utf8))
        var replies: [String: [BrokerReply]] = [:]
        try hostile.receive(for: 1.0, into: &replies)
        #expect(replies.isEmpty, "a dropped connection gets no reply: \(replies)")
        let small = try #require(Self.files.first { $0.contains("14-") })
        try requester.send("after", body: try exampleBody(small, id: "after"))
        #expect(try requester.collect(["after"])["after"]?.first?.finalJSON?["verdict"] != nil)
        let counters = try cluster.broker.stopBroker()
        #expect(counters["requests_accepted"] == .int(1), "only the valid request was accepted: \(counters)")
    }
}
