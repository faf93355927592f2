import ArgumentParser
import Foundation
import RulesEngine
import Security
import Synchronization
import Wire
import ZeroMQ

/// The load generator: drives a running broker and reports round-trip latency and throughput, optionally with
/// hostile requests mixed in and the broker's memory sampled.
struct Load: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Drive a running broker with requests and measure latency and throughput (numbers for BENCHMARKS.md).",
        discussion: helpText("""
            Sends the example requests (or --files) round-robin, each with a fresh request id, for --seconds. \
            --window 1 is synchronous (one request at a time: round-trip latency p50/p99); a larger window keeps \
            that many requests in flight per client (pipelined throughput). --clients runs several DEALER \
            clients, each on its own thread. Prints one summary line and one JSON line with the results.

            --invalid-every N makes every Nth request of each client a hostile one, cycling through: body not JSON \
            (expects ERROR invalid-json), schema violation (schema-violation), unknown field (schema-violation), \
            unknown service (unknown-service), oversized message (too-large; sized from --max-message-bytes, which \
            must match the broker's), JSON nested too deep (invalid-json; from --max-json-depth), a bad deadline \
            frame (malformed) and a wrong protocol header (dropped by the broker without a reply, PROTOCOL.md \
            §4.6: counted as dropped, not as lost). A reply with another code, or any reply to a dropped one, is \
            a mismatch. Valid requests that get no reply are 'missing'; a second terminal reply for an id is a \
            duplicate. Latency percentiles are over valid requests only.

            --sample-rss PID reads VmRSS from /proc/PID/status once a second while the load runs and reports the \
            samples with the maximum of the first and last minute and overall.

            The JSON line has: replies (valid FINALs), errors (valid requests refused or unanswered), p50_us, \
            p99_us, verdicts, valid {sent, answered, refused, missing, \
            fail_closed (FINALs with a failed pack)}, duplicates, unexpected, invalid {sent, \
            dropped, answered, missing, mismatches, kinds}, and rss_kb when sampled. The exit status is 0 either \
            way: read the numbers.
            """))

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

    @Option(name: .long, help: DetailLevel.help)
    var detail: DetailLevel = .full

    @Option(name: .long, help: "Make every Nth request of each client a hostile one (0 = none).")
    var invalidEvery = 0

    @Option(name: .long, help: "The broker's max_message_bytes (sizes the oversized hostile request).")
    var maxMessageBytes = 1_048_576

    @Option(name: .customLong("max-json-depth"), help: "The broker's max_json_depth (sizes the too-deep hostile request).")
    var maxJSONDepth = 32

    @Option(name: .customLong("sample-rss"), help: "Sample VmRSS of this process id once a second.")
    var sampleRSS: Int32?

    @Option(name: .long, help: "After --seconds, wait this long without any reply before counting the rest as missing.")
    var drainSeconds: Double = 15

    @OptionGroup var keys: KeyOptions

    @Option(name: .long, help: "Deployment config, for security.client_key/broker_key (default: config/aiscreen.yaml if present).")
    var config: String?

    func validate() throws {
        guard window >= 1, clients >= 1 else { throw ValidationError("--window and --clients must be at least 1") }
        guard invalidEvery == 0 || invalidEvery >= 2 else { throw ValidationError("--invalid-every must be 0 or at least 2") }
        guard maxMessageBytes >= 1_024, maxJSONDepth >= 1 else { throw ValidationError("--max-message-bytes ≥ 1024, --max-json-depth ≥ 1") }
    }

    func run() async throws {
        let paths = files.isEmpty
            ? ((try? FileManager.default.contentsOfDirectory(atPath: "examples/requests")) ?? []).filter { $0.hasSuffix(".json") }.sorted().map { "examples/requests/" + $0 }
            : files
        let bodies = paths.compactMap { FileManager.default.contents(atPath: $0).map { [UInt8]($0) } }
        guard !bodies.isEmpty else { throw ValidationError("no request files") }
        let service = try ServiceName(self.service)
        let hostile = Hostile.Factory(base: bodies[0], maxMessageBytes: maxMessageBytes, maxJSONDepth: maxJSONDepth)
        let templates = try bodies.enumerated().map { index, body in
            do {
                return try RequestTemplate(body)
            } catch {
                throw ValidationError("\(paths[index]): not a JSON object")
            }
        }
        let plan = Plan(service: service, options: detail.options, bodies: bodies, templates: templates, window: window, seconds: seconds, invalidEvery: invalidEvery, drainSeconds: drainSeconds, hostile: hostile)
        let curve = try keys.clientKeys(NetworkCommands.deployment(config: config))
        let context = try ZMQContext()
        let results = LoadResults()
        let sampler = sampleRSS.map { RSSSampler(pid: $0) }
        sampler?.start()
        let started = DispatchTime.now().uptimeNanoseconds
        let threads = (0..<clients).map { index in
            Thread { [connect] in
                let outcome = Result { try Self.drive(context: context, endpoint: connect, plan: plan, client: index, curve: curve) }
                results.add(outcome)
            }
        }
        threads.forEach { $0.start() }
        while results.count < clients { try await Task.sleep(for: .milliseconds(50)) }
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        let samples = sampler?.stop()
        context.terminate()
        let all = try results.merged()
        let latencies = all.latencies.sorted()
        func percentile(_ p: Double) -> Double {
            latencies.isEmpty ? 0 : latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))]
        }
        let rate = Double(all.answered) / seconds
        let errors = all.refused.values.reduce(0, +) + all.missing
        print(String(format: "%@: %d clients × window %d: %.0f replies/s; round trip p50 %.0f µs, p99 %.0f µs; %d errors",
                     self.service, clients, window, rate, percentile(0.5), percentile(0.99), errors))
        func counts(_ dictionary: [String: Int]) -> JSONValue {
            .object(dictionary.sorted { $0.key < $1.key }.map { ($0.key, .int(Int64($0.value))) })
        }
        var members: [(String, JSONValue)] = [
            ("service", .string(self.service)), ("clients", .int(Int64(clients))), ("window", .int(Int64(window))),
            ("seconds", .double(seconds)), ("elapsed_seconds", .double((elapsed * 10).rounded() / 10)),
            ("replies", .int(Int64(all.answered))), ("replies_per_sec", .double(rate.rounded())),
            ("p50_us", .double(percentile(0.5).rounded())), ("p99_us", .double(percentile(0.99).rounded())),
            ("errors", .int(Int64(errors))), ("verdicts", counts(all.verdicts)),
            ("detail", .string(detail.rawValue)), ("reply_bytes_mean", .int(Int64(all.answered == 0 ? 0 : all.replyBytes / all.answered))),
            ("valid", .object([
                ("sent", .int(Int64(all.validSent))), ("answered", .int(Int64(all.answered))),
                ("refused", counts(all.refused)), ("missing", .int(Int64(all.missing))),
                ("fail_closed", .int(Int64(all.failClosed))),
            ])),
            ("duplicates", .int(Int64(all.duplicates))), ("unexpected", .int(Int64(all.unexpected))),
        ]
        if invalidEvery > 0 {
            let kinds: [(String, JSONValue)] = Hostile.allCases.map { kind in
                (kind.rawValue, .object([
                    ("sent", .int(Int64(all.hostileSent[kind.rawValue] ?? 0))),
                    ("expected", .string(kind.expectedCode ?? "dropped")),
                    ("got", counts(all.hostileGot[kind.rawValue] ?? [:])),
                ]))
            }
            members.append(("invalid", .object([
                ("sent", .int(Int64(all.hostileSent.values.reduce(0, +)))), ("dropped", .int(Int64(all.dropped))),
                ("answered", .int(Int64(all.hostileAnswered))), ("missing", .int(Int64(all.hostileMissing))),
                ("mismatches", .int(Int64(all.mismatches.count))),
                ("mismatch_examples", .array(all.mismatches.prefix(10).map { .string($0) })),
                ("kinds", .object(kinds)),
            ])))
        }
        if let samples {
            members.append(("rss_kb", RSSSampler.summary(samples)))
        }
        print(JSONWriter.string(.object(members)))
    }

    /// What every client does.
    struct Plan: Sendable {
        var service: ServiceName
        /// The valid requests' options (the detail level).
        var options: RequestOptions = []
        var bodies: [[UInt8]]
        var templates: [RequestTemplate]
        var window: Int
        var seconds: Double
        var invalidEvery: Int
        var drainSeconds: Double
        var hostile: Hostile.Factory
    }

    struct Tally: Sendable {
        var validSent = 0
        var answered = 0
        /// Bytes of the FINAL bodies of valid requests.
        var replyBytes = 0
        var refused: [String: Int] = [:]
        var missing = 0
        /// FINALs with a failed pack (fail closed: a worker error, a lost ticket or the deadline).
        var failClosed = 0
        var latencies: [Double] = []
        var verdicts: [String: Int] = [:]
        var duplicates = 0
        var unexpected = 0
        var hostileSent: [String: Int] = [:]
        var hostileGot: [String: [String: Int]] = [:]
        var hostileAnswered = 0
        var hostileMissing = 0
        var dropped = 0
        var mismatches: [String] = []
    }

    /// One client: keeps `window` requests in flight until time is up, then collects what is still open.
    static func drive(context: ZMQContext, endpoint: String, plan: Plan, client: Int, curve: ClientKeys?) throws -> Tally {
        let socket = try context.socket(.dealer)
        defer { socket.close() }
        try socket.set(.linger, to: 0)
        try curve?.apply(to: socket)
        try socket.set(.receiveTimeout, to: 1_000)
        try socket.set(.sendHighWaterMark, to: 100_000)
        try socket.set(.receiveHighWaterMark, to: 100_000)
        try socket.connect(endpoint)
        var tally = Tally()
        /// Open requests: when sent, and the hostile kind (nil for a valid request).
        var open: [String: (sent: UInt64, kind: Hostile?)] = [:]
        var answeredIDs = Set<String>()
        var droppedIDs = Set<String>()
        var next = 0
        var hostileNext = 0
        let salt = UInt32.random(in: 0...UInt32.max)
        let end = DispatchTime.now().uptimeNanoseconds + UInt64(plan.seconds * 1e9)
        /// Sends one request that expects a reply (and any dropped hostile ones before it).
        func send() throws {
            while true {
                let id = "load-\(client)-\(next)-\(salt)"
                let isHostile = plan.invalidEvery > 0 && next % plan.invalidEvery == plan.invalidEvery - 1
                // The body carries the id too (the broker refuses a request whose two ids differ).
                let body = plan.templates[next % plan.templates.count].body(id: id)
                next += 1
                let requestID = try RequestID(id)
                guard isHostile else {
                    open[id] = (DispatchTime.now().uptimeNanoseconds, nil)
                    tally.validSent += 1
                    try socket.send(ClientMessage.request(service: plan.service, requestID: requestID, options: plan.options, body: body).encode())
                    return
                }
                let kind = Hostile.allCases[hostileNext % Hostile.allCases.count]
                hostileNext += 1
                tally.hostileSent[kind.rawValue, default: 0] += 1
                try socket.send(plan.hostile.frames(kind, service: plan.service, requestID: requestID, body: body))
                guard kind.expectedCode != nil else {
                    tally.dropped += 1
                    droppedIDs.insert(id)
                    continue  // no reply will come: send another to keep the window full
                }
                open[id] = (DispatchTime.now().uptimeNanoseconds, kind)
                return
            }
        }
        for _ in 0..<plan.window { try send() }
        var lastReply = DispatchTime.now().uptimeNanoseconds
        while !open.isEmpty {
            let now = DispatchTime.now().uptimeNanoseconds
            if now > end, Double(now - max(lastReply, end)) / 1e9 > plan.drainSeconds { break }
            guard let frames = try socket.receiveMultipart() else { continue }  // timeout: look at the clock again
            lastReply = DispatchTime.now().uptimeNanoseconds
            let reply: BrokerReply
            do {
                reply = try BrokerReply.decode(frames: frames)
            } catch {
                tally.unexpected += 1
                continue
            }
            guard reply.isTerminal else { continue }
            let id = reply.requestID.rawValue
            guard let request = open.removeValue(forKey: id) else {
                if answeredIDs.contains(id) {
                    tally.duplicates += 1
                } else if droppedIDs.contains(id) {
                    tally.mismatches.append("\(id): a hostile request the broker should drop was answered")
                } else {
                    tally.unexpected += 1
                }
                continue
            }
            answeredIDs.insert(id)
            if let kind = request.kind {
                tally.hostileAnswered += 1
                let code: String
                switch reply {
                case .error(_, _, let errorCode, _): code = errorCode.rawValue
                default: code = "final"
                }
                tally.hostileGot[kind.rawValue, default: [:]][code, default: 0] += 1
                if code != kind.expectedCode { tally.mismatches.append("\(id) (\(kind.rawValue)): expected \(kind.expectedCode ?? "no reply"), got \(code)") }
            } else {
                tally.latencies.append(Double(lastReply - request.sent) / 1_000)
                switch reply {
                case .final(_, _, let body):
                    tally.answered += 1
                    tally.replyBytes += body.count
                    // Two members of a ≈45 KB result: the rest is only scanned, so the load generator stays cheap.
                    let json = try? JSONParser().members(["verdict", "errors"], in: body)
                    if case .string(let verdict)? = json?["verdict"] { tally.verdicts[verdict, default: 0] += 1 }
                    if case .array(let errors)? = json?["errors"], !errors.isEmpty { tally.failClosed += 1 }
                case .error(_, _, let code, _):
                    tally.refused[code.rawValue, default: 0] += 1
                default:
                    break
                }
            }
            if DispatchTime.now().uptimeNanoseconds < end { try send() }
        }
        for (id, request) in open {
            guard let kind = request.kind else {
                tally.missing += 1
                continue
            }
            tally.hostileMissing += 1
            tally.mismatches.append("\(id) (\(kind.rawValue)): expected \(kind.expectedCode ?? "no reply"), got no reply")
        }
        // Anything still arriving within a moment (a late duplicate would show up here).
        try socket.set(.receiveTimeout, to: 200)
        while let frames = try socket.receiveMultipart() {
            guard let reply = try? BrokerReply.decode(frames: frames), reply.isTerminal else { continue }
            if answeredIDs.contains(reply.requestID.rawValue) { tally.duplicates += 1 } else { tally.unexpected += 1 }
        }
        return tally
    }
}

/// The hostile requests of `aiscreen load --invalid-every`, each with the outcome PROTOCOL.md §4.6 gives it.
enum Hostile: String, CaseIterable, Sendable {
    case notJSON = "not-json"
    case schemaViolation = "schema-violation"
    case unknownField = "unknown-field"
    case unknownService = "unknown-service"
    case oversized
    case tooDeep = "too-deep"
    case badFrame = "bad-deadline-frame"
    case wrongHeader = "wrong-header"

    /// The error code the broker answers with; nil: it drops the message (counted, no reply).
    var expectedCode: String? {
        switch self {
        case .notJSON: "invalid-json"
        case .schemaViolation: "schema-violation"
        case .unknownField: "schema-violation"
        case .unknownService: "unknown-service"
        case .oversized: "too-large"
        case .tooDeep: "invalid-json"
        case .badFrame: "malformed"
        case .wrongHeader: nil
        }
    }

    /// Builds the frames of each kind (the large ones once).
    struct Factory: Sendable {
        let oversized: [UInt8]
        let deep: [UInt8]
        let unknownField: [UInt8]

        init(base: [UInt8], maxMessageBytes: Int, maxJSONDepth: Int) {
            // A valid example padded with trailing spaces to 1 KiB over the limit: refused for its size alone,
            // and below the socket's hard limit (twice the limit), which would drop the connection instead.
            oversized = base + [UInt8](repeating: UInt8(ascii: " "), count: max(0, maxMessageBytes + 1_024 - base.count))
            let levels = maxJSONDepth + 8
            deep = Array((String(repeating: #"{"a":"#, count: levels) + "1" + String(repeating: "}", count: levels)).utf8)
            // A valid example with one extra top-level member (the schema allows no additional properties).
            var text = String(decoding: base, as: UTF8.self)
            if let brace = text.firstIndex(of: "{") { text.insert(contentsOf: #""x_unknown_field": true, "#, at: text.index(after: brace)) }
            unknownField = Array(text.utf8)
        }

        func frames(_ kind: Hostile, service: ServiceName, requestID: RequestID, body: [UInt8]) -> [[UInt8]] {
            func request(_ service: ServiceName, _ body: [UInt8]) -> [[UInt8]] {
                ClientMessage.request(service: service, requestID: requestID, body: body).encode()
            }
            switch kind {
            case .notJSON: return request(service, Array("this is not JSON {".utf8))
            case .schemaViolation: return request(service, Array(#"{"schema_version":"1.0","request_id":"x"}"#.utf8))
            case .unknownField: return request(service, unknownField)
            case .unknownService: return request((try? ServiceName("pack.no-such-pack")) ?? service, body)
            case .oversized: return request(service, oversized)
            case .tooDeep: return request(service, deep)
            case .badFrame:
                var frames = request(service, body)
                frames[5] = Array("soon".utf8)  // the deadline frame: not ASCII decimal
                return frames
            case .wrongHeader:
                var frames = request(service, body)
                frames[1] = Array("AISC99".utf8)
                return frames
            }
        }
    }
}

/// Samples a process's resident set size (VmRSS in /proc/PID/status) once a second on its own thread.
final class RSSSampler: Sendable {
    let pid: Int32
    private let samples = Mutex<[Int]>([])
    private let running = Atomic<Bool>(true)
    private let finished = Atomic<Bool>(false)

    init(pid: Int32) { self.pid = pid }

    static func rss(_ pid: Int32) -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = text.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") })
        else { return nil }
        return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
    }

    func start() {
        Thread { [self] in
            var next = DispatchTime.now().uptimeNanoseconds
            while running.load(ordering: .acquiring) {
                if let kb = Self.rss(pid) { samples.withLock { $0.append(kb) } }
                next += 1_000_000_000
                while running.load(ordering: .acquiring), DispatchTime.now().uptimeNanoseconds < next { Thread.sleep(forTimeInterval: 0.05) }
            }
            finished.store(true, ordering: .releasing)
        }.start()
    }

    /// Stops sampling and returns the samples (kB, one a second).
    func stop() -> [Int] {
        running.store(false, ordering: .releasing)
        while !finished.load(ordering: .acquiring) { Thread.sleep(forTimeInterval: 0.01) }
        return samples.withLock { $0 }
    }

    /// first, max of the first and last 60 samples, overall max, last, and every sample.
    static func summary(_ samples: [Int]) -> JSONValue {
        .object([
            ("samples", .int(Int64(samples.count))),
            ("first", .int(Int64(samples.first ?? 0))),
            ("first_minute_max", .int(Int64(samples.prefix(60).max() ?? 0))),
            ("last_minute_max", .int(Int64(samples.suffix(60).max() ?? 0))),
            ("max", .int(Int64(samples.max() ?? 0))),
            ("last", .int(Int64(samples.last ?? 0))),
            ("every_second", .array(samples.map { .int(Int64($0)) })),
        ])
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
            total.validSent += tally.validSent
            total.answered += tally.answered
            total.replyBytes += tally.replyBytes
            total.refused.merge(tally.refused, uniquingKeysWith: +)
            total.missing += tally.missing
            total.failClosed += tally.failClosed
            total.latencies += tally.latencies
            total.verdicts.merge(tally.verdicts, uniquingKeysWith: +)
            total.duplicates += tally.duplicates
            total.unexpected += tally.unexpected
            total.hostileSent.merge(tally.hostileSent, uniquingKeysWith: +)
            total.hostileGot.merge(tally.hostileGot) { $0.merging($1, uniquingKeysWith: +) }
            total.hostileAnswered += tally.hostileAnswered
            total.hostileMissing += tally.hostileMissing
            total.dropped += tally.dropped
            total.mismatches += tally.mismatches
        }
        return total
    }
}
