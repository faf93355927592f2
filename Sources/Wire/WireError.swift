/// Why a list of frames is not a valid message of the aiscreen wire protocol (docs/PROTOCOL.md).
///
/// Match on ``code``, never on ``message``. When a client REQUEST was valid far enough to name its request id
/// (and perhaps its service), ``requestID`` and ``service`` carry them, so the broker can still answer that
/// request with an ERROR `malformed` instead of dropping it.
public struct WireError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A stable, machine-readable reason. Open for growth: switch with a `default`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case missingDelimiter = "missing-delimiter"
            case unknownProtocol = "unknown-protocol"
            case malformedFrames = "malformed-frames"
            case unknownCommand = "unknown-command"
            case missingFrames = "missing-frames"
            case extraFrames = "extra-frames"
            case invalidRequestID = "invalid-request-id"
            case invalidService = "invalid-service"
            case invalidTicket = "invalid-ticket"
            case invalidDeadline = "invalid-deadline"
            case invalidOptions = "invalid-options"
            case invalidErrorCode = "invalid-error-code"
            case invalidText = "invalid-text"
            case invalidTopic = "invalid-topic"
        }

        private let base: Base

        private init(_ base: Base) {
            self.base = base
        }

        /// The code in kebab case, such as `invalid-request-id`.
        public var description: String { base.rawValue }

        /// The first frame is missing or not empty (it must be the empty delimiter frame).
        public static let missingDelimiter = Code(.missingDelimiter)
        /// The second frame is not the expected protocol header (`AISC01` or `AISW01`).
        public static let unknownProtocol = Code(.unknownProtocol)
        /// The command frame is not exactly one byte.
        public static let malformedFrames = Code(.malformedFrames)
        /// The command byte is not defined for this direction.
        public static let unknownCommand = Code(.unknownCommand)
        /// The message has fewer frames than its command needs.
        public static let missingFrames = Code(.missingFrames)
        /// The message has more frames than its command allows.
        public static let extraFrames = Code(.extraFrames)
        /// A request id is empty, longer than 128 bytes, or not printable ASCII.
        public static let invalidRequestID = Code(.invalidRequestID)
        /// A service name breaks the service-name rules.
        public static let invalidService = Code(.invalidService)
        /// A ticket id is empty, longer than 64 bytes, or not printable ASCII.
        public static let invalidTicket = Code(.invalidTicket)
        /// A deadline is not a canonical ASCII decimal fitting in 32 bits.
        public static let invalidDeadline = Code(.invalidDeadline)
        /// An options frame has an unknown, repeated or misordered option.
        public static let invalidOptions = Code(.invalidOptions)
        /// An error code breaks the error-code rules.
        // swift-format-ignore: DontRepeatTypeInStaticProperties
        public static let invalidErrorCode = Code(.invalidErrorCode)
        /// A text frame (an error message or disconnect reason) is not valid UTF-8.
        public static let invalidText = Code(.invalidText)
        /// A published topic is not `verdict.<verdict>.<department>` in canonical form.
        public static let invalidTopic = Code(.invalidTopic)
    }

    /// The machine-readable reason.
    public var code: Code
    /// A human-readable explanation, naming the frame at fault.
    public var message: String
    /// The request id of a client REQUEST that failed after its request id frame was read.
    public var requestID: RequestID?
    /// The service of a client REQUEST that failed after its service frame was read.
    public var service: ServiceName?

    /// Creates an error.
    /// - Parameters:
    ///   - code: The machine-readable reason.
    ///   - message: A human-readable explanation.
    ///   - requestID: The request id of the failed client REQUEST, if known.
    ///   - service: The service of the failed client REQUEST, if known.
    public init(code: Code, message: String, requestID: RequestID? = nil, service: ServiceName? = nil) {
        self.code = code
        self.message = message
        self.requestID = requestID
        self.service = service
    }

    /// A description such as `[invalid-deadline] frame 5: …`.
    public var description: String { "[\(code)] \(message)" }
}
