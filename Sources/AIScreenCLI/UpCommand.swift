import ArgumentParser
import Broker
import Dashboard
import Foundation
import Logging
import ServiceLifecycle
import RulePacks
import RulesEngine
import Wire
import Worker
import ZeroMQ

struct Up: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the whole system in one process: the broker and the worker pools of workers/*.yaml.",
        discussion: helpText("""
            The embedded default: binds the endpoints of config/aiscreen.yaml (client tcp://127.0.0.1:5555, worker \
            :5556, publish :5557 unless overridden), starts every pool in workers/*.yaml (pack folder and count) as \
            worker threads connected to the broker in-process (workers on other hosts can join on the worker \
            endpoint only with CURVE keys, see 'aiscreen keys' and 'aiscreen broker --help'; without keys it is not \
            opened), and prints one JSON line when ready:
            {"event":"ready","client":…,"worker":…,"publish":…,"workers":{"gdpr":2,…}}

            Then submit requests with 'aiscreen submit' and watch verdicts with 'aiscreen watch'.

            Edited packs are deployed without a restart: about a second after a pool's pack files change, the \
            pack is loaded, checked and its test cases run; only when both pass is its text journaled, the revision \
            made active and the pool's workers replaced (pack-deployed). Otherwise the old revision stays \
            (deploy-refused, with every error or failing case). 'aiscreen pack deploy DIR' and 'aiscreen pack \
            rollback ID' do the same on request (admin services: an admin key, or without keys only from this \
            host); every activation is journaled. 'aiscreen status' shows what is active.

            Log lines go to stderr, one JSON object per line by default (--log-format text for people): ready, \
            worker-joined, worker-left, worker-refused (with the reason), failed-closed (which pack and why), \
            journal-refusing, journal-recovered, pack-activated, pack-deployed, deploy-refused, peer-refused, \
            stopped; with a timestamp, the level and names and ids only, never a request body or evidence value.

            SIGINT/SIGTERM: stop taking requests, finish those in flight, stop the workers, print \
            {"event":"stopped","counters":{…}} (as 'aiscreen broker' does) and exit 0.
            """))

    @OptionGroup var options: BrokerOptions

    func run() async throws {
        try options.log.bootstrap()
        let deployment = try options.deployment()
        let httpEndpoint = try HTTPServing.endpoint(deployment, allowPublic: options.httpPublic)
        let (pools, poolProblems) = deployment.pools()
        for problem in poolProblems { Console.error(problem.description) }
        if poolProblems.contains(where: { $0.severity == .error }) { throw ExitCode.failure }
        if pools.isEmpty { throw ValidationError("no worker pools in '\(deployment.workers)' (e.g. workers/gdpr.yaml with 'pack: rules/gdpr' and 'count: 2')") }
        let loader = PackLoader(overrides: deployment.overrides)
        var served: [(pool: DeploymentConfig.Pool, pack: CompiledPack)] = []
        for pool in pools {
            let packs = try loader.loadAll([pool.pack], printWarnings: false)
            guard packs.count == 1, let pack = packs.first else {
                Console.error("error: pool \(pool.name) names '\(pool.pack)', which holds \(packs.count) packs; a pool serves one pack")
                throw ExitCode.failure
            }
            served.append((pool, pack))
        }
        // The worker threads share the broker's context and connect in-process: no TCP, no I/O-thread hops.
        let context = try ZMQContext()
        let (broker, required) = try options.makeBroker(deployment, inProcessWorkers: context)
        for pack in required where !served.contains(where: { $0.pack.id == pack.id }) {
            Logger(label: "aiscreen.up").warning("pack-unserved", metadata: [
                "pack": "\(pack.id)", "reason": "no worker pool serves it; screenings will be needs-review until a worker for it connects",
            ])
        }
        let running = served
        let http = try await httpEndpoint.asyncMap {
            try await HTTPServing.start($0, broker: broker, deployment: deployment, packs: required)
        }
        let logger = Logger(label: "aiscreen.up")
        let pool = WorkerPoolService(context: context) { endpoints in
            Self.startWorkers(running, broker: broker, deployment: deployment, context: context, endpoints: endpoints, http: http)
        }
        let deployer = PackDeployer(broker: broker, deployment: deployment, logger: logger) { pack in
            // The new revision's workers, in the place of every pool's that serves its pack.
            let serving = running.filter { $0.pack.id == pack.id }
            guard !serving.isEmpty, let service = try? ServiceName("pack.\(pack.id)") else { return nil }
            let workers = serving.flatMap { Self.startPool($0.pool, pack: pack, deployment: deployment, context: context) }
            return pool.replace(service, with: workers) ? workers.count : 0
        }
        PackAdmin.offer(on: broker, deployer: deployer)
        let watcher = PackWatcher(pools: running.map { PackWatcher.Pool(pool: $0.pool, packID: $0.pack.id) }, deployer: deployer)
        let loop = BrokerLoopService(broker: broker) { endpoints in
            http?.follow()
            pool.brokerListens(endpoints)
            watcher.start()
        }
        // Start order; a signal shuts them down in reverse: broker (drains), workers, HTTP.
        var services: [(name: String, service: any Service)] = []
        if let http { services.append(("http", HTTPService(http: http))) }
        services += [("workers", pool), ("broker", loop)]
        do {
            try await Services.run(services, logger: logger)
        } catch {
            await http?.stop()
            throw error
        }
        watcher.stop()
        BrokerOptions.recordJournalHead(broker)
        logger.info("stopped", metadata: counterMetadata(broker.counters))
        printEvent([("event", .string("stopped")), ("counters", counterMembers(broker.counters))])
    }

    /// Starts one pool's worker threads on the broker's context (in-process endpoint).
    static func startPool(_ pool: DeploymentConfig.Pool, pack: CompiledPack, deployment: DeploymentConfig, context: ZMQContext) -> [PackWorker] {
        var settings = WorkerConfiguration(deployment: deployment)
        settings.endpoint = BrokerOptions.inProcessWorkerEndpoint
        var workers: [PackWorker] = []
        for index in 1...pool.count {
            let name = "\(pack.id)-\(pack.version)-\(index)"
            do {
                let worker = try PackWorker(
                    pack: pack, configuration: settings, context: context, name: name,
                    onEvent: Logger(label: "aiscreen.worker").workerEvents(name: name, pack: pack.id))
                try worker.start()
                workers.append(worker)
            } catch {
                Logger(label: "aiscreen.up").error("worker-start-failed", metadata: ["pack": "\(pack.id)", "error": "\(error)"])
            }
        }
        return workers
    }

    /// Starts every pool's worker threads on the broker's context, then prints `ready` once they registered.
    private static func startWorkers(
        _ running: [(pool: DeploymentConfig.Pool, pack: CompiledPack)], broker: BrokerService, deployment: DeploymentConfig,
        context: ZMQContext, endpoints: BrokerEndpoints, http: HTTPServing?
    ) -> [PackWorker] {
        var workers: [PackWorker] = []
        var counts: [(String, JSONValue)] = []
        for (pool, pack) in running {
            workers += startPool(pool, pack: pack, deployment: deployment, context: context)
            counts.append((pack.id, .int(Int64(pool.count))))
        }
        // "ready" only once the broker has every worker registered: a request that arrived earlier would find no
        // worker for a pack and be answered needs-review (fail closed), and journaled so.
        let expected = Dictionary(running.map { ($0.pack.id, $0.pool.count) }, uniquingKeysWith: +)
        let ready: [(String, JSONValue)] = [
            ("event", .string("ready")), ("client", .string(endpoints.client)), ("worker", endpoints.worker.isEmpty ? .null : .string(endpoints.worker)),
            ("publish", .string(endpoints.publish)), ("workers", .object(counts)), ("http", http?.url ?? .null),
        ]
        Thread.detachNewThread {
            for (pack, registered) in broker.waitForWorkers(expected, timeout: .seconds(10)).sorted(by: { $0.key < $1.key }) {
                Logger(label: "aiscreen.up").warning("workers-missing", metadata: [
                    "pack": "\(pack)", "registered": "\(registered)", "expected": "\(expected[pack] ?? 0)", "waited_s": "10",
                ])
            }
            Logger(label: "aiscreen.up").info("ready", metadata: [
                "client": "\(endpoints.client)", "worker": "\(endpoints.worker)", "publish": "\(endpoints.publish)",
                "http": "\(http?.bound.url ?? "off")",
                "workers": "\(running.map { "\($0.pack.id)@\($0.pack.version)×\($0.pool.count)" }.joined(separator: " "))",
            ])
            printEvent(ready)
        }
        return workers
    }
}
