/// A message from the broker to a worker.
///
/// Frames are counted without the ROUTER identity frame: the broker's ROUTER sends `[identity] + encode()`, and
/// the worker's DEALER hands ``decode(frames:)`` exactly what it receives.
///
/// | Frame | REQUEST (0x02) | HEARTBEAT (0x04) | DISCONNECT (0x05) |
/// |---|---|---|---|
/// | 0 | empty | empty | empty |
/// | 1 | `AISW01` | `AISW01` | `AISW01` |
/// | 2 | `0x02` | `0x04` | `0x05` |
/// | 3 | ticket | | reason (optional, UTF-8) |
/// | 4 | screening request JSON | | |
public enum BrokerToWorker: Hashable, Sendable {
    /// REQUEST (0x02): evaluate `body` (the client's screening request JSON) and answer under `ticket`.
    case request(ticket: TicketID, body: [UInt8])
    /// HEARTBEAT (0x04): the broker is alive.
    case heartbeat
    /// DISCONNECT (0x05): the broker dropped this worker; reconnect and send READY again.
    case disconnect(reason: String?)

    /// Decodes the frames a worker received.
    /// - Parameter frames: The frames, starting at the empty delimiter.
    /// - Returns: The message.
    /// - Throws: ``WireError``; the codec never throws anything else and never traps on input.
    public static func decode(frames: [[UInt8]]) throws(WireError) -> BrokerToWorker {
        let envelope = try Envelope(frames: frames, header: WireProtocol.workerHeader)
        switch envelope.command {
        case WorkerCommandByte.request:
            let fields = try envelope.fields(count: 2...2, command: "REQUEST")
            return .request(ticket: try field(3, "ticket", TicketID(bytes: fields[0])), body: fields[1])
        case WorkerCommandByte.heartbeat:
            _ = try envelope.fields(count: 0...0, command: "HEARTBEAT")
            return .heartbeat
        case WorkerCommandByte.disconnect:
            let fields = try envelope.fields(count: 0...1, command: "DISCONNECT")
            return .disconnect(reason: fields.isEmpty ? nil : try field(3, "reason", decodeText(fields[0])))
        default:
            throw WireError(
                code: .unknownCommand,
                message: "frame 2: 0x\(hex(envelope.command)) is not a broker-to-worker command"
            )
        }
    }

    /// Encodes the message as the frames after the ROUTER identity frame.
    /// - Returns: The frames, starting with the empty delimiter.
    public func encode() -> [[UInt8]] {
        switch self {
        case .request(let ticket, let body):
            encode(WorkerCommandByte.request, [ticket.bytes, body])
        case .heartbeat:
            encode(WorkerCommandByte.heartbeat, [])
        case .disconnect(let reason):
            encode(WorkerCommandByte.disconnect, reason.map { [Array($0.utf8)] } ?? [])
        }
    }

    private func encode(_ command: UInt8, _ fields: [[UInt8]]) -> [[UInt8]] {
        Envelope.encode(header: WireProtocol.workerHeader, command: command, fields: fields)
    }
}
