import Broker
import Foundation
import Journal
import Logging
import RulePacks
import RulesEngine
import Security
import Synchronization
import Wire

/// Puts a pack revision into a running broker: the one place that decides whether a revision may become active.
/// `aiscreen up`'s file watcher, the broker's `admin.deploy` and `admin.rollback` services all come here.
///
/// A deploy loads the pack (a folder or a bundle file), checks it, applies the signature policy and runs its test
/// cases with the pack's own defaults; only when all pass is its text journaled, the activation journaled (who,
/// when, from → to) and the revision made active. Then the in-process workers of `up` that serve the pack are
/// replaced by workers of the new revision; remote workers were disconnected by the broker and reload their pack
/// from their own files (they serve again only once those give the active digest). Any failure leaves the old
/// revision active and says why. One deploy at a time.
final class PackDeployer: Sendable {
    /// What a deploy or rollback ended in; the admin services' FINAL body (docs/PROTOCOL.md §10.7).
    struct Outcome: Sendable {
        enum Result: String, Sendable {
            /// The revision is now active.
            case deployed
            /// It was already the active one: nothing changed.
            case unchanged
            /// It was not made active; the old revision stays.
            case refused
        }

        var result: Result
        var pack: String
        var version: String?
        var digest: String?
        var previous: ActivePack?
        var reason: String
        var problems: [String] = []
        /// In-process workers started for the new revision.
        var workers = 0
        var kind: PackActivation.Kind
        var at = JournalTimestamp.now()

        var json: JSONValue {
            .object([
                ("outcome", .string(result.rawValue)), ("kind", .string(kind.rawValue)), ("pack", .string(pack)),
                ("version", version.map(JSONValue.string) ?? .null), ("digest", digest.map(JSONValue.string) ?? .null),
                ("previous", previous.map { .object([("version", .string($0.version)), ("digest", .string($0.digest))]) } ?? .null),
                ("reason", .string(reason)), ("problems", .array(problems.map(JSONValue.string))), ("workers", .int(Int64(workers))),
                ("at", .string(at.description)),
            ])
        }
    }

    let broker: BrokerService
    let deployment: DeploymentConfig
    let logger: Logger
    /// Starts in-process workers of a revision and puts them in the place of those serving its pack; nil when
    /// this process runs no workers of that pack. Returns how many it started.
    let replaceWorkers: @Sendable (CompiledPack) -> Int?
    private let serial = Mutex(())
    private let outcomes = Mutex<[String: Outcome]>([:])

    init(broker: BrokerService, deployment: DeploymentConfig, logger: Logger, replaceWorkers: @escaping @Sendable (CompiledPack) -> Int? = { _ in nil }) {
        self.broker = broker
        self.deployment = deployment
        self.logger = logger
        self.replaceWorkers = replaceWorkers
    }

    var journal: Journal? { (broker.journalSeam as? JournalAdapter)?.journal }

    /// The last outcome of each pack's deploy or rollback (for `mmi.packs` and `aiscreen status`).
    var lastOutcomes: [String: Outcome] { outcomes.withLock { $0 } }

    /// Deploys the pack at `path` (a folder or a `.aispack` file).
    /// - Parameters:
    ///   - overrides: the parameter overrides to load it with (the deployment's, or a journaled revision's own).
    ///   - expectedID: refuse a pack with another id (the pool's pack, for the file watcher).
    ///   - runTests: run its test cases first (not for a rollback to a revision that was active before).
    ///   - shownPath: how `path` is named in problems (e.g. a bundle's name instead of a scratch file).
    func deploy(
        path: String, overrides: [String: [String: Located<JSONValue>]]? = nil, expectedID: String? = nil, runTests: Bool = true,
        kind: PackActivation.Kind, principal: String, shownPath: String? = nil
    ) -> Outcome {
        serial.withLock { _ in
            let outcome = attempt(path: path, overrides: overrides ?? deployment.overrides, expectedID: expectedID, runTests: runTests, kind: kind, principal: principal)
            var shown = outcome
            if let shownPath { shown.problems = outcome.problems.map { $0.replacingOccurrences(of: path, with: shownPath) } }
            report(shown, principal: principal, path: shownPath ?? path)
            return shown
        }
    }

    private func attempt(
        path: String, overrides: [String: [String: Located<JSONValue>]], expectedID: String?, runTests: Bool, kind: PackActivation.Kind,
        principal: String
    ) -> Outcome {
        let loaded = PackLoader(overrides: overrides).load(directory: path)
        let fallbackID = expectedID ?? loaded.bundle?.id ?? "?"
        guard let pack = loaded.pack else {
            return Outcome(result: .refused, pack: fallbackID, reason: "the pack has errors", problems: loaded.errors.map(\.description), kind: kind)
        }
        var outcome = Outcome(result: .refused, pack: pack.id, version: pack.version, digest: pack.digest, reason: "", kind: kind)
        if let expectedID, pack.id != expectedID {
            outcome.reason = "the folder now holds pack '\(pack.id)', not '\(expectedID)'"
            return outcome
        }
        guard let active = broker.active.first(where: { $0.id == pack.id }) else {
            outcome.reason = "this broker does not serve pack '\(pack.id)'; it serves \(broker.active.map(\.id).joined(separator: ", "))"
            return outcome
        }
        outcome.previous = active
        guard active.digest != pack.digest else {
            outcome.result = .unchanged
            outcome.reason = "\(pack.id) \(pack.version) \(pack.digest) is already the active revision"
            return outcome
        }
        if let signatures = SignaturePolicy.of(deployment), let refusal = PackTrust.refusal(of: loaded, among: signatures.trusted, trustedFrom: signatures.directory) {
            outcome.reason = "packs.require_signature is true"
            outcome.problems = [refusal.description]
            return outcome
        }
        if runTests {
            // The pack's own test cases, with its defaults (as 'aiscreen pack test' runs them).
            let report = PackTestRunner().run(directory: path)
            guard report.succeeded else {
                outcome.reason = "\(report.failed.count) test case(s) fail"
                outcome.problems = report.diagnostics.filter { $0.severity == .error }.map(\.description)
                    + report.failed.map { "\($0.testCase.location): \($0.testCase.name): \($0.failures.joined(separator: "; "))" }
                if report.failed.isEmpty { outcome.reason = "the test cases cannot be run" }
                return outcome
            }
        }
        if let journal {
            // Its text and its activation are on disk before any verdict of it can be.
            guard let text = RecordedPackText.of(pack, at: path, overrides: overrides) else {
                outcome.reason = "the pack's files changed while it was deployed; deploy it again"
                return outcome
            }
            do {
                try journal.store([PackText(digest: pack.digest, packID: pack.id, version: pack.version, content: text.content, overrides: text.overrides, storedAt: .now())])
                try journal.record(PackActivation(
                    at: .now(), packID: pack.id, version: pack.version, digest: pack.digest, previousVersion: active.version, previousDigest: active.digest,
                    kind: kind, principal: principal))
            } catch {
                outcome.reason = "the journal cannot record the activation: \(error)"
                return outcome
            }
        }
        let revision = ActivePack(id: pack.id, version: pack.version, digest: pack.digest)
        broker.activate(revision)
        // New workers' READY must find the new revision active, or they are refused and back off.
        let deadline = Date().addingTimeInterval(5)
        while !broker.active.contains(revision), Date() < deadline { Thread.sleep(forTimeInterval: 0.002) }
        outcome.workers = replaceWorkers(pack) ?? 0
        outcome.result = .deployed
        outcome.reason = "\(pack.id) \(pack.version) is active"
        return outcome
    }

    /// Rolls pack `id` back to `target` (a version, or a digest `sha256:…`), or to the revision that was active
    /// before the current one, from the journal's copy of its text.
    func rollback(_ id: String, to target: String?, principal: String) -> Outcome {
        func refused(_ reason: String) -> Outcome {
            let outcome = Outcome(result: .refused, pack: id, previous: broker.active.first { $0.id == id }, reason: reason, kind: .rollback)
            report(outcome, principal: principal, path: "journal")
            return outcome
        }
        guard let journal else { return refused("the broker has no journal, so it keeps no earlier revisions (set journal.path)") }
        guard let active = broker.active.first(where: { $0.id == id }) else {
            return refused("this broker does not serve pack '\(id)'; it serves \(broker.active.map(\.id).joined(separator: ", "))")
        }
        let texts: [PackText]
        let activations: [PackActivation]
        do {
            texts = try journal.packTexts(packID: id)
            activations = try journal.activations(packID: id)
        } catch {
            return refused("the journal cannot be read: \(error)")
        }
        let chosen: PackText?
        if let target, target.hasPrefix("sha256:") {
            chosen = texts.first { $0.digest == target }
            if chosen == nil { return refused("the journal has no text of \(id)@\(target); 'aiscreen pack versions \(id)' lists those it has") }
        } else if let target {
            let candidates = texts.filter { $0.version == target }
            guard !candidates.isEmpty else { return refused("the journal has no text of \(id) \(target); 'aiscreen pack versions \(id)' lists those it has") }
            // Of several texts of one version (edited without a version bump), the one activated last, else the newest.
            let lastActivated = activations.last { activation in candidates.contains { $0.digest == activation.digest } }
            chosen = candidates.first { $0.digest == lastActivated?.digest } ?? candidates.last
        } else {
            guard let current = activations.last(where: { $0.digest == active.digest }), let previous = current.previousDigest, previous != active.digest else {
                return refused("the journal records no revision of \(id) active before \(active.version) \(active.digest); name one with --to")
            }
            chosen = texts.first { $0.digest == previous }
            if chosen == nil { return refused("the journal has no text of the previous revision \(previous) of \(id)") }
        }
        guard let text = chosen else { return refused("no such revision") }
        let recorded = RecordedPackText(content: text.content, overrides: text.overrides)
        guard recorded.digest == text.digest else {
            return refused("the journal's text of \(id) \(text.version) no longer gives its digest \(text.digest); run 'aiscreen journal verify'")
        }
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("aiscreen-rollback-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let file = scratch.appendingPathComponent("\(id)-\(text.version).aispack").path
        do {
            try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            try Data(text.content).write(to: URL(fileURLWithPath: file))
        } catch {
            return refused("cannot write a scratch copy of the revision: \(error)")
        }
        var overrides = deployment.overrides
        overrides[id] = recorded.parsedOverrides
        return deploy(path: file, overrides: overrides, runTests: false, kind: .rollback, principal: principal, shownPath: "journal:\(id)@\(text.version)")
    }

    private func report(_ outcome: Outcome, principal: String, path: String) {
        outcomes.withLock { $0[outcome.pack] = outcome }
        broker.noteDeploy(pack: outcome.pack, outcome: outcome.json)
        var metadata: Logger.Metadata = [
            "pack": "\(outcome.pack)", "kind": "\(outcome.kind.rawValue)", "principal": "\(principal)", "path": "\(path)", "reason": "\(outcome.reason)",
        ]
        if let version = outcome.version { metadata["version"] = "\(version)" }
        if let digest = outcome.digest { metadata["digest"] = "\(digest)" }
        if let previous = outcome.previous { metadata["previous"] = "\(previous.version) \(previous.digest)" }
        switch outcome.result {
        case .deployed:
            metadata["workers"] = "\(outcome.workers)"
            logger.info("pack-deployed", metadata: metadata)
        case .unchanged:
            logger.info("deploy-unchanged", metadata: metadata)
        case .refused:
            if !outcome.problems.isEmpty { metadata["problems"] = "\(outcome.problems.prefix(20).joined(separator: " | "))" }
            logger.warning("deploy-refused", metadata: metadata)
        }
    }
}

/// The broker's admin services, answered by a ``PackDeployer`` (docs/PROTOCOL.md §10.7).
struct PackAdmin: BrokerAdmin {
    let deployer: PackDeployer

    /// Offers the admin services on `broker`; without CURVE with the local admin token in the key directory (made
    /// now unless there is one), and none at all when it cannot be made.
    static func offer(on broker: BrokerService, deployer: PackDeployer) {
        var token: String?
        if !broker.isSecure {
            do {
                token = try AdminToken.prepare(in: deployer.deployment.keysDirectory)
            } catch {
                deployer.logger.warning("admin-token-unavailable", metadata: ["reason": "\(error)", "effect": "pack deploy and rollback are refused"])
            }
        }
        broker.offerAdmin(PackAdmin(deployer: deployer), localToken: token)
    }

    func handle(service: ServiceName, body: [UInt8], principal: String) -> BrokerAdminAnswer {
        if service == .adminRollback {
            let shape = "the body must be {\"pack\":\"ID\"} or {\"pack\":\"ID\",\"to\":\"VERSION or sha256:…\"}"
            guard case .object(let members)? = try? JSONParser().parse(body), case .string(let pack)? = members.first(where: { $0.0 == "pack" })?.1, !pack.isEmpty else {
                return .error(.malformed, shape)
            }
            // A `to` that is not a version text must not turn into "the revision before".
            var target: String?
            switch members.first(where: { $0.0 == "to" })?.1 {
            case nil, .null?: break
            case .string(let to)? where !to.isEmpty: target = to
            default: return .error(.malformed, shape + "; \"to\" must be a non-empty string")
            }
            return .final(JSONWriter.bytes(deployer.rollback(pack, to: target, principal: principal).json))
        }
        // admin.deploy: the body's `bundle` is a pack bundle; it is loaded from a scratch file like any bundle file.
        let bundle: PackBundle
        let bytes: [UInt8]
        do {
            guard case .object(let members)? = try? JSONParser(limits: PackBundle.jsonLimits).select(.members(["bundle": .whole]), in: body), let value = members.first?.1 else {
                return .error(.malformed, "the body must be {\"bundle\": <a pack bundle, as 'aiscreen pack bundle' writes it>}")
            }
            bytes = JSONWriter.bytes(value)
            bundle = try PackBundle(decoding: bytes, file: "deploy.aispack")
        } catch {
            let outcome = PackDeployer.Outcome(result: .refused, pack: "?", reason: "the body is not a pack bundle", problems: [error.description], kind: .deploy)
            return .final(JSONWriter.bytes(outcome.json))
        }
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("aiscreen-deploy-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let file = scratch.appendingPathComponent("deploy.aispack").path
        do {
            try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            try Data(bytes).write(to: URL(fileURLWithPath: file))
        } catch {
            return .error(.internalError, "cannot write a scratch copy of the bundle: \(error)")
        }
        let shown = "\(bundle.manifest.id)-\(bundle.manifest.version).aispack"
        return .final(JSONWriter.bytes(deployer.deploy(path: file, kind: .deploy, principal: principal, shownPath: shown).json))
    }
}
