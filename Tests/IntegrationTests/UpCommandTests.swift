import Foundation
import RulePacks
import RulesEngine
import Testing
import Wire
import ZeroMQ

/// `aiscreen up`, the embedded default: broker and worker threads in one process.
@Suite(.serialized)
struct UpCommandTests {
    /// "ready" means ready: requests sent the moment it is printed are screened by every pack, exactly as in
    /// process — none finds a pack without workers (which would be answered needs-review and journaled so).
    @Test func requestsSentTheMomentUpIsReadyAreScreenedByEveryPackExactlyAsInProcess() throws {
        let journal = NSTemporaryDirectory() + "aiscreen-up-\(UUID().uuidString).sqlite"
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: journal + suffix) } }
        let up = try Child([
            "up", "--client", "tcp://127.0.0.1:*", "--worker", "tcp://127.0.0.1:*", "--publish", "tcp://127.0.0.1:*", "--journal", journal,
        ])
        defer {
            up.kill(SIGTERM)
            _ = up.exitStatus(within: 10)
        }
        let ready = try JSONParser().parse(try up.line { $0.contains("\"ready\"") })
        guard case .string(let endpoint)? = ready["client"] else {
            Issue.record("unexpected ready event: \(ready)")
            return
        }
        #expect(ready["worker"] == .null, "without keys a fresh up opens no TCP worker endpoint (its workers are in-process)")
        let context = try ZMQContext()
        defer { context.terminate() }
        let socket = try dealer(context, connectedTo: endpoint)
        defer { socket.close() }
        let requester = Requester(socket: socket)
        // Asked at once, the broker already has every worker of workers/*.yaml (2 per pack).
        for pack in ["ai-act", "gdpr", "workplace"] {
            try requester.send("mmi-\(pack)", body: Array(#"{"service":"pack.\#(pack)"}"#.utf8), service: .mmiService)
        }
        let status = try requester.collect(["mmi-ai-act", "mmi-gdpr", "mmi-workplace"])
        for (id, list) in status {
            guard case .final(_, _, let body)? = list.first else {
                Issue.record("\(id): \(list)")
                continue
            }
            #expect(try JSONParser().parse(body)["workers"] == .int(2), "\(id): \(String(decoding: body, as: UTF8.self))")
        }
        var bodies: [String: [UInt8]] = [:]
        for (n, file) in try Repo.exampleRequests().enumerated() {
            let id = "up-\(n)"
            bodies[id] = try exampleBody(file, id: id)
            try requester.send(id, body: bodies[id] ?? [])
        }
        let replies = try requester.collect(Set(bodies.keys))
        let expected = try screenInProcess(bodies, config: Repo.path("config/aiscreen.yaml"))
        for (id, _) in bodies {
            guard case .final(_, _, let body)? = replies[id]?.first, replies[id]?.count == 1 else {
                Issue.record("\(id): \(String(describing: replies[id]))")
                continue
            }
            let text = String(decoding: body, as: UTF8.self)
            #expect(!text.contains("no-workers"), "\(id) found a pack without workers")
            #expect(text == expected[id], "\(id): differs from in-process screening")
        }
    }

    /// `aiscreen status` asks a running broker which revisions are active and how many workers serve each.
    @Test func statusShowsTheActiveRevisionsAndTheirWorkersAndFailsWithoutABroker() throws {
        let journal = NSTemporaryDirectory() + "aiscreen-up-\(UUID().uuidString).sqlite"
        defer { for suffix in ["", "-wal", "-shm", ".head"] { try? FileManager.default.removeItem(atPath: journal + suffix) } }
        let up = try Child(["up", "--client", "tcp://127.0.0.1:*", "--publish", "tcp://127.0.0.1:*", "--journal", journal, "--http", "off"])
        let ready = try JSONParser().parse(try up.line { $0.contains("\"ready\"") })
        let endpoint = try #require(ready["client"].flatMap { if case .string(let s) = $0 { s } else { nil } })
        let status = try runCommand(["status", "--connect", endpoint])
        #expect(status.status == 0, "\(status.err)")
        let rows = status.out.split(separator: "\n").map(String.init)
        #expect(rows.first?.hasPrefix("PACK") == true)
        for pack in ["ai-act", "gdpr", "workplace"] {
            let digest = try #require(PackLoader().load(directory: Repo.path("rules/\(pack)")).pack?.version)
            #expect(rows.contains { $0.hasPrefix(pack + " ") && $0.contains(" \(digest) ") && $0.contains(": 2") }, "\(status.out)")
        }
        up.kill(SIGTERM)
        _ = up.exitStatus(within: 10)
        let gone = try runCommand(["status", "--connect", endpoint, "--timeout-ms", "300"])
        #expect(gone.status != 0 && gone.err.contains("no answer from the broker"), "\(gone.err)")
    }
}
