import Foundation
import RulesEngine
import Testing
import ZeroMQ

/// The log lines of a real `aiscreen up` run: JSON by default, each with a timestamp, level and event; the events
/// an operator needs; never a request body; and `--log-format text` for people.
@Suite(.serialized)
struct LogLinesTests {
    static let marker = "BODY-MARKER-7f3a"

    /// Runs `up`, submits one request whose description carries ``marker``, stops it; returns its stderr lines.
    static func run(_ extra: [String]) throws -> [String] {
        let journal = NSTemporaryDirectory() + "aiscreen-logs-\(UUID().uuidString).sqlite"
        defer { for suffix in ["", "-wal", "-shm", ".lock", ".head"] { try? FileManager.default.removeItem(atPath: journal + suffix) } }
        let up = try Child(
            ["up", "--client", "tcp://127.0.0.1:*", "--publish", "tcp://127.0.0.1:*", "--http", "off", "--journal", journal] + extra,
            captureStandardError: true)
        defer { up.kill(SIGKILL) }
        let ready = try JSONParser().parse(try up.line { $0.contains("\"ready\"") })
        let client = try #require(ready["client"]?.stringValue)
        let context = try ZMQContext()
        defer { context.terminate() }
        let socket = try dealer(context, connectedTo: client)
        defer { socket.close() }
        var body = String(decoding: try exampleRequest("04-cv-screening-recruitment.json", id: "log-1"), as: UTF8.self)
        body = body.replacingOccurrences(of: "Add-on to the municipality's", with: "\(marker) Add-on to the municipality's")
        #expect(body.contains(marker))
        let requester = Requester(socket: socket)
        try requester.send("log-1", body: Array(body.utf8))
        #expect(try requester.collect(["log-1"])["log-1"]?.first?.finalJSON?["verdict"] == .string("needs-review"))
        up.kill(SIGTERM)
        #expect(up.exitStatus(within: 20) == 0)
        return up.errorOutput
    }

    @Test(.timeLimit(.minutes(2)))
    func aBrokerRunLogsJSONLinesWithTheEventsAndNoRequestBody() throws {
        let lines = try Self.run([])
        var events: [String: [JSONValue]] = [:]
        for line in lines {
            let value = try JSONParser().parse(line)  // every line is one JSON object
            let event = try #require(value["event"]?.stringValue, "\(line)")
            let ts = try #require(value["ts"]?.stringValue, "\(line)")
            #expect(ts.wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/) != nil, "\(ts)")
            #expect(["info", "notice", "warning", "error"].contains(value["level"]?.stringValue ?? ""), "\(line)")
            #expect(value["source"]?.stringValue?.hasPrefix("aiscreen.") == true, "\(line)")
            events[event, default: []].append(value)
        }
        #expect(!lines.joined().contains(Self.marker), "a request body reached the log")
        #expect(events["worker-joined"]?.count == 6, "\(events.keys.sorted())")
        #expect(events["worker-joined"]?.allSatisfy { $0["pack"] != nil && $0["version"] != nil } == true)
        #expect(events["worker-connecting"]?.count == 6)
        let ready = try #require(events["ready"]?.first)
        #expect(ready["client"]?.stringValue?.hasPrefix("tcp://127.0.0.1:") == true)
        #expect(ready["workers"]?.stringValue?.contains("gdpr@") == true)
        #expect(events["worker-endpoint-closed"]?.first?["reason"]?.stringValue?.contains("CURVE") == true)
        let stopped = try #require(events["stopped"]?.first)
        #expect(stopped["requests_accepted"] == .string("1") && stopped["requests_answered"] == .string("1"))
    }

    @Test(.timeLimit(.minutes(2)))
    func textLogsAreForPeople() throws {
        let lines = try Self.run(["--log-format", "text"])
        #expect(lines.contains { $0.wholeMatch(of: /\d{4}-\d\d-\d\dT[\d:.]+Z INFO worker-joined .*pack=\w+.*/) != nil }, "\(lines.prefix(3))")
        #expect(lines.contains { $0.contains(" INFO ready ") && $0.contains("client=tcp://127.0.0.1:") })
        #expect(!lines.contains { $0.hasPrefix("{") })
        #expect(!lines.joined().contains(Self.marker))
    }
}
