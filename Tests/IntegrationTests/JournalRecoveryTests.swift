import Foundation
import RulesEngine
import Testing
import Wire
import ZeroMQ

/// The broker with its journal: nothing acknowledged is lost across kill -9, and retries get the same bytes.
@Suite(.serialized, .timeLimit(.minutes(3)))
struct JournalRecoveryTests {
    @Test func killingTheBrokerUnderLoadLosesNoAcknowledgedVerdictAndRetriesGetTheSameBytes() throws {
        let journal = NSTemporaryDirectory() + "aiscreen-journal-\(UUID().uuidString).sqlite"
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: journal + suffix) } }
        let cluster = try Cluster(workers: ["ai-act": 1, "gdpr": 1, "workplace": 1], extraConfig: "journal:\n  path: \(journal)\n")
        let files = try Repo.exampleRequests()
        let requester = Requester(socket: try cluster.dealer())
        defer { requester.socket.close() }
        // A first batch, fully answered before the crash.
        var answered: [String: [UInt8]] = [:]
        var bodies: [String: [UInt8]] = [:]
        for i in 0..<40 {
            let id = "before-\(i)"
            bodies[id] = try exampleBody(files[i % files.count], id: id)
            try requester.send(id, body: bodies[id] ?? [])
        }
        for (id, replies) in try requester.collect(Set(bodies.keys)) {
            if case .final(_, _, let body)? = replies.first { answered[id] = body }
        }
        #expect(answered.count == 40)
        // A second batch in flight when the broker dies.
        for i in 0..<300 {
            let id = "during-\(i)"
            bodies[id] = try exampleBody(files[i % files.count], id: id)
            try requester.send(id, body: bodies[id] ?? [])
        }
        cluster.broker.kill(SIGKILL)
        _ = cluster.broker.exitStatus()
        // Restart on the same endpoints and journal; the workers re-register by themselves.
        let restarted = try Child(["broker", "--insecure", "--config", cluster.configPath, "--client", cluster.client, "--worker", cluster.worker, "--publish", cluster.publish])
        _ = try restarted.line { $0.contains("\"listening\"") }
        for pack in ["ai-act", "gdpr", "workplace"] { try cluster.waitForWorkers(pack, count: 1) }
        // Every client retries every id with the same body.
        let retry = Requester(socket: try cluster.dealer())
        defer { retry.socket.close() }
        for (id, body) in bodies { try retry.send(id, body: body) }
        let replies = try retry.collect(Set(bodies.keys))
        #expect(replies.count == bodies.count)
        for (id, list) in replies {
            #expect(list.count == 1, "\(id) answered \(list.count) times")
            guard case .final(_, _, let body)? = list.first else {
                Issue.record("\(id): \(String(describing: list.first))")
                continue
            }
            if let before = answered[id] { #expect(body == before, "\(id) got different bytes after the restart") }
        }
        // The same id with another body is a conflict, also after the restart.
        try retry.send("before-0", body: try exampleBody(files[5], id: "before-0-changed"))
        if case .error(_, _, let code, _)? = try retry.collect(["before-0"])["before-0"]?.first {
            #expect(code == .conflict)
        } else {
            Issue.record("expected a conflict")
        }
        // A client that lost its connection fetches a verdict by id (verdict.get), byte for byte.
        try retry.send("fetch-1", body: Array(#"{"request_id":"before-1"}"#.utf8), service: .verdictGet)
        if case .final(_, _, let body)? = try retry.collect(["fetch-1"])["fetch-1"]?.first {
            #expect(body == answered["before-1"])
        } else {
            Issue.record("verdict.get gave no FINAL")
        }
        try retry.send("fetch-2", body: Array(#"{"request_id":"never-sent"}"#.utf8), service: .verdictGet)
        if case .error(_, _, let code, _)? = try retry.collect(["fetch-2"])["fetch-2"]?.first {
            #expect(code == .unknownRequest)
        } else {
            Issue.record("verdict.get of an unknown id is not an error")
        }
        restarted.kill(SIGTERM)
        #expect(restarted.exitStatus(within: 10) == 0)
        let verify = try Child(["journal", "verify", "--journal", journal])
        #expect(verify.exitStatus(within: 30) == 0)
        #expect(try verify.line { $0.hasPrefix("OK") }.hasPrefix("OK"))
    }
}
