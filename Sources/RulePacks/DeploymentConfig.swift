public import RulesEngine
internal import Foundation

/// Deployment settings: `config/aiscreen.yaml` and the worker pools in `workers/*.yaml`.
/// Precedence: command-line flags > environment variables (`AISCREEN_*`) > the file > these defaults.
///
/// Keys (all optional):
/// - `broker.client_endpoint` (`AISCREEN_CLIENT_ENDPOINT`, default `tcp://127.0.0.1:5555`): where clients connect.
/// - `broker.worker_endpoint` (`AISCREEN_WORKER_ENDPOINT`, default `tcp://127.0.0.1:5556`): where workers connect.
/// - `broker.publish_endpoint` (`AISCREEN_PUBLISH_ENDPOINT`, default `tcp://127.0.0.1:5557`): PUB socket for verdicts.
/// - `broker.heartbeat_ms` (default 1000) and `broker.heartbeat_liveness` (default 3): a peer silent for
///   liveness × interval is dead.
/// - `broker.default_deadline_ms` (default 10000): a request's deadline when the client gives none.
/// - `broker.max_message_bytes` (default 1048576): larger messages are refused (ZMQ_MAXMSGSIZE on workers).
/// - `broker.max_queue_per_pack` (default 10000): tickets waiting for a busy pack before requests are refused.
/// - `broker.max_inflight_per_client` (default 5000): requests one client may have open at once.
/// - `broker.completed_cache` (default 10000): finished verdicts kept in memory for idempotent retries (a
///   full screening's verdict is ≈ 45 KB, so this bounds memory; with a journal, older ids are answered from it).
/// - `broker.worker_capacity` (default 8, 1 to 256): tickets a worker holds at once (its credit window).
/// - `broker.idle_spin_us` (default 0, at most 100000): after its last message the broker keeps polling without
///   sleeping for this many microseconds, which shortens round trips (no thread wake-up) and costs CPU.
/// - `broker.max_json_depth` (default 32), `broker.max_string_bytes` (default 65536), `broker.max_list_items`
///   (default 10000): limits on a request body; a body over them is refused with `invalid-json`.
/// - `screening.required_packs` (default: every pack under `rules`): packs a `screen` request needs.
/// - `rules` (`AISCREEN_RULES`, default `rules`): the folder of rule packs.
/// - `workers` (default `workers`): the folder of worker pool files.
/// - `packs.<id>.parameters.<name>`: pack parameter overrides (see rules/README.md).
/// - `journal.path` (`AISCREEN_JOURNAL`; no default: without it the broker keeps no journal) and
///   `journal.retention_days` (default 3650): the journal the broker writes before it answers, read by
///   `aiscreen history`, `aiscreen verdict` and `aiscreen journal`.
/// - `journal.max_bytes` (`--journal-max-bytes`; no default: no cap; at least 65536): the largest the broker's
///   journal file may grow. When it is reached the broker refuses new requests (ERROR `internal`, "the journal is
///   full") instead of answering what it cannot record; `aiscreen journal prune` frees space, or restart with a
///   larger cap.
/// - `security.keys` (`AISCREEN_KEYS`, `--keys`; default `keys`): the CURVE key directory (docs/PROTOCOL.md §10).
///   With the broker's key pair in `keys/broker/` every TCP endpoint speaks CURVE and only the keys under
///   `keys/clients|auditors|admins/`, `keys/workers/<pack>/` and `keys/subscribers/` may connect; without it the
///   endpoints are plaintext: the client and feed endpoints must then be loopback and the TCP worker endpoint is
///   not opened (unless `--insecure`).
/// - `http.endpoint` (`AISCREEN_HTTP_ENDPOINT`, `--http`; no default: without it no HTTP server is started; `off`
///   turns it off): `HOST:PORT` of the read-only HTTP server of `aiscreen up` and `aiscreen broker` (health,
///   metrics, the journal API, the live feed and the dashboard page). Loopback only unless `--http-public`.
/// - `security.client_key`, `security.broker_key` (`--key`, `--broker-key`): the secret key file a client,
///   subscriber or worker connects with, and the broker's public key file.
public struct DeploymentConfig: Sendable {
    public var clientEndpoint = "tcp://127.0.0.1:5555"
    public var workerEndpoint = "tcp://127.0.0.1:5556"
    public var publishEndpoint = "tcp://127.0.0.1:5557"
    public var heartbeatMilliseconds = 1000
    public var heartbeatLiveness = 3
    public var defaultDeadlineMilliseconds = 10_000
    public var maxMessageBytes = 1 << 20
    public var maxQueuePerPack = 10_000
    public var maxInflightPerClient = 5_000
    public var maxInflight = 20_000
    public var maxPendingBytes = 128 << 20
    public var completedCache = 10_000
    public var completedCacheBytes = 64 << 20
    public var highWaterMark = 1_000
    public var lateTicketGraceMilliseconds = 6_000
    public var workerCapacity = 8
    public var idleSpinMicroseconds = 0
    public var jsonLimits = JSONLimits()
    public var requiredPacks: [String]?
    public var rules = "rules"
    public var workers = "workers"
    public var overrides: [String: [String: Located<JSONValue>]] = [:]
    /// The broker journals only when a path is set (config, `AISCREEN_JOURNAL` or `--journal`).
    public var journalPath: String?
    public var journalRetentionDays = 3650
    /// `journal.max_bytes`: a cap on the journal file's size; nil for none.
    public var journalMaxBytes: Int?
    /// `journal.compact_results` (default true): results are stored with the packs' texts as references to a
    /// dictionary the journal keeps once, and read back byte for byte; false stores every result whole.
    public var journalCompactResults = true
    /// `http.endpoint`: `HOST:PORT` of the read-only HTTP server; nil (or `off`) for none.
    public var httpEndpoint: String?
    /// `security.keys`: the CURVE key directory.
    public var keysDirectory = "keys"
    /// `packs.trusted_signers`: the folder of the public keys whose pack signatures this deployment trusts; nil:
    /// `<keys>/signers`.
    public var trustedSignersDirectory: String?
    /// `packs.require_signature`: the broker activates only bundles signed by a trusted signer.
    public var requireSignature = false
    /// The folder of trusted signers' public keys in effect.
    public var trustedSigners: String { trustedSignersDirectory ?? (keysDirectory.hasSuffix("/") ? keysDirectory : keysDirectory + "/") + "signers" }
    /// `security.client_key`: the secret key a client, subscriber or worker of this host connects with.
    public var clientKey: String?
    /// `security.broker_key`: the broker's public key file, for connecting peers.
    public var brokerKey: String?

    /// The smallest `journal.max_bytes`: 64 KiB (an empty journal takes about 52 KiB).
    public static let minimumJournalBytes = 65_536

    public init() {}

    /// A worker pool: which pack, how many workers.
    public struct Pool: Sendable {
        public var name: String
        public var pack: String
        public var count: Int
    }

    /// Reads a config file (missing file = defaults), then applies the environment.
    public static func load(path: String?, environment: [String: String]? = nil) -> (DeploymentConfig, [RuleDiagnostic]) {
        let environment = environment ?? ProcessInfo.processInfo.environment
        var config = DeploymentConfig()
        var diagnostics: [RuleDiagnostic] = []
        let file = path ?? "config/aiscreen.yaml"
        if let text = try? String(contentsOfFile: file, encoding: .utf8) {
            diagnostics += config.apply(yaml: text, file: file)
        } else if path != nil {
            diagnostics.append(RuleDiagnostic(.error, .missingField, "cannot read the config file", at: SourceLocation(file: file, line: 1, column: 1)))
        }
        // An empty variable counts as unset (as for the journal commands), never as an empty path or endpoint.
        func variable(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        if let v = variable("AISCREEN_CLIENT_ENDPOINT") { config.clientEndpoint = v }
        if let v = variable("AISCREEN_WORKER_ENDPOINT") { config.workerEndpoint = v }
        if let v = variable("AISCREEN_PUBLISH_ENDPOINT") { config.publishEndpoint = v }
        if let v = variable("AISCREEN_RULES") { config.rules = v }
        if let v = variable("AISCREEN_JOURNAL") { config.journalPath = v }
        if let v = variable("AISCREEN_KEYS") { config.keysDirectory = v }
        if let v = variable("AISCREEN_HTTP_ENDPOINT") { config.httpEndpoint = v }
        return (config, diagnostics)
    }

    mutating func apply(yaml text: String, file: String) -> [RuleDiagnostic] {
        var source = YAMLSource(file: file, text: text)
        guard let root = source.root(),
            let members = source.mapping(root, what: "the config", allowed: ["broker", "screening", "rules", "workers", "packs", "journal", "security", "http"])
        else { return source.diagnostics }
        func int(
            _ node: JSONValue, _ key: Located<String>, _ minimum: Int, maximum: Int? = nil, into target: inout Int, _ source: inout YAMLSource
        ) {
            guard case .int(let i) = node, i >= minimum, maximum.map({ i <= $0 }) ?? true else {
                let range = maximum.map { "from \(minimum) to \($0)" } ?? "≥ \(minimum)"
                source.error(.typeMismatch, "'\(key.value)' must be a whole number \(range)", at: key.location)
                return
            }
            target = Int(i)
        }
        for (key, value) in members {
            switch key.value {
            case "broker":
                let allowed: Set<String> = [
                    "client_endpoint", "worker_endpoint", "publish_endpoint", "heartbeat_ms", "heartbeat_liveness",
                    "default_deadline_ms", "max_message_bytes", "max_queue_per_pack", "max_inflight_per_client", "completed_cache",
                    "max_inflight", "max_pending_bytes", "completed_cache_bytes", "high_water_mark", "late_ticket_grace_ms",
                    "max_json_depth", "max_string_bytes", "max_list_items", "worker_capacity", "idle_spin_us",
                ]
                for (k, v) in source.mapping(value, what: "broker", allowed: allowed) ?? [] {
                    let json = source.json(v)
                    switch k.value {
                    case "client_endpoint": clientEndpoint = source.string(v, what: k.value)?.value ?? clientEndpoint
                    case "worker_endpoint": workerEndpoint = source.string(v, what: k.value)?.value ?? workerEndpoint
                    case "publish_endpoint": publishEndpoint = source.string(v, what: k.value)?.value ?? publishEndpoint
                    case "heartbeat_ms": int(json, k, 10, into: &heartbeatMilliseconds, &source)
                    case "heartbeat_liveness": int(json, k, 1, into: &heartbeatLiveness, &source)
                    case "default_deadline_ms": int(json, k, 1, into: &defaultDeadlineMilliseconds, &source)
                    case "max_message_bytes": int(json, k, 1024, into: &maxMessageBytes, &source)
                    case "max_queue_per_pack": int(json, k, 1, into: &maxQueuePerPack, &source)
                    case "max_inflight_per_client": int(json, k, 1, into: &maxInflightPerClient, &source)
                    case "max_inflight": int(json, k, 1, into: &maxInflight, &source)
                    case "max_pending_bytes": int(json, k, 1 << 20, into: &maxPendingBytes, &source)
                    case "completed_cache_bytes": int(json, k, 0, into: &completedCacheBytes, &source)
                    case "high_water_mark": int(json, k, 10, maximum: 1_000_000, into: &highWaterMark, &source)
                    case "late_ticket_grace_ms": int(json, k, 0, into: &lateTicketGraceMilliseconds, &source)
                    case "max_json_depth": int(json, k, 4, into: &jsonLimits.maxDepth, &source)
                    case "max_string_bytes": int(json, k, 64, into: &jsonLimits.maxStringLength, &source)
                    case "max_list_items": int(json, k, 1, into: &jsonLimits.maxContainerCount, &source)
                    case "worker_capacity": int(json, k, 1, maximum: 256, into: &workerCapacity, &source)
                    case "completed_cache": int(json, k, 0, into: &completedCache, &source)
                    case "idle_spin_us": int(json, k, 0, maximum: 100_000, into: &idleSpinMicroseconds, &source)
                    default: break  // `allowed` has already reported unknown keys
                    }
                }
            case "screening":
                for (k, v) in source.mapping(value, what: "screening", allowed: ["required_packs"]) ?? [] {
                    _ = k
                    requiredPacks = source.strings(v, what: "required_packs").map(\.value)
                }
            case "journal":
                for (k, v) in source.mapping(value, what: "journal", allowed: ["path", "retention_days", "max_bytes", "compact_results"]) ?? [] {
                    switch k.value {
                    case "compact_results":
                        if case .bool(let compact) = source.json(v) {
                            journalCompactResults = compact
                        } else {
                            source.error(.typeMismatch, "'compact_results' must be true or false", at: k.location)
                        }
                    case "path":
                        journalPath = source.string(v, what: "journal.path")?.value
                    case "max_bytes":
                        var bytes = 0
                        int(source.json(v), k, Self.minimumJournalBytes, into: &bytes, &source)
                        if bytes > 0 { journalMaxBytes = bytes }
                    default:
                        int(source.json(v), k, 1, into: &journalRetentionDays, &source)
                    }
                }
            case "security":
                for (k, v) in source.mapping(value, what: "security", allowed: ["keys", "client_key", "broker_key"]) ?? [] {
                    let text = source.string(v, what: "security.\(k.value)")?.value
                    switch k.value {
                    case "keys": keysDirectory = text ?? keysDirectory
                    case "client_key": clientKey = text
                    default: brokerKey = text
                    }
                }
            case "http":
                for (k, v) in source.mapping(value, what: "http", allowed: ["endpoint"]) ?? [] {
                    _ = k
                    httpEndpoint = source.string(v, what: "http.endpoint")?.value
                }
            case "rules": rules = source.string(value, what: "rules")?.value ?? rules
            case "workers": workers = source.string(value, what: "workers")?.value ?? workers
            default:
                var shape = source  // a copy: PackOverrides below reports a wrong shape of the section, once
                for (k, v) in shape.mapping(value, what: "packs") ?? [] where PackOverrides.reservedKeys.contains(k.value) {
                    if k.value == "trusted_signers" {
                        trustedSignersDirectory = source.string(v, what: "packs.trusted_signers")?.value
                    } else if case .bool(let required) = source.json(v) {
                        requireSignature = required
                    } else {
                        source.error(.typeMismatch, "'require_signature' must be true or false", at: k.location)
                    }
                }
                let (parsed, problems) = PackOverrides.parse(yaml: text, file: file)
                overrides = parsed
                source.diagnostics += problems
            }
        }
        return source.diagnostics
    }

    /// The worker pools in `workers/*.yaml` (`pack: rules/gdpr`, `count: 2`).
    public func pools() -> ([Pool], [RuleDiagnostic]) {
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: workers)) ?? []).filter { $0.hasSuffix(".yaml") }.sorted()
        var pools: [Pool] = []
        var diagnostics: [RuleDiagnostic] = []
        for name in files {
            let path = workers + "/" + name
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { continue }
            var source = YAMLSource(file: path, text: text)
            guard let root = source.root(), let members = source.mapping(root, what: "a worker pool", allowed: ["pack", "count", "description"]) else {
                diagnostics += source.diagnostics
                continue
            }
            var pool = Pool(name: String(name.dropLast(5)), pack: "", count: 1)
            for (key, value) in members {
                switch key.value {
                case "pack": pool.pack = source.string(value, what: "pack")?.value ?? ""
                case "count":
                    if case .int(let n) = source.json(value), n >= 1, n <= 64 { pool.count = Int(n) } else {
                        source.error(.invalidValue, "count must be a whole number from 1 to 64", at: key.location)
                    }
                default: break
                }
            }
            if pool.pack.isEmpty { source.error(.missingField, "a worker pool needs 'pack: <pack folder>'", at: source.location(root)) }
            diagnostics += source.diagnostics
            pools.append(pool)
        }
        return (pools, diagnostics)
    }
}
