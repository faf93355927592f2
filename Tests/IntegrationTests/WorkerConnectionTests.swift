import Foundation
import RulePacks
import RulesEngine
import Testing
import Wire
import Worker
import ZeroMQ

/// A real ``PackWorker`` with the bundled gdpr pack, driven by a fake broker ROUTER in the test over loopback TCP.
@Suite(.timeLimit(.minutes(1)))
struct WorkerConnectionTests {
    let pack: CompiledPack
    let context: ZMQContext

    init() throws {
        let loaded = PackLoader().load(directory: WorkerFixtures.repository + "/rules/gdpr")
        pack = try #require(loaded.pack, "rules/gdpr does not load: \(loaded.diagnostics)")
        context = try ZMQContext()
    }

    /// Runs a started worker against a fake broker, stopping and cleaning up on every path.
    private func withWorker(
        _ configure: (inout WorkerConfiguration) -> Void = { _ in },
        _ body: (FakeBroker, PackWorker) throws -> Void
    ) throws {
        let broker = try FakeBroker()
        var configuration = WorkerConfiguration(endpoint: broker.endpoint)
        configure(&configuration)
        let worker = try PackWorker(pack: pack, configuration: configuration, context: context)
        try worker.start()
        defer {
            worker.stop()
            broker.close()
            context.terminate()
        }
        try body(broker, worker)
    }

    @Test func theWorkerSendsReadyWithItsServiceAndPackMetadata() throws {
        try withWorker { broker, _ in
            let ready = try #require(try broker.receive())
            guard case .ready(let service, let metadata) = ready.message else {
                Issue.record("expected READY first, got \(ready.message)")
                return
            }
            #expect(service == (try ServiceName.pack("gdpr")))
            let json = try JSONParser().parse(metadata)
            #expect(
                json
                    == .object([
                        ("id", .string("gdpr")), ("version", .string(pack.version)), ("digest", .string(pack.digest)),
                        ("capacity", .int(1)),
                    ])
            )
        }
    }

    @Test func aRequestIsAnsweredWithTheVerdictOfInProcessEvaluation() throws {
        let body = try WorkerFixtures.request("01-aarhusai-chat-platform.json")
        let expected = pack.evaluate(
            try RequestDecoder(schema: pack.schema).decode(json: String(decoding: body, as: UTF8.self))
        )
        try withWorker { broker, worker in
            let identity = try broker.awaitReady()
            try broker.send(.request(ticket: try TicketID("t-000001"), body: body), to: identity)
            let reply = try #require(try broker.receive { !($0 == .heartbeat) })
            guard case .final(let ticket, let result) = reply.message else {
                Issue.record("expected FINAL, got \(reply.message)")
                return
            }
            #expect(ticket == (try TicketID("t-000001")))
            #expect(String(decoding: result, as: UTF8.self) == JSONWriter.string(expected.json))
            #expect(try PackVerdict(json: try JSONParser().parse(result)).verdict == expected.verdict)
            #expect(worker.statistics.requestsServed == 1)
            #expect(worker.statistics.errorReplies == 0)
        }
    }

    @Test(arguments: [
        ("{\"request_id\": ", "invalid-json"),
        ("[1, 2, 3]", "invalid-json"),
        ("\"just text\"", "invalid-json"),
        ("{\"schema_version\": \"1.0\"}", "schema-violation"),
        ("{\"schema_version\": \"1.0\", \"no_such_field\": true}", "schema-violation"),
    ])
    func aBadBodyIsAnsweredWithErrorAndTheMatchingCode(body: String, code: String) throws {
        try withWorker { broker, worker in
            let identity = try broker.awaitReady()
            try broker.send(.request(ticket: try TicketID("t-bad"), body: Array(body.utf8)), to: identity)
            let reply = try #require(try broker.receive { !($0 == .heartbeat) })
            guard case .error(let ticket, let errorCode, let message) = reply.message else {
                Issue.record("expected ERROR, got \(reply.message)")
                return
            }
            #expect(ticket == (try TicketID("t-bad")))
            #expect(errorCode.rawValue == code)
            #expect(!message.isEmpty)
            #expect(worker.statistics.errorReplies == 1)
        }
    }

    @Test func anIdleWorkerHeartbeatsEveryIntervalAndStaysConnectedWhileTheBrokerAnswers() throws {
        // A generous liveness, so that a slow test machine cannot make the worker give up on the test's broker.
        let configure: (inout WorkerConfiguration) -> Void = {
            $0.heartbeatInterval = .milliseconds(50)
            $0.heartbeatLiveness = 40
        }
        try withWorker(configure) { broker, worker in
            let identity = try broker.awaitReady()
            var heartbeats = 0
            while heartbeats < 5 {
                let message = try #require(try broker.receive(), "no heartbeat within the wait")
                #expect(message.identity == identity, "the worker reconnected although the broker answered")
                guard message.message == .heartbeat else {
                    Issue.record("expected only heartbeats from an idle worker, got \(message.message)")
                    return
                }
                heartbeats += 1
                try broker.send(.heartbeat, to: identity)
            }
            #expect(worker.statistics.heartbeatsSent >= 5)
            #expect(worker.statistics.reconnects == 0)
        }
    }

    @Test func afterTheBrokerFallsSilentTheWorkerReconnectsOnANewSocketAndSendsReadyAgain() throws {
        let configure: (inout WorkerConfiguration) -> Void = {
            $0.heartbeatInterval = .milliseconds(50)
            $0.heartbeatLiveness = 3
            $0.initialReconnectDelay = .milliseconds(20)
            $0.maxReconnectDelay = .milliseconds(100)
        }
        try withWorker(configure) { broker, worker in
            let first = try broker.awaitReady()
            // Say nothing: after 150 ms of silence the worker gives up on this connection.
            let second = try broker.awaitReady()
            #expect(second != first, "READY again must come from a new socket")
            #expect(worker.statistics.reconnects >= 1)
            // The new connection is served as usual.
            let body = try WorkerFixtures.request("08-spell-grammar-checker.json")
            try broker.send(.request(ticket: try TicketID("t-after"), body: body), to: second)
            let reply = try #require(try broker.receive { $0 != .heartbeat && !$0.isReady })
            guard case .final(let ticket, _) = reply.message else {
                Issue.record("expected FINAL, got \(reply.message)")
                return
            }
            #expect(ticket == (try TicketID("t-after")))
        }
    }

    @Test func theWorkerRegistersAgainWithABrokerRestartedOnTheSameEndpoint() throws {
        let configure: (inout WorkerConfiguration) -> Void = {
            $0.heartbeatInterval = .milliseconds(50)
            $0.initialReconnectDelay = .milliseconds(20)
            $0.maxReconnectDelay = .milliseconds(100)
        }
        try withWorker(configure) { broker, _ in
            _ = try broker.awaitReady()
            broker.close()
            let restarted = try FakeBroker(endpoint: broker.endpoint)
            defer { restarted.close() }
            _ = try restarted.awaitReady()
        }
    }

    @Test func disconnectFromTheBrokerMakesTheWorkerReconnectAndSendReadyAgain() throws {
        // Liveness is long, so only the DISCONNECT can explain a second READY within the wait.
        let configure: (inout WorkerConfiguration) -> Void = {
            $0.heartbeatInterval = .seconds(1)
            $0.heartbeatLiveness = 30
            $0.initialReconnectDelay = .milliseconds(20)
        }
        try withWorker(configure) { broker, worker in
            let first = try broker.awaitReady()
            try broker.send(.disconnect(reason: "go away"), to: first)
            let second = try broker.awaitReady()
            #expect(second != first)
            #expect(worker.statistics.reconnects == 1)
        }
    }

    @Test func stoppingSendsDisconnectAndEndsTheThread() throws {
        let broker = try FakeBroker()
        let worker = try PackWorker(
            pack: pack,
            configuration: WorkerConfiguration(endpoint: broker.endpoint),
            context: context
        )
        try worker.start()
        let identity = try broker.awaitReady()
        worker.stop()
        let goodbye = try #require(try broker.receive { $0 != .heartbeat })
        #expect(goodbye.identity == identity)
        #expect(goodbye.message == .disconnect(reason: "worker stopping"))
        worker.stop()
        broker.close()
        context.terminate()
    }

    @Test func messagesWithAnUnknownHeaderAreDroppedWithoutAnAnswer() throws {
        try withWorker { broker, worker in
            let identity = try broker.awaitReady()
            try broker.router.send([identity, [], Array("AISW02".utf8), [0x02], Array("t".utf8), Array("{}".utf8)])
            try broker.send(.request(ticket: try TicketID("t-ok"), body: Array("[]".utf8)), to: identity)
            let reply = try #require(try broker.receive { $0 != .heartbeat })
            guard case .error(let ticket, _, _) = reply.message else {
                Issue.record("expected the ERROR for t-ok, got \(reply.message)")
                return
            }
            #expect(ticket == (try TicketID("t-ok")))
            #expect(worker.statistics.droppedMessages == 1)
            #expect(worker.statistics.requestsServed == 1)
        }
    }

    @Test func aMalformedEndpointIsRefusedAtStart() throws {
        let worker = try PackWorker(
            pack: pack,
            configuration: WorkerConfiguration(endpoint: "nonsense"),
            context: context
        )
        #expect(throws: ZMQError.self) { try worker.start() }
        worker.stop()
        context.terminate()
    }
}

/// Paths and request files of the repository.
enum WorkerFixtures {
    /// The repository root, found from this file's path.
    static var repository: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
    }

    /// The bytes of one of `examples/requests`.
    static func request(_ name: String) throws -> [UInt8] {
        let path = repository + "/examples/requests/" + name
        return Array(try #require(FileManager.default.contents(atPath: path), "cannot read \(path)"))
    }
}

/// A broker's worker ROUTER in the test: binds loopback TCP and reads worker messages with timeouts (never sleeps).
///
/// It has its own context, as a broker process would, so that ``close()`` can wait until the port is free again.
private final class FakeBroker {
    let context: ZMQContext
    let router: ZMQSocket
    let endpoint: String

    /// Binds a ROUTER.
    /// - Parameter endpoint: Where to bind; the default picks a free port.
    init(endpoint: String = "tcp://127.0.0.1:*") throws {
        context = try ZMQContext()
        router = try context.socket(.router)
        try router.set(.linger, to: 0)
        try router.set(.routerMandatory, to: true)
        try router.bind(endpoint)
        self.endpoint = try router.lastEndpoint
    }

    /// The next worker message that satisfies `accept`, skipping others; `nil` if none arrived in time.
    func receive(
        within timeout: Duration = .seconds(10),
        where accept: (WorkerMessage) -> Bool = { _ in true }
    ) throws -> (identity: [UInt8], message: WorkerMessage)? {
        let deadline = ContinuousClock.now + timeout
        var poller = ZMQPoller()
        let token = poller.add(router)
        while ContinuousClock.now < deadline {
            let left = deadline - ContinuousClock.now
            let milliseconds = Int(left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000)
            guard try poller.poll(timeoutMilliseconds: max(milliseconds, 1)).isReadable(token) else { continue }
            while let frames = try router.receiveMultipart(flags: .dontWait) {
                guard let identity = frames.first else { continue }
                let message = try WorkerMessage.decode(frames: Array(frames.dropFirst()))
                if accept(message) {
                    return (identity, message)
                }
            }
        }
        return nil
    }

    /// Waits for the next READY and returns the sender's identity.
    func awaitReady() throws -> [UInt8] {
        let ready = try #require(try receive { $0.isReady }, "no READY from the worker")
        return ready.identity
    }

    /// Sends a message to one worker.
    func send(_ message: BrokerToWorker, to identity: [UInt8]) throws {
        try router.send([identity] + message.encode())
    }

    /// Closes the ROUTER and waits until libzmq has released the port.
    func close() {
        router.close()
        context.terminate()
    }
}

extension WorkerMessage {
    fileprivate var isReady: Bool {
        if case .ready = self { true } else { false }
    }
}
