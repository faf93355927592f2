public import RulePacks
public import Security
public import Wire

/// How a ``PackWorker`` reaches the broker and decides that the broker is gone.
///
/// Built from the deployment config (`config/aiscreen.yaml`) with ``init(deployment:)``; every value can then be
/// overridden, for example by command-line flags or in tests. Keys read from the deployment config:
///
/// - `broker.worker_endpoint` (`AISCREEN_WORKER_ENDPOINT`, default `tcp://127.0.0.1:5556`): ``endpoint``.
/// - `broker.heartbeat_ms` (default 1000): ``heartbeatInterval``.
/// - `broker.heartbeat_liveness` (default 3): ``heartbeatLiveness``.
/// - `broker.max_message_bytes` (default 1048576): ``maxMessageSize``.
/// - `broker.worker_capacity` (default 8): ``capacity``.
///
/// The reconnect back-off (``initialReconnectDelay``, ``maxReconnectDelay``) is fixed by docs/PROTOCOL.md §5.4
/// (1 s doubling to 30 s) and is not in the config file; tests shorten it.
public struct WorkerConfiguration: Hashable, Sendable {
    /// The broker's worker endpoint, such as `tcp://127.0.0.1:5556`.
    public var endpoint: String
    /// How long either side may stay silent before it sends a HEARTBEAT (§5.4). Both ends must agree.
    public var heartbeatInterval: Duration
    /// How many silent intervals make the broker count as dead (§5.4).
    public var heartbeatLiveness: Int
    /// The first wait before reconnecting after the broker went silent or sent DISCONNECT.
    public var initialReconnectDelay: Duration
    /// The longest wait between reconnects; the wait doubles from ``initialReconnectDelay`` up to this.
    public var maxReconnectDelay: Duration
    /// The largest message, summed over its frames (§3.4). A result over it is answered with ERROR `internal`,
    /// and `ZMQ_MAXMSGSIZE` is set to twice this as a transport guard.
    public var maxMessageSize: Int
    /// The most tickets the worker holds at once, announced in READY (§5.3, 1…``WireProtocol/maxWorkerCapacity``).
    /// More than 1 lets the broker queue the next tickets in the worker's socket while it evaluates, so the
    /// worker never waits for a broker round trip between tickets.
    public var capacity: Int
    /// How long the DISCONNECT sent by ``PackWorker/stop()`` may wait to leave before the socket closes. Every
    /// other close uses `ZMQ_LINGER` 0.
    public var disconnectLinger: Duration
    /// The worker's CURVE keys (its secret key file under `keys/workers/<pack>/` and the broker's public key),
    /// for a broker whose worker endpoint speaks CURVE; nil connects in plaintext (in-process workers).
    public var curve: ClientKeys?

    /// Creates a configuration; the defaults are those of docs/PROTOCOL.md.
    /// - Parameters:
    ///   - endpoint: The broker's worker endpoint.
    ///   - heartbeatInterval: The heartbeat interval (at least 1 ms).
    ///   - heartbeatLiveness: Silent intervals before the broker counts as dead (at least 1).
    ///   - initialReconnectDelay: The first reconnect wait.
    ///   - maxReconnectDelay: The longest reconnect wait (at least the first).
    ///   - maxMessageSize: The largest message in bytes.
    ///   - disconnectLinger: How long the farewell DISCONNECT may take to leave.
    ///   - capacity: The most tickets held at once (clamped to 1…``WireProtocol/maxWorkerCapacity``).
    public init(
        endpoint: String = WireProtocol.defaultWorkerEndpoint,
        heartbeatInterval: Duration = WireProtocol.defaultHeartbeatInterval,
        heartbeatLiveness: Int = WireProtocol.defaultHeartbeatLiveness,
        initialReconnectDelay: Duration = .seconds(1),
        maxReconnectDelay: Duration = .seconds(30),
        maxMessageSize: Int = WireProtocol.defaultMaxMessageSize,
        disconnectLinger: Duration = .milliseconds(200),
        capacity: Int = 1
    ) {
        self.endpoint = endpoint
        self.heartbeatInterval = max(heartbeatInterval, .milliseconds(1))
        self.heartbeatLiveness = max(heartbeatLiveness, 1)
        self.initialReconnectDelay = max(initialReconnectDelay, .zero)
        self.maxReconnectDelay = max(maxReconnectDelay, self.initialReconnectDelay)
        self.maxMessageSize = max(maxMessageSize, 1)
        self.disconnectLinger = max(disconnectLinger, .zero)
        self.capacity = min(max(capacity, 1), WireProtocol.maxWorkerCapacity)
    }

    /// Reads the worker settings from the deployment config (which has already applied the `AISCREEN_*`
    /// environment variables over the file).
    /// - Parameter deployment: The loaded deployment config.
    public init(deployment: DeploymentConfig) {
        self.init(
            endpoint: deployment.workerEndpoint,
            heartbeatInterval: .milliseconds(deployment.heartbeatMilliseconds),
            heartbeatLiveness: deployment.heartbeatLiveness,
            maxMessageSize: deployment.maxMessageBytes,
            capacity: deployment.workerCapacity
        )
    }

    /// How long the broker may stay silent before the worker reconnects: liveness × interval.
    public var brokerTimeout: Duration {
        heartbeatInterval * heartbeatLiveness
    }
}
