import Foundation
import RulesEngine
import Testing
import Wire
import ZeroMQ

/// Real processes on loopback: a broker and pack workers started from the built `aiscreen` executable, with
/// ephemeral ports and a short heartbeat, talked to through real libzmq sockets.
enum Repo {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }

    /// `$AISCREEN_BIN`, else the debug build next to the sources.
    static var binary: String {
        if let bin = ProcessInfo.processInfo.environment["AISCREEN_BIN"] { return bin }
        return path(".build/debug/aiscreen")
    }

    /// The environment for child processes: the project's virtual environment (`.venv/bin`, made by scripts/setup)
    /// first on PATH, so `python3` is the one with pyzmq, prometheus_client and selenium; and no HTTP server unless
    /// a test asks for one with `--http` (so no test binds the fixed port of config/aiscreen.yaml).
    static func childEnvironment(_ extra: [String: String] = [:]) -> [String: String] {
        var env = ProcessInfo.processInfo.environment
        let venv = path(".venv/bin")
        if FileManager.default.isExecutableFile(atPath: venv + "/python3"), !(env["PATH"] ?? "").hasPrefix(venv + ":") {
            env["PATH"] = venv + ":" + (env["PATH"] ?? "/usr/bin:/bin")
        }
        env["AISCREEN_HTTP_ENDPOINT"] = env["AISCREEN_HTTP_ENDPOINT"] ?? "off"
        for (k, v) in extra { env[k] = v }
        return env
    }

    static func exampleRequests() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: path("examples/requests")).filter { $0.hasSuffix(".json") }.sorted()
            .map { path("examples/requests/" + $0) }
    }
}

struct HarnessError: Error, CustomStringConvertible {
    var description: String
}

/// A child process whose stdout lines can be read.
final class Child: @unchecked Sendable {
    // @unchecked: the Process and pipe are only touched from the test's thread, and the line buffer under `lock`.
    let process = Process()
    private let lock = NSLock()
    private var buffer = Data()
    private var lines: [String] = []
    private var errorBuffer = Data()
    private var errorLines: [String] = []

    /// Starts `aiscreen` with `arguments`, or `executable` (looked up on PATH through /usr/bin/env) if given.
    /// Standard error is discarded unless `captureStandardError` (then ``errorOutput`` has its lines).
    init(_ arguments: [String], executable: String? = nil, environment: [String: String] = [:], captureStandardError: Bool = false) throws {
        if let executable {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [executable] + arguments
        } else {
            guard FileManager.default.isExecutableFile(atPath: Repo.binary) else {
                throw HarnessError(description: "no aiscreen executable at \(Repo.binary); run 'swift build' first or set AISCREEN_BIN")
            }
            process.executableURL = URL(fileURLWithPath: Repo.binary)
            process.arguments = arguments
        }
        process.currentDirectoryURL = Repo.root
        process.environment = Repo.childEnvironment(environment)
        let out = Pipe()
        process.standardOutput = out
        out.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            guard let self, !data.isEmpty else { return }
            self.lock.withLock { Self.split(data, &self.buffer, into: &self.lines) }
        }
        if captureStandardError {
            let errors = Pipe()
            process.standardError = errors
            errors.fileHandleForReading.readabilityHandler = { [weak self] handle in
                let data = handle.availableData
                guard let self, !data.isEmpty else { return }
                self.lock.withLock { Self.split(data, &self.errorBuffer, into: &self.errorLines) }
            }
        } else {
            process.standardError = FileHandle.nullDevice
        }
        try process.run()
    }

    /// Appends `data` to `buffer` and moves every complete line into `lines`.
    private static func split(_ data: Data, _ buffer: inout Data, into lines: inout [String]) {
        buffer.append(data)
        while let newline = buffer.firstIndex(of: 10) {
            lines.append(String(decoding: buffer[buffer.startIndex..<newline], as: UTF8.self))
            buffer.removeSubrange(buffer.startIndex...newline)
        }
    }

    /// The first stdout line satisfying `predicate`, waiting up to `seconds`.
    func line(within seconds: Double = 20, where predicate: (String) -> Bool) throws -> String {
        guard let found = try? firstLine(within: seconds, where: predicate) else {
            throw HarnessError(description: "no matching output from \(process.arguments?.first ?? "?") within \(seconds) s")
        }
        return found
    }

    /// Like ``line(within:where:)``, but nil on timeout.
    func firstLine(within seconds: Double, where predicate: (String) -> Bool) throws -> String? {
        var end = Date().addingTimeInterval(seconds)
        var exited = false
        while Date() < end {
            if let found = lock.withLock({ lines.first(where: predicate) }) { return found }
            if !exited && !process.isRunning {
                // What it printed last may still be in the pipe: give the reader a moment.
                exited = true
                end = min(end, Date().addingTimeInterval(1))
            }
            Thread.sleep(forTimeInterval: 0.02)
        }
        return lock.withLock { lines.first(where: predicate) }
    }

    /// Every stdout line so far.
    var output: [String] { lock.withLock { lines } }

    /// Every stderr line so far (empty unless started with `captureStandardError`).
    var errorOutput: [String] { lock.withLock { errorLines } }

    /// For a broker: SIGTERM, wait for it to exit 0, and return the counters of its `stopped` event.
    func stopBroker() throws -> JSONValue {
        kill(SIGTERM)
        guard let status = exitStatus(within: 20) else { throw HarnessError(description: "the broker did not stop within 20 s of SIGTERM") }
        guard status == 0 else { throw HarnessError(description: "the broker exited with status \(status)") }
        let stopped = try line(within: 5) { $0.contains("\"stopped\"") }
        guard let counters = try JSONParser().parse(stopped)["counters"] else {
            throw HarnessError(description: "the stopped event has no counters: \(stopped)")
        }
        return counters
    }

    func kill(_ signal: Int32 = SIGKILL) {
        if process.isRunning { Foundation.kill(process.processIdentifier, signal) }
    }

    /// Waits for the process to exit and returns its status (or nil on timeout).
    func exitStatus(within seconds: Double = 20) -> Int32? {
        let end = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < end { Thread.sleep(forTimeInterval: 0.02) }
        return process.isRunning ? nil : process.terminationStatus
    }

    deinit {
        if process.isRunning {
            Foundation.kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }
}

/// A broker with worker processes, torn down when released.
final class Cluster {
    /// The running broker (``restartBroker(arguments:)`` replaces it).
    private(set) var broker: Child
    var workers: [String: [Child]] = [:]
    let client: String
    let worker: String
    let publish: String
    let configPath: String
    let context: ZMQContext

    /// Starts a broker (and, per pack, `count` worker processes) with a short heartbeat.
    init(workers perPack: [String: Int] = ["ai-act": 1, "gdpr": 1, "workplace": 1], heartbeatMs: Int = 200, extraConfig: String = "") throws {
        configPath = NSTemporaryDirectory() + "aiscreen-it-\(UUID().uuidString).yaml"
        try """
        broker:
          heartbeat_ms: \(heartbeatMs)
          heartbeat_liveness: 3
          default_deadline_ms: 10000
        \(extraConfig)
        """.write(toFile: configPath, atomically: true, encoding: .utf8)
        broker = try Child(["broker", "--insecure", "--config", configPath, "--client", "tcp://127.0.0.1:*", "--worker", "tcp://127.0.0.1:*", "--publish", "tcp://127.0.0.1:*"])
        let listening = try broker.line { $0.contains("\"listening\"") }
        let json = try JSONParser().parse(listening)
        guard case .string(let c)? = json["client"], case .string(let w)? = json["worker"], case .string(let p)? = json["publish"] else {
            throw HarnessError(description: "unexpected broker output: \(listening)")
        }
        (client, worker, publish) = (c, w, p)
        context = try ZMQContext()
        for (pack, count) in perPack where count > 0 { try startWorkers(pack, count: count) }
        for (pack, count) in perPack where count > 0 { try waitForWorkers(pack, count: count) }
    }

    func startWorkers(_ pack: String, count: Int = 1) throws {
        for _ in 0..<count {
            workers[pack, default: []].append(try Child(["worker", "--pack", "rules/\(pack)", "--connect", worker, "--config", configPath]))
        }
    }

    /// Asks the broker (mmi.service) until `count` workers serve the pack.
    func waitForWorkers(_ pack: String, count: Int, within seconds: Double = 30) throws {
        try waitForWorkers(pack, within: seconds, "at least \(count)") { $0 >= count }
    }

    /// Asks the broker (mmi.service) until the number of workers it has registered for the pack satisfies
    /// `expected` (e.g. `{ $0 < 2 }`: it has noticed that a worker died).
    func waitForWorkers(_ pack: String, within seconds: Double = 30, _ what: String, _ expected: (Int) -> Bool) throws {
        let socket = try dealer()
        defer { socket.close() }
        let end = Date().addingTimeInterval(seconds)
        var n = 0
        var last = -1
        while Date() < end {
            n += 1
            let frames = ClientMessage.request(service: .mmiService, requestID: try RequestID("mmi-\(n)"), body: Array(#"{"service":"pack.\#(pack)"}"#.utf8)).encode()
            try socket.send(frames)
            if let reply = try socket.receiveMultipart(), case .final(_, _, let body) = try BrokerReply.decode(frames: reply),
                case .int(let workers)? = try JSONParser().parse(body)["workers"]
            {
                last = Int(workers)
                if expected(last) { return }
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw HarnessError(description: "the broker did not have \(what) workers for \(pack) within \(seconds) s (last seen: \(last))")
    }

    /// Starts a new broker on this cluster's endpoints and config (the old one must have exited), with `arguments`
    /// added, and waits until it listens; it replaces ``broker``.
    @discardableResult
    func restartBroker(arguments: [String] = []) throws -> Child {
        broker.kill(SIGKILL)
        _ = broker.exitStatus()
        broker = try Child(["broker", "--insecure", "--config", configPath, "--client", client, "--worker", worker, "--publish", publish] + arguments, captureStandardError: true)
        guard (try? broker.line { $0.contains("\"listening\"") }) != nil else {
            throw HarnessError(description: "the restarted broker did not listen: \(broker.errorOutput.joined(separator: "\n"))")
        }
        return broker
    }

    func dealer() throws -> ZMQSocket {
        try IntegrationTests.dealer(context, connectedTo: client)
    }

    deinit {
        for child in workers.values.flatMap({ $0 }) { child.kill() }
        broker.kill(SIGTERM)
        _ = broker.exitStatus(within: 5)
        context.terminate()
        try? FileManager.default.removeItem(atPath: configPath)
    }
}

/// Sends requests on one DEALER and collects the terminal replies by request id.
struct Requester {
    let socket: ZMQSocket

    func send(_ id: String, body: [UInt8], service: ServiceName = .screen, deadlineMs: UInt32 = 0) throws {
        try socket.send(ClientMessage.request(service: service, requestID: try RequestID(id), deadline: Deadline(milliseconds: deadlineMs), body: body).encode())
    }

    /// Adds the terminal replies that arrive within `seconds` to `replies` (paces a test while it is answered).
    func receive(for seconds: Double, into replies: inout [String: [BrokerReply]]) throws {
        try socket.set(.receiveTimeout, to: 20)
        defer { try? socket.set(.receiveTimeout, to: 15_000) }  // as ``Cluster/dealer()`` sets it
        let end = Date().addingTimeInterval(seconds)
        while Date() < end {
            guard let frames = try socket.receiveMultipart() else { continue }
            let reply = try BrokerReply.decode(frames: frames)
            if reply.isTerminal { replies[reply.requestID.rawValue, default: []].append(reply) }
        }
    }

    /// The error code of a terminal reply, nil for a FINAL.
    static func errorCode(_ reply: BrokerReply?) -> String? {
        if case .error(_, _, let code, _)? = reply { return code.rawValue }
        return nil
    }

    /// Terminal replies until `ids` are all answered; throws on a timeout. Also returns any surplus replies.
    func collect(_ ids: Set<String>) throws -> [String: [BrokerReply]] {
        var replies: [String: [BrokerReply]] = [:]
        var open = ids
        while !open.isEmpty {
            guard let frames = try socket.receiveMultipart() else {
                throw HarnessError(description: "timed out with \(open.count) requests unanswered, e.g. \(open.first ?? "")")
            }
            let reply = try BrokerReply.decode(frames: frames)
            guard reply.isTerminal else { continue }
            replies[reply.requestID.rawValue, default: []].append(reply)
            open.remove(reply.requestID.rawValue)
        }
        // Anything else already queued (a duplicate would show up here).
        while let frames = try socket.receiveMultipart(flags: .dontWait) {
            let reply = try BrokerReply.decode(frames: frames)
            if reply.isTerminal { replies[reply.requestID.rawValue, default: []].append(reply) }
        }
        return replies
    }
}

extension BrokerReply {
    var finalJSON: JSONValue? {
        guard case .final(_, _, let body) = self else { return nil }
        return try? JSONParser().parse(body)
    }
}

/// Refusals by error code (`client_errors`) from the counters of a broker's `stopped` event.
func refusalCounts(_ counters: JSONValue) -> [String: Int64] {
    guard case .object(let members)? = counters["client_errors"] else { return [:] }
    var codes: [String: Int64] = [:]
    for (code, value) in members { if case .int(let n) = value { codes[code] = n } }
    return codes
}

/// What `aiscreen screen --json --config <config>` prints for each body, in process (one run for all of them),
/// keyed by the body's request id.
func screenInProcess(_ bodies: [String: [UInt8]], config: String) throws -> [String: String] {
    let folder = NSTemporaryDirectory() + "aiscreen-screen-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    var files: [String] = []
    for (n, body) in bodies.values.enumerated() {
        let file = folder + "/\(n).json"
        try Data(body).write(to: URL(fileURLWithPath: file))
        files.append(file)
    }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: Repo.binary)
    process.currentDirectoryURL = Repo.root
    process.arguments = ["screen", "--json", "--config", config] + files
    let out = Pipe()
    process.standardOutput = out
    try process.run()
    let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    var results: [String: String] = [:]
    for line in text.split(separator: "\n") {
        if case .string(let id)? = try JSONParser().parse(String(line))["request_id"] { results[id] = String(line) }
    }
    guard results.count == bodies.count else {
        throw HarnessError(description: "aiscreen screen gave \(results.count) results for \(bodies.count) requests")
    }
    return results
}

/// A request body with a given request id, from an example file.
func exampleBody(_ file: String, id: String) throws -> [UInt8] {
    var text = try String(contentsOfFile: file, encoding: .utf8)
    if let range = text.range(of: #""request_id": "[^"]*""#, options: .regularExpression) {
        text.replaceSubrange(range, with: "\"request_id\": \"\(id)\"")
    }
    return Array(text.utf8)
}

/// A client DEALER on `context` connected to `endpoint`: no linger, a 15 s receive timeout, deep queues (a test may
/// pipeline thousands of requests). The caller closes it.
func dealer(_ context: ZMQContext, connectedTo endpoint: String) throws -> ZMQSocket {
    let socket = try context.socket(.dealer)
    try socket.set(.linger, to: 0)
    try socket.set(.receiveTimeout, to: 15_000)
    try socket.set(.sendHighWaterMark, to: 100_000)
    try socket.set(.receiveHighWaterMark, to: 100_000)
    try socket.connect(endpoint)
    return socket
}
