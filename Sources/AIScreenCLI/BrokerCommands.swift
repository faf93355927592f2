import ArgumentParser
import Broker
import Dashboard
import Foundation
import Logging
import ServiceLifecycle
import Journal
import RulePacks
import RulesEngine
import ZeroMQ

/// Options shared by `aiscreen broker` and `aiscreen up`.
struct BrokerOptions: ParsableArguments {
    @Option(name: .long, help: "Deployment config (default: config/aiscreen.yaml if present).")
    var config: String?

    @Option(name: .long, help: "Folder of rule packs (overrides the config and AISCREEN_RULES).")
    var rules: String?

    @Option(name: .long, help: "Client endpoint to bind, e.g. tcp://127.0.0.1:5555 or tcp://127.0.0.1:* (overrides config and env).")
    var client: String?

    @Option(name: .long, help: "Worker endpoint to bind.")
    var worker: String?

    @Option(name: .long, help: "Endpoint of the PUB socket for published verdicts.")
    var publish: String?

    @Option(name: .long, help: "Heartbeat interval in milliseconds.")
    var heartbeatMs: Int?

    @Option(name: .long, help: "Journal file (SQLite): every accepted request and verdict is recorded before the broker answers (overrides journal.path and AISCREEN_JOURNAL).")
    var journal: String?

    @Option(name: .long, help: "CURVE key directory (overrides security.keys and AISCREEN_KEYS; default keys). With keys/broker/broker.key_secret every TCP endpoint speaks CURVE.")
    var keys: String?

    @Flag(help: "Without CURVE keys, allow plaintext client and feed endpoints on non-loopback addresses and open the TCP worker endpoint, so that any process that reaches them may submit, read or judge verdicts. For test set-ups only.")
    var insecure = false

    @Option(name: .long, help: "HOST:PORT of the read-only HTTP server (health, metrics, journal API, live feed, dashboard), e.g. 127.0.0.1:8080 or 127.0.0.1:0 for a free port; 'off' for none (overrides http.endpoint and AISCREEN_HTTP_ENDPOINT).")
    var http: String?

    @Flag(help: "Allow the HTTP server on a non-loopback address. It has no TLS and no authentication: anyone who reaches it can read screenings and verdicts.")
    var httpPublic = false

    @OptionGroup var log: LogOptions

    @Option(name: .long, help: "Largest size in bytes the journal file may grow to (at least 65536; overrides journal.max_bytes). When it is full the broker refuses new requests.")
    var journalMaxBytes: Int?

    /// Where `aiscreen up`'s own worker threads connect: in-process, on the broker's context.
    static let inProcessWorkerEndpoint = "inproc://aiscreen.workers"

    /// The deployment config with flags applied; exits with the config's problems when it is broken.
    func deployment() throws -> DeploymentConfig {
        var (config, diagnostics) = DeploymentConfig.load(path: self.config)
        for d in diagnostics { Console.error(d.description) }
        if diagnostics.contains(where: { $0.severity == .error }) {
            Console.error("error: fix the config problems above")
            throw ExitCode.failure
        }
        if let rules { config.rules = rules }
        if let client { config.clientEndpoint = client }
        if let worker { config.workerEndpoint = worker }
        if let publish { config.publishEndpoint = publish }
        if let heartbeatMs { config.heartbeatMilliseconds = heartbeatMs }
        if let journal { config.journalPath = journal }
        if let keys { config.keysDirectory = keys }
        if let http { config.httpEndpoint = http }
        if let journalMaxBytes {
            guard journalMaxBytes >= DeploymentConfig.minimumJournalBytes else {
                throw ValidationError("--journal-max-bytes must be at least \(DeploymentConfig.minimumJournalBytes)")
            }
            config.journalMaxBytes = journalMaxBytes
        }
        return config
    }

    /// The broker and its packs: loads every pack (so a broken pack stops start-up), keeps the required ones.
    /// - Parameter inProcessWorkers: a context the broker shares with worker threads of the same process; they
    ///   connect to ``inProcessWorkerEndpoint``.
    func makeBroker(_ deployment: DeploymentConfig, inProcessWorkers context: ZMQContext? = nil) throws -> (BrokerService, [CompiledPack]) {
        let located = try PackLoader(overrides: deployment.overrides).loadAllLocated([deployment.rules], printWarnings: false, signatures: .of(deployment))
        let packs = located.map(\.pack)
        let ids = packs.map(\.id)
        let required = deployment.requiredPacks ?? ids
        for id in required where !ids.contains(id) {
            Console.error("error: screening.required_packs names '\(id)', but there is no such pack under \(deployment.rules)")
            throw ExitCode.failure
        }
        guard let schema = packs.first?.schema else { throw ValidationError("no rule packs under \(deployment.rules)") }
        // The broker owns the active revision of every pack: only workers of exactly these may serve.
        var configuration = BrokerConfiguration(active: required.compactMap { id in
            packs.first { $0.id == id }.map { ActivePack(id: $0.id, version: $0.version, digest: $0.digest) }
        })
        configuration.heartbeatMilliseconds = Int64(deployment.heartbeatMilliseconds)
        configuration.liveness = Int64(deployment.heartbeatLiveness)
        configuration.defaultDeadlineMilliseconds = Int64(deployment.defaultDeadlineMilliseconds)
        configuration.maxMessageBytes = deployment.maxMessageBytes
        configuration.maxQueuePerPack = deployment.maxQueuePerPack
        configuration.maxInflightPerClient = deployment.maxInflightPerClient
        configuration.completedCacheSize = deployment.completedCache
        configuration.completedCacheBytes = deployment.completedCacheBytes
        configuration.maxInflight = deployment.maxInflight
        configuration.maxPendingBytes = deployment.maxPendingBytes
        configuration.highWaterMark = deployment.highWaterMark
        configuration.lateTicketGraceMilliseconds = Int64(deployment.lateTicketGraceMilliseconds)
        configuration.jsonLimits = deployment.jsonLimits
        configuration.idleSpinMicroseconds = deployment.idleSpinMicroseconds
        var endpoints = BrokerEndpoints(
            client: deployment.clientEndpoint, worker: deployment.workerEndpoint, publish: deployment.publishEndpoint,
            extraWorker: context == nil ? [] : [Self.inProcessWorkerEndpoint])
        let security = try security(deployment, endpoints: &endpoints)
        if endpoints.worker.isEmpty {
            Logger(label: "aiscreen.broker").notice("worker-endpoint-closed", metadata: [
                "reason": "there are no CURVE keys (see 'aiscreen keys generate'; --insecure opens it in plaintext)",
            ])
        }
        var journal: (any BrokerJournal)?
        if let path = deployment.journalPath {
            do {
                var options = JournalOptions(maximumBytes: deployment.journalMaxBytes)
                options.exclusiveWriter = true
                let opened = try Journal(path: path, options: options)
                try opened.checkAtStart()
                Self.recordPackTexts(located.filter { required.contains($0.pack.id) }, deployment: deployment, in: opened)
                Self.recordStartActivations(packs.filter { required.contains($0.id) }, in: opened)
                if deployment.journalCompactResults { ResultTexts.install(on: opened) }
                journal = JournalAdapter(journal: opened)
            } catch where error.code == .corrupt || error.code == .busy || error.code == .incompatibleSchema {
                Console.error("error: \(error.message)")
                throw ExitCode.failure
            } catch {
                Console.error("error: cannot open the journal '\(path)': \(error) — fix journal.path (or --journal) or make the file writable")
                throw ExitCode.failure
            }
        }
        let service = try BrokerService(
            configuration: configuration, endpoints: endpoints, schema: schema, journal: journal, security: security, logger: Logger(label: "aiscreen.broker"), context: context)
        return (service, packs.filter { required.contains($0.id) })
    }

    /// Stores the text of each active pack revision the journal does not have yet (keyed by digest), so `aiscreen
    /// pack show` can print the rules that judged a screening after the files changed. A failure is logged: the
    /// next start tries again.
    static func recordPackTexts(_ packs: [(pack: CompiledPack, path: String)], deployment: DeploymentConfig, in journal: Journal) {
        let logger = Logger(label: "aiscreen.broker")
        var texts: [PackText] = []
        for (pack, path) in packs {
            guard let text = RecordedPackText.of(pack, at: path, overrides: deployment.overrides) else {
                logger.warning("pack-text-not-recorded", metadata: ["pack": "\(pack.id)", "version": "\(pack.version)", "reason": "its files changed while the broker loaded them"])
                continue
            }
            texts.append(PackText(digest: pack.digest, packID: pack.id, version: pack.version, content: text.content, overrides: text.overrides, storedAt: .now()))
        }
        do {
            for digest in try journal.store(texts) {
                let pack = texts.first { $0.digest == digest }
                logger.info("pack-text-recorded", metadata: ["pack": "\(pack?.packID ?? "")", "version": "\(pack?.version ?? "")", "digest": "\(digest)"])
            }
        } catch {
            logger.warning("pack-text-not-recorded", metadata: ["reason": "\(error)"])
        }
    }

    /// The principal of the activations a broker's start records.
    static let startPrincipal = "local:broker"

    /// Records the activation of each pack revision the broker starts with whose pack the journal last saw active
    /// in another revision (or never): so the journal says which revision judged from when, also across restarts
    /// with edited files. A failure is logged: the activation is then missing, the verdicts still name their
    /// revision.
    static func recordStartActivations(_ packs: [CompiledPack], in journal: Journal) {
        let logger = Logger(label: "aiscreen.broker")
        do {
            let last = Dictionary(try journal.activations().map { ($0.packID, $0) }, uniquingKeysWith: { _, later in later })
            for pack in packs where last[pack.id]?.digest != pack.digest {
                let previous = last[pack.id]
                try journal.record(PackActivation(
                    at: .now(), packID: pack.id, version: pack.version, digest: pack.digest, previousVersion: previous?.version,
                    previousDigest: previous?.digest, kind: .start, principal: startPrincipal))
            }
        } catch {
            logger.warning("activation-not-recorded", metadata: ["reason": "\(error)"])
        }
    }

    /// After a clean stop: the chain's head goes to `<journal>.head`, which the next start checks.
    static func recordJournalHead(_ broker: BrokerService) {
        guard let adapter = broker.journalSeam as? JournalAdapter else { return }
        do {
            try adapter.journal.recordHead()
        } catch {
            Console.error("warning: \(error)")
        }
    }
}

/// The broker's counters as JSON members (the `stopped` event): what it accepted, answered, refused by error
/// code, dropped and published during its run.
func counterMembers(_ counters: BrokerCounters) -> JSONValue {
    .object([
        ("requests_accepted", .int(Int64(counters.requestsAccepted))),
        ("requests_answered", .int(Int64(counters.requestsAnswered))),
        ("retries_attached", .int(Int64(counters.retriesAttached))),
        ("cache_replays", .int(Int64(counters.cacheReplays))),
        ("client_malformed_dropped", .int(Int64(counters.clientMalformedDropped))),
        ("client_errors", .object(counters.clientErrors.sorted { $0.key < $1.key }.map { ($0.key, .int(Int64($0.value))) })),
        ("worker_malformed", .int(Int64(counters.workerMalformed))),
        ("worker_violations", .int(Int64(counters.workerViolations))),
        ("workers_expired", .int(Int64(counters.workersExpired))),
        ("tickets_redispatched", .int(Int64(counters.ticketsRedispatched))),
        ("workers_refused", .int(Int64(counters.workersRefused))),
        ("workers_late", .int(Int64(counters.workersLate))),
        ("tickets_expired", .int(Int64(counters.ticketsExpired))),
        ("failed_closed", .int(Int64(counters.failedClosed))),
        ("reevaluated", .int(Int64(counters.reevaluated))),
        ("published", .int(Int64(counters.published))),
    ])
}

/// The counters as log metadata (the `stopped` log line).
func counterMetadata(_ counters: BrokerCounters) -> Logger.Metadata {
    guard case .object(let members) = counterMembers(counters) else { return [:] }
    var metadata: Logger.Metadata = [:]
    for (key, value) in members { metadata[key] = .string(JSONWriter.string(value)) }
    return metadata
}

func printEvent(_ members: [(String, JSONValue)]) {
    FileHandle.standardOutput.write(Data((JSONWriter.string(.object(members)) + "\n").utf8))
}

struct BrokerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "broker",
        abstract: "Run the broker: take screening requests from clients, fan them out to pack workers, answer and publish.",
        discussion: helpText("""
            Binds the client, worker and publish endpoints (config/aiscreen.yaml; AISCREEN_CLIENT_ENDPOINT,
            AISCREEN_WORKER_ENDPOINT, AISCREEN_PUBLISH_ENDPOINT; or the flags) and prints one JSON line when it
            listens: {"event":"listening","client":…,"worker":…,"publish":…,"curve":…,"http":…}. Workers run separately
            ('aiscreen worker'), or use 'aiscreen up'.

            HTTP (http.endpoint, AISCREEN_HTTP_ENDPOINT, --http; "http" in the listening line is its URL or null):
            a read-only server with the dashboard at /, /healthz, /readyz (503 until every required pack has a
            worker and the journal takes writes), /metrics (Prometheus), /api/screenings[/ID], /api/summary,
            /api/conditions and /api/events (Server-Sent Events of published verdicts). Loopback only unless
            --http-public: it has no TLS and no authentication.

            Security (docs/PROTOCOL.md §10): with the broker's key pair in the key directory (security.keys,
            --keys; 'aiscreen keys generate --role broker') every endpoint speaks CURVE and only the keys under
            the key directory may connect, each on its own endpoint (clients, workers of one pack, subscribers).
            Without it the endpoints are plaintext: client and publish must be loopback and the TCP worker endpoint
            is not opened ("worker":null), unless --insecure. Only workers of the pack revisions the broker loaded
            may serve; others get a DISCONNECT naming the active digest. 'aiscreen pack deploy DIR' and 'aiscreen pack rollback ID'
            change the active revision while it runs (admin services: an admin key, or without keys only from this host);
            the workers of the old revision are disconnected and 'aiscreen worker' reloads its pack files. Log lines (JSON) go to stderr. SIGINT/SIGTERM: stop taking requests, finish those in
            flight, print {"event":"stopped","counters":{…}} (requests accepted and answered, refusals by error
            code in client_errors, drops, published verdicts) and exit 0. The wire protocol is docs/PROTOCOL.md.
            """))

    @OptionGroup var options: BrokerOptions

    func run() async throws {
        try options.log.bootstrap()
        let deployment = try options.deployment()
        let httpEndpoint = try HTTPServing.endpoint(deployment, allowPublic: options.httpPublic)
        let (broker, packs) = try options.makeBroker(deployment)
        // Deploys come over the admin services; the workers are remote and reload their own files.
        PackAdmin.offer(on: broker, deployer: PackDeployer(broker: broker, deployment: deployment, logger: Logger(label: "aiscreen.broker")))
        let http = try await httpEndpoint.asyncMap {
            try await HTTPServing.start($0, broker: broker, deployment: deployment, packs: packs)
        }
        let loop = BrokerLoopService(broker: broker) { bound in
            http?.follow()
            Logger(label: "aiscreen.broker").info("listening", metadata: [
                "client": "\(bound.client)", "worker": "\(bound.worker)", "publish": "\(bound.publish)",
                "packs": "\(packs.map { "\($0.id)@\($0.version)" }.joined(separator: " "))", "curve": "\(broker.isSecure)",
                "http": "\(http?.bound.url ?? "off")",
            ])
            printEvent([
                ("event", .string("listening")), ("client", .string(bound.client)), ("worker", bound.worker.isEmpty ? .null : .string(bound.worker)),
                ("publish", .string(bound.publish)), ("packs", .array(packs.map { .string($0.id) })),
                ("curve", .bool(broker.isSecure)), ("http", http?.url ?? .null),
            ])
        }
        // Start order; a signal shuts them down in reverse: the broker (it drains), then the HTTP server.
        var services: [(name: String, service: any Service)] = []
        if let http { services.append(("http", HTTPService(http: http))) }
        services.append(("broker", loop))
        do {
            try await Services.run(services, logger: Logger(label: "aiscreen.broker"))
        } catch {
            await http?.stop()
            throw error
        }
        BrokerOptions.recordJournalHead(broker)
        Logger(label: "aiscreen.broker").info("stopped", metadata: counterMetadata(broker.counters))
        printEvent([("event", .string("stopped")), ("counters", counterMembers(broker.counters))])
    }
}
