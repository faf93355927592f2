import Foundation
import RulesEngine
import Testing
import Wire
import ZeroMQ

/// The read-only HTTP server of `aiscreen broker` and `aiscreen up`, checked from outside with an independent Python
/// peer (urllib, and prometheus_client's text parser for /metrics).
@Suite(.serialized)
struct HTTPServerTests {
    static func temporary(_ name: String) -> String { NSTemporaryDirectory() + "aiscreen-http-\(UUID().uuidString)-\(name)" }

    static func removeJournal(_ path: String) {
        for suffix in ["", "-wal", "-shm", ".lock", ".head"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }

    @Test(.timeLimit(.minutes(4)))
    func readinessFollowsTheWorkersAndMetricsCountWhatWasSent() throws {
        let config = Self.temporary("config.yaml")
        let journal = Self.temporary("journal.sqlite")
        defer {
            try? FileManager.default.removeItem(atPath: config)
            Self.removeJournal(journal)
        }
        try "broker:\n  heartbeat_ms: 200\n  heartbeat_liveness: 3\n".write(toFile: config, atomically: true, encoding: .utf8)
        let broker = try Child(
            ["broker", "--insecure", "--config", config, "--client", "tcp://127.0.0.1:*", "--worker", "tcp://127.0.0.1:*",
             "--publish", "tcp://127.0.0.1:*", "--journal", journal, "--http", "127.0.0.1:0"], captureStandardError: true)
        defer {
            broker.kill(SIGTERM)
            _ = broker.exitStatus(within: 10)
        }
        let listening = try JSONParser().parse(try broker.line { $0.contains("\"listening\"") })
        let base = try #require(listening["http"]?.stringValue, "the listening line names the HTTP endpoint")
        let client = try #require(listening["client"]?.stringValue)
        let workerEndpoint = try #require(listening["worker"]?.stringValue)
        #expect(base.hasPrefix("http://127.0.0.1:") && !base.hasSuffix(":0"), "port 0 is resolved: \(base)")

        #expect(try HTTPPeer.get(base + "/healthz").status == 200)
        let notReady = try HTTPPeer.get(base + "/readyz")
        #expect(notReady.status == 503, "no worker yet")
        #expect(notReady.body["ready"] == .bool(false))
        let reasons = notReady.body["reasons"]?.arrayValue.compactMap(\.stringValue) ?? []
        for pack in ["ai-act", "gdpr", "workplace"] {
            #expect(reasons.contains { $0.hasPrefix("pack \(pack) ") && $0.hasSuffix("has no worker") }, "\(reasons)")
        }

        var workers: [String: Child] = [:]
        for pack in ["ai-act", "gdpr", "workplace"] {
            workers[pack] = try Child(["worker", "--pack", "rules/\(pack)", "--connect", workerEndpoint, "--config", config])
        }
        defer { for worker in workers.values { worker.kill() } }
        let ready = try HTTPPeer.wait(for: base + "/readyz", status: 200)
        #expect(ready["journal"] == .string("ok"))

        // Three screenings and one body that is not JSON.
        let context = try ZMQContext()
        defer { context.terminate() }
        let socket = try dealer(context, connectedTo: client)
        defer { socket.close() }
        let requester = Requester(socket: socket)
        let department = "Kultur og Borgerservice"
        for n in 1...3 { try requester.send("http-m-\(n)", body: try exampleRequest("01-aarhusai-chat-platform.json", id: "http-m-\(n)", department: department)) }
        try requester.send("http-m-bad", body: Array("{not json".utf8))
        let replies = try requester.collect(["http-m-1", "http-m-2", "http-m-3", "http-m-bad"])
        #expect(Requester.errorCode(replies["http-m-bad"]?.first) == "invalid-json")
        let verdict = try #require(replies["http-m-1"]?.first?.finalJSON?["verdict"]?.stringValue)

        // The feed reaches the server a moment after the replies.
        let end = Date().addingTimeInterval(10)
        var metrics = try HTTPPeer.metrics(base)
        while metrics.samples["aiscreen_feed_received_total{}"] != 3 && Date() < end {
            Thread.sleep(forTimeInterval: 0.2)
            metrics = try HTTPPeer.metrics(base)
        }
        let samples = metrics.samples
        #expect(samples["aiscreen_requests_total{outcome=accepted}"] == 3)
        #expect(samples["aiscreen_requests_total{outcome=answered}"] == 3)
        #expect(samples["aiscreen_refusals_total{code=invalid-json}"] == 1)
        #expect(samples["aiscreen_published_total{}"] == 3)
        #expect(samples["aiscreen_verdicts_total{verdict=\(verdict)}"] == 3)
        #expect(samples.filter { $0.key.hasPrefix("aiscreen_verdicts_total") }.values.reduce(0, +) == 3)
        #expect(samples["aiscreen_pack_verdicts_total{pack=gdpr,verdict=\(replies["http-m-1"]?.first?.finalJSON?["packs"]?["gdpr"]?["verdict"]?.stringValue ?? "?")}"] == 3)
        #expect(samples["aiscreen_screening_duration_seconds_count{}"] == 3)
        #expect(samples["aiscreen_feed_missed_total{}"] == 0)
        // By service, per pack and per journal commit.
        #expect(samples["aiscreen_service_requests_total{outcome=accepted,service=screen}"] == 3)
        #expect(samples["aiscreen_service_requests_total{outcome=answered,service=screen}"] == 3)
        for pack in ["ai-act", "gdpr", "workplace"] {
            #expect(samples["aiscreen_pack_answer_seconds_count{pack=\(pack)}"] == 3, "answer times of \(pack)")
            #expect(samples["aiscreen_pack_answer_seconds_bucket{le=+Inf,pack=\(pack)}"] == 3)
        }
        let commits = samples["aiscreen_journal_commit_seconds_count{}"] ?? 0
        #expect(commits >= 2, "acceptances and verdicts were committed")
        #expect(samples["aiscreen_journal_commit_records_count{}"] == commits)
        #expect((samples["aiscreen_journal_commit_records_sum{}"] ?? 0) >= 6, "3 acceptances and 3 verdicts at least")
        #expect(metrics.types["aiscreen_pack_answer_seconds"] == "histogram")
        #expect(metrics.types["aiscreen_journal_commit_records"] == "histogram")
        for pack in ["ai-act", "gdpr", "workplace"] {
            #expect(samples.contains { $0.key.hasPrefix("aiscreen_workers{pack=\(pack),version=") && $0.value == 1 }, "workers of \(pack)")
        }
        #expect(metrics.types["aiscreen_requests"] == "counter")
        #expect(metrics.types["aiscreen_workers"] == "gauge")
        #expect(metrics.types["aiscreen_screening_duration_seconds"] == "histogram")
        #expect(!samples.keys.contains { $0.contains("Kultur") || $0.contains("department") }, "departments are not labels")

        // The only gdpr worker dies: not ready until another one joins.
        workers["gdpr"]?.kill()
        let down = try HTTPPeer.wait(for: base + "/readyz", status: 503)
        #expect(down["reasons"]?.arrayValue.compactMap(\.stringValue).contains { $0.hasPrefix("pack gdpr ") } == true)
        workers["gdpr"] = try Child(["worker", "--pack", "rules/gdpr", "--connect", workerEndpoint, "--config", config])
        _ = try HTTPPeer.wait(for: base + "/readyz", status: 200)
        #expect(try HTTPPeer.metrics(base).samples.contains { $0.key.hasPrefix("aiscreen_workers{pack=gdpr,") && $0.value == 1 })

        // A taken port stops a second broker at start-up, naming the endpoint and the setting.
        let port = try #require(base.split(separator: ":").last.map(String.init))
        let second = try Child(
            ["broker", "--insecure", "--config", config, "--client", "tcp://127.0.0.1:*", "--worker", "tcp://127.0.0.1:*",
             "--publish", "tcp://127.0.0.1:*", "--http", "127.0.0.1:\(port)"], captureStandardError: true)
        #expect(second.exitStatus(within: 20) == 1)
        let complaint = second.errorOutput.joined(separator: "\n")
        #expect(complaint.contains("127.0.0.1:\(port)") && complaint.contains("http.endpoint"), "\(complaint)")
    }

    @Test func aNonLoopbackAddressNeedsHTTPPublic() throws {
        let broker = try Child(
            ["broker", "--client", "tcp://127.0.0.1:*", "--publish", "tcp://127.0.0.1:*", "--http", "0.0.0.0:0"], captureStandardError: true)
        #expect(broker.exitStatus(within: 20) == 1)
        let complaint = broker.errorOutput.joined(separator: "\n")
        #expect(complaint.contains("0.0.0.0:0 is not loopback") && complaint.contains("--http-public"), "\(complaint)")
        #expect(!broker.output.contains { $0.contains("\"listening\"") }, "it never listened")
    }

    @Test(.timeLimit(.minutes(4)))
    func screeningsComeFromTheJournalAndEventsResumeAcrossAReconnectAndARestart() throws {
        let journal = Self.temporary("journal.sqlite")
        defer { Self.removeJournal(journal) }
        let arguments = ["up", "--client", "tcp://127.0.0.1:*", "--publish", "tcp://127.0.0.1:*", "--journal", journal, "--http", "127.0.0.1:0"]
        var up = try Child(arguments, captureStandardError: true)
        defer {
            up.kill(SIGTERM)
            _ = up.exitStatus(within: 10)
        }
        var ready = try JSONParser().parse(try up.line { $0.contains("\"ready\"") })
        var base = try #require(ready["http"]?.stringValue, "the ready line names the HTTP endpoint")
        var client = try #require(ready["client"]?.stringValue)

        func submit(_ ids: [String], to client: String, department: String = "IT og Digitalisering") throws -> [String: String] {
            let context = try ZMQContext()
            defer { context.terminate() }
            let socket = try dealer(context, connectedTo: client)
            defer { socket.close() }
            let requester = Requester(socket: socket)
            for id in ids { try requester.send(id, body: try exampleRequest("04-cv-screening-recruitment.json", id: id, department: department)) }
            return try requester.collect(Set(ids)).mapValues { $0.first?.finalJSON?["verdict"]?.stringValue ?? "?" }
        }

        // Live: the stream delivers a verdict submitted while it is open.
        let reader = try HTTPPeer.events(base, count: 1)
        _ = try reader.line { $0.contains("\"open\"") }
        let verdicts = try submit(["http-a"], to: client)
        let first = try #require(try HTTPPeer.received(reader, count: 1).first)
        let firstID = try #require(first["id"]?.stringValue)
        let data = try JSONParser().parse(try #require(first["data"]?.stringValue))
        #expect(data["request_id"] == .string("http-a"))
        #expect(data["verdict"]?.stringValue == verdicts["http-a"])
        #expect(data["tool"] == .string("TalentMatch Screening"))
        #expect(data["department"] == .string("IT og Digitalisering"))
        let seq = try #require({ if case .int(let s)? = data["seq"] { s } else { nil } }())
        #expect(firstID.hasPrefix("\(data["run_id"]?.stringValue ?? "?")/\(seq)/"))

        // The journal API.
        let list = try HTTPPeer.get(base + "/api/screenings?limit=5")
        #expect(list.status == 200)
        #expect(list.body["screenings"]?.arrayValue.first?["request_id"] == .string("http-a"))
        #expect(list.body["screenings"]?.arrayValue.first?["verdict"]?.stringValue == verdicts["http-a"])
        let other = try HTTPPeer.get(base + "/api/screenings?department=HR")
        #expect(other.body["screenings"]?.arrayValue.isEmpty == true)
        let byDepartment = try HTTPPeer.get(base + "/api/screenings?department=IT%20og%20Digitalisering")
        #expect(byDepartment.body["screenings"]?.arrayValue.count == 1)
        let detail = try HTTPPeer.get(base + "/api/screenings/http-a")
        #expect(detail.body["result"]?["verdict"]?.stringValue == verdicts["http-a"])
        #expect(try HTTPPeer.get(base + "/api/screenings/unknown-id").status == 404)
        // The MED report of the screening: HTML, English on request, no script; a 404 page for an unknown id.
        let report = try HTTPPeer.getText(base + "/screenings/http-a?lang=en")
        #expect(report.status == 200 && report.contentType.hasPrefix("text/html"))
        #expect(report.body.contains("<html lang=\"en\">") && report.body.contains("TalentMatch Screening") && report.body.contains("Overall verdict"))
        #expect(!report.body.contains("<script"))
        #expect(try HTTPPeer.getText(base + "/screenings/http-a").body.contains("Samlet vurdering"), "Danish by default")
        let missing = try HTTPPeer.getText(base + "/screenings/unknown-id?lang=en")
        #expect(missing.status == 404 && missing.body.contains("no screening with this request id"))
        #expect(try HTTPPeer.getText(base + "/report.css").body.contains("@page{size:A4"))
        let bad = try HTTPPeer.get(base + "/api/screenings?limit=0")
        #expect(bad.status == 400 && bad.body["parameter"] == .string("limit"))

        // Missed while disconnected, then resumed from Last-Event-ID: every later verdict once, in order.
        _ = try submit(["http-b", "http-c"], to: client)
        let end = Date().addingTimeInterval(10)
        while try HTTPPeer.get(base + "/api/status").body["feed"]?["received"] != .int(3), Date() < end { Thread.sleep(forTimeInterval: 0.1) }
        let resumed = try HTTPPeer.received(try HTTPPeer.events(base, lastEventID: firstID, count: 2), count: 2)
        let resumedData = try resumed.map { try JSONParser().parse($0["data"]?.stringValue ?? "") }
        // b and c were pipelined: either may be answered (and published) first.
        #expect(Set(resumedData.compactMap { $0["request_id"]?.stringValue }) == ["http-b", "http-c"])
        #expect(resumedData.map { $0["seq"] } == [.int(seq + 1), .int(seq + 2)], "no gap, no duplicate")
        #expect(resumed.allSatisfy { $0["id"]?.stringValue != nil })

        // After a restart (a new broker run, nothing held): the journal fills the gap since the last event.
        up.kill(SIGTERM)
        #expect(up.exitStatus(within: 20) == 0)
        up = try Child(arguments, captureStandardError: true)
        ready = try JSONParser().parse(try up.line { $0.contains("\"ready\"") })
        base = try #require(ready["http"]?.stringValue)
        client = try #require(ready["client"]?.stringValue)
        let filled = try HTTPPeer.received(try HTTPPeer.events(base, lastEventID: firstID, count: 2), count: 2)
        let filledData = try filled.map { try JSONParser().parse($0["data"]?.stringValue ?? "") }
        #expect(Set(filledData.compactMap { $0["request_id"]?.stringValue }) == ["http-b", "http-c"], "the last seen one left out")
        let completed = filledData.compactMap { $0["completed_at"]?.stringValue }
        #expect(completed.count == 2 && completed == completed.sorted(), "oldest first: \(completed)")
        #expect(filled.allSatisfy { $0["id"] == .null }, "journal events have no seq of the new run")

        // `aiscreen report` writes the same page to a file, self-contained (its style inline), from the journal alone.
        up.kill(SIGTERM)
        #expect(up.exitStatus(within: 20) == 0)
        let file = Self.temporary("report.html")
        defer { try? FileManager.default.removeItem(atPath: file) }
        let written = try runCommand(["report", "http-a", "--lang", "en", "--journal", journal, "-o", file])
        #expect(written.status == 0, "\(written.err)")
        let page = try String(contentsOfFile: file, encoding: .utf8)
        #expect(page.contains("<style>") && !page.contains("/report.css"))
        let linked = "<link rel=\"stylesheet\" href=\"/report.css\">"
        let styleStart = try #require(page.range(of: "<style>")), styleEnd = try #require(page.range(of: "</style>"))
        #expect(page.replacingCharacters(in: styleStart.lowerBound..<styleEnd.upperBound, with: linked) == report.body,
                "the file and the served page differ only in where the style is")
        let unknown = try runCommand(["report", "nope", "--journal", journal])
        #expect(unknown.status != 0 && unknown.err.contains("no screening with request id 'nope'"))
    }
}
