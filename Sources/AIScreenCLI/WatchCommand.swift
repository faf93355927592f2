import ArgumentParser
import Foundation
import RulePacks
import Reports
import RulesEngine
import Security
import ZeroMQ

struct Watch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Print the verdicts the broker publishes, until SIGINT or SIGTERM.",
        discussion: helpText("""
            Subscribes to the broker's verdict feed and prints one line per verdict:
              #<seq> <topic> <request_id> <verdict>     (--lang da: the verdict in Danish words)
            or with --json the published body (combined result plus seq, published_at, run_id), one per line.
            --topic summary. follows the summaries instead (docs/PROTOCOL.md §7.5: verdicts, versions, fired rule \
            ids, condition keys, no texts or evidence); the broker renders each family only while someone \
            subscribes to it.

            Notes go to stderr: "gap: missed N verdicts" when seq skips within one broker run (slow subscriber, \
            or messages published before the subscription arrived), and "new broker run" when run_id changes \
            (the broker restarted and seq starts again at 1). Subscribe to a narrower prefix, such as \
            verdict.rejected., and gaps also count the verdicts filtered out. The subscriber reconnects by itself.

            The endpoint comes from --connect, else $AISCREEN_PUBLISH_ENDPOINT, else broker.publish_endpoint in \
            the config, else tcp://127.0.0.1:5557.
            """)
    )

    @Option(name: .long, help: "The broker's verdict feed (overrides $AISCREEN_PUBLISH_ENDPOINT and the config).")
    var connect: String?

    @Option(name: .long, help: "Topic prefix to subscribe to: verdict. (full results) or summary. (summaries); end a verdict prefix with a dot (verdict.rejected.).")
    var topic: String = "verdict."

    @Flag(help: "Print each published body as one JSON line.")
    var json = false

    @Option(name: .long, help: "Language of the verdict word: en (the wire spelling, e.g. needs-review) or da (kræver vurdering).")
    var lang: Language = .en

    @Option(name: .long, help: "Deployment config, for the endpoint (default: config/aiscreen.yaml if present).")
    var config: String?

    @OptionGroup var keys: KeyOptions

    func run() async throws {
        let deployment = try NetworkCommands.deployment(config: config)
        let endpoint = connect ?? deployment.publishEndpoint
        let curve = try keys.clientKeys(deployment)
        let wakeup = try ZMQWakeup()
        let signals = NetworkCommands.TerminationSignals { _ in wakeup.wake() }
        let loop = WatchLoop(endpoint: endpoint, topic: topic, json: json, language: lang, wakeup: wakeup, curve: curve)
        do {
            try await NetworkCommands.onThread(name: "aiscreen.watch") { try loop.run() }
        } catch {
            Console.error("error: cannot watch '\(endpoint)': \(error)")
            throw ExitCode.failure
        }
        _ = signals
    }
}

/// The SUB socket's loop; runs on its own thread until the wakeup fires.
struct WatchLoop: Sendable {
    var endpoint: String
    var topic: String
    var json: Bool
    var language: Language = .en
    var wakeup: ZMQWakeup
    var curve: ClientKeys?

    func run() throws {
        let context = try ZMQContext()
        defer { context.terminate() }
        try context.withSocket(.sub) { socket in
            try socket.set(.linger, to: 0)
            try socket.subscribe(topic)
            try curve?.apply(to: socket)
            try socket.connect(endpoint)
            var poller = ZMQPoller()
            let feed = poller.add(socket)
            let stop = poller.add(wakeup)
            // One tracker per topic family: both messages of one evaluation (verdict. and summary.) share a seq.
            var trackers: [Substring: VerdictFeedTracker] = [:]
            while true {
                let ready: ZMQPollResult
                do {
                    ready = try poller.poll(timeoutMilliseconds: -1)
                } catch {
                    if case ZMQError.interrupted = error {
                        continue
                    }
                    throw error
                }
                if ready.isReadable(stop) {
                    return
                }
                guard ready.isReadable(feed) else { continue }
                while let frames = try socket.receiveMultipart(flags: .dontWait) {
                    let family = frames.first.map { String(decoding: $0, as: UTF8.self).prefix { $0 != "." } } ?? ""
                    handle(frames, tracker: &trackers[family, default: VerdictFeedTracker()])
                }
                fflush(nil)
            }
        }
    }

    private func handle(_ frames: [[UInt8]], tracker: inout VerdictFeedTracker) {
        guard frames.count == 2 else {
            Console.error("warning: ignored a published message with \(frames.count) frames (expected topic and body)")
            return
        }
        let topic = String(decoding: frames[0], as: UTF8.self)
        guard let body = try? JSONParser().parse(frames[1]),
            case .int(let seq)? = body["seq"], seq >= 0,
            case .string(let runID)? = body["run_id"]
        else {
            Console.error("warning: ignored a message on \(TerminalText.escaped(topic)) whose body lacks seq or run_id")
            return
        }
        for note in tracker.observe(runID: runID, seq: UInt64(seq)) {
            Console.error(note.description)
        }
        if json {
            print(
                frames[1].contains(UInt8(ascii: "\n"))
                    ? JSONWriter.string(body) : String(decoding: frames[1], as: UTF8.self)
            )
        } else {
            print(TerminalText.escaped("#\(seq) \(topic) \(text(body["request_id"])) \(verdictWord(body["verdict"]))"))
        }
    }

    /// The verdict as sent, or in Danish words with `--lang da` (an unknown spelling stays as sent).
    private func verdictWord(_ value: JSONValue?) -> String {
        guard language == .da, case .string(let text)? = value, let verdict = Verdict(text) else { return text(value) }
        return ExplanationWords(language: .da).verdict(verdict)
    }

    private func text(_ value: JSONValue?) -> String {
        if case .string(let text)? = value { return text }
        return value.map { JSONWriter.string($0) } ?? "?"
    }
}

/// Follows `seq` and `run_id` of the verdict feed (docs/PROTOCOL.md §6) and says when messages were missed.
struct VerdictFeedTracker {
    /// Something worth telling the user.
    enum Note: Hashable, CustomStringConvertible {
        /// `seq` skipped `missed` messages.
        case gap(missed: UInt64, from: UInt64, to: UInt64)
        /// `seq` did not grow (a duplicate, or a broker that reused its run id).
        case backwards(from: UInt64, to: UInt64)
        /// A new `run_id`: the broker restarted.
        case newRun(String)

        var description: String {
            switch self {
            case .gap(let missed, let from, let to):
                "gap: missed \(missed) verdict\(missed == 1 ? "" : "s") (seq \(from)…\(to))"
            case .backwards(let from, let to):
                "warning: seq went from \(from) back to \(to) in the same broker run"
            case .newRun(let runID):
                "new broker run \(runID): seq starts again"
            }
        }
    }

    private var runID: String?
    private var lastSeq: UInt64 = 0

    /// Takes the next message's ids.
    /// - Returns: The notes, in order; empty for the expected next message.
    mutating func observe(runID: String, seq: UInt64) -> [Note] {
        defer {
            self.runID = runID
            lastSeq = seq
        }
        guard let current = self.runID else { return [] }  // the first message: earlier ones are not ours
        guard current == runID else {
            // Messages of the new run published before this subscriber reconnected are gone too.
            return seq > 1 ? [.newRun(runID), .gap(missed: seq - 1, from: 1, to: seq - 1)] : [.newRun(runID)]
        }
        if seq > lastSeq + 1 {
            return [.gap(missed: seq - lastSeq - 1, from: lastSeq + 1, to: seq - 1)]
        }
        if seq <= lastSeq {
            return [.backwards(from: lastSeq, to: seq)]
        }
        return []
    }
}
