/// A message from a worker to the broker's worker endpoint.
///
/// Frames are counted without the ROUTER identity frame: a worker's DEALER sends exactly ``encode()``, and the
/// broker's ROUTER hands ``decode(frames:)`` everything after the identity frame.
///
/// | Frame | READY (0x01) | FINAL (0x03) | HEARTBEAT (0x04) | DISCONNECT (0x05) | ERROR (0x06) |
/// |---|---|---|---|---|---|
/// | 0 | empty | empty | empty | empty | empty |
/// | 1 | `AISW01` | `AISW01` | `AISW01` | `AISW01` | `AISW01` |
/// | 2 | `0x01` | `0x03` | `0x04` | `0x05` | `0x06` |
/// | 3 | service (`pack.<id>`) | ticket | | reason (optional, UTF-8) | ticket |
/// | 4 | pack metadata JSON | pack result JSON | | | ``ErrorCode`` |
/// | 5 | | | | | message (UTF-8) |
public enum WorkerMessage: Hashable, Sendable {
    /// READY (0x01): the worker serves `service`; `metadata` is JSON `{"id","version","digest"}` (not checked by
    /// the codec). The first message on every worker connection.
    case ready(service: ServiceName, metadata: [UInt8])
    /// FINAL (0x03): the pack result JSON for a ticket (not checked by the codec).
    case final(ticket: TicketID, body: [UInt8])
    /// ERROR (0x06): the worker could not evaluate the ticket.
    case error(ticket: TicketID, code: ErrorCode, message: String)
    /// HEARTBEAT (0x04): the worker is alive.
    case heartbeat
    /// DISCONNECT (0x05): the worker is leaving; `reason` is `nil` when the frame is absent.
    case disconnect(reason: String?)

    /// Decodes the frames a worker sent (without the ROUTER identity frame).
    /// - Parameter frames: The frames, starting at the empty delimiter.
    /// - Returns: The message.
    /// - Throws: ``WireError``; the codec never throws anything else and never traps on input.
    public static func decode(frames: [[UInt8]]) throws(WireError) -> WorkerMessage {
        let envelope = try Envelope(frames: frames, header: WireProtocol.workerHeader)
        switch envelope.command {
        case WorkerCommandByte.ready:
            let fields = try envelope.fields(count: 2...2, command: "READY")
            return .ready(service: try field(3, "service", ServiceName(bytes: fields[0])), metadata: fields[1])
        case WorkerCommandByte.final:
            let fields = try envelope.fields(count: 2...2, command: "FINAL")
            return .final(ticket: try field(3, "ticket", TicketID(bytes: fields[0])), body: fields[1])
        case WorkerCommandByte.error:
            let fields = try envelope.fields(count: 3...3, command: "ERROR")
            return .error(
                ticket: try field(3, "ticket", TicketID(bytes: fields[0])),
                code: try field(4, "code", ErrorCode(bytes: fields[1])),
                message: try field(5, "message", decodeText(fields[2]))
            )
        case WorkerCommandByte.heartbeat:
            _ = try envelope.fields(count: 0...0, command: "HEARTBEAT")
            return .heartbeat
        case WorkerCommandByte.disconnect:
            let fields = try envelope.fields(count: 0...1, command: "DISCONNECT")
            return .disconnect(reason: fields.isEmpty ? nil : try field(3, "reason", decodeText(fields[0])))
        default:
            throw WireError(
                code: .unknownCommand,
                message: "frame 2: 0x\(hex(envelope.command)) is not a worker-to-broker command"
            )
        }
    }

    /// Encodes the message as the frames a worker's DEALER sends.
    /// - Returns: The frames, starting with the empty delimiter.
    public func encode() -> [[UInt8]] {
        switch self {
        case .ready(let service, let metadata):
            encode(WorkerCommandByte.ready, [service.bytes, metadata])
        case .final(let ticket, let body):
            encode(WorkerCommandByte.final, [ticket.bytes, body])
        case .error(let ticket, let code, let message):
            encode(WorkerCommandByte.error, [ticket.bytes, code.bytes, Array(message.utf8)])
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
