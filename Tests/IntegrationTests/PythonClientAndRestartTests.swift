import Foundation
import RulesEngine
import Testing
import Wire
import ZeroMQ

/// Independent peers (pyzmq, written from docs/PROTOCOL.md only) and broker restarts, with real processes.
@Suite(.serialized, .timeLimit(.minutes(3)))
struct PythonClientAndRestartTests {
    /// Runs a command to completion; returns (status, stdout).
    static func run(_ arguments: [String], within seconds: Double = 60) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.currentDirectoryURL = Repo.root
        process.environment = Repo.childEnvironment()
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let end = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < end { Thread.sleep(forTimeInterval: 0.02) }
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    static func requirePyzmq() throws {
        let (status, _) = try run(["python3", "-c", "import zmq"])
        if status != 0 { throw HarnessError(description: "pyzmq is missing: run scripts/setup (python3 -m pip install pyzmq)") }
    }

    @Test func thePythonExampleClientsWorkAgainstTheBroker() throws {
        try Self.requirePyzmq()
        let cluster = try Cluster()
        let subscriber = try Child(["examples/clients/subscribe.py", "--endpoint", cluster.publish, "--json", "--timeout", "120"], executable: "python3")
        // PUB drops what is published before a subscription arrives: probe until the subscriber sees a verdict.
        let requester = Requester(socket: try cluster.dealer())
        defer { requester.socket.close() }
        let files = try Repo.exampleRequests()
        var subscribed = false
        for probe in 0..<100 where !subscribed {
            let id = "probe-\(probe)"
            try requester.send(id, body: try exampleBody(files[0], id: id))
            _ = try requester.collect([id])
            subscribed = try subscriber.firstLine(within: 0.3) { $0.contains("\"probe-") } != nil
        }
        #expect(subscribed)
        let (status, output) = try Self.run(["python3", "examples/clients/submit.py", "--endpoint", cluster.client, "--json", "--id-from-request"] + files)
        #expect(status == 0)
        let ids = Set(output.split(separator: "\n").compactMap { line -> String? in
            if case .string(let id)? = (try? JSONParser().parse(String(line)))?["request_id"] { return id }
            return nil
        })
        #expect(ids.count == files.count)
        for id in ids {
            #expect(try subscriber.firstLine(within: 20) { $0.contains("\"request_id\":\"\(id)\"") || $0.contains("\"request_id\": \"\(id)\"") } != nil, "\(id) not published")
        }
        subscriber.kill(SIGINT)
    }

    @Test func workersRegisterAgainByThemselvesWhenTheBrokerRestarts() throws {
        let cluster = try Cluster(workers: ["gdpr": 2])
        // Restart on the very same endpoints.
        cluster.broker.kill(SIGKILL)
        _ = cluster.broker.exitStatus()
        let restarted = try Child(["broker", "--insecure", "--config", cluster.configPath, "--client", cluster.client, "--worker", cluster.worker, "--publish", cluster.publish])
        _ = try restarted.line { $0.contains("\"listening\"") }
        try cluster.waitForWorkers("gdpr", count: 2, within: 30)
        let requester = Requester(socket: try cluster.dealer())
        defer { requester.socket.close() }
        let file = try Repo.exampleRequests()[0]
        try requester.send("after-restart", body: try exampleBody(file, id: "after-restart"), service: try .pack("gdpr"))
        let reply = try #require(try requester.collect(["after-restart"])["after-restart"]?.first)
        #expect(reply.finalJSON?["verdict"] != nil)
        restarted.kill(SIGTERM)
        #expect(restarted.exitStatus(within: 10) == 0)
    }
}
