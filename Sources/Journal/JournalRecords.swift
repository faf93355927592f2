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
    ///   - outcome: what it decided, in brief.
    public init(id: String, version: String, digest: String, judgedBy: String? = nil, outcome: PackOutcome? = nil) {
        self.id = id
        self.version = version
        self.digest = digest
        self.judgedBy = judgedBy
        self.outcome = outcome
    }

    /// Who judged it: the authenticated worker's principal (`worker:gdpr:gdpr-1`); nil for an in-process or
    /// plaintext worker, a pack that failed, or an entry written before journal schema 2.
    public var judgedBy: String?

    /// What the pack decided, as the result's bytes say it; nil on an entry written before journal schema 7 (or by
    /// a writer that did not give it), where only the result's bytes tell.
    public var outcome: PackOutcome?
}

/// A pack's verdict in a combined result in brief (journal schema 7): its verdict, how many errors it reported
/// and the rule id of each finding, in finding order. Stored beside the pack row and inside the hash chain, so a
/// reader that needs no more (`aiscreen pack impact`) reads neither the result nor its JSON.
public struct PackOutcome: Hashable, Sendable {
    /// The pack verdict (`approved`, …, `rejected`), as in the result's `packs.<id>.verdict`.
    public let verdict: String
    /// The number of entries in the result's `packs.<id>.errors`.
    public let errors: Int
    /// `packs.<id>.findings[].rule`, in order.
    public let rules: [String]

    /// The stored form: the verdict, the error count and each rule id, separated by one space; a space, `%` or
    /// control character inside a rule id or the verdict is written `%XX`. Read back as it was stored, so the chain
    /// hashes the stored text itself.
    public let text: String

    public init(verdict: String, errors: Int, rules: [String]) {
        self.verdict = verdict
        self.errors = errors
        self.rules = rules
        var out = Self.escaped(verdict) + " " + String(errors)
        for rule in rules { out += " " + Self.escaped(rule) }
        text = out
    }

    /// Reads ``text``; nil when `text` is not that form.
    public init?(text: String) {
        var bytes = text
        guard let parsed = bytes.withUTF8({ Self.parse($0) }) else { return nil }
        verdict = parsed.verdict
        errors = parsed.errors
        rules = parsed.rules
        self.text = text
    }

    /// One pass over the bytes: read for every verdict of record `aiscreen pack impact` replays.
    private static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> (verdict: String, errors: Int, rules: [String])? {
        var parts: [String] = []
        var start = 0
        var errors = -1
        for i in 0...bytes.count where i == bytes.count || bytes[i] == 0x20 {
            let part = UnsafeBufferPointer(rebasing: bytes[start..<i])
            start = i + 1
            if parts.count == 1 && errors < 0 {
                guard !part.isEmpty, part.count <= 9, part.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
                errors = part.reduce(0) { $0 * 10 + Int($1 - 0x30) }
                continue
            }
            guard let text = unescaped(part) else { return nil }
            parts.append(text)
        }
        guard errors >= 0, let verdict = parts.first else { return nil }
        return (verdict, errors, Array(parts.dropFirst()))
    }

    private static func escaped(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 <= 0x20 || $0 == 0x25 || $0 == 0x7F }) else { return text }
        var out: [UInt8] = []
        let digits = Array("0123456789ABCDEF".utf8)
        for byte in text.utf8 {
            if byte <= 0x20 || byte == 0x25 || byte == 0x7F {
                out += [0x25, digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]]
            } else {
                out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func unescaped(_ part: UnsafeBufferPointer<UInt8>) -> String? {
        guard !part.isEmpty else { return nil }
        guard part.contains(0x25) else { return String(validating: part, as: UTF8.self) }
        var out: [UInt8] = []
        var bytes = part.makeIterator()
        while let byte = bytes.next() {
            guard byte == 0x25 else {
                out.append(byte)
                continue
            }
            guard let high = bytes.next().flatMap(Self.hexValue), let low = bytes.next().flatMap(Self.hexValue) else { return nil }
            out.append(high << 4 | low)
        }
        return String(validating: out, as: UTF8.self)
    }

    private static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case 48...57: c - 48
        case 65...70: c - 55
        default: nil
        }
    }
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
