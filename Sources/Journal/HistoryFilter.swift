/// Which requests ``Journal/history(_:)`` returns (and ``Journal/forEachVerdictOfRecord(_:_:)`` passes, without the
/// limit). Every set criterion must hold; unset ones match everything.
public struct HistoryFilter: Hashable, Sendable {
    /// Only requests with this verdict (which excludes unfinished ones).
    public var verdict: String?
    /// Only requests from this department (`requester.department`).
    public var department: String?
    /// Only requests received at or after this instant.
    public var receivedFrom: JournalTimestamp?
    /// Only requests received before this instant.
    public var receivedBefore: JournalTimestamp?
    /// Only requests judged by this pack (excludes unfinished ones).
    public var packID: String?
    /// With ``packID``: only requests judged by this version of it.
    public var packVersion: String?
    /// At most this many records, newest first. Default 100.
    public var limit: Int

    /// - Parameters:
    ///   - verdict: only this verdict.
    ///   - department: only this department.
    ///   - receivedFrom: received at or after.
    ///   - receivedBefore: received before.
    ///   - packID: judged by this pack.
    ///   - packVersion: judged by this version of ``packID``.
    ///   - limit: at most this many records.
    public init(
        verdict: String? = nil, department: String? = nil, receivedFrom: JournalTimestamp? = nil,
        receivedBefore: JournalTimestamp? = nil, packID: String? = nil, packVersion: String? = nil, limit: Int = 100
    ) {
        self.verdict = verdict
        self.department = department
        self.receivedFrom = receivedFrom
        self.receivedBefore = receivedBefore
        self.packID = packID
        self.packVersion = packVersion
        self.limit = limit
    }
}
