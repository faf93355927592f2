import Foundation
import RulesEngine
import Testing
import Wire
import ZeroMQ

/// Sharing a pack between municipalities, as an officer does it: a signer's key, a signed bundle, `pack verify`, and
/// a deployment that runs only signed packs (`packs.require_signature`).
@Suite(.serialized)
struct PackBundleWorkflowTests {
    static let packs = ["ai-act", "gdpr", "workplace"]

    /// A scratch folder with a signer's key (`keys/signers/aarhus-jura.key…`).
    final class Workspace {
        let root = NSTemporaryDirectory() + "aiscreen-bundle-\(UUID().uuidString)"
        var keys: String { root + "/keys" }
        var secret: String { keys + "/signers/aarhus-jura.key_secret" }

        init() throws {
            try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
            let made = try runCommand(["keys", "generate", "--role", "signer", "--name", "aarhus-jura", "--dir", keys])
            guard made.status == 0 else { throw HarnessError(description: "keys generate --role signer: \(made.err)") }
        }

        /// `aiscreen pack bundle rules/PACK` into `folder`.
        @discardableResult
        func bundle(_ pack: String, into folder: String, signed: Bool = true) throws -> String {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let file = folder + "/\(pack).aispack"
            let made = try runCommand(["pack", "bundle", "rules/\(pack)", "-o", file] + (signed ? ["--sign", secret] : []))
            guard made.status == 0 else { throw HarnessError(description: "pack bundle \(pack): \(made.err)") }
            return file
        }

        /// A deployment whose packs are the bundles in `folder` (one worker pool each), signatures required.
        func config(rules folder: String) throws -> String {
            let workers = root + "/workers-\(UUID().uuidString.prefix(6))"
            try FileManager.default.createDirectory(atPath: workers, withIntermediateDirectories: true)
            for pack in PackBundleWorkflowTests.packs {
                try "pack: \(folder)/\(pack).aispack\ncount: 1\n".write(toFile: workers + "/\(pack).yaml", atomically: true, encoding: .utf8)
            }
            let config = root + "/aiscreen-\(UUID().uuidString.prefix(6)).yaml"
            try """
                rules: \(folder)
                workers: \(workers)
                packs:
                  require_signature: true
                  trusted_signers: \(keys)/signers
                """.write(toFile: config, atomically: true, encoding: .utf8)
            return config
        }

        deinit { try? FileManager.default.removeItem(atPath: root) }
    }

    @Test func aSignedBundleVerifiesAndATamperedOrUntrustedOneDoesNot() throws {
        let space = try Workspace()
        var status = stat()
        #expect(stat(space.secret, &status) == 0 && status.st_mode & 0o777 == 0o600, "the signer's secret key is mode 0600")
        let file = try space.bundle("gdpr", into: space.root + "/out")
        let verified = try runCommand(["pack", "verify", file, "--trusted", space.keys + "/signers"])
        #expect(verified.status == 0, "\(verified.err)")
        #expect(verified.out.contains("signature: valid, by aarhus-jura"), "\(verified.out)")
        #expect(verified.out.contains("trusted: \(space.keys)/signers/aarhus-jura.key"), "\(verified.out)")
        #expect(verified.out.contains("pack.yaml, schema/ai-tool-request.v1.1.json, duties.yaml, tests/"), "\(verified.out)")

        let tested = try runCommand(["pack", "test", file])
        #expect(tested.status == 0, "\(tested.out)\(tested.err)")
        #expect(tested.out.contains("gdpr: ") && tested.out.contains("cases passed"), "the bundle's own test cases run: \(tested.out)")

        let stranger = try runCommand(["pack", "verify", file, "--trusted", space.root + "/nobody"])
        #expect(stranger.status != 0)
        #expect(stranger.err.contains("error: [signer-untrusted]"), "\(stranger.err)")

        // One rule's verdict changed in the file, as someone editing the bundle by hand would.
        var object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: file))) as? [String: Any])
        var files = try #require(object["files"] as? [String: String])
        let encoded = try #require(files["pack.yaml"])
        let yaml = String(decoding: try #require(Data(base64Encoded: encoded)), as: UTF8.self)
        files["pack.yaml"] = Data(yaml.replacingOccurrences(of: "verdict: rejected", with: "verdict: approved").utf8).base64EncodedString()
        object["files"] = files
        let tampered = space.root + "/out/tampered.aispack"
        try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: tampered))
        let caught = try runCommand(["pack", "verify", tampered, "--trusted", space.keys + "/signers"])
        #expect(caught.status != 0)
        #expect(caught.err.contains("error: [bundle-tampered] file pack.yaml"), "\(caught.err)")
        #expect(caught.err.contains("do not deploy it"), "\(caught.err)")

        let unsigned = try space.bundle("gdpr", into: space.root + "/unsigned", signed: false)
        let refused = try runCommand(["pack", "verify", unsigned, "--trusted", space.keys + "/signers"])
        #expect(refused.status != 0)
        #expect(refused.err.contains("not signed"), "\(refused.err)")
    }

    @Test func upRunsSignedBundlesAndScreensAsWithTheFoldersButRefusesAnUnsignedPack() throws {
        let space = try Workspace()
        let signed = space.root + "/signed"
        for pack in Self.packs { try space.bundle(pack, into: signed) }
        let config = try space.config(rules: signed)
        let journal = space.root + "/journal.sqlite"
        let up = try Child(
            ["up", "--config", config, "--client", "tcp://127.0.0.1:*", "--publish", "tcp://127.0.0.1:*", "--journal", journal, "--http", "off",
             "--keys", space.keys], captureStandardError: true)
        defer {
            up.kill(SIGTERM)
            _ = up.exitStatus(within: 10)
        }
        let ready = try JSONParser().parse(try up.line { $0.contains("\"ready\"") })
        let endpoint = try #require(ready["client"]?.stringValue)
        let context = try ZMQContext()
        defer { context.terminate() }
        let socket = try dealer(context, connectedTo: endpoint)
        defer { socket.close() }
        let requester = Requester(socket: socket)
        var bodies: [String: [UInt8]] = [:]
        for (n, file) in try Repo.exampleRequests().prefix(6).enumerated() {
            bodies["signed-\(n)"] = try exampleBody(file, id: "signed-\(n)")
            try requester.send("signed-\(n)", body: bodies["signed-\(n)"] ?? [])
        }
        let replies = try requester.collect(Set(bodies.keys))
        let expected = try screenInProcess(bodies, config: config)
        for id in bodies.keys {
            guard case .final(_, _, let body)? = replies[id]?.first else {
                Issue.record("\(id): \(String(describing: replies[id]))")
                continue
            }
            #expect(String(decoding: body, as: UTF8.self) == expected[id], "\(id): the bundles judge as the folders do")
        }

        // The same deployment with gdpr replaced by an unsigned bundle does not start.
        let mixed = space.root + "/mixed"
        for pack in Self.packs { try space.bundle(pack, into: mixed, signed: pack != "gdpr") }
        let refused = try Child(
            ["up", "--config", try space.config(rules: mixed), "--client", "tcp://127.0.0.1:*", "--publish", "tcp://127.0.0.1:*",
             "--journal", space.root + "/journal2.sqlite", "--http", "off", "--keys", space.keys], captureStandardError: true)
        let exit = refused.exitStatus(within: 30)
        #expect(exit != nil && exit != 0, "up refuses to start")
        let errors = refused.errorOutput.joined(separator: "\n")
        #expect(errors.contains("\(mixed)/gdpr.aispack:1:1: error: [unsigned]"), "\(errors)")
        #expect(errors.contains("pack gdpr was not activated"), "\(errors)")
    }
}
