/// Constants of the aiscreen wire protocol, version 1 (docs/PROTOCOL.md).
public enum WireProtocol {
    /// The header frame of every client↔broker message: `AISC01`.
    public static let clientHeader: [UInt8] = Array("AISC01".utf8)
    /// The header frame of every worker↔broker message: `AISW01`.
    public static let workerHeader: [UInt8] = Array("AISW01".utf8)

    /// Where the broker's client ROUTER listens by default.
    public static let defaultClientEndpoint = "tcp://127.0.0.1:5555"
    /// Where the broker's worker ROUTER listens by default.
    public static let defaultWorkerEndpoint = "tcp://127.0.0.1:5556"
    /// Where the broker publishes verdicts by default.
    public static let defaultPublisherEndpoint = "tcp://127.0.0.1:5557"

    /// The default heartbeat interval between broker and workers.
    public static let defaultHeartbeatInterval: Duration = .milliseconds(1_000)
    /// How many heartbeat intervals may pass without traffic before a peer counts as dead.
    public static let defaultHeartbeatLiveness = 3
    /// The default largest client or worker message, summed over its frames: 1 MiB.
    public static let defaultMaxMessageSize = 1 << 20
    /// The largest `capacity` a worker may declare in READY (§5.3): tickets it holds at once.
    public static let maxWorkerCapacity = 256
}

/// Command bytes of client↔broker messages.
enum ClientCommandByte {
    static let request: UInt8 = 0x01
    static let partial: UInt8 = 0x02
    static let final: UInt8 = 0x03
    static let error: UInt8 = 0x04
}

/// Command bytes of worker↔broker messages.
enum WorkerCommandByte {
    static let ready: UInt8 = 0x01
    static let request: UInt8 = 0x02
    static let final: UInt8 = 0x03
    static let heartbeat: UInt8 = 0x04
    static let disconnect: UInt8 = 0x05
    static let error: UInt8 = 0x06
}
