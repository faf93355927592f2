/// Where the broker records accepted requests and verdicts before it acknowledges or publishes them.
/// `aiscreen` plugs in the SQLite journal (`Journal`); the broker itself stays free of storage code.
public protocol BrokerJournal: Sendable {
    /// Writes every record in one transaction, or none (then throws).
    func commit(_ records: [BrokerStateMachine.Record]) throws
    /// What the journal holds for a request id.
    func lookup(_ requestID: String) throws -> JournaledRequest?
    /// Requests accepted before a crash that got no answer at all, oldest first.
    func unfinished() throws -> [JournaledRequest]
}

/// A journaled request, and its verdict when there is one.
public struct JournaledRequest: Sendable {
    public var requestID: String
    public var service: String
    public var body: [UInt8]
    /// Whether `body` is byte-identical to the body that was accepted (decided by the journal, e.g. by digest).
    public var matches: @Sendable ([UInt8]) -> Bool
    /// The verdict of record: the combined result JSON exactly as it was answered, if the request has one.
    public var result: [UInt8]?
    /// The latest provisional answer when there is no verdict of record: a fail-closed result with pack errors, or
    /// (`verdict` "error") the `{"code","message"}` of an ERROR. A retry evaluates the request again.
    public var provisional: (verdict: String, result: [UInt8])?
    /// Who submitted it (``BrokerStateMachine/anonymous`` without authentication).
    public var principal: String

    public init(requestID: String, service: String, body: [UInt8], matches: @escaping @Sendable ([UInt8]) -> Bool, result: [UInt8]?, principal: String = BrokerStateMachine.anonymous,
        provisional: (verdict: String, result: [UInt8])? = nil
    ) {
        self.principal = principal
        self.provisional = provisional
        self.requestID = requestID
        self.service = service
        self.body = body
        self.matches = matches
        self.result = result
    }
}
