import ArgumentParser
import Logging
import RulePacks
import RulesEngine
import Worker
import ZeroMQ

struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Serve one rule pack to the broker as pack.<id> until SIGINT or SIGTERM.",
        discussion: helpText("""
            Loads and checks the pack first: a pack with errors is refused with its diagnostics and exit status 1. \
            Then opens --count connections to the broker's worker endpoint; each registers as pack.<id> and \
            evaluates one request at a time, so --count is how many requests of this pack run at once. Each \
            connection holds up to --capacity tickets (default broker.worker_capacity, 8): the broker queues the \
            next ones in the connection while it evaluates, so it never waits for a round trip between tickets.

            The worker heartbeats the broker, and re-registers by itself when the broker restarts or goes away \
            (back-off 1 s doubling to 30 s). Before it re-registers it reads the pack again from --pack: when a new \
            revision was made active ('aiscreen pack deploy'), the broker disconnects the workers of the old one, \
            and each serves again once its files give the active digest (worker-reloaded). SIGINT or SIGTERM makes every connection say DISCONNECT and close; \
            the exit status is then 0.

            The endpoint comes from --connect, else $AISCREEN_WORKER_ENDPOINT, else broker.worker_endpoint in the \
            config, else tcp://127.0.0.1:5556. Heartbeat and size limits come from the config (broker.heartbeat_ms, \
            broker.heartbeat_liveness, broker.max_message_bytes) and must match the broker's. Pack parameter \
            overrides in the config (packs.<id>.parameters) change the pack's digest.

            Log lines on stderr (JSON by default, --log-format text): worker-serving, worker-connecting, worker-reconnecting, worker-disconnected (with the broker's reason), worker-reloaded, worker-stopped, each with a timestamp, the worker's name and its pack.
            """)
    )

    @Option(name: .long, help: "The pack folder to serve, such as rules/gdpr.")
    var pack: String

    @Option(name: .long, help: "The broker's worker endpoint (overrides $AISCREEN_WORKER_ENDPOINT and the config).")
    var connect: String?

    @Option(name: .long, help: "Deployment config (default: config/aiscreen.yaml if present).")
    var config: String?

    @Option(name: .long, help: "How many connections (requests evaluated at once), 1 to 64.")
    var count: Int = 1

    @Option(name: .long, help: "Tickets each connection holds at once, 1 to 256 (default: broker.worker_capacity, 8).")
    var capacity: Int?

    func validate() throws {
        guard (1...64).contains(count) else {
            throw ValidationError("--count must be from 1 to 64")
        }
        if let capacity, !(1...256).contains(capacity) {
            throw ValidationError("--capacity must be from 1 to 256")
        }
    }

    @OptionGroup var keys: KeyOptions

    @OptionGroup var log: LogOptions

    func run() async throws {
        try log.bootstrap()
        let logger = Logger(label: "aiscreen.worker")
        let deployment = try NetworkCommands.deployment(config: config)
        var settings = WorkerConfiguration(deployment: deployment)
        settings.curve = try keys.clientKeys(deployment)
        if let connect {
            settings.endpoint = connect
        }
        if let capacity {
            settings.capacity = capacity
        }
        let packs = try PackLoader(overrides: deployment.overrides).loadAll([pack])
        guard packs.count == 1, let compiled = packs.first else {
            Console.error("error: '\(pack)' holds \(packs.count) packs; a worker serves exactly one (e.g. rules/gdpr)")
            throw ExitCode.failure
        }
        // After a DISCONNECT (e.g. another revision became active) or a silent broker, each connection reads the
        // pack again from its path before it re-registers.
        let path = pack
        let reload: @Sendable () -> CompiledPack? = { PackLoader(overrides: deployment.overrides).load(directory: path).pack }
        // Catch the signals before any thread starts, so that none of them dies of a signal.
        let signals = NetworkCommands.TerminationSignals()
        let context = try ZMQContext()
        var workers: [PackWorker] = []
        do {
            for index in 1...count {
                let name = count == 1 ? compiled.id : "\(compiled.id)-\(index)"
                let worker = try PackWorker(
                    pack: compiled, configuration: settings, context: context, name: name,
                    onEvent: logger.workerEvents(name: name, pack: compiled.id), reload: reload)
                try worker.start()
                workers.append(worker)
            }
        } catch {
            Console.error("error: cannot start the worker on '\(settings.endpoint)': \(error)")
            try await Self.stop(workers, context: context)
            throw ExitCode.failure
        }
        logger.info("worker-serving", metadata: [
            "pack": "\(compiled.id)", "version": "\(compiled.version)", "digest": "\(compiled.digest)", "connections": "\(count)",
            "endpoint": "\(settings.endpoint)",
        ])
        let signal = await signals.wait()
        logger.info("worker-stopping", metadata: ["signal": "\(NetworkCommands.TerminationSignals.name(signal))"])
        try await Self.stop(workers, context: context)
        let served = workers.reduce(0) { $0 + $1.statistics.requestsServed }
        logger.info("worker-stopped-all", metadata: ["pack": "\(compiled.id)", "requests_served": "\(served)"])
    }

    /// Stops every worker and terminates the context, off the cooperative pool (stopping joins threads).
    private static func stop(_ workers: [PackWorker], context: ZMQContext) async throws {
        try await NetworkCommands.onThread(name: "aiscreen.worker.stop") {
            for worker in workers {
                worker.stop()
            }
            context.terminate()
        }
    }
}
