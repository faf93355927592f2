import ArgumentParser
import Foundation
import RulesEngine
import Synchronization
import Wire
import ZeroMQ

/// The load generator: drives a running broker and reports round-trip latency and throughput.
struct Load: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Drive a running broker with requests and measure latency and throughput (numbers for BENCHMARKS.md).",
        discussion: """
            Sends the example requests (or --files) round-robin, each with a fresh request id, for --seconds.
            --window 1 is synchronous (one request at a time: round-trip latency p50/p99); a larger window keeps
            that many requests in flight per client (pipelined throughput). --clients runs several DEALER
            clients, each on its own thread. Prints one JSON line with the results.
            """)

    @Option(name: .long, help: "Broker client endpoint.")
    var connect = "tcp://127.0.0.1:5555"

    @Option(name: .long, help: "Service: screen or pack.<id>.")
    var service = "screen"

    @Option(name: .long, help: "Requests in flight per client (1 = synchronous).")
    var window = 1

    @Option(name: .long, help: "Number of clients (threads).")
    var clients = 1

    @Option(name: .long, help: "How long to run.")
    var seconds: Double = 5

    @Option(name: .long, parsing: .upToNextOption, help: "Request files (default: examples/requests/*.json).")
    var files: [String] = []

    func run() async throws {
        let paths = files.isEmpty
            ? ((try? FileManager.default.contentsOfDirectory(atPath: "examples/requests")) ?? []).filter { $0.hasSuffix(".json") }.sorted().map { "examples/requests/" + $0 }
            : files
        let bodies = paths.compactMap { FileManager.default.contents(atPath: $0).map { [UInt8]($0) } }
        guard !bodies.isEmpty else { throw ValidationError("no request files") }
        let service = try ServiceName(self.service)
        let context = try ZMQContext()
        let results = LoadResults()
        let threads = (0..<clients).map { index in
            Thread { [connect, window, seconds] in
                let outcome = Result { try Self.drive(context: context, endpoint: connect, service: service, bodies: bodies, window: window, seconds: seconds, client: index) }
                results.add(outcome)
            }
        }
        threads.forEach { $0.start() }
        while results.count < clients { try await Task.sleep(for: .milliseconds(50)) }
        context.terminate()
        let all = try results.merged()
        let latencies = all.latencies.sorted()
        func percentile(_ p: Double) -> Double {
            latencies.isEmpty ? 0 : latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))]
        }
        let rate = Double(all.answered) / seconds
        print(String(format: "%@: %d clients × window %d: %.0f replies/s; round trip p50 %.0f µs, p99 %.0f µs; %d errors",
                     self.service, clients, window, rate, percentile(0.5), percentile(0.99), all.errors))
        print(JSONWriter.string(.object([
            ("service", .string(self.service)), ("clients", .int(Int64(clients))), ("window", .int(Int64(window))),
            ("seconds", .double(seconds)), ("replies", .int(Int64(all.answered))), ("replies_per_sec", .double(rate.rounded())),
            ("p50_us", .double(percentile(0.5).rounded())), ("p99_us", .double(percentile(0.99).rounded())),
            ("errors", .int(Int64(all.errors))), ("verdicts", .object(all.verdicts.sorted { $0.key < $1.key }.map { ($0.key, .int(Int64($0.value))) })),
        ])))
    }

    struct Tally: Sendable {
        var answered = 0
        var errors = 0
        var latencies: [Double] = []
        var verdicts: [String: Int] = [:]
    }

    /// One client: keeps `window` requests in flight until time is up, then collects what is still open.
    static func drive(context: ZMQContext, endpoint: String, service: ServiceName, bodies: [[UInt8]], window: Int, seconds: Double, client: Int) throws -> Tally {
        let socket = try context.socket(.dealer)
        defer { socket.close() }
        try socket.set(.linger, to: 0)
        try socket.set(.receiveTimeout, to: 5_000)
        try socket.set(.sendHighWaterMark, to: 100_000)
        try socket.set(.receiveHighWaterMark, to: 100_000)
        try socket.connect(endpoint)
        var tally = Tally()
        var sentAt: [String: UInt64] = [:]
        var next = 0
        let end = DispatchTime.now().uptimeNanoseconds + UInt64(seconds * 1e9)
        func send() throws {
            let id = "load-\(client)-\(next)-\(UInt32.random(in: 0...UInt32.max))"
            let body = bodies[next % bodies.count]
            next += 1
            let frames = ClientMessage.request(service: service, requestID: try RequestID(id), body: body).encode()
            sentAt[id] = DispatchTime.now().uptimeNanoseconds
            try socket.send(frames)
        }
        for _ in 0..<window { try send() }
        while !sentAt.isEmpty {
            guard let frames = try socket.receiveMultipart() else { break }  // timeout: give up on the rest
            let reply = try BrokerReply.decode(frames: frames)
            guard reply.isTerminal, let started = sentAt.removeValue(forKey: reply.requestID.rawValue) else { continue }
            tally.latencies.append(Double(DispatchTime.now().uptimeNanoseconds - started) / 1_000)
            switch reply {
            case .final(_, _, let body):
                tally.answered += 1
                if case .string(let verdict)? = (try? JSONParser().member("verdict", in: body)) ?? nil { tally.verdicts[verdict, default: 0] += 1 }
            default:
                tally.errors += 1
            }
            if DispatchTime.now().uptimeNanoseconds < end { try send() }
        }
        tally.errors += sentAt.count
        return tally
    }
}

/// Results from the client threads.
final class LoadResults: Sendable {
    private let outcomes = Mutex<[Result<Load.Tally, any Error>]>([])

    var count: Int { outcomes.withLock { $0.count } }

    func add(_ outcome: Result<Load.Tally, any Error>) { outcomes.withLock { $0.append(outcome) } }

    func merged() throws -> Load.Tally {
        var total = Load.Tally()
        for outcome in outcomes.withLock({ $0 }) {
            let tally = try outcome.get()
            total.answered += tally.answered
            total.errors += tally.errors
            total.latencies += tally.latencies
            total.verdicts.merge(tally.verdicts, uniquingKeysWith: +)
        }
        return total
    }
}
