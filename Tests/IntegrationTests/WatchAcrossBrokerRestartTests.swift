import Foundation
import RulesEngine
import Testing
import Wire
import ZeroMQ

/// `aiscreen watch` as a process while the broker (with a journal) is killed and restarted on the same endpoints:
/// it keeps printing verdicts without being restarted, says when a new broker run begins, and reports exactly
/// the gaps there were.
@Suite(.serialized, .timeLimit(.minutes(3)))
struct WatchAcrossBrokerRestartTests {
    @Test func watchFollowsTheBrokerAcrossKillAndSigtermRestartsAndReportsOnlyRealGaps() throws {
        let journal = NSTemporaryDirectory() + "aiscreen-watch-journal-\(UUID().uuidString).sqlite"
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: journal + suffix) } }
        let cluster = try Cluster(extraConfig: "journal:\n  path: \(journal)\n")
        let watch = try Child(["watch", "--connect", cluster.publish], captureStandardError: true)
        let requester = Requester(socket: try cluster.dealer())
        defer { requester.socket.close() }
        let files = try Repo.exampleRequests()

        /// Screens one request and returns its verdict.
        func screen(_ id: String, _ n: Int) throws -> String {
            try requester.send(id, body: try exampleBody(files[n % files.count], id: id))
            guard case .string(let verdict)? = try requester.collect([id])[id]?.first?.finalJSON?["verdict"] else {
                throw HarnessError(description: "no FINAL for \(id)")
            }
            return verdict
        }
        /// The line watch printed for a request id, if it prints one within `seconds`.
        func watched(_ id: String, within seconds: Double) throws -> String? {
            try watch.firstLine(within: seconds) { $0.split(separator: " ").dropFirst(2).first.map(String.init) == id }
        }
        /// One broker run: screens requests one at a time until watch prints one (PUB drops what is published
        /// before the subscription reaches the broker), then one more, which must follow without a gap.
        /// - Returns: the seq of the first verdict watch saw in this run.
        func run(_ name: String) throws -> Int {
            var first: (seq: Int, line: String)?
            for n in 1...100 where first == nil {
                let id = "\(name)-\(n)"
                let verdict = try screen(id, n)
                if let line = try watched(id, within: 0.3) {
                    // This broker run has published exactly n verdicts, so this one has seq n.
                    #expect(line.hasPrefix("#\(n) verdict.\(verdict).") && line.hasSuffix(" \(id) \(verdict)"), "\(line)")
                    first = (n, line)
                }
            }
            let seen = try #require(first, "watch printed nothing for \(name)")
            let next = "\(name)-next"
            let verdict = try screen(next, seen.seq + 1)
            let line = try #require(try watched(next, within: 20), "watch did not print \(next)")
            #expect(line.hasPrefix("#\(seen.seq + 1) verdict.\(verdict).") && line.hasSuffix(" \(next) \(verdict)"), "\(line)")
            return seen.seq
        }

        let firstRun = try run("run1")
        // kill -9, then a restart on the very same endpoints and journal; the workers re-register by themselves.
        cluster.broker.kill(SIGKILL)
        #expect(cluster.broker.exitStatus() != nil)
        try cluster.restartBroker()
        for pack in ["ai-act", "gdpr", "workplace"] { try cluster.waitForWorkers(pack, count: 1) }
        let secondRun = try run("run2")
        // A clean stop (SIGTERM) and another restart.
        cluster.broker.kill(SIGTERM)
        #expect(cluster.broker.exitStatus(within: 10) == 0)
        try cluster.restartBroker()
        for pack in ["ai-act", "gdpr", "workplace"] { try cluster.waitForWorkers(pack, count: 1) }
        let thirdRun = try run("run3")

        #expect(watch.process.isRunning, "watch exited")
        watch.kill(SIGINT)
        #expect(watch.exitStatus(within: 10) == 0)
        // Every stdout line is a verdict of ours, none twice.
        let printed = watch.output
        #expect(Set(printed).count == printed.count, "watch printed a verdict twice: \(printed)")
        // stderr: a new run at each restart, and a gap only for the verdicts really published before watch had
        // re-subscribed (seq 1 … first-1 of that run); never a gap across the restart, never "seq went back".
        var expected: [String] = []
        _ = firstRun  // the first message watch ever sees carries no note
        for first in [secondRun, thirdRun] {
            expected.append("new broker run")
            if first > 1 { expected.append("gap: missed \(first - 1) verdict\(first == 2 ? "" : "s") (seq 1…\(first - 1))") }
        }
        let notes = watch.errorOutput
        #expect(notes.count == expected.count, "watch said: \(notes)")
        for (note, start) in zip(notes, expected) { #expect(note.hasPrefix(start), "watch said: \(notes)") }
        let runs = notes.filter { $0.hasPrefix("new broker run ") }.map { $0.split(separator: " ")[3] }
        #expect(runs.count == 2 && runs[0] != runs[1], "\(notes)")
    }
}
