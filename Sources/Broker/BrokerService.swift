public import RulesEngine
import Foundation
import Synchronization
import Wire
public import ZeroMQ

/// Where the broker listens. `tcp://127.0.0.1:*` picks a free port; ``BrokerService/run(onListening:)``
/// reports the one it got.
public struct BrokerEndpoints: Sendable, Hashable {
    public var client: String
    public var worker: String
    public var publish: String

    public init(client: String, worker: String, publish: String) {
        self.client = client
        self.worker = worker
        self.publish = publish
    }
}

/// The broker's I/O loop: one thread owns the client ROUTER, the worker ROUTER and the PUB socket, feeds what
/// arrives to ``BrokerStateMachine`` and performs the actions it returns. Every send is non-blocking, so one
/// slow or vanished peer never stalls the broker; a send that cannot complete is counted and dropped (a client
/// that misses its reply retries with the same request id and gets the cached verdict).
public final class BrokerService: Sendable {
    enum Command: Sendable {
        case shutdown(graceMilliseconds: Int64)
    }

    public let configuration: BrokerConfiguration
    public let endpoints: BrokerEndpoints
    let schema: SchemaNode
    let context: ZMQContext
    let commands: ZMQCommandQueue<Command>
    private let snapshot = Mutex(BrokerCounters())

    public init(configuration: BrokerConfiguration, endpoints: BrokerEndpoints, schema: SchemaNode) throws(ZMQError) {
        self.configuration = configuration
        self.endpoints = endpoints
        self.schema = schema
        self.context = try ZMQContext()
        self.commands = try ZMQCommandQueue()
    }

    /// The counters as of the loop's last pass.
    public var counters: BrokerCounters { snapshot.withLock { $0 } }

    /// Stop taking requests, finish those in flight (at most `graceMilliseconds`), then return from `run`.
    /// Safe from any thread, e.g. a signal handler's queue.
    public func shutdown(graceMilliseconds: Int64 = 5_000) {
        commands.post(.shutdown(graceMilliseconds: graceMilliseconds))
    }

    static func milliseconds() -> Int64 { Int64(DispatchTime.now().uptimeNanoseconds / 1_000_000) }

    /// Runs the loop on the calling thread until ``shutdown(graceMilliseconds:)``.
    /// - Parameter onListening: called once with the bound endpoints (ports resolved).
    public func run(onListening: (BrokerEndpoints) -> Void) throws(ZMQError) {
        let clients = try context.socket(.router)
        let workers = try context.socket(.router)
        let publisher = try context.socket(.pub)
        defer {
            clients.close()
            workers.close()
            publisher.close()
            context.terminate()
        }
        for socket in [clients, workers] {
            try socket.set(.routerMandatory, to: true)
            try socket.set(.linger, to: 500)
            try socket.set(.maxMessageSize, to: Int64(configuration.maxMessageBytes) * 2)
            try socket.set(.sendHighWaterMark, to: 100_000)
            try socket.set(.receiveHighWaterMark, to: 100_000)
        }
        try clients.set(.routerHandover, to: true)
        try publisher.set(.linger, to: 500)
        try publisher.set(.sendHighWaterMark, to: 100_000)
        try clients.bind(endpoints.client)
        try workers.bind(endpoints.worker)
        try publisher.bind(endpoints.publish)
        onListening(
            BrokerEndpoints(
                client: (try? clients.lastEndpoint) ?? endpoints.client, worker: (try? workers.lastEndpoint) ?? endpoints.worker,
                publish: (try? publisher.lastEndpoint) ?? endpoints.publish))

        var machine = BrokerStateMachine(configuration: configuration, schema: schema)
        var publishing = Publishing()
        var poller = ZMQPoller()
        let clientToken = poller.add(clients, events: .readable)
        let workerToken = poller.add(workers, events: .readable)
        _ = poller.add(commands.wakeup)
        var lastTick = Self.milliseconds()
        var stopAt: Int64?
        var sendFailures = 0

        func perform(_ actions: [BrokerStateMachine.Action]) {
            for action in actions {
                do {
                    switch action {
                    case .sendToClient(let peer, let frames): try clients.send([peer.bytes] + frames, flags: .dontWait)
                    case .sendToWorker(let peer, let frames): try workers.send([peer.bytes] + frames, flags: .dontWait)
                    case .publish(let topic, let result):
                        try publisher.send([topic, publishing.body(result)], flags: .dontWait)
                    }
                } catch {
                    sendFailures += 1  // vanished peer (EHOSTUNREACH) or full queue (EAGAIN)
                }
            }
        }

        while true {
            let result = try poller.poll(timeoutMilliseconds: 20)
            for command in commands.drain() {
                switch command {
                case .shutdown(let grace):
                    machine.beginShutdown()
                    stopAt = Self.milliseconds() + grace
                }
            }
            var now = Self.milliseconds()
            if result.isReadable(clientToken) {
                for _ in 0..<2_000 {
                    guard let frames = try clients.receiveMultipart(flags: .dontWait), let identity = frames.first else { break }
                    perform(machine.clientMessage(from: PeerID(identity), frames: Array(frames.dropFirst()), now: now))
                }
            }
            if result.isReadable(workerToken) {
                for _ in 0..<2_000 {
                    guard let frames = try workers.receiveMultipart(flags: .dontWait), let identity = frames.first else { break }
                    perform(machine.workerMessage(from: PeerID(identity), frames: Array(frames.dropFirst()), now: now))
                }
            }
            now = Self.milliseconds()
            if now - lastTick >= 10 {
                lastTick = now
                perform(machine.tick(now: now))
                var counters = machine.counters
                counters.clientErrors["send-failed", default: 0] = sendFailures
                snapshot.withLock { $0 = counters }
            }
            if let stopAt, machine.pendingCount == 0 || now >= stopAt {
                perform(machine.disconnectAll())
                return
            }
        }
    }
}

/// Stamps published verdicts with `seq`, `published_at` and the run id (PROTOCOL.md §6).
struct Publishing {
    var seq: UInt64 = 0
    let runID: String = (0..<32).map { _ in String(Int.random(in: 0..<16), radix: 16) }.joined()

    mutating func body(_ result: JSONValue) -> [UInt8] {
        seq += 1
        guard case .object(var members) = result else { return [] }
        members.append(("seq", .int(Int64(seq))))
        members.append(("published_at", .string(Self.timestamp())))
        members.append(("run_id", .string(runID)))
        return Array(JSONWriter.string(.object(members)).utf8)
    }

    /// RFC 3339 UTC with milliseconds, e.g. `2026-11-27T14:05:09.123Z`.
    static func timestamp() -> String {
        let milliseconds = Int64(Date().timeIntervalSince1970 * 1000)
        let day = Day(daysSinceEpoch: Int32(milliseconds / 86_400_000))
        let inDay = Int(milliseconds % 86_400_000)
        func pad(_ v: Int, _ n: Int) -> String { String(repeating: "0", count: max(0, n - String(v).count)) + String(v) }
        return "\(day)T\(pad(inDay / 3_600_000, 2)):\(pad(inDay / 60_000 % 60, 2)):\(pad(inDay / 1000 % 60, 2)).\(pad(inDay % 1000, 3))Z"
    }
}
