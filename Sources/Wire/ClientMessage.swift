/// A message from a client to the broker's client endpoint.
///
/// Frames are counted without the ROUTER identity frame: a client's DEALER sends exactly ``encode()``, and the
/// broker's ROUTER hands ``decode(frames:)`` everything after the identity frame.
///
/// | Frame | REQUEST |
/// |---|---|
/// | 0 | empty delimiter |
/// | 1 | `AISC01` |
/// | 2 | `0x01` |
/// | 3 | ``ServiceName`` |
/// | 4 | ``RequestID`` |
/// | 5 | ``Deadline`` (ASCII decimal ms, `0` = broker default) |
/// | 6 | ``RequestOptions`` (comma-separated names, may be empty) |
/// | 7 | body: the screening request as JSON (not checked by the codec) |
public enum ClientMessage: Hashable, Sendable {
    /// REQUEST (0x01): evaluate `body` with a service and answer under `requestID`.
    case request(
        service: ServiceName,
        requestID: RequestID,
        deadline: Deadline = .brokerDefault,
        options: RequestOptions = [],
        body: [UInt8]
    )

    /// Decodes the frames a client sent (without the ROUTER identity frame).
    ///
    /// Frames are checked in order. A failing REQUEST still reports its ``WireError/requestID`` (and
    /// ``WireError/service``) when those frames are valid, so that the broker can answer it.
    /// - Parameter frames: The frames, starting at the empty delimiter.
    /// - Returns: The message.
    /// - Throws: ``WireError``; the codec never throws anything else and never traps on input.
    public static func decode(frames: [[UInt8]]) throws(WireError) -> ClientMessage {
        let envelope = try Envelope(frames: frames, header: WireProtocol.clientHeader)
        switch envelope.command {
        case ClientCommandByte.request:
            return try decodeRequest(envelope)
        default:
            throw WireError(
                code: .unknownCommand,
                message: "frame 2: 0x\(hex(envelope.command)) is not a client command"
            )
        }
    }

    private static func decodeRequest(_ envelope: Envelope) throws(WireError) -> ClientMessage {
        // Read the request id (then the service) first, even if the frame count is wrong, so that the broker can
        // still answer the request.
        let fields = Array(envelope.fields)
        let requestID: RequestID? = fields.count >= 2 ? try? RequestID(bytes: fields[1]) : nil
        let service: ServiceName? = requestID != nil ? try? ServiceName(bytes: fields[0]) : nil
        do throws(WireError) {
            _ = try envelope.fields(count: 5...5, command: "REQUEST")
            return .request(
                service: try field(3, "service", ServiceName(bytes: fields[0])),
                requestID: try field(4, "request id", RequestID(bytes: fields[1])),
                deadline: try field(5, "deadline", Deadline(bytes: fields[2])),
                options: try field(6, "options", RequestOptions(bytes: fields[3])),
                body: fields[4]
            )
        } catch {
            var annotated = error
            annotated.requestID = requestID
            annotated.service = service
            throw annotated
        }
    }

    /// Encodes the message as the frames a client's DEALER sends.
    /// - Returns: The frames, starting with the empty delimiter.
    public func encode() -> [[UInt8]] {
        switch self {
        case .request(let service, let requestID, let deadline, let options, let body):
            Envelope.encode(
                header: WireProtocol.clientHeader,
                command: ClientCommandByte.request,
                fields: [service.bytes, requestID.bytes, deadline.bytes, options.bytes, body]
            )
        }
    }

    /// The request id.
    public var requestID: RequestID {
        switch self {
        case .request(_, let requestID, _, _, _): requestID
        }
    }
}

/// Two lower-case hex digits.
func hex(_ byte: UInt8) -> String {
    let digits = String(byte, radix: 16)
    return digits.count == 1 ? "0" + digits : digits
}
