import Foundation
import RulesEngine
import Testing
import Wire
import ZeroMQ

/// Workers killed with SIGKILL again and again while a client keeps the broker busy: nothing is lost, nothing is
/// answered twice, and every verdict is exactly the in-process one.
@Suite(.serialized, .timeLimit(.minutes(3)))
struct WorkerKillUnderLoadTests {
    @Test func killingWorkersRepeatedlyUnderLoadLosesNothingAndAnswersEveryRequestOnceWithTheInProcessVerdict() throws {
        let packs = ["ai-act", "gdpr", "workplace"]
        // The default heartbeat (1 s × 3): a worker or broker starved of CPU on a busy machine is not taken for dead.
        let cluster = try Cluster(workers: ["ai-act": 2, "gdpr": 2, "workplace": 2], heartbeatMs: 1_000)
        let requester = Requester(socket: try cluster.dealer())
        defer { requester.socket.close() }
        let files = try Repo.exampleRequests()
        var bodies: [String: [UInt8]] = [:]
        var replies: [String: [BrokerReply]] = [:]
        var killed: [Child] = []
        var unnoticed = Set<String>()
        let rounds = 6
        for round in 0..<rounds {
            let pack = packs[round % packs.count]
            // The broker gives a dead worker's ticket to another worker only once (PROTOCOL.md §5.5). So that a
            // re-dispatched ticket never meets a second dead worker, a pack loses its next worker only after the
            // broker has noticed the previous death (three missed heartbeats); its replacement starts then.
            if unnoticed.remove(pack) != nil {
                try cluster.waitForWorkers(pack, "fewer than 2") { $0 < 2 }
                try cluster.startWorkers(pack)
            }
            // A pipelined batch, so that the workers are busy when one of them dies.
            for i in 0..<50 {
                let id = "kill9-\(round)-\(i)"
                bodies[id] = try exampleBody(files[(round * 50 + i) % files.count], id: id)
                try requester.send(id, body: bodies[id] ?? [])
            }
            // kill -9 the pack's oldest worker.
            let victim = try #require(cluster.workers[pack]?.first)
            cluster.workers[pack]?.removeFirst()
            victim.kill(SIGKILL)
            #expect(victim.exitStatus() != nil)
            killed.append(victim)
            unnoticed.insert(pack)
            // About 300 ms until the next kill, taking replies meanwhile.
            try requester.receive(for: 0.3, into: &replies)
        }
        for pack in unnoticed { try cluster.startWorkers(pack) }
        let open = Set(bodies.keys).subtracting(replies.keys)
        for (id, list) in try requester.collect(open) { replies[id, default: []] += list }
        // A last round trip on the same socket: a duplicate of any earlier reply would arrive before it.
        try requester.send("kill9-last", body: try exampleBody(files[0], id: "kill9-last"))
        for (id, list) in try requester.collect(["kill9-last"]) { replies[id, default: []] += list }

        #expect(killed.count == rounds)
        let expected = try screenInProcess(bodies, config: cluster.configPath)
        #expect(Set(replies.keys) == Set(bodies.keys).union(["kill9-last"]))
        var exact = 0
        for (id, _) in bodies {
            let list = replies[id] ?? []
            #expect(list.count == 1, "\(id) answered \(list.count) times")
            guard case .final(_, _, let body)? = list.first else {
                Issue.record("\(id): \(String(describing: list.first))")
                continue
            }
            let text = String(decoding: body, as: UTF8.self)
            #expect(text == expected[id], "\(id): the verdict differs from in-process screening")
            if text == expected[id] { exact += 1 }
        }
        #expect(exact == bodies.count)
        // The broker did notice the deaths and gave the dead workers' tickets to others.
        let counters = try cluster.broker.stopBroker()
        guard case .int(let expired)? = counters["workers_expired"] else {
            Issue.record("no workers_expired counter: \(counters)")
            return
        }
        #expect(expired >= Int64(rounds))
    }
}
