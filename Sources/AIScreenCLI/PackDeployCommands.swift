import ArgumentParser
import Foundation
import RulePacks
import RulesEngine
import Security
import Wire

/// Where and how the deploy commands reach the broker's admin services.
struct AdminConnection: ParsableArguments {
    @Option(name: .long, help: "The broker's client endpoint (overrides $AISCREEN_CLIENT_ENDPOINT and the config).")
    var connect: String?

    @Option(name: .long, help: "Deployment config, for the endpoint and keys (default: config/aiscreen.yaml if present).")
    var config: String?

    @Option(name: .long, help: "How long to wait for the broker's answer, in ms (a deploy runs the pack's test cases first).")
    var timeoutMs = 60_000

    @Flag(help: "Print the broker's answer as one JSON line.")
    var json = false

    @OptionGroup var keys: KeyOptions

    func validate() throws {
        guard timeoutMs >= 1 else { throw ValidationError("--timeout-ms must be at least 1") }
    }

    /// Sends one admin request, prints the outcome and fails unless the revision is (or already was) active.
    /// - Parameters:
    ///   - members: the body's members; without CURVE keys the local admin token (``AdminToken``) is added as `token`.
    ///   - rewrite: turns the problems' file names back into the user's (a bundle made from a folder).
    func call(_ service: ServiceName, members: [(String, [UInt8])], rewrite: @escaping (String) -> String = { $0 }) async throws {
        let deployment = try NetworkCommands.deployment(config: config)
        let endpoint = connect ?? deployment.clientEndpoint
        let curve = try keys.clientKeys(deployment)
        var members = members
        if curve == nil {
            do {
                members.insert(("token", JSONWriter.bytes(.string(try AdminToken.read(in: deployment.keysDirectory)))), at: 0)
            } catch {
                Console.error("error: \(error) — without CURVE keys only the user who runs the broker may deploy, with the admin token it wrote; with keys use --key keys/admins/NAME.key_secret")
                throw ExitCode.failure
            }
        }
        // {"token":…,"bundle":{…}}: members are JSON texts already (a bundle is sent as it is).
        var body = Array("{".utf8)
        for (index, (name, value)) in members.enumerated() {
            if index > 0 { body.append(UInt8(ascii: ",")) }
            body += JSONWriter.bytes(.string(name)) + [UInt8(ascii: ":")] + value
        }
        body.append(UInt8(ascii: "}"))
        let request = body
        let timeout = timeoutMs
        let reply = try await NetworkCommands.onThread(name: "aiscreen.admin") { () throws -> BrokerReply? in
            try BrokerCall.ask(service, body: request, endpoint: endpoint, curve: curve, timeoutMilliseconds: timeout)
        }
        switch reply {
        case nil, .partial?:
            Console.error("error: no answer from the broker at \(endpoint) within \(timeoutMs) ms: is it running ('aiscreen up'), and is this its client endpoint (--connect, broker.client_endpoint)?")
            throw ExitCode.failure
        case .error(_, _, let code, let message)?:
            let hint = code == .forbidden ? " — connect with an admin key (--key keys/admins/NAME.key_secret; 'aiscreen keys generate --role admin')" : ""
            Console.error("error: [\(code)] \(TerminalText.escaped(message))\(hint)")
            throw ExitCode.failure
        case .final(_, _, let answer)?:
            guard let outcome = try? JSONParser().parse(answer), case .string(let result)? = outcome["outcome"] else {
                Console.error("error: the broker's answer is not a deploy outcome")
                throw ExitCode.failure
            }
            if json {
                print(String(decoding: answer, as: UTF8.self))
            } else {
                print(Self.describe(outcome, rewrite: rewrite), terminator: "")
            }
            if result == "refused" { throw ExitCode.failure }
        }
    }

    /// `deployed gdpr 1.1.0 sha256:… (was 1.0.0 sha256:…); 2 in-process worker(s) replaced`, or `refused …:` and
    /// each problem on a line of its own.
    static func describe(_ outcome: JSONValue, rewrite: (String) -> String) -> String {
        func text(_ value: JSONValue?) -> String { if case .string(let s)? = value { TerminalText.escaped(s) } else { "?" } }
        let result = text(outcome["outcome"])
        let rollback = text(outcome["kind"]) == "rollback"
        let kind = rollback ? "rollback " : ""
        var revision = text(outcome["pack"])
        if case .string? = outcome["version"] { revision += " \(text(outcome["version"])) \(text(outcome["digest"]))" }
        let previous = outcome["previous"].flatMap { p -> String? in
            guard case .string? = p["version"] else { return nil }
            return "\(text(p["version"])) \(text(p["digest"]))"
        }
        var out: String
        switch result {
        case "deployed":
            out = (rollback ? "rolled back \(text(outcome["pack"])) to \(revision.drop { $0 != " " }.dropFirst())" : "deployed \(revision)") + (previous.map { " (was \($0))" } ?? "")
            if case .int(let n)? = outcome["workers"], n > 0 { out += "; \(n) in-process worker(s) replaced" }
            out += "\n"
        case "unchanged":
            out = "unchanged: \(text(outcome["reason"]))\n"
        default:
            out = "\(kind)refused \(revision): \(text(outcome["reason"]))" + (previous.map { "; \($0) stays active" } ?? "") + "\n"
        }
        if case .array(let problems)? = outcome["problems"] {
            for problem in problems { out += "  \(rewrite(text(problem)))\n" }
        }
        return out
    }
}

struct PackDeploy: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deploy",
        abstract: "Make a pack the active revision in a running broker, once it loads and its test cases pass.",
        discussion: helpText("""
            Sends the pack (a folder, which is bundled first, or a .aispack file as it is) to the broker's admin \
            service admin.deploy (docs/PROTOCOL.md §10.7). The broker loads and checks it, applies \
            packs.require_signature, runs its test cases with the pack's own defaults, and only when all pass \
            journals its text and the activation (who, when, from → to) and makes it active: new tickets go only to \
            workers of the new revision; 'aiscreen up' replaces its own workers, remote workers reload their pack \
            files and serve again once those give the new digest. Otherwise the old revision stays active and every \
            error and failing case is printed; the exit status is then 1.

            Who may deploy: with CURVE keys only an admin key (--key keys/admins/NAME.key_secret); without keys only \
            on a loopback client endpoint, by a user who can read the admin token the broker wrote (keys/admin.token, \
            mode 0600; security.keys names the folder). 'aiscreen status' then shows the active revision and the outcome; \
            'aiscreen pack rollback ID' goes back.
            """))

    @Argument(help: "The pack folder (e.g. rules/gdpr) or bundle file (.aispack).")
    var pack: String

    @Option(name: .long, help: "Sign the bundle made from a folder with this secret key file (keys/signers/NAME.key_secret).")
    var sign: String?

    @OptionGroup var connection: AdminConnection

    func run() async throws {
        let body: [UInt8]
        var rewrite: (String) -> String = { $0 }
        if pack.hasSuffix(PackBundle.fileExtension) {
            guard sign == nil else { throw ValidationError("--sign signs a bundle made from a folder; sign a bundle file with 'aiscreen pack bundle --sign'") }
            guard let data = FileManager.default.contents(atPath: pack) else {
                Console.error("error: cannot read \(pack)")
                throw ExitCode.failure
            }
            body = Array(data)
            if let bundle = try? PackBundle(decoding: body, file: pack) {
                let sent = "\(bundle.manifest.id)-\(bundle.manifest.version)\(PackBundle.fileExtension)"
                let path = pack
                rewrite = { $0.replacingOccurrences(of: sent, with: path) }
            }
        } else {
            let bundle = try PackBundleCommand.make(pack, signedWith: sign, otherwise: "then deploy again (the pack was not sent)")
            body = bundle.encoded
            // The broker names files inside the bundle it got; show them as the folder's.
            let sent = "\(bundle.manifest.id)-\(bundle.manifest.version)\(PackBundle.fileExtension):"
            let folder = pack.hasSuffix("/") ? pack : pack + "/"
            rewrite = { $0.replacingOccurrences(of: sent, with: folder) }
        }
        try await connection.call(.adminDeploy, members: [("bundle", body)], rewrite: rewrite)
    }
}

struct PackRollback: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rollback",
        abstract: "Make an earlier revision of a pack active again in a running broker, from the journal's copy.",
        discussion: helpText("""
            Asks the broker's admin service admin.rollback (docs/PROTOCOL.md §10.7) to activate the revision of \
            pack ID that was active before the current one, or the one --to names (a version, or a digest \
            sha256:…; 'aiscreen pack versions ID' lists them). No files are needed: the broker loads the \
            revision from the text its journal stored when it was first activated, with the parameters it had then, \
            and journals the rollback (who, when, from → to). Its test cases are not run again. 'aiscreen up' \
            replaces its own workers; remote workers serve again only once their pack files give that digest \
            ('aiscreen pack show ID@VERSION -o FILE.aispack' writes them). Exit status 1 when refused.
            """))

    @Argument(help: "The pack id, e.g. gdpr.")
    var id: String

    @Option(name: .long, help: "The revision to go back to: a version (1.0.0) or a digest (sha256:…). Default: the one active before the current one.")
    var to: String?

    @OptionGroup var connection: AdminConnection

    func run() async throws {
        var members: [(String, [UInt8])] = [("pack", JSONWriter.bytes(.string(id)))]
        if let to { members.append(("to", JSONWriter.bytes(.string(to)))) }
        try await connection.call(.adminRollback, members: members)
    }
}
