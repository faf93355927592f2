/// A message from the broker to a client, answering a REQUEST.
///
/// Frames are counted without the ROUTER identity frame: the broker's ROUTER sends `[identity] + encode()`, and
/// the client's DEALER hands ``decode(frames:)`` exactly what it receives.
///
/// | Frame | PARTIAL (0x02) | FINAL (0x03) | ERROR (0x04) |
/// |---|---|---|---|
/// | 0 | empty | empty | empty |
/// | 1 | `AISC01` | `AISC01` | `AISC01` |
/// | 2 | `0x02` | `0x03` | `0x04` |
/// | 3 | service | service | service, or empty if the REQUEST's was invalid |
/// | 4 | request id | request id | request id |
/// | 5 | one pack's result JSON | combined result JSON | ``ErrorCode`` |
/// | 6 | | | message (UTF-8) |
public enum BrokerReply: Hashable, Sendable {
    /// PARTIAL (0x02): one pack's verdict, sent before the FINAL when the REQUEST asked for
    /// ``RequestOptions/partials``.
    case partial(service: ServiceName, requestID: RequestID, body: [UInt8])
    /// FINAL (0x03): the answer; the last message for this request id.
    case final(service: ServiceName, requestID: RequestID, body: [UInt8])
    /// ERROR (0x04): the request failed; the last message for this request id. `service` is `nil` when the
    /// REQUEST's service frame was itself invalid.
    case error(service: ServiceName?, requestID: RequestID, code: ErrorCode, message: String)

    /// Decodes the frames a client received.
    /// - Parameter frames: The frames, starting at the empty delimiter.
    /// - Returns: The message.
    /// - Throws: ``WireError``; the codec never throws anything else and never traps on input.
    public static func decode(frames: [[UInt8]]) throws(WireError) -> BrokerReply {
        let envelope = try Envelope(frames: frames, header: WireProtocol.clientHeader)
        switch envelope.command {
        case ClientCommandByte.partial:
            let fields = try envelope.fields(count: 3...3, command: "PARTIAL")
            return .partial(
                service: try field(3, "service", ServiceName(bytes: fields[0])),
                requestID: try field(4, "request id", RequestID(bytes: fields[1])),
                body: fields[2]
            )
        case ClientCommandByte.final:
            let fields = try envelope.fields(count: 3...3, command: "FINAL")
            return .final(
                service: try field(3, "service", ServiceName(bytes: fields[0])),
                requestID: try field(4, "request id", RequestID(bytes: fields[1])),
                body: fields[2]
            )
        case ClientCommandByte.error:
            let fields = try envelope.fields(count: 4...4, command: "ERROR")
            return .error(
                service: fields[0].isEmpty ? nil : try field(3, "service", ServiceName(bytes: fields[0])),
                requestID: try field(4, "request id", RequestID(bytes: fields[1])),
                code: try field(5, "code", ErrorCode(bytes: fields[2])),
                message: try field(6, "message", decodeText(fields[3]))
            )
        default:
            throw WireError(
                code: .unknownCommand,
                message: "frame 2: 0x\(hex(envelope.command)) is not a broker-to-client command"
            )
        }
    }

    /// Encodes the message as the frames after the ROUTER identity frame.
    /// - Returns: The frames, starting with the empty delimiter.
    public func encode() -> [[UInt8]] {
        switch self {
        case .partial(let service, let requestID, let body):
            encode(ClientCommandByte.partial, [service.bytes, requestID.bytes, body])
        case .final(let service, let requestID, let body):
            encode(ClientCommandByte.final, [service.bytes, requestID.bytes, body])
        case .error(let service, let requestID, let code, let message):
            encode(ClientCommandByte.error, [service?.bytes ?? [], requestID.bytes, code.bytes, Array(message.utf8)])
        }
    }

    private func encode(_ command: UInt8, _ fields: [[UInt8]]) -> [[UInt8]] {
        Envelope.encode(header: WireProtocol.clientHeader, command: command, fields: fields)
    }

    /// The request id the reply answers.
    public var requestID: RequestID {
        switch self {
        case .partial(_, let requestID, _), .final(_, let requestID, _), .error(_, let requestID, _, _):
            requestID
        }
    }

    /// Whether this is the last reply for its request id (FINAL or ERROR).
    public var isTerminal: Bool {
        switch self {
        case .partial: false
        case .final, .error: true
        }
    }
}
