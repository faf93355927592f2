internal import Crypto

/// A screening request as the broker received it, recorded before it is dispatched.
///
/// Personal data: request bodies describe AI tools and may name systems, suppliers and contact staff and give staff
/// counts (personal data about employees of the municipality or supplier), but they should not contain personal data
/// about citizens. The journal keeps them for the retention period (``JournalOptions/retentionDays``) and then
/// ``Journal/prune(olderThan:now:)`` deletes them.
public struct AcceptedRequest: Hashable, Sendable {
    /// The client's request id (unique in the journal).
    public var requestID: String
    /// The service asked for (`screen` or `pack.<id>`).
    public var service: String
    /// The request body exactly as received.
    public let body: [UInt8]
    /// Lower-case hex SHA-256 of ``body``: the idempotency check compares it with a retried request's.
    public let bodyDigest: String
    /// When the broker received the request.
    public var receivedAt: JournalTimestamp
    /// Who sent it: the principal of the client's CURVE key (`client:NAME`), or `anonymous` without CURVE.
    public var principal: String
    /// `requester.department` of the request, when it has one.
    public var department: String?

    /// Computes ``bodyDigest`` from `body`.
    /// - Parameters:
    ///   - requestID: the client's request id.
    ///   - service: `screen` or `pack.<id>`.
    ///   - body: the body exactly as received.
    ///   - receivedAt: when it was received.
    ///   - principal: who sent it.
    ///   - department: `requester.department`, if present.
    public init(
        requestID: String, service: String, body: [UInt8], receivedAt: JournalTimestamp, principal: String,
        department: String? = nil
    ) {
        self.requestID = requestID
        self.service = service
        self.body = body
        self.bodyDigest = Self.digest(of: body)
        self.receivedAt = receivedAt
        self.principal = principal
        self.department = department
    }

    /// A request read back from the journal, with the digest stored next to it.
    init(
        requestID: String, service: String, body: [UInt8], bodyDigest: String, receivedAt: JournalTimestamp,
        principal: String, department: String?
    ) {
        self.requestID = requestID
        self.service = service
        self.body = body
        self.bodyDigest = bodyDigest
        self.receivedAt = receivedAt
        self.principal = principal
        self.department = department
    }

    /// Lower-case hex SHA-256 of `body`, as ``bodyDigest`` holds it.
    public static func digest(of body: [UInt8]) -> String {
        hex(SHA256.hash(data: body))
    }
}

/// One rule pack's part in a verdict: which revision of the pack judged the request.
public struct PackRevision: Hashable, Sendable {
    /// The pack id, e.g. `gdpr`.
    public var id: String
    /// The pack's version (its manifest revision).
    public var version: String
    /// The digest of the pack's source, as the worker registered it.
    public var digest: String

    /// - Parameters:
    ///   - id: the pack id.
    ///   - version: the pack version.
    ///   - digest: the pack digest.
    ///   - judgedBy: the principal of the worker that judged it (its CURVE key's name), if known.
    public init(id: String, version: String, digest: String, judgedBy: String? = nil) {
        self.id = id
        self.version = version
        self.digest = digest
        self.judgedBy = judgedBy
    }

    /// Who judged it: the authenticated worker's principal (`worker:gdpr:gdpr-1`); nil for an in-process or
    /// plaintext worker, a pack that failed, or an entry written before journal schema 2.
    public var judgedBy: String?
}

/// The combined verdict for an accepted request.
public struct CompletedScreening: Hashable, Sendable {
    /// The request id this completes (accepted earlier, or earlier in the same batch).
    public var requestID: String
    /// The combined verdict (`approved`, `approved-with-conditions`, `needs-review`, `rejected`), or `error` when a
    /// `pack.<id>` request ended in an ERROR reply.
    public var verdict: String
    /// The combined result JSON exactly as sent to the client.
    public var result: [UInt8]
    /// Every pack that gave a verdict, with its version and digest. Stored sorted by pack id.
    public var packs: [PackRevision]
    /// When the verdict was combined.
    public var completedAt: JournalTimestamp
    /// Not the verdict of record: an answer the client got while a pack had failed (no worker, deadline, worker
    /// error), or an ERROR. A request has at most one verdict of record and any number of provisional answers.
    public var provisional: Bool

    /// - Parameters:
    ///   - requestID: the request this completes.
    ///   - verdict: the combined verdict.
    ///   - result: the combined result JSON, exact bytes.
    ///   - packs: the packs that judged it.
    ///   - completedAt: when.
    ///   - provisional: whether this is a provisional answer rather than the verdict of record.
    public init(
        requestID: String, verdict: String, result: [UInt8], packs: [PackRevision], completedAt: JournalTimestamp,
        provisional: Bool = false
    ) {
        self.provisional = provisional
        self.requestID = requestID
        self.verdict = verdict
        self.result = result
        self.packs = packs.sorted { $0.id < $1.id }
        self.completedAt = completedAt
    }
}

/// One write in a ``Journal/commit(_:)`` batch.
public enum JournalWrite: Hashable, Sendable {
    /// A request was accepted (before dispatch).
    case accepted(AcceptedRequest)
    /// A request was answered (before the reply and the publication): its verdict of record, or a provisional answer.
    case completed(CompletedScreening)
}

/// A request in the journal with its verdict, if it has one.
public struct JournalRecord: Hashable, Sendable {
    /// The chain sequence number of the request's `accepted` entry.
    public var sequence: Int64
    /// The request as received.
    public var request: AcceptedRequest
    /// The verdict of record; nil while the request has none.
    public var completion: CompletedScreening?
    /// The latest provisional answer (``CompletedScreening/provisional``), when there is no verdict of record.
    public var provisional: CompletedScreening?

    /// What people are shown: the verdict of record, else the latest provisional answer.
    public var shown: CompletedScreening? { completion ?? provisional }

    /// - Parameters:
    ///   - sequence: the sequence number of the `accepted` entry.
    ///   - request: the request.
    ///   - completion: its verdict, if any.
    public init(sequence: Int64, request: AcceptedRequest, completion: CompletedScreening?, provisional: CompletedScreening? = nil) {
        self.provisional = provisional
        self.sequence = sequence
        self.request = request
        self.completion = completion
    }
}

/// A request as accepted and when it was last answered (``Journal/acceptance(requestID:)``).
public struct JournalAcceptance: Hashable, Sendable {
    /// The chain sequence number of the `accepted` entry.
    public var sequence: Int64
    /// The request as received.
    public var request: AcceptedRequest
    /// When its latest answer (verdict of record or provisional) was journaled; nil while it has none.
    public var answeredAt: JournalTimestamp?

    public init(sequence: Int64, request: AcceptedRequest, answeredAt: JournalTimestamp?) {
        self.sequence = sequence
        self.request = request
        self.answeredAt = answeredAt
    }
}

func hex<D: Sequence>(_ bytes: D) -> String where D.Element == UInt8 {
    let digits = Array("0123456789abcdef".utf8)
    var out: [UInt8] = []
    out.reserveCapacity(64)
    for byte in bytes {
        out.append(digits[Int(byte >> 4)])
        out.append(digits[Int(byte & 0x0f)])
    }
    return String(decoding: out, as: UTF8.self)
}
