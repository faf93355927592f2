import Foundation
import RulesEngine
import Testing
import Wire
import ZeroMQ

/// A transient fault (a worker restarting, a pack without a worker for a moment) is never a verdict of record.
@Suite(.serialized, .timeLimit(.minutes(3)))
struct TransientFaultTests {
    @Test func theOnlyWorkerOfAPackKilledAndRestartedUnderLoadLeavesNoFailClosedAnswer() throws {
        let cluster = try Cluster(heartbeatMs: 1_000)
        let requester = Requester(socket: try cluster.dealer())
        defer { requester.socket.close() }
        let files = try Repo.exampleRequests()
        var bodies: [String: [UInt8]] = [:]
        var replies: [String: [BrokerReply]] = [:]
        for i in 0..<150 {
            let id = "restart-\(i)"
            bodies[id] = try exampleBody(files[i % files.count], id: id)
            try requester.send(id, body: bodies[id] ?? [], deadlineMs: 30_000)
        }
        // kill -9 the only gdpr worker while it is busy, and start a new one a second later.
        try requester.receive(for: 0.2, into: &replies)
        let victim = try #require(cluster.workers["gdpr"]?.first)
        cluster.workers["gdpr"]?.removeFirst()
        victim.kill(SIGKILL)
        // The broker notices (three missed heartbeats) while tickets wait: there is no gdpr worker at all now. More
        // requests arrive meanwhile; only then does the new worker start.
        try cluster.waitForWorkers("gdpr", "no") { $0 == 0 }
        for i in 150..<200 {
            let id = "restart-\(i)"
            bodies[id] = try exampleBody(files[i % files.count], id: id)
            try requester.send(id, body: bodies[id] ?? [], deadlineMs: 30_000)
        }
        try requester.receive(for: 1.0, into: &replies)
        try cluster.startWorkers("gdpr")
        for (id, list) in try requester.collect(Set(bodies.keys).subtracting(replies.keys)) { replies[id, default: []] += list }
        let expected = try screenInProcess(bodies, config: cluster.configPath)
        for (id, _) in bodies {
            guard case .final(_, _, let body)? = replies[id]?.first else {
                Issue.record("\(id): \(String(describing: replies[id]))")
                continue
            }
            // Not a fail-closed needs-review "no worker": exactly the in-process verdict.
            #expect(String(decoding: body, as: UTF8.self) == expected[id], "\(id): \(String(decoding: body, as: UTF8.self).prefix(300))")
        }
        let counters = try cluster.broker.stopBroker()
        #expect(counters["failed_closed"] == .int(0), "\(counters)")
    }

    @Test func anErrorAndAFailClosedAnswerAreJournaledProvisionalNotReEvaluatedAtRestartAndARetryMakesTheVerdictOfRecord() throws {
        let journal = NSTemporaryDirectory() + "aiscreen-transient-\(UUID().uuidString).sqlite"
        defer { for suffix in ["", "-wal", "-shm", ".lock", ".head"] { try? FileManager.default.removeItem(atPath: journal + suffix) } }
        let cluster = try Cluster(workers: ["ai-act": 1, "workplace": 1], extraConfig: "journal:\n  path: \(journal)\n")
        let requester = Requester(socket: try cluster.dealer())
        defer { requester.socket.close() }
        let file = Repo.path("examples/requests/08-spell-grammar-checker.json")
        let pack = try exampleBody(file, id: "err-1")
        let screen = try exampleBody(file, id: "prov-1")
        try requester.send("err-1", body: pack, service: try .pack("gdpr"), deadlineMs: 800)
        try requester.send("prov-1", body: screen, deadlineMs: 800)
        let first = try requester.collect(["err-1", "prov-1"])
        guard case .error(_, _, let code, _)? = first["err-1"]?.first else { throw HarnessError(description: "\(first)") }
        #expect(code == .noWorkers)
        let provisional = try #require(first["prov-1"]?.first?.finalJSON)
        #expect(provisional["verdict"] == .string("needs-review"))

        // What the journal shows: the provisional answers, said to be provisional.
        let shown = try runCommand(["verdict", "prov-1", "--journal", journal])
        #expect(shown.status == 0, "\(shown.err)")
        #expect(shown.out.contains("provisional") && shown.err.contains("no verdict of record yet"), "\(shown.out.prefix(300)) \(shown.err)")
        let history = try runCommand(["history", "--journal", journal])
        #expect(history.out.contains("needs-review (provisional)"), "\(history.out)")

        // A broker restart re-dispatches only requests that got no answer: neither of these.
        try cluster.restartBroker()
        try cluster.startWorkers("gdpr")
        try cluster.waitForWorkers("gdpr", count: 1)
        Thread.sleep(forTimeInterval: 1.0)
        let still = try runCommand(["verdict", "err-1", "--journal", journal, "--json"])
        #expect(try JSONParser().parse(still.out)["code"] == .string("no-workers"), "err-1 was evaluated again at the restart: \(still.out)")

        // Retries of the same ids evaluate the failed packs: now the verdicts of record.
        let again = Requester(socket: try cluster.dealer())
        defer { again.socket.close() }
        try again.send("err-1", body: pack, service: try .pack("gdpr"))
        try again.send("prov-1", body: screen)
        let second = try again.collect(["err-1", "prov-1"])
        #expect(second["err-1"]?.first?.finalJSON?["verdict"] != nil, "\(second)")
        guard case .final(_, _, let bytes)? = second["prov-1"]?.first else { throw HarnessError(description: "\(second)") }
        let expected = try screenInProcess(["prov-1": screen], config: cluster.configPath)
        #expect(String(decoding: bytes, as: UTF8.self) == expected["prov-1"])
        let record = try runCommand(["verdict", "prov-1", "--journal", journal, "--json"])
        #expect(record.out == String(decoding: bytes, as: UTF8.self), "the verdict of record is not the complete answer")
        #expect(!record.err.contains("no verdict of record"))
        let verified = try runCommand(["journal", "verify", "--journal", journal])
        #expect(verified.status == 0 && verified.out.hasPrefix("OK"), "\(verified.out) \(verified.err)")
    }
}
