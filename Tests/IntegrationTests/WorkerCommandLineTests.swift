import Dispatch
import Foundation
import RulePacks
import RulesEngine
import Synchronization
import Testing
import Wire
import ZeroMQ

/// The `aiscreen worker`, `submit` and `watch` commands as processes, against fake broker sockets in the test.
@Suite(.serialized, .timeLimit(.minutes(1)))
struct WorkerCommandLineTests {
    let context: ZMQContext

    init() throws {
        context = try ZMQContext()
    }

    @Test func theWorkerCommandRegistersAndSaysGoodbyeOnSIGTERM() throws {
        let router = try context.socket(.router)
        defer {
            router.close()
            context.terminate()
        }
        try router.set(.linger, to: 0)
        try router.bind("tcp://127.0.0.1:*")
        // The environment names the endpoint; no --connect.
        let worker = try SpawnedAIScreen(
            ["worker", "--pack", "rules/gdpr", "--count", "2"],
            environment: ["AISCREEN_WORKER_ENDPOINT": try router.lastEndpoint]
        )
        var ready: Set<[UInt8]> = []
        while ready.count < 2 {
            let (identity, message) = try #require(try Self.receiveWorkerMessage(router), "no READY from the worker")
            if case .ready(let service, _) = message {
                #expect(service == (try ServiceName.pack("gdpr")))
                ready.insert(identity)
            }
        }
        worker.signal(SIGTERM)
        var goodbyes: Set<[UInt8]> = []
        while goodbyes.count < 2 {
            let (identity, message) = try #require(try Self.receiveWorkerMessage(router), "no DISCONNECT")
            if case .disconnect = message {
                goodbyes.insert(identity)
            }
        }
        #expect(goodbyes == ready)
        #expect(worker.waitForExit() == 0)
    }

    @Test func theWorkerCommandRefusesABrokenPackWithItsDiagnostics() throws {
        defer { context.terminate() }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("aiscreen-broken-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try "id: broken\nrules: [".write(
            to: folder.appendingPathComponent("pack.yaml"),
            atomically: true,
            encoding: .utf8
        )
        let worker = try SpawnedAIScreen(["worker", "--pack", folder.path, "--connect", "tcp://127.0.0.1:1"])
        #expect(worker.waitForExit() == 1)
        #expect(worker.standardError.contains("pack.yaml"))
        #expect(worker.standardError.contains("error"))
    }

    @Test func submitPipelinesRetriesOnceWithTheSameIdAndReportsErrorsPerFile() throws {
        let router = try context.socket(.router)
        defer {
            router.close()
            context.terminate()
        }
        try router.set(.linger, to: 0)
        try router.bind("tcp://127.0.0.1:*")
        let first = "examples/requests/01-aarhusai-chat-platform.json"
        let second = "examples/requests/08-spell-grammar-checker.json"
        let submit = try SpawnedAIScreen([
            "submit", "--connect", try router.lastEndpoint, "--json", "--timeout-ms", "300", "--deadline-ms", "100",
            first, "/no/such/file.json", second,
        ])
        // Both requests arrive before any answer: they are pipelined.
        var requests: [(identity: [UInt8], id: RequestID, body: [UInt8])] = []
        while requests.count < 2 {
            let (identity, message) = try #require(try Self.receiveClientMessage(router), "no REQUEST")
            guard case .request(let service, let id, let deadline, _, let body) = message else { continue }
            #expect(service == .screen)
            #expect(deadline == Deadline(milliseconds: 100))
            requests.append((identity, id, body))
        }
        let firstBody = Array(
            try #require(FileManager.default.contents(atPath: WorkerFixtures.repository + "/" + first))
        )
        let answered = try #require(requests.first { $0.body == firstBody })
        let refused = try #require(requests.first { $0.body != firstBody })
        #expect(answered.id != refused.id)
        try router.send(
            [refused.identity]
                + BrokerReply.error(
                    service: .screen,
                    requestID: refused.id,
                    code: .noWorkers,
                    message: "no gdpr worker"
                )
                .encode()
        )
        // Say nothing to the first: after the timeout it comes again, with the same id and body.
        let (identity, retry) = try #require(try Self.receiveClientMessage(router), "no retry")
        #expect(
            retry
                == .request(
                    service: .screen,
                    requestID: answered.id,
                    deadline: Deadline(milliseconds: 100),
                    body: firstBody
                )
        )
        let result = #"{"request_id":"x","verdict":"approved","packs":{},"conditions":[],"errors":[]}"#
        try router.send(
            [identity] + BrokerReply.final(service: .screen, requestID: answered.id, body: Array(result.utf8)).encode()
        )

        #expect(submit.waitForExit() == 1)
        #expect(submit.standardOutput == result + "\n")
        #expect(submit.standardError.contains("/no/such/file.json: error: cannot read the file"))
        #expect(submit.standardError.contains("\(second): error: [no-workers] no gdpr worker"))
    }

    @Test func submitExplainsARemoteVerdictExactlyAsScreenDoesInProcess() throws {
        let router = try context.socket(.router)
        defer {
            router.close()
            context.terminate()
        }
        try router.set(.linger, to: 0)
        try router.bind("tcp://127.0.0.1:*")
        let file = "examples/requests/04-cv-screening-recruitment.json"
        let submit = try SpawnedAIScreen(["submit", "--connect", try router.lastEndpoint, "--id-from-request", file])
        let (identity, message) = try #require(try Self.receiveClientMessage(router), "no REQUEST")
        guard case .request(_, let id, _, _, let body) = message else {
            Issue.record("expected a REQUEST, got \(message)")
            return
        }
        // Answer as a broker would: every pack's verdict, combined.
        let packs = PackLoader().loadAll(WorkerFixtures.repository + "/rules")
        let result = try Screener(packs: packs).screen(json: String(decoding: body, as: UTF8.self))
        #expect(id.rawValue == result.requestID)
        try router.send(
            [identity]
                + BrokerReply.final(service: .screen, requestID: id, body: Array(JSONWriter.string(result.json).utf8))
                .encode()
        )
        #expect(submit.waitForExit() == 0)

        let screen = try SpawnedAIScreen(["screen", file])
        #expect(screen.waitForExit() == 0)
        #expect(!submit.standardOutput.isEmpty)
        #expect(submit.standardOutput == screen.standardOutput)
    }

    @Test func watchPrintsEachVerdictAndReportsGapsAndNewRuns() throws {
        let publisher = try context.socket(.xpub)
        defer {
            publisher.close()
            context.terminate()
        }
        try publisher.set(.linger, to: 0)
        try publisher.bind("tcp://127.0.0.1:*")
        let watch = try SpawnedAIScreen(["watch", "--connect", try publisher.lastEndpoint])
        // XPUB hands us the subscription: publish only once it has arrived.
        let subscription = try #require(try Self.receive(publisher), "no subscription from watch")
        #expect(subscription == [[0x01] + Array("verdict.".utf8)])
        let messages: [(run: String, seq: Int)] = [("a", 1), ("a", 2), ("a", 5), ("b", 1)]
        for (run, seq) in messages {
            let body = #"{"request_id":"r\#(seq)","verdict":"rejected","seq":\#(seq),"run_id":"\#(run)"}"#
            try publisher.send([Array("verdict.rejected.it".utf8), Array(body.utf8)])
        }
        let lines = try #require(watch.waitForStandardOutputLines(4), "watch printed: \(watch.standardOutput)")
        #expect(
            lines == [
                "#1 verdict.rejected.it r1 rejected", "#2 verdict.rejected.it r2 rejected",
                "#5 verdict.rejected.it r5 rejected", "#1 verdict.rejected.it r1 rejected",
            ]
        )
        watch.signal(SIGINT)
        #expect(watch.waitForExit() == 0)
        #expect(watch.standardError.contains("gap: missed 2 verdicts"))
        #expect(watch.standardError.contains("new broker run b"))
    }

    @Test func watchSaysTheVerdictInDanish() throws {
        let publisher = try context.socket(.xpub)
        defer {
            publisher.close()
            context.terminate()
        }
        try publisher.set(.linger, to: 0)
        try publisher.bind("tcp://127.0.0.1:*")
        let watch = try SpawnedAIScreen(["watch", "--lang", "da", "--connect", try publisher.lastEndpoint])
        _ = try #require(try Self.receive(publisher), "no subscription from watch")
        for (seq, verdict) in [(1, "approved-with-conditions"), (2, "needs-review"), (3, "made-up")] {
            let body = #"{"request_id":"r\#(seq)","verdict":"\#(verdict)","seq":\#(seq),"run_id":"a"}"#
            try publisher.send([Array("verdict.x.it".utf8), Array(body.utf8)])
        }
        let lines = try #require(watch.waitForStandardOutputLines(3), "watch printed: \(watch.standardOutput)")
        #expect(lines == ["#1 verdict.x.it r1 godkendt med betingelser", "#2 verdict.x.it r2 kræver vurdering", "#3 verdict.x.it r3 made-up"])
        watch.signal(SIGINT)
        #expect(watch.waitForExit() == 0)
    }

    // MARK: - Fake broker sockets

    static func receive(_ socket: ZMQSocket, within timeout: Duration = .seconds(20)) throws -> [[UInt8]]? {
        var poller = ZMQPoller()
        let token = poller.add(socket)
        let milliseconds = Int(timeout.components.seconds * 1000)
        guard try poller.poll(timeoutMilliseconds: milliseconds).isReadable(token) else { return nil }
        return try socket.receiveMultipart(flags: .dontWait)
    }

    static func receiveWorkerMessage(_ router: ZMQSocket) throws -> ([UInt8], WorkerMessage)? {
        guard let frames = try receive(router), let identity = frames.first else { return nil }
        return (identity, try WorkerMessage.decode(frames: Array(frames.dropFirst())))
    }

    static func receiveClientMessage(_ router: ZMQSocket) throws -> ([UInt8], ClientMessage)? {
        guard let frames = try receive(router), let identity = frames.first else { return nil }
        return (identity, try ClientMessage.decode(frames: Array(frames.dropFirst())))
    }
}

extension PackLoader {
    /// Every pack in a folder; test failure on any diagnostic error.
    fileprivate func loadAll(_ folder: String) -> [CompiledPack] {
        PackLoader.discover([folder]).packs.compactMap { load(directory: $0).pack }
    }
}

/// The `aiscreen` executable, run from the repository root with its output captured.
private final class SpawnedAIScreen {
    /// The built executable (`$AISCREEN_BIN`, else the debug build); a missing one fails the test, never skips it.
    static var executable: URL? {
        FileManager.default.isExecutableFile(atPath: Repo.binary) ? URL(fileURLWithPath: Repo.binary) : nil
    }

    private let process = Process()
    private let output = Capture()
    private let errors = Capture()
    private let exited = DispatchSemaphore(value: 0)

    init(_ arguments: [String], environment: [String: String] = [:]) throws {
        let executable = try #require(Self.executable)
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: WorkerFixtures.repository)
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardOutput = output.pipe
        process.standardError = errors.pipe
        process.terminationHandler = { [exited] _ in exited.signal() }
        try process.run()
    }

    deinit {
        if process.isRunning {
            process.terminate()
        }
    }

    func signal(_ number: Int32) {
        kill(process.processIdentifier, number)
    }

    /// Waits for the process to end and for all its output; `nil` (after killing it) if it takes too long.
    func waitForExit(within seconds: Double = 30) -> Int32? {
        guard exited.wait(timeout: .now() + seconds) == .success else {
            process.terminate()
            return nil
        }
        // A pipe that never ends means another process still holds its write end: say so rather than compare
        // half an output.
        let ended = output.waitForEnd(within: seconds) && errors.waitForEnd(within: seconds)
        #expect(ended, "the output of \(process.arguments ?? []) did not end within \(seconds) s")
        return process.terminationStatus
    }

    /// Waits until standard output has `count` lines; `nil` if they do not come in time.
    func waitForStandardOutputLines(_ count: Int, within seconds: Double = 20) -> [String]? {
        let deadline = DispatchTime.now() + seconds
        while true {
            let lines = standardOutput.split(separator: "\n").map(String.init)
            if lines.count >= count {
                return lines
            }
            guard output.changed.wait(timeout: deadline) == .success else { return nil }
        }
    }

    var standardOutput: String { output.text }
    var standardError: String { errors.text }
}

/// Collects what a child process writes to one pipe, as it comes (so the child never blocks on a full pipe).
private final class Capture: Sendable {
    let pipe = Pipe()
    /// Signalled after every chunk and at the end.
    let changed = DispatchSemaphore(value: 0)
    private let ended = DispatchSemaphore(value: 0)
    private let bytes = Mutex<[UInt8]>([])

    init() {
        pipe.fileHandleForReading.readabilityHandler = { [self] handle in
            let data = handle.availableData
            if data.isEmpty {
                handle.readabilityHandler = nil
                ended.signal()
            } else {
                bytes.withLock { $0 += Array(data) }
            }
            changed.signal()
        }
    }

    var text: String {
        bytes.withLock { String(decoding: $0, as: UTF8.self) }
    }

    func waitForEnd(within seconds: Double) -> Bool {
        ended.wait(timeout: .now() + seconds) == .success
    }
}
