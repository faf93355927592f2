import Foundation
import Journal
import RulePacks
import Synchronization

/// `aiscreen up` deploys an edited pack without a restart: it looks at each worker pool's pack files four times a
/// second, and when they changed and then stayed unchanged for a second it hands the pack to the ``PackDeployer``
/// (load, check, test, journal, activate, replace the pool's workers), which logs the outcome.
final class PackWatcher: Sendable {
    struct Pool: Sendable {
        var pool: DeploymentConfig.Pool
        /// The pack id the pool serves.
        var packID: String
    }

    let deployer: PackDeployer
    private let pools: [Pool]
    private let done = Mutex(false)
    private let started = Mutex(false)
    private let finished = DispatchSemaphore(value: 0)

    /// How long the files must stay unchanged before a deploy.
    static let interval = 1.0
    /// Who deploys, in the journal's activation entries.
    static let principal = "local:up"

    init(pools: [Pool], deployer: PackDeployer) {
        self.pools = pools
        self.deployer = deployer
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
        var seen = pools.map { Self.fingerprint($0.pool.pack) }
        var changedAt: [Int: Date] = [:]
        while !done.withLock({ $0 }) {
            Thread.sleep(forTimeInterval: Self.interval / 4)
            let current = pools.map { Self.fingerprint($0.pool.pack) }
            for index in current.indices {
                if current[index] != seen[index] {
                    seen[index] = current[index]
                    changedAt[index] = Date()
                } else if let at = changedAt[index], Date().timeIntervalSince(at) >= Self.interval {
                    changedAt[index] = nil
                    _ = deployer.deploy(path: pools[index].pool.pack, expectedID: pools[index].packID, kind: .deploy, principal: Self.principal)
                }
            }
        }
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
