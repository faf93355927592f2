import ArgumentParser
import Foundation
import RulePacks
import RulesEngine
import Security
import Wire
import ZeroMQ

struct Status: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Ask a running broker which pack revisions are active and which workers serve them.",
        discussion: helpText("""
            Sends mmi.packs (docs/PROTOCOL.md §10.5) and prints, per pack, the active version and digest and its
            registered workers by revision (a worker of another revision is refused when it connects, and logged as
            worker-refused), and the outcome of its last deploy or rollback since the broker started. Exit status 1 when the broker does not answer or a pack has no worker.
            """))

    @Option(name: .long, help: "The broker's client endpoint (overrides $AISCREEN_CLIENT_ENDPOINT and the config).")
    var connect: String?

    @Flag(help: "Print the broker's answer as one JSON line.")
    var json = false

    @Option(name: .long, help: "How long to wait for the answer, in ms.")
    var timeoutMs = 5_000

    @Option(name: .long, help: "Deployment config, for the endpoint (default: config/aiscreen.yaml if present).")
    var config: String?

    @OptionGroup var keys: KeyOptions

    func validate() throws {
        guard timeoutMs >= 1 else { throw ValidationError("--timeout-ms must be at least 1") }
    }

    func run() async throws {
        let deployment = try NetworkCommands.deployment(config: config)
        let endpoint = connect ?? deployment.clientEndpoint
        let curve = try keys.clientKeys(deployment)
        let timeout = timeoutMs
        let answer = try await NetworkCommands.onThread(name: "aiscreen.status") { () throws -> [UInt8]? in
            try Self.ask(endpoint: endpoint, curve: curve, timeoutMilliseconds: timeout)
        }
        guard let answer, let status = try? JSONParser().parse(answer), case .array(let packs)? = status["packs"] else {
            Console.error("error: no answer from the broker at \(endpoint) within \(timeoutMs) ms: is it running ('aiscreen up'), and is this its client endpoint (--connect, broker.client_endpoint)?")
            throw ExitCode.failure
        }
        if json {
            print(String(decoding: answer, as: UTF8.self))
        } else {
            print(Self.table(packs), terminator: "")
        }
        if packs.contains(where: { ($0["workers"]?.number ?? 0) == 0 }) { throw ExitCode.failure }
    }

    /// PACK, ACTIVE, DIGEST, WORKERS, then each revision's workers.
    static func table(_ packs: [JSONValue]) -> String {
        var rows = [["PACK", "ACTIVE", "DIGEST", "WORKERS", "WORKERS BY REVISION", "LAST DEPLOY"]]
        for pack in packs {
            let version = pack["version"]?.text ?? "?"
            let digest = pack["digest"]?.text ?? "?"
            let revisions = (pack["revisions"]?.list ?? []).map { revision -> String in
                let same = revision["version"]?.text == version && revision["digest"]?.text == digest
                let name = "\(revision["version"]?.text ?? "?") \(String((revision["digest"]?.text ?? "").prefix(19)))…"
                return "\(name): \(revision["count"]?.number ?? 0)" + (same ? "" : " (not the active revision)")
            }
            rows.append([
                pack["id"]?.text ?? "?", version, digest, String(pack["workers"]?.number ?? 0),
                revisions.isEmpty ? "none" : revisions.joined(separator: "; "),
                lastDeploy(pack["last_deploy"]),
            ])
        }
        return History.table(rows.map { $0.map { TerminalText.escaped($0) } })
    }

    /// The last deploy's outcome in a few words: `deployed 1.1.0 (2026-…)`, `refused 1.2.0: 2 test case(s) fail`.
    static func lastDeploy(_ deploy: JSONValue?) -> String {
        guard let deploy, let outcome = deploy["outcome"]?.text else { return "-" }
        let kind = deploy["kind"]?.text == "rollback" ? "rollback " : ""
        let version = deploy["version"]?.text.map { " " + $0 } ?? ""
        let at = deploy["at"]?.text.map { " at " + $0 } ?? ""
        switch outcome {
        case "refused": return "\(kind)refused\(version)\(at): \(deploy["reason"]?.text ?? "")"
        case "deployed" where !kind.isEmpty: return "rolled back to\(version)\(at)"
        default: return "\(outcome)\(version)\(at)"
        }
    }

    /// One `mmi.packs` round trip; nil on timeout.
    static func ask(endpoint: String, curve: ClientKeys?, timeoutMilliseconds: Int) throws -> [UInt8]? {
        guard case .final(_, _, let body)? = try BrokerCall.ask(.mmiPacks, body: [], endpoint: endpoint, curve: curve, timeoutMilliseconds: timeoutMilliseconds) else { return nil }
        return body
    }
}

/// One request to a broker's client endpoint and its answer: for the commands that ask the broker something
/// (`status`, `pack deploy`, `pack rollback`).
enum BrokerCall {
    /// Sends one REQUEST and waits for its FINAL or ERROR; nil on timeout.
    static func ask(_ service: ServiceName, body: [UInt8], endpoint: String, curve: ClientKeys?, timeoutMilliseconds: Int) throws -> BrokerReply? {
        let context = try ZMQContext()
        defer { context.terminate() }
        return try context.withSocket(.dealer) { socket in
            try socket.set(.linger, to: 0)
            try curve?.apply(to: socket)
            try socket.connect(endpoint)
            let id = try RequestID("\(service.rawValue)-\(UUID().uuidString.lowercased())")
            try socket.send(ClientMessage.request(service: service, requestID: id, body: body).encode())
            var poller = ZMQPoller()
            let token = poller.add(socket)
            let end = Date().addingTimeInterval(Double(timeoutMilliseconds) / 1000)
            while Date() < end {
                let ready = try poller.poll(timeoutMilliseconds: max(1, Int(end.timeIntervalSinceNow * 1000)))
                guard ready.isReadable(token) else { continue }
                while let frames = try socket.receiveMultipart(flags: .dontWait) {
                    switch try? BrokerReply.decode(frames: frames) {
                    case .final(let s, let replyID, let b)? where replyID == id: return .final(service: s, requestID: replyID, body: b)
                    case .error(let s, let replyID, let code, let message)? where replyID == id:
                        return .error(service: s, requestID: replyID, code: code, message: message)
                    default: continue
                    }
                }
            }
            return nil
        }
    }
}

extension JSONValue {
    fileprivate var text: String? { if case .string(let s) = self { s } else { nil } }
    fileprivate var number: Int64? { if case .int(let i) = self { i } else { nil } }
    fileprivate var list: [JSONValue]? { if case .array(let a) = self { a } else { nil } }
}
