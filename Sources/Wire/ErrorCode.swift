/// The code of an ERROR reply or a worker ERROR, such as `invalid-json`.
///
/// 1 to 64 bytes of lower-case ASCII letters, digits and `-`, starting with a letter. Open for growth: clients
/// must treat an unknown code like ``internalError``.
public struct ErrorCode: Hashable, Sendable, CustomStringConvertible {
    /// The longest code, in bytes.
    public static let maxLength = 64

    /// The code as text.
    public let rawValue: String

    /// Validates a code.
    /// - Parameter rawValue: The code text.
    /// - Throws: ``WireError`` with code ``WireError/Code/invalidErrorCode``.
    public init(_ rawValue: String) throws(WireError) {
        try self.init(bytes: Array(rawValue.utf8))
    }

    /// Validates a code frame.
    /// - Parameter bytes: The frame.
    /// - Throws: ``WireError`` with code ``WireError/Code/invalidErrorCode``.
    public init(bytes: [UInt8]) throws(WireError) {
        guard
            (1...Self.maxLength).contains(bytes.count),
            let first = bytes.first, first.isLowercaseASCIILetter,
            bytes.allSatisfy({ $0.isLowercaseASCIILetter || $0.isASCIIDigit || $0 == UInt8(ascii: "-") })
        else {
            throw WireError(
                code: .invalidErrorCode,
                message:
                    "an error code must be 1 to \(Self.maxLength) bytes of a-z, 0-9 and '-', starting with a letter"
            )
        }
        self.rawValue = String(decoding: bytes, as: UTF8.self)
    }

    private init(unchecked rawValue: String) {
        self.rawValue = rawValue
    }

    /// The code frame.
    public var bytes: [UInt8] { Array(rawValue.utf8) }

    /// The code text.
    public var description: String { rawValue }

    /// `malformed`: the REQUEST frames break the protocol (bad service, deadline, options, frame count).
    public static let malformed = ErrorCode(unchecked: "malformed")
    /// `invalid-json`: the body is not a JSON object.
    public static let invalidJSON = ErrorCode(unchecked: "invalid-json")
    /// `schema-violation`: the body is JSON but not a valid screening request.
    public static let schemaViolation = ErrorCode(unchecked: "schema-violation")
    /// `unknown-service`: the service is not offered by this broker.
    public static let unknownService = ErrorCode(unchecked: "unknown-service")
    /// `no-workers`: no worker is registered for a pack the request needs.
    public static let noWorkers = ErrorCode(unchecked: "no-workers")
    /// `too-large`: the message exceeds the broker's maximum message size.
    public static let tooLarge = ErrorCode(unchecked: "too-large")
    /// `deadline-exceeded`: no verdict before the request's deadline.
    public static let deadlineExceeded = ErrorCode(unchecked: "deadline-exceeded")
    /// `conflict`: the request id is in flight or cached with a different service or body.
    public static let conflict = ErrorCode(unchecked: "conflict")
    /// `overloaded`: the broker has too many requests in flight; retry later.
    public static let overloaded = ErrorCode(unchecked: "overloaded")
    /// `shutting-down`: the broker is stopping and takes no new requests.
    public static let shuttingDown = ErrorCode(unchecked: "shutting-down")
    /// `internal`: anything else; a bug or an unexpected failure.
    public static let internalError = ErrorCode(unchecked: "internal")
    /// `verdict.get`: the journal has no request with that id.
    public static let unknownRequest = ErrorCode(unchecked: "unknown-request")
    /// `verdict.get`: the request is known but has no verdict yet.
    public static let notFinished = ErrorCode(unchecked: "not-finished")
    /// The principal may not use the service: admin services need a key of role admin, or a loopback broker
    /// without keys (§10.7).
    public static let forbidden = ErrorCode(unchecked: "forbidden")
}
