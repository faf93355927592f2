import Foundation
import RulesEngine
import Testing

/// `aiscreen pack deploy` and `aiscreen pack rollback` against a running broker (its admin services): a pack is
/// checked and tested before it becomes active, a refusal prints every failing case and keeps the old revision, a
/// rollback needs no files, every activation is journaled in a chain of its own, remote workers reload their pack,
/// and only an admin may do any of it.
@Suite(.serialized)
struct PackAdminTests {
    /// A copy of the rules, config and worker pools of the repository in a scratch folder (also for PackDeployTests).
    struct Scratch {
        let root = NSTemporaryDirectory() + "aiscreen-admin-\(UUID().uuidString)"
        var config: String { root + "/config/aiscreen.yaml" }
        var journal: String { root + "/journal.sqlite" }

        init() throws {
            let fm = FileManager.default
            try fm.createDirectory(atPath: root + "/config", withIntermediateDirectories: true)
            try fm.copyItem(atPath: Repo.path("rules"), toPath: root + "/rules")
            try fm.copyItem(atPath: Repo.path("config/schema"), toPath: root + "/config/schema")
            try fm.createDirectory(atPath: root + "/workers", withIntermediateDirectories: true)
            for pack in ["ai-act", "gdpr", "workplace"] {
                try "pack: \(root)/rules/\(pack)\ncount: 2\n".write(toFile: root + "/workers/\(pack).yaml", atomically: true, encoding: .utf8)
            }
            try "rules: \(root)/rules\nworkers: \(root)/workers\nsecurity:\n  keys: \(root)/keys\n".write(toFile: config, atomically: true, encoding: .utf8)
        }

        /// A copy of the gdpr pack in `edits/name` (so its schema is found as from `rules/gdpr`) with `version`, and
        /// `edit` applied to its pack.yaml.
        func gdpr(_ name: String, version: String, edit: (String) -> String = { $0 }) throws -> String {
            let folder = root + "/edits/" + name
            try FileManager.default.createDirectory(atPath: root + "/edits", withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: root + "/rules/gdpr", toPath: folder)
            try setVersion(folder, version, edit: edit)
            return folder
        }

        func setVersion(_ folder: String, _ version: String, edit: (String) -> String = { $0 }) throws {
            let file = folder + "/pack.yaml"
            let text = try String(contentsOfFile: file, encoding: .utf8)
            let versioned = text.replacingOccurrences(of: "\nversion: 1.1.0\n", with: "\nversion: \(version)\n")
            #expect(versioned != text || version == "1.1.0")
            try edit(versioned).write(toFile: file, atomically: true, encoding: .utf8)
        }

        func remove() { try? FileManager.default.removeItem(atPath: root) }
    }

    /// Runs a Python snippet over the journal; its stdout lines.
    static func query(_ journal: String, _ python: String) throws -> [String] {
        let result = try runCommand(["-c", "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); " + python, journal], executable: "python3")
        #expect(result.status == 0, "\(result.err)")
        return result.out.split(separator: "\n").map(String.init)
    }

    @Test(.timeLimit(.minutes(4)))
    func aDeployIsTestedFirstUnderLoadLosesNothingAndARollbackNeedsNoFiles() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let up = try Child(
            ["up", "--config", scratch.config, "--journal", scratch.journal, "--client", "tcp://127.0.0.1:*", "--publish", "tcp://127.0.0.1:*", "--http", "off"],
            captureStandardError: true)
        defer {
            up.kill(SIGTERM)
            _ = up.exitStatus(within: 10)
        }
        let ready = try JSONParser().parse(try up.line { $0.contains("\"ready\"") })
        guard case .string(let endpoint)? = ready["client"] else { throw HarnessError(description: "\(ready)") }
        // Without CURVE keys the broker wrote a local admin token only its user can read; without it (or with
        // another) nobody may deploy, even on loopback.
        var mode = stat()
        #expect(stat(scratch.root + "/keys/admin.token", &mode) == 0 && mode.st_mode & 0o777 == 0o600)
        let other = scratch.root + "/other.yaml"
        try "security:\n  keys: \(scratch.root)/otherkeys\n".write(toFile: other, atomically: true, encoding: .utf8)
        let noToken = try runCommand(["pack", "deploy", scratch.root + "/rules/gdpr", "--connect", endpoint, "--config", other])
        #expect(noToken.status == 1 && noToken.err.contains("admin.token: does not exist"), "\(noToken.err)")
        try FileManager.default.createDirectory(atPath: scratch.root + "/otherkeys", withIntermediateDirectories: true)
        try (String(repeating: "0", count: 64) + "\n").write(toFile: scratch.root + "/otherkeys/admin.token", atomically: true, encoding: .utf8)
        chmod(scratch.root + "/otherkeys/admin.token", 0o600)
        let wrongToken = try runCommand(["pack", "deploy", scratch.root + "/rules/gdpr", "--connect", endpoint, "--config", other])
        #expect(wrongToken.status == 1 && wrongToken.err.contains("[forbidden]") && wrongToken.err.contains("admin token"), "\(wrongToken.err)")
        func status() throws -> String? {
            try runCommand(["status", "--connect", endpoint, "--config", scratch.config]).out.split(separator: "\n").map(String.init).first { $0.hasPrefix("gdpr ") }
        }

        // A deploy in the middle of pipelined load: every request answered, none failed closed.
        let edited = try scratch.gdpr("edited", version: "1.2.0")
        let load = try Child(["load", "--connect", endpoint, "--seconds", "5", "--service", "screen", "--window", "50"])
        Thread.sleep(forTimeInterval: 1.5)
        let deployed = try runCommand(["pack", "deploy", edited, "--connect", endpoint, "--config", scratch.config])
        #expect(deployed.status == 0, "\(deployed.out) \(deployed.err)")
        #expect(deployed.out.hasPrefix("deployed gdpr 1.2.0 sha256:") && deployed.out.contains(" (was 1.1.0 sha256:") && deployed.out.contains("2 in-process worker(s) replaced"), "\(deployed.out)")
        let result = try load.line(within: 30) { $0.contains("replies/s") }
        #expect(load.exitStatus(within: 10) == 0)
        #expect(result.contains("; 0 errors"), "every request answered: \(result)")
        let judged = try Self.query(scratch.journal, "print(c.execute(\"select count(*) from entry where kind='completed' and provisional is not null\").fetchone()[0]); print(' '.join(v for (v,) in c.execute(\"select distinct p.version from entry_pack p where p.pack_id='gdpr' order by 1\")))")
        #expect(judged == ["0", "1.1.0 1.2.0"], "none failed closed, both revisions judged: \(judged)")
        let row = try #require(try status())
        #expect(row.contains(" 1.2.0 ") && row.contains("1.2.0 sha256:") && row.contains(": 2 ") && row.contains("deployed 1.2.0 at "), "\(row)")

        // A revision whose own test cases fail is refused with each failing case, named in the officer's folder.
        let failing = try scratch.gdpr("failing", version: "1.3.0") { $0.replacingOccurrences(of: "verdict: rejected", with: "verdict: approved") }
        let refused = try runCommand(["pack", "deploy", failing, "--connect", endpoint, "--config", scratch.config])
        #expect(refused.status == 1)
        #expect(refused.out.hasPrefix("refused gdpr 1.3.0 sha256:") && refused.out.contains("test case(s) fail; 1.2.0 sha256:") && refused.out.contains(" stays active"), "\(refused.out)")
        #expect(refused.out.contains("\n  \(failing)/tests/") && refused.out.contains("verdict: expected rejected, got approved"), "\(refused.out)")
        // A pack with an error is not even sent; the broker refuses it as well when it comes as a bundle.
        let broken = try scratch.gdpr("broken", version: "1.3.0") { $0 + "\nbroken: [\n" }
        let notSent = try runCommand(["pack", "deploy", broken, "--connect", endpoint, "--config", scratch.config])
        #expect(notSent.status == 1 && notSent.err.contains("\(broken)/pack.yaml:") && notSent.err.contains("[yaml-syntax]") && notSent.err.contains("was not sent"), "\(notSent.err)")
        let bundle = scratch.root + "/gdpr-1.3.0.aispack"
        #expect(try runCommand(["pack", "bundle", failing, "-o", bundle]).status == 0)
        let tampered = try String(contentsOfFile: bundle, encoding: .utf8).replacingOccurrences(of: "\"version\":\"1.3.0\"", with: "\"version\":\"1.4.0\"")
        try tampered.write(toFile: bundle, atomically: true, encoding: .utf8)
        let refusedBundle = try runCommand(["pack", "deploy", bundle, "--connect", endpoint, "--config", scratch.config])
        #expect(refusedBundle.status == 1 && refusedBundle.out.contains("the pack has errors") && refusedBundle.out.contains("[bundle-tampered]"), "\(refusedBundle.out)")
        let still = try #require(try status())
        #expect(still.contains(" 1.2.0 ") && still.contains("refused"), "\(still)")

        // Deploying the active revision again changes nothing.
        let again = try runCommand(["pack", "deploy", edited, "--connect", endpoint, "--config", scratch.config])
        #expect(again.status == 0 && again.out.hasPrefix("unchanged: gdpr 1.2.0 sha256:"), "\(again.out)")

        // Rollback to the revision before, from the journal's copy (the folder it came from is gone), then forward
        // again by version.
        try FileManager.default.removeItem(atPath: edited)
        let back = try runCommand(["pack", "rollback", "gdpr", "--connect", endpoint, "--config", scratch.config])
        #expect(back.status == 0 && back.out.hasPrefix("rolled back gdpr to 1.1.0 sha256:") && back.out.contains("(was 1.2.0 sha256:"), "\(back.out) \(back.err)")
        #expect(try status()?.contains(" 1.1.0 ") == true)
        let forward = try runCommand(["pack", "rollback", "gdpr", "--to", "1.2.0", "--connect", endpoint, "--config", scratch.config])
        #expect(forward.status == 0 && forward.out.hasPrefix("rolled back gdpr to 1.2.0 sha256:"), "\(forward.out) \(forward.err)")
        let after = try #require(try status())
        #expect(after.contains(" 1.2.0 ") && after.contains("1.2.0 sha256:") && after.contains(": 2 ") && after.contains("rolled back to 1.2.0 at "), "\(after)")
        // A malformed rollback (a `to` that is no version text) is refused, not taken as "the revision before".
        let token = try String(contentsOfFile: scratch.root + "/keys/admin.token", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let badBody = scratch.root + "/bad-rollback.json"
        try #"{"token":"\#(token)","pack":"gdpr","to":5}"#.write(toFile: badBody, atomically: true, encoding: .utf8)
        let bad = try peer(["client", "--endpoint", endpoint, "--service", "admin.rollback", "--id", "bad-rollback", "--body", badBody, "--seconds", "8"]).event(within: 20)
        #expect(bad["event"] == .string("error") && bad["code"] == .string("malformed"), "\(bad)")
        #expect(try status()?.contains(" 1.2.0 ") == true, "still 1.2.0")
        let unknown = try runCommand(["pack", "rollback", "gdpr", "--to", "0.1.0", "--connect", endpoint, "--config", scratch.config])
        #expect(unknown.status == 1 && unknown.out.contains("the journal has no text of gdpr 0.1.0"), "\(unknown.out)")
        // A screening after the rollback is judged by 1.2.0.
        let submitted = try runCommand(["submit", "--connect", endpoint, Repo.path("examples/requests/01-aarhusai-chat-platform.json"), "--json"])
        #expect(submitted.status == 0 && submitted.out.contains("\"version\":\"1.2.0\""), "\(submitted.err)")

        up.kill(SIGTERM)
        #expect(up.exitStatus(within: 15) == 0)
        // Every activation is in the journal, chained: the start, the deploy and both rollbacks, with who and from.
        let activations = try Self.query(scratch.journal, "print('\\n'.join(f'{k} {v} {p} {b}' for k,v,p,b in c.execute(\"select kind, version, previous_version, principal from pack_activation where pack_id='gdpr' order by seq\")))")
        #expect(activations == ["start 1.1.0 None local:broker", "deploy 1.2.0 1.1.0 anonymous", "rollback 1.1.0 1.2.0 anonymous", "rollback 1.2.0 1.1.0 anonymous"], "\(activations)")
        let verified = try runCommand(["journal", "verify", "--journal", scratch.journal])
        #expect(verified.status == 0 && verified.out.contains("6 pack activation(s), chained"), "\(verified.out)")
        let versions = try runCommand(["pack", "versions", "gdpr", "--journal", scratch.journal])
        #expect(versions.out.split(separator: "\n").contains { $0.hasPrefix("gdpr ") && $0.contains(" 1.2.0 ") && $0.contains("(rollback)") && $0.contains(" anonymous ") }, "\(versions.out)")
        try JournalTamper.run(scratch.journal, "UPDATE pack_activation SET principal = 'admin:someone-else' WHERE kind = 'deploy'")
        let tamperedJournal = try runCommand(["journal", "verify", "--journal", scratch.journal])
        #expect(tamperedJournal.status == 1 && tamperedJournal.out.contains("BROKEN: pack activations:") && tamperedJournal.out.contains("hash-mismatch"), "\(tamperedJournal.out)")
    }

    @Test(.timeLimit(.minutes(3)))
    func onlyAnAdminKeyDeploysAndRemoteWorkersReloadTheirPackFiles() throws {
        try requirePyzmq()
        let scratch = try Scratch()
        defer { scratch.remove() }
        let cluster = try SecureCluster(journal: true, extraKeys: [["--role", "admin", "--name", "ops"]], rules: scratch.root + "/rules")
        let asClient = ["--connect", cluster.client, "--key", cluster.secret(.init("clients/procurement")), "--broker-key", cluster.brokerKey]
        let asAdmin = ["--connect", cluster.client, "--key", cluster.secret(.init("admins/ops")), "--broker-key", cluster.brokerKey]
        func gdpr() throws -> JSONValue? { try cluster.packStatus().first { $0["id"] == .string("gdpr") } }
        func waitFor(_ what: String, within seconds: Double = 25, _ predicate: (JSONValue) -> Bool) throws {
            let end = Date().addingTimeInterval(seconds)
            while Date() < end {
                if let pack = try gdpr(), predicate(pack) { return }
                Thread.sleep(forTimeInterval: 0.2)
            }
            throw HarnessError(description: "\(what) within \(seconds) s: \(String(describing: try gdpr()))")
        }
        func servedBy(_ version: String) -> (JSONValue) -> Bool {
            { pack in
                guard pack["version"] == .string(version), case .array(let revisions)? = pack["revisions"] else { return false }
                return revisions.count == 1 && revisions[0]["version"] == .string(version) && revisions[0]["count"] == .int(1)
            }
        }

        // The worker's own folder gets the new revision; a client key may not deploy it.
        let folder = scratch.root + "/rules/gdpr"
        try scratch.setVersion(folder, "1.2.0")
        let forbidden = try runCommand(["pack", "deploy", folder] + asClient)
        #expect(forbidden.status == 1 && forbidden.err.contains("[forbidden]") && forbidden.err.contains("role admin"), "\(forbidden.err)")
        #expect(try gdpr()?["version"] == .string("1.1.0"))

        // The admin deploys it: the broker disconnects the remote worker of 1.1.0, which reloads its files and
        // serves 1.2.0.
        let deployed = try runCommand(["pack", "deploy", folder] + asAdmin)
        #expect(deployed.status == 0 && deployed.out.hasPrefix("deployed gdpr 1.2.0 sha256:") && !deployed.out.contains("in-process"), "\(deployed.out) \(deployed.err)")
        try waitFor("the remote worker serves 1.2.0", servedBy("1.2.0"))

        // Rolled back while the worker's files still hold 1.2.0: it is refused until they give 1.1.0 again.
        let back = try runCommand(["pack", "rollback", "gdpr"] + asAdmin)
        #expect(back.status == 0 && back.out.hasPrefix("rolled back gdpr to 1.1.0 sha256:"), "\(back.out) \(back.err)")
        try waitFor("no worker of 1.2.0 is registered", { $0["version"] == .string("1.1.0") && $0["workers"] == .int(0) })
        try scratch.setVersion(folder, "1.1.0") { $0.replacingOccurrences(of: "\nversion: 1.2.0\n", with: "\nversion: 1.1.0\n") }
        try waitFor("the remote worker serves 1.1.0 again", servedBy("1.1.0"))
        let activations = try Self.query(try #require(cluster.journal), "print('\\n'.join(f'{k} {v} {b}' for k,v,b in c.execute(\"select kind, version, principal from pack_activation where pack_id='gdpr' order by seq\")))")
        #expect(activations == ["start 1.1.0 local:broker", "deploy 1.2.0 admin:ops", "rollback 1.1.0 admin:ops"], "\(activations)")
    }
}

/// Changes a journal file behind the broker's back, as someone with `sqlite3` would.
enum JournalTamper {
    static func run(_ path: String, _ sql: String) throws {
        let result = try runCommand(["-c", "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute(sys.argv[2]); c.commit()", path, sql], executable: "python3")
        guard result.status == 0 else { throw HarnessError(description: result.err) }
    }
}
