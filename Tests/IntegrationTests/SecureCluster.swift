import Foundation
import RulesEngine
import Testing
import Wire
import ZeroMQ

/// Runs a command to completion; returns (status, stdout, stderr).
func runCommand(_ arguments: [String], executable: String? = nil, within seconds: Double = 60, directory: URL = Repo.root) throws -> (status: Int32, out: String, err: String) {
    let process = Process()
    if let executable {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [executable] + arguments
    } else {
        process.executableURL = URL(fileURLWithPath: Repo.binary)
        process.arguments = arguments
    }
    process.currentDirectoryURL = directory
    process.environment = Repo.childEnvironment()
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let errors = ErrorCollector(err.fileHandleForReading)
    let output = ErrorCollector(out.fileHandleForReading)
    let end = Date().addingTimeInterval(seconds)
    while process.isRunning && Date() < end { Thread.sleep(forTimeInterval: 0.02) }
    if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    process.waitUntilExit()
    return (process.terminationStatus, output.text, errors.text)
}

/// Reads a pipe to its end on a thread of its own (so a child that never exits cannot block the test).
final class ErrorCollector: @unchecked Sendable {
    // @unchecked: `data` is written by the reading thread before `done` is signalled, and read only after.
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init(_ handle: FileHandle) {
        Thread.detachNewThread { [self] in
            data = handle.readDataToEndOfFile()
            done.signal()
        }
    }

    var text: String {
        done.wait()
        done.signal()
        return String(decoding: data, as: UTF8.self)
    }
}

/// The pyzmq peer of Peers/peer.py, one JSON line per event.
func peer(_ arguments: [String]) throws -> Child {
    try Child([Repo.path("Tests/IntegrationTests/Peers/peer.py")] + arguments, executable: "python3", captureStandardError: true)
}

extension Child {
    /// The first JSON event line of a peer, or an error with what it printed on stderr.
    func event(within seconds: Double, where predicate: (String) -> Bool = { $0.hasPrefix("{") }) throws -> JSONValue {
        guard let line = try firstLine(within: seconds, where: predicate) else {
            throw HarnessError(description: "no matching output from the peer within \(seconds) s; stderr: \(errorOutput.joined(separator: "\n"))")
        }
        return try JSONParser().parse(line)
    }
}

func requirePyzmq() throws {
    if try runCommand(["-c", "import zmq"], executable: "python3").status != 0 {
        throw HarnessError(description: "pyzmq is missing: run scripts/setup")
    }
}

/// A free TCP port on loopback (bound and released at once).
func freeEndpoint() throws -> String {
    let context = try ZMQContext()
    defer { context.terminate() }
    let socket = try context.socket(.router)
    try socket.set(.linger, to: 0)
    try socket.bind("tcp://127.0.0.1:*")
    let endpoint = try socket.lastEndpoint
    socket.close()
    return endpoint
}

/// A broker with CURVE on every endpoint: keys made with `aiscreen keys generate` in a temporary key directory,
/// and one worker process per pack with its own key.
final class SecureCluster {
    let keys: String
    let broker: Child
    var workers: [Child] = []
    let client: String
    let worker: String
    let publish: String
    let journal: String?
    let config: String
    /// The HTTP server's base URL, when the broker was started with `--http`.
    let http: String?

    static let packs = ["ai-act", "gdpr", "workplace"]

    /// - Parameter rules: the folder of rule packs the broker loads and the workers serve from (`rules/<pack>`).
    init(journal: Bool = false, extraKeys: [[String]] = [], brokerArguments: [String] = [], rules: String = "rules") throws {
        keys = NSTemporaryDirectory() + "aiscreen-keys-\(UUID().uuidString)"
        var make: [[String]] = [["--role", "broker"], ["--role", "client", "--name", "procurement"], ["--role", "client", "--name", "other"],
            ["--role", "auditor", "--name", "dpo"], ["--role", "subscriber", "--name", "dashboard"]]
        for pack in Self.packs { make.append(["--role", "worker", "--pack", pack, "--name", "\(pack)-1"]) }
        for arguments in make + extraKeys {
            let (status, _, err) = try runCommand(["keys", "generate", "--dir", keys] + arguments)
            guard status == 0 else { throw HarnessError(description: "keys generate \(arguments) failed: \(err)") }
        }
        self.journal = journal ? NSTemporaryDirectory() + "aiscreen-secure-\(UUID().uuidString).sqlite" : nil
        config = keys + "/aiscreen.yaml"
        try "broker:\n  heartbeat_ms: 200\n  heartbeat_liveness: 3\n".write(toFile: config, atomically: true, encoding: .utf8)
        var arguments = ["broker", "--config", config, "--keys", keys, "--client", "tcp://127.0.0.1:*", "--worker", "tcp://127.0.0.1:*", "--publish", "tcp://127.0.0.1:*"]
        if let path = self.journal { arguments += ["--journal", path] }
        if rules != "rules" { arguments += ["--rules", rules] }
        broker = try Child(arguments + brokerArguments, captureStandardError: true)
        let listening = try JSONParser().parse(try broker.line { $0.contains("\"listening\"") })
        guard case .string(let c)? = listening["client"], case .string(let w)? = listening["worker"], case .string(let p)? = listening["publish"],
            listening["curve"] == .bool(true)
        else { throw HarnessError(description: "unexpected listening event: \(listening)") }
        (client, worker, publish) = (c, w, p)
        if case .string(let base)? = listening["http"] { http = base } else { http = nil }
        for pack in Self.packs {
            workers.append(try Child(["worker", "--pack", "\(rules)/\(pack)", "--connect", worker, "--key", secret(.init("workers/\(pack)/\(pack)-1")), "--broker-key", brokerKey, "--config", config]))
        }
        try waitForWorkers()
    }

    struct KeyName {
        var path: String
        init(_ path: String) { self.path = path }
    }

    var brokerKey: String { keys + "/broker/broker.key" }
    func secret(_ name: KeyName) -> String { keys + "/" + name.path + ".key_secret" }
    func publicKey(_ name: KeyName) -> String { keys + "/" + name.path + ".key" }
    /// `--keys SECRET BROKERPUB` for peer.py.
    func peerKeys(_ name: String) -> [String] { ["--keys", secret(.init(name)), brokerKey] }

    /// Asks `mmi.packs` (as the procurement client, over CURVE with pyzmq) until every pack has a worker.
    func waitForWorkers(within seconds: Double = 30) throws {
        let end = Date().addingTimeInterval(seconds)
        while Date() < end {
            if let packs = try? packStatus(), packs.allSatisfy({ $0["workers"].map { $0 != .int(0) } ?? false }), packs.count == Self.packs.count { return }
            Thread.sleep(forTimeInterval: 0.2)
        }
        throw HarnessError(description: "the secure broker did not get a worker for every pack within \(seconds) s")
    }

    /// `mmi.packs`, asked with the procurement key.
    func packStatus() throws -> [JSONValue] {
        let body = NSTemporaryDirectory() + "mmi-\(UUID().uuidString).json"
        try "{}".write(toFile: body, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: body) }
        let reply = try ask(["--service", "mmi.packs", "--id", "mmi-\(UUID().uuidString.prefix(8))", "--body", body], as: "clients/procurement")
        guard reply["event"] == .string("final"), case .array(let packs)? = reply["packs"] else {
            throw HarnessError(description: "mmi.packs: \(reply)")
        }
        return packs
    }

    /// One request through peer.py; returns its last event.
    func ask(_ arguments: [String], as key: String?, seconds: Double = 8) throws -> JSONValue {
        let child = try peer(["client", "--endpoint", client, "--seconds", String(seconds)] + (key.map(peerKeys) ?? []) + arguments)
        return try child.event(within: seconds + 10)
    }

    deinit {
        for child in workers { child.kill() }
        broker.kill(SIGTERM)
        _ = broker.exitStatus(within: 5)
        try? FileManager.default.removeItem(atPath: keys)
        if let journal { for suffix in ["", "-wal", "-shm", ".lock", ".head"] { try? FileManager.default.removeItem(atPath: journal + suffix) } }
    }
}
