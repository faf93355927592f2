import Foundation
import RulesEngine
import Testing
import Wire
import ZeroMQ

/// The running system: `aiscreen broker` and `aiscreen worker` processes on loopback.
@Suite(.serialized, .timeLimit(.minutes(3)))
struct BrokerIntegrationTests {
    /// Also with the broker's idle spin on (`broker.idle_spin_us`), where its loop polls without sleeping.
    @Test(arguments: ["", "  idle_spin_us: 2000"])
    func screeningTheExamplesThroughTheBrokerGivesExactlyTheInProcessResult(brokerConfig: String) throws {
        let cluster = try Cluster(extraConfig: brokerConfig)
        let requester = Requester(socket: try cluster.dealer())
        defer { requester.socket.close() }
        let files = try Repo.exampleRequests()
        var ids: [String: String] = [:]
        for file in files {
            let id = "example-" + (file as NSString).lastPathComponent
            ids[id] = file
            try requester.send(id, body: try exampleBody(file, id: id))
        }
        let replies = try requester.collect(Set(ids.keys))
        for (id, file) in ids {
            let inProcess = Process()
            inProcess.executableURL = URL(fileURLWithPath: Repo.binary)
            inProcess.currentDirectoryURL = Repo.root
            let tmp = NSTemporaryDirectory() + id
            try Data(try exampleBody(file, id: id)).write(to: URL(fileURLWithPath: tmp))
            inProcess.arguments = ["screen", "--json", "--config", cluster.configPath, tmp]
            let out = Pipe()
            inProcess.standardOutput = out
            try inProcess.run()
            let expected = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).trimmingCharacters(in: .newlines)
            inProcess.waitUntilExit()
            try? FileManager.default.removeItem(atPath: tmp)
            guard case .final(_, _, let body)? = replies[id]?.first else {
                Issue.record("\(id): \(String(describing: replies[id]))")
                continue
            }
            #expect(String(decoding: body, as: UTF8.self) == expected, "\(id)")
            #expect(replies[id]?.count == 1)
        }
    }

    @Test func aThousandPipelinedRequestsFromSeveralClientsGetExactlyOneReplyEach() throws {
        let cluster = try Cluster(workers: ["ai-act": 2, "gdpr": 2, "workplace": 2])
        let files = try Repo.exampleRequests()
        let clients = try (0..<4).map { _ in Requester(socket: try cluster.dealer()) }
        defer { clients.forEach { $0.socket.close() } }
        var expected: [[String]] = Array(repeating: [], count: clients.count)
        for i in 0..<1_000 {
            let id = "pipe-\(i)"
            let c = i % clients.count
            expected[c].append(id)
            try clients[c].send(id, body: try exampleBody(files[i % files.count], id: id))
        }
        for (c, client) in clients.enumerated() {
            let replies = try client.collect(Set(expected[c]))
            #expect(replies.count == expected[c].count)
            #expect(replies.values.allSatisfy { $0.count == 1 })
            #expect(replies.values.allSatisfy { $0.first?.finalJSON != nil })
        }
    }

    @Test func killingABusyWorkerLosesNoVerdict() throws {
        // The default 1 s heartbeat: on a busy 2-core machine a surviving worker starved of CPU for 600 ms must
        // not be taken for dead too (its tickets would then be lost a second time).
        let cluster = try Cluster(workers: ["ai-act": 1, "gdpr": 2, "workplace": 1], heartbeatMs: 1_000)
        let requester = Requester(socket: try cluster.dealer())
        defer { requester.socket.close() }
        let files = try Repo.exampleRequests()
        var ids = Set<String>()
        for i in 0..<600 {
            let id = "kill-\(i)"
            ids.insert(id)
            try requester.send(id, body: try exampleBody(files[i % files.count], id: id), service: try .pack("gdpr"))
        }
        cluster.workers["gdpr"]?[0].kill(SIGKILL)
        let replies = try requester.collect(ids)
        #expect(replies.count == ids.count)
        for (id, list) in replies {
            #expect(list.count == 1, "\(id)")
            #expect(list.first?.finalJSON?["verdict"] != nil, "\(id): \(String(describing: list.first))")
        }
    }

    @Test func withoutWorkersForAPackTheScreeningIsNeedsReviewNamingThePack() throws {
        let cluster = try Cluster()
        for worker in cluster.workers["gdpr"] ?? [] { worker.kill(SIGKILL) }
        let requester = Requester(socket: try cluster.dealer())
        defer { requester.socket.close() }
        // Example 14 (building energy, no personal data) is approved with every pack present.
        let file = try #require(try Repo.exampleRequests().first { $0.contains("14-") })
        // Wait until the broker has noticed (3 heartbeats), then screen.
        Thread.sleep(forTimeInterval: 1.0)
        try requester.send("no-gdpr", body: try exampleBody(file, id: "no-gdpr"))
        let reply = try #require(try requester.collect(["no-gdpr"])["no-gdpr"]?.first)
        let json = try #require(reply.finalJSON)
        #expect(json["verdict"] == .string("needs-review"))
        #expect(JSONWriter.string(json["errors"] ?? .null).contains("gdpr"))
    }

    @Test func badInputGetsAClearErrorOrACountedDropAndValidTrafficContinues() throws {
        let cluster = try Cluster()
        let socket = try cluster.dealer()
        defer { socket.close() }
        let requester = Requester(socket: socket)
        let valid = try exampleBody(try Repo.exampleRequests()[0], id: "valid-after")
        // Dropped without reply: wrong header, missing delimiter, garbage.
        try socket.send([[], Array("MDPC02".utf8), [1], Array("screen".utf8), Array("x".utf8)])
        try socket.send([Array("garbage".utf8)])
        // Answered with an error.
        try socket.send([[], Array("AISC01".utf8), [1], Array("screen".utf8), Array("bad-deadline".utf8), Array("soon".utf8), [], valid])
        try requester.send("bad-json", body: Array("{oops".utf8))
        try requester.send("bad-schema", body: Array(#"{"schema_version":"1.0","request_id":"s","screening_date":"2026-11-27","data":{"special_categories":["helth"]}}"#.utf8))
        try requester.send("bad-service", body: valid, service: try ServiceName("pack.tax"))
        try requester.send("too-big", body: Array(#"{"schema_version":"1.0","request_id":"b","screening_date":"2026-11-27","tool":{"description":"\#(String(repeating: "x", count: 1_100_000))"}}"#.utf8))
        try requester.send("valid-after", body: valid)
        let replies = try requester.collect(["bad-deadline", "bad-json", "bad-schema", "bad-service", "too-big", "valid-after"])
        func code(_ id: String) -> String? {
            if case .error(_, _, let code, _)? = replies[id]?.first { return code.rawValue }
            return nil
        }
        #expect(code("bad-deadline") == "malformed")
        #expect(code("bad-json") == "invalid-json")
        #expect(code("bad-schema") == "schema-violation")
        #expect(code("bad-service") == "unknown-service")
        #expect(code("too-big") == "too-large")
        #expect(replies["valid-after"]?.first?.finalJSON?["verdict"] != nil)
        if case .error(_, _, _, let message)? = replies["bad-schema"]?.first {
            #expect(message.contains("$.data.special_categories[0]"))
        }
    }

    @Test func aSubscriberSeesEveryVerdictWithoutASequenceGap() throws {
        let cluster = try Cluster()
        let subscriber = try cluster.context.socket(.sub)
        defer { subscriber.close() }
        try subscriber.set(.linger, to: 0)
        try subscriber.set(.receiveTimeout, to: 15_000)
        try subscriber.subscribe("verdict.")
        try subscriber.connect(cluster.publish)
        let requester = Requester(socket: try cluster.dealer())
        defer { requester.socket.close() }
        // The subscription must reach the broker before the first verdict: probe until one arrives.
        let files = try Repo.exampleRequests()
        var probe = 0
        while true {
            probe += 1
            let id = "probe-\(probe)"
            try requester.send(id, body: try exampleBody(files[0], id: id))
            _ = try requester.collect([id])
            try subscriber.set(.receiveTimeout, to: 200)
            if try subscriber.receiveMultipart() != nil { break }
            #expect(probe < 50)
            if probe >= 50 { return }
        }
        try subscriber.set(.receiveTimeout, to: 15_000)
        while try subscriber.receiveMultipart(flags: .dontWait) != nil {}
        var ids = Set<String>()
        for i in 0..<300 {
            let id = "watched-\(i)"
            ids.insert(id)
            try requester.send(id, body: try exampleBody(files[i % files.count], id: id))
        }
        _ = try requester.collect(ids)
        var seqs: [Int64] = []
        var seen = Set<String>()
        while seen.count < ids.count {
            guard let frames = try subscriber.receiveMultipart() else { break }
            #expect(frames.count == 2)
            let topic = String(decoding: frames[0], as: UTF8.self)
            let body = try JSONParser().parse(frames[1])
            guard case .int(let seq)? = body["seq"], case .string(let id)? = body["request_id"], case .string(let verdict)? = body["verdict"] else {
                Issue.record("bad published body")
                break
            }
            #expect(topic.hasPrefix("verdict.\(verdict)."))
            seqs.append(seq)
            seen.insert(id)
        }
        #expect(seen == ids)
        #expect(zip(seqs, seqs.dropFirst()).allSatisfy { $1 == $0 + 1 }, "sequence gap")
    }

    @Test func theBrokerStopsCleanlyOnSigterm() throws {
        let cluster = try Cluster(workers: [:])
        cluster.broker.kill(SIGTERM)
        #expect(cluster.broker.exitStatus(within: 10) == 0)
    }
}
