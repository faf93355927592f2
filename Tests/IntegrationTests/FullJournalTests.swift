import Foundation
import RulesEngine
import Testing
import Wire
import ZeroMQ

/// The broker's journal runs full (`journal.max_bytes`, which makes SQLite fail with its real SQLITE_FULL, as a
/// full disk does): the broker refuses what it cannot record with a clear error, answers nothing it has not
/// recorded, stays up, keeps the journal intact, and accepts again once space is freed.
@Suite(.serialized, .timeLimit(.minutes(3)))
struct FullJournalTests {
    @Test func aFullJournalRefusesNewRequestsClearlyAndEveryAnsweredVerdictIsInIt() throws {
        let journal = NSTemporaryDirectory() + "aiscreen-full-journal-\(UUID().uuidString).sqlite"
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: journal + suffix) } }
        // 64 pages of 4 KiB; the empty journal takes 13, a screening of example 14 about two.
        let cluster = try Cluster(extraConfig: "journal:\n  path: \(journal)\n  max_bytes: 262144\n")
        let requester = Requester(socket: try cluster.dealer())
        defer { requester.socket.close() }
        let file = try #require(try Repo.exampleRequests().first { $0.contains("14-") })

        // Screen until the journal has refused five requests.
        var finals: [String: [UInt8]] = [:]
        var refused: [String] = []
        var bodies: [String: [UInt8]] = [:]
        for n in 0..<400 where refused.count < 5 {
            let id = "full-\(n)"
            bodies[id] = try exampleBody(file, id: id)
            try requester.send(id, body: bodies[id] ?? [])
            let replies = try requester.collect([id])[id] ?? []
            #expect(replies.count == 1, "\(id) answered \(replies.count) times")
            switch replies.first {
            case .final(_, _, let body)?:
                finals[id] = body
            case .error(_, _, let code, let message)?:
                #expect(code == .internalError, "\(id): \(code) \(message)")
                #expect(message.contains("the journal is full"), "\(id): \(message)")
                refused.append(id)
            default:
                Issue.record("\(id): \(String(describing: replies.first))")
            }
        }
        #expect(refused.count == 5, "the journal never ran full")
        #expect(finals.count >= 5, "the cap left room for only \(finals.count) screenings")

        // Nothing was answered that the journal does not hold: each FINAL is stored byte for byte.
        for (id, body) in finals {
            let (status, stored) = try PythonClientAndRestartTests.run([Repo.binary, "verdict", id, "--json", "--journal", journal])
            #expect(status == 0, "\(id) is not in the journal")
            #expect(stored == String(decoding: body, as: UTF8.self), "\(id): the journal holds other bytes than the client got")
        }
        // The broker is still up: it serves verdict.get from the full journal.
        let some = try #require(finals.keys.sorted().first)
        try requester.send("get-1", body: Array(#"{"request_id":"\#(some)"}"#.utf8), service: .verdictGet)
        if case .final(_, _, let body)? = try requester.collect(["get-1"])["get-1"]?.first {
            #expect(body == finals[some])
        } else {
            Issue.record("verdict.get gave no FINAL")
        }
        let (verified, report) = try PythonClientAndRestartTests.run([Repo.binary, "journal", "verify", "--journal", journal])
        #expect(verified == 0 && report.hasPrefix("OK"), "\(report)")

        // The operator frees space; the broker tries the journal again by itself (one request a second).
        let (pruned, summary) = try PythonClientAndRestartTests.run([Repo.binary, "journal", "prune", "--older-than-days", "0", "--journal", journal])
        #expect(pruned == 0 && summary.hasPrefix("pruned"), "\(summary)")
        var accepted: String?
        for n in 0..<100 where accepted == nil {
            let id = "after-prune-\(n)"
            bodies[id] = try exampleBody(file, id: id)
            try requester.send(id, body: bodies[id] ?? [])
            if case .final? = try requester.collect([id])[id]?.first { accepted = id } else { Thread.sleep(forTimeInterval: 0.2) }
        }
        #expect(accepted != nil, "the broker did not accept requests again after the prune")
        // A refused request, retried with the same id and body, now gets its verdict.
        let first = try #require(refused.first)
        try requester.send(first, body: bodies[first] ?? [])
        let retried = try requester.collect([first])[first]?.first
        #expect(retried?.finalJSON?["verdict"] != nil, "\(first): \(String(describing: retried))")

        let counters = try cluster.broker.stopBroker()
        #expect((refusalCounts(counters)["internal"] ?? 0) >= Int64(refused.count), "\(counters)")
        let (intact, after) = try PythonClientAndRestartTests.run([Repo.binary, "journal", "verify", "--journal", journal])
        #expect(intact == 0 && after.hasPrefix("OK"), "\(after)")
    }
}
