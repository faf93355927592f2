import Foundation
import Reports
import RulesEngine
import Security
import Wire
import ZeroMQ

/// One `aiscreen submit` run: a DEALER that pipelines every request, then collects the replies by request id,
/// retrying each unanswered request once with the same id (docs/PROTOCOL.md §4.4).
///
/// Runs on its own thread (it blocks in `zmq_poll`). Prints verdicts on stdout in file order as soon as every
/// earlier file is done, and failures on stderr at once.
struct SubmitSession: Sendable {
    /// One file to send.
    struct Job: Sendable {
        /// The position among the files that are sent, for ordered output.
        var index: Int
        var file: String
        var requestID: RequestID
        var body: [UInt8]
        /// The request's `screening_date`, for the status of conditions in the explanation.
        var screeningDate: Day?
    }

    /// How a FINAL is printed.
    enum Output: Sendable {
        /// The combined result, as one JSON line.
        case json
        /// The readable explanation in a language.
        case explanation(Language)
    }

    /// How many attempts a request gets: the first send and one retry.
    static let attempts = 2

    var endpoint: String
    var service: ServiceName
    var deadline: Deadline
    var timeout: Duration
    var output: Output
    /// The REQUEST options (the detail level).
    var options: RequestOptions = []
    /// CURVE keys for a broker with security on; nil: plaintext.
    var curve: ClientKeys? = nil

    /// Sends every job and waits for all answers.
    /// - Parameter jobs: The requests, with distinct request ids.
    /// - Returns: `true` if every request got a FINAL.
    /// - Throws: ``ZMQError`` when the endpoint is invalid or libzmq fails.
    func run(_ jobs: [Job]) throws -> Bool {
        let context = try ZMQContext()
        defer { context.terminate() }
        return try context.withSocket(.dealer) { socket in
            try socket.set(.linger, to: 0)
            try curve?.apply(to: socket)
            // Handshake failures, so that a refused key is not mistaken for a broker that is down.
            let monitorEndpoint = "inproc://aiscreen.submit.monitor"
            try socket.monitor(monitorEndpoint, events: [.handshakeFailedAuth, .handshakeFailedProtocol, .handshakeFailedNoDetail])
            return try context.withSocket(.pair) { monitor in
                try monitor.set(.linger, to: 0)
                try monitor.connect(monitorEndpoint)
                try socket.connect(endpoint)
                var progress = Progress(jobs: jobs, output: output)
                progress.handshakeProblem = {
                    var problem: String?
                    while let frames = try? monitor.receiveMultipart(flags: .dontWait), let event = ZMQMonitorEvent(frames: frames) {
                        problem = Self.explain(event.kind, curve: curve != nil)
                    }
                    return problem
                }
                try exchange(jobs, on: socket, progress: &progress)
                if jobs.count > 1 { Console.error(progress.summary) }
                return progress.allAnswered
            }
        }
    }

    private func exchange(_ jobs: [Job], on socket: ZMQSocket, progress: inout Progress) throws {
        var readOnly = ZMQPoller()
        _ = readOnly.add(socket, events: .readable)
        var readWrite = ZMQPoller()
        _ = readWrite.add(socket, events: [.readable, .writable])

        var outbox = Array(jobs.indices)[...]  // sent in order; waits here while the send queue is full
        var attempts = [Int](repeating: 1, count: jobs.count)
        var giveUpAt = [Int: ContinuousClock.Instant]()
        let start = ContinuousClock.now
        for index in jobs.indices {
            giveUpAt[index] = start + timeout
        }
        let frames = jobs.map {
            ClientMessage.request(service: service, requestID: $0.requestID, deadline: deadline, options: options, body: $0.body).encode()
        }
        let indexByID = Dictionary(uniqueKeysWithValues: jobs.map { ($0.requestID, $0.index) })

        while !giveUpAt.isEmpty {
            while let index = outbox.first {
                do {
                    try socket.send(frames[index], flags: .dontWait)
                } catch {
                    // The send queue is full (no broker yet, or a slow one): wait until the socket is writable.
                    guard error.errno == ZMQError.again.errno else { throw error }
                    break
                }
                outbox.removeFirst()
            }
            let now = ContinuousClock.now
            let next = giveUpAt.values.min() ?? now
            let poller = outbox.isEmpty ? readOnly : readWrite
            do {
                _ = try poller.poll(timeoutMilliseconds: Self.milliseconds(next - now))
            } catch {
                guard error.errno == ZMQError.interrupted.errno else { throw error }
                continue
            }
            while let reply = try socket.receiveMultipart(flags: .dontWait) {
                let decoded: BrokerReply
                do {
                    decoded = try BrokerReply.decode(frames: reply)
                } catch {
                    Console.error("warning: ignored a malformed reply from the broker: \(error)")
                    continue
                }
                guard decoded.isTerminal, let index = indexByID[decoded.requestID], giveUpAt[index] != nil else {
                    continue  // a PARTIAL, or a late second answer to a retried request
                }
                giveUpAt[index] = nil
                outbox.removeAll { $0 == index }
                progress.answered(index, with: decoded)
            }
            let after = ContinuousClock.now
            for (index, limit) in giveUpAt where limit <= after {
                if attempts[index] < Self.attempts {
                    attempts[index] += 1
                    giveUpAt[index] = after + timeout
                    if !outbox.contains(index) {
                        outbox.append(index)
                    }
                } else {
                    giveUpAt[index] = nil
                    outbox.removeAll { $0 == index }
                    progress.timedOut(index, after: timeout * Self.attempts)
                }
            }
        }
    }

    /// What a failed handshake means for the user (docs/PROTOCOL.md §10).
    static func explain(_ kind: ZMQMonitorEvents, curve: Bool) -> String {
        if kind == .handshakeFailedAuth {
            return "the broker refused this client's key: its public key is not under the broker's keys/clients/ (or was revoked); ask the broker's operator"
        }
        return curve
            ? "the security handshake failed: check --broker-key (the broker's public key) and that the broker has CURVE on"
            : "the security handshake failed: the broker speaks CURVE; connect with --key and --broker-key (or security.client_key)"
    }

    /// Milliseconds to wait, rounded up, at least 0.
    private static func milliseconds(_ duration: Duration) -> Int {
        guard duration > .zero else { return 0 }
        let (seconds, attoseconds) = duration.components
        let perMillisecond: Int64 = 1_000_000_000_000_000
        return Int(seconds * 1000 + (attoseconds + perMillisecond - 1) / perMillisecond)
    }
}

extension SubmitSession {
    /// What has been answered and printed.
    struct Progress {
        private let jobs: [Job]
        private let output: Output
        /// The text to print for each finished job (empty for failures, which went to stderr).
        private var finished: [String?]
        private var nextToPrint = 0
        private(set) var allAnswered = true
        /// Answers by verdict, and the requests that got an ERROR or no answer.
        private var verdicts: [String: Int] = [:]
        private var failures = 0

        /// One line for the end of a run: how many requests got which verdict.
        var summary: String {
            let order = ["approved", "approved-with-conditions", "needs-review", "rejected"]
            var parts = order.compactMap { verdict in verdicts[verdict].map { "\($0) \(verdict)" } }
            parts += verdicts.keys.filter { !order.contains($0) }.sorted().map { "\(verdicts[$0] ?? 0) \(TerminalText.escaped($0))" }
            if failures > 0 { parts.append("\(failures) without a verdict (see the errors above)") }
            return "submit: \(jobs.count) request(s): " + (parts.isEmpty ? "none answered" : parts.joined(separator: ", "))
        }

        init(jobs: [Job], output: Output) {
            self.jobs = jobs
            self.output = output
            self.finished = Array(repeating: nil, count: jobs.count)
        }

        mutating func answered(_ index: Int, with reply: BrokerReply) {
            let job = jobs[index]
            switch reply {
            case .final(_, _, let body):
                if case .string(let verdict)? = try? JSONParser().member("verdict", in: body) { verdicts[verdict, default: 0] += 1 }
                finish(index, printing: CombinedResultText.render(body, job: job, output: output))
            case .error(_, _, let code, let message):
                Console.error("\(job.file): error: [\(code)] \(TerminalText.escaped(message))")
                allAnswered = false
                failures += 1
                finish(index, printing: "")
            case .partial:
                break
            }
        }

        /// Reads the socket monitor: why the handshake failed, if it did.
        var handshakeProblem: () -> String? = { nil }
        private var knownProblem: String?

        mutating func timedOut(_ index: Int, after waited: Duration) {
            let job = jobs[index]
            if let problem = handshakeProblem() { knownProblem = problem }
            Console.error(
                "\(job.file): error: no answer from the broker for request \(job.requestID) within \(waited) "
                    + (knownProblem.map { "— \($0)" } ?? "(sent twice with the same id)")
            )
            allAnswered = false
            failures += 1
            finish(index, printing: "")
        }

        private mutating func finish(_ index: Int, printing text: String) {
            finished[index] = text
            while nextToPrint < finished.count, let text = finished[nextToPrint] {
                if !text.isEmpty {
                    print(text)
                }
                nextToPrint += 1
            }
            fflush(nil)
        }
    }
}
