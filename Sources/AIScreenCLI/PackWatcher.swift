import Broker
import Foundation
import Journal
import Logging
import RulePacks
import RulesEngine
import Synchronization
import Worker

/// `aiscreen up` deploys an edited pack without a restart: it looks at each worker pool's pack files once a second,
/// and when they changed and then stayed unchanged for a second it loads the pack, checks it and runs its test
/// cases. Only when both pass does the broker make the new revision active (its text goes into the journal first);
/// the pool's in-process workers are then replaced by workers of the new revision. Otherwise the old revision stays
/// active and the log says why (`deploy-refused`, with every error and failing case). Tickets in flight are never
/// judged half by one revision: a worker of the old revision is disconnected and its tickets go to the new one
/// whole.
final class PackWatcher: Sendable {
    struct Pool: Sendable {
        var pool: DeploymentConfig.Pool
        var pack: CompiledPack
    }

    let broker: BrokerService
    let deployment: DeploymentConfig
    let logger: Logger
    /// Starts the in-process workers of a pool serving a pack.
    let startWorkers: @Sendable (DeploymentConfig.Pool, CompiledPack) -> [PackWorker]
    /// Puts workers in the place of those serving a pack id; false when the pool is shutting down.
    let replace: @Sendable (String, [PackWorker]) -> Bool
    private let pools: Mutex<[Pool]>
    private let done = Mutex(false)
    private let started = Mutex(false)
    private let finished = DispatchSemaphore(value: 0)

    /// How often the files are looked at, and how long they must stay unchanged before a deploy.
    static let interval = 1.0

    init(
        pools: [Pool], broker: BrokerService, deployment: DeploymentConfig, logger: Logger,
        startWorkers: @escaping @Sendable (DeploymentConfig.Pool, CompiledPack) -> [PackWorker],
        replace: @escaping @Sendable (String, [PackWorker]) -> Bool
    ) {
        self.pools = Mutex(pools)
        self.broker = broker
        self.deployment = deployment
        self.logger = logger
        self.startWorkers = startWorkers
        self.replace = replace
    }

    /// Starts the thread. Call once.
    func start() {
        started.withLock { $0 = true }
        let thread = Thread { [self] in
            defer { finished.signal() }
            run()
        }
        thread.name = "aiscreen.up.watch"
        thread.start()
    }

    /// Stops the thread and waits for it (at once when it never started).
    func stop() {
        done.withLock { $0 = true }
        if started.withLock({ $0 }) { finished.wait() }
    }

    private func run() {
        var seen = pools.withLock { $0.map { Self.fingerprint($0.pool.pack) } }
        var changedAt: [Int: Date] = [:]
        while !done.withLock({ $0 }) {
            Thread.sleep(forTimeInterval: Self.interval / 4)
            let current = pools.withLock { $0.map { Self.fingerprint($0.pool.pack) } }
            for index in current.indices {
                if current[index] != seen[index] {
                    seen[index] = current[index]
                    changedAt[index] = Date()
                } else if let at = changedAt[index], Date().timeIntervalSince(at) >= Self.interval {
                    changedAt[index] = nil
                    deploy(index)
                }
            }
        }
    }

    /// Loads, checks and tests the pool's pack; activates it when it passes and differs from the active revision.
    private func deploy(_ index: Int) {
        let pool = pools.withLock { $0[index] }
        let path = pool.pool.pack
        let loaded = PackLoader(overrides: deployment.overrides).load(directory: path)
        guard let pack = loaded.pack else {
            refuse(pool, "the pack has errors", loaded.errors.map(\.description))
            return
        }
        guard let active = broker.active.first(where: { $0.id == pack.id }), pack.id == pool.pack.id else {
            refuse(pool, "the folder now holds pack '\(pack.id)', not '\(pool.pack.id)'", [])
            return
        }
        guard active.digest != pack.digest else { return }
        if let signatures = SignaturePolicy.of(deployment), let refusal = PackTrust.refusal(of: loaded, among: signatures.trusted, trustedFrom: signatures.directory) {
            refuse(pool, "packs.require_signature is true", [refusal.description])
            return
        }
        // The pack's own test cases, with its defaults (as 'aiscreen pack test' runs them).
        let report = PackTestRunner().run(directory: path)
        guard report.succeeded else {
            refuse(pool, "\(report.failed.count) test case(s) fail", report.diagnostics.filter { $0.severity == .error }.map(\.description)
                + report.failed.map { "\($0.testCase.name): \($0.failures.joined(separator: "; "))" })
            return
        }
        if let journal = (broker.journalSeam as? JournalAdapter)?.journal {
            BrokerOptions.recordPackTexts([(pack, path)], deployment: deployment, in: journal)
        }
        let revision = ActivePack(id: pack.id, version: pack.version, digest: pack.digest)
        broker.activate(revision)
        // The new workers' READY must find the new revision active, or they are refused and back off.
        let deadline = Date().addingTimeInterval(5)
        while !broker.active.contains(revision), Date() < deadline { Thread.sleep(forTimeInterval: 0.002) }
        let workers = startWorkers(pool.pool, pack)
        guard replace(pack.id, workers) else { return }
        pools.withLock { $0[index].pack = pack }
        logger.info("pack-deployed", metadata: [
            "pack": "\(pack.id)", "version": "\(pack.version)", "digest": "\(pack.digest)",
            "previous": "\(active.version) \(active.digest)", "workers": "\(workers.count)", "path": "\(path)",
        ])
    }

    private func refuse(_ pool: Pool, _ reason: String, _ problems: [String]) {
        var metadata: Logger.Metadata = [
            "pack": "\(pool.pack.id)", "path": "\(pool.pool.pack)", "reason": "\(reason)", "active": "\(pool.pack.version) \(pool.pack.digest)",
        ]
        if !problems.isEmpty { metadata["problems"] = "\(problems.prefix(20).joined(separator: " | "))" }
        logger.warning("deploy-refused", metadata: metadata)
    }

    /// What changes when an officer edits the pack: each file's path, size and modification time.
    static func fingerprint(_ path: String) -> [String] {
        let fm = FileManager.default
        var files = [path, path + "/pack.yaml", PackLoader.dutiesFile(for: path)]
        let tests = path + "/tests"
        files += ((try? fm.contentsOfDirectory(atPath: tests)) ?? []).sorted().map { tests + "/" + $0 }
        return files.map { file in
            guard let attributes = try? fm.attributesOfItem(atPath: file) else { return file + " -" }
            let size = (attributes[.size] as? NSNumber)?.intValue ?? -1
            let modified = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
            return "\(file) \(size) \(modified)"
        }
    }
}
