import Foundation
import RulesEngine
import Testing

/// The HTTP server's side of the harness: the independent Python peer (Peers/http_peer.py) and requests to submit.
enum HTTPPeer {
    static let script = Repo.path("Tests/IntegrationTests/Peers/http_peer.py")

    /// One JSON answer of the peer (`get`, `metrics`).
    static func run(_ arguments: [String]) throws -> JSONValue {
        let run = try runCommand([script] + arguments, executable: "python3", within: 30)
        guard run.status == 0, let line = run.out.split(separator: "\n").last else {
            throw HarnessError(description: "http_peer.py \(arguments.joined(separator: " ")) failed (\(run.status)): \(run.err)")
        }
        return try JSONParser(limits: JSONLimits(maxStringLength: 1 << 22)).parse(String(line))
    }

    /// GET: the status and the body parsed as JSON.
    static func get(_ url: String) throws -> (status: Int64, body: JSONValue) {
        let answer = try run(["get", url])
        guard case .int(let status)? = answer["status"], case .string(let body)? = answer["body"] else {
            throw HarnessError(description: "unexpected peer answer \(answer)")
        }
        return (status, try JSONParser(limits: JSONLimits(maxStringLength: 1 << 22)).parse(body))
    }

    /// GET: the status, the content type and the body as text (an HTML page).
    static func getText(_ url: String) throws -> (status: Int64, contentType: String, body: String) {
        let answer = try run(["get", url])
        guard case .int(let status)? = answer["status"], case .string(let body)? = answer["body"] else {
            throw HarnessError(description: "unexpected peer answer \(answer)")
        }
        return (status, answer["content_type"]?.stringValue ?? "", body)
    }

    /// Polls `url` until its status is `status`; returns the last body.
    static func wait(for url: String, status: Int64, within seconds: Double = 20) throws -> JSONValue {
        let end = Date().addingTimeInterval(seconds)
        var last: (status: Int64, body: JSONValue) = (0, .null)
        while Date() < end {
            last = try get(url)
            if last.status == status { return last.body }
            Thread.sleep(forTimeInterval: 0.2)
        }
        throw HarnessError(description: "\(url) did not answer \(status) within \(seconds) s (last: \(last.status) \(JSONWriter.string(last.body)))")
    }

    /// `/metrics` parsed by prometheus_client: sample `name{label=value,…}` → value.
    static func metrics(_ base: String) throws -> (samples: [String: Double], types: [String: String]) {
        let answer = try run(["metrics", base + "/metrics"])
        var samples: [String: Double] = [:]
        var types: [String: String] = [:]
        if case .object(let members)? = answer["samples"] {
            for (key, value) in members {
                switch value {
                case .int(let n): samples[key] = Double(n)
                case .double(let d): samples[key] = d
                default: break
                }
            }
        }
        if case .object(let members)? = answer["types"] {
            for (key, value) in members { if case .string(let t) = value { types[key] = t } }
        }
        return (samples, types)
    }

    /// An event-stream reader, one JSON line per event.
    static func events(_ base: String, lastEventID: String? = nil, count: Int) throws -> Child {
        try Child(
            [script, "events", base + "/api/events", "--count", "\(count)", "--timeout", "40"] + (lastEventID.map { ["--last-event-id", $0] } ?? []),
            executable: "python3", captureStandardError: true)
    }

    /// The events `reader` printed (after its `open` line), waiting until it printed `count` or exited.
    static func received(_ reader: Child, count: Int, within seconds: Double = 20) throws -> [JSONValue] {
        let end = Date().addingTimeInterval(seconds)
        while Date() < end {
            let events = reader.output.filter { $0.contains("\"event\"") }
            if events.count >= count || !reader.process.isRunning {
                return try events.map { try JSONParser().parse($0) }
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw HarnessError(description: "the event stream gave \(reader.output.count) lines, not \(count) events, within \(seconds) s: \(reader.errorOutput)")
    }
}

/// An example request under a new id, optionally from another department.
func exampleRequest(_ name: String, id: String, department: String? = nil) throws -> [UInt8] {
    var text = String(decoding: try exampleBody(Repo.path("examples/requests/" + name), id: id), as: UTF8.self)
    if let department, let range = text.range(of: #""department": "[^"]*""#, options: .regularExpression) {
        text.replaceSubrange(range, with: "\"department\": \(JSONWriter.string(.string(department)))")
    }
    return Array(text.utf8)
}

extension JSONValue {
    var stringValue: String? { if case .string(let s) = self { s } else { nil } }
    var arrayValue: [JSONValue] { if case .array(let a) = self { a } else { [] } }
}
