public import Broker
public import Journal
import RulesEngine

/// One message of the broker's verdict feed (docs/PROTOCOL.md §6), reduced to what the dashboard shows and counts:
/// no findings, no evidence.
public struct FeedMessage: Hashable, Sendable {
    /// `seq`: 1 for the first message of a broker run, +1 for each one after.
    public var seq: UInt64
    /// `run_id`: the broker run.
    public var runID: String
    /// `published_at`.
    public var publishedAt: JournalTimestamp
    /// The combined result's `request_id`.
    public var requestID: String
    /// The combined verdict.
    public var verdict: String
    /// The department as the topic carries it (normalised: lower case, `-` for spaces and dots).
    public var topicDepartment: String
    /// Each pack's verdict, in the body's order.
    public var packs: [PackOutcome]
    /// The AI Act tier (`outputs.tier` of pack `ai-act`), when the body has one.
    public var tier: String?
    /// Whether a pack failed (`errors` not empty): the answer failed closed and is provisional.
    public var failedClosed: Bool

    /// A pack's part in a verdict.
    public struct PackOutcome: Hashable, Sendable {
        /// The pack id.
        public var id: String
        /// The pack version that judged it.
        public var version: String
        /// The pack's verdict.
        public var verdict: String
    }

    /// Decodes a published message.
    /// - Parameters:
    ///   - topic: frame 0, `verdict.<verdict>.<department>`.
    ///   - body: frame 1, the combined result with `seq`, `published_at` and `run_id`.
    /// - Throws: ``FeedMessageError`` naming the member that is missing or wrong.
    public init(topic: [UInt8], body: [UInt8]) throws(FeedMessageError) {
        let parts = String(decoding: topic, as: UTF8.self).split(separator: ".", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "verdict" else { throw FeedMessageError("the topic is not verdict.<verdict>.<department>") }
        let json: JSONValue
        do {
            json = try ScreeningJSON.parser.select(Self.selection, in: body)
        } catch {
            throw FeedMessageError("the body is not JSON: \(error)")
        }
        guard case .int(let seq)? = json["seq"], seq >= 1 else { throw FeedMessageError("the body has no seq ≥ 1") }
        guard case .string(let runID)? = json["run_id"], !runID.isEmpty else { throw FeedMessageError("the body has no run_id") }
        guard case .string(let at)? = json["published_at"], let publishedAt = JournalTimestamp(rfc3339: at) else {
            throw FeedMessageError("the body has no published_at in RFC 3339 UTC with milliseconds")
        }
        guard case .string(let requestID)? = json["request_id"] else { throw FeedMessageError("the body has no request_id") }
        guard case .string(let verdict)? = json["verdict"] else { throw FeedMessageError("the body has no verdict") }
        self.seq = UInt64(seq)
        self.runID = runID
        self.publishedAt = publishedAt
        self.requestID = requestID
        self.verdict = verdict
        self.topicDepartment = String(parts[2])
        (packs, tier) = Self.packs(json["packs"])
        if case .array(let errors)? = json["errors"] { failedClosed = !errors.isEmpty } else { failedClosed = false }
    }

    /// A message as the broker's feed tap hands it over: the same facts, without parsing the body.
    /// - Throws: ``FeedMessageError`` for a topic that is not `verdict.<verdict>.<department>` or a stamp that is not
    ///   RFC 3339.
    public init(_ message: FeedTap.Message) throws(FeedMessageError) {
        let parts = String(decoding: message.topic, as: UTF8.self).split(separator: ".", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "verdict" else { throw FeedMessageError("the topic is not verdict.<verdict>.<department>") }
        guard let publishedAt = JournalTimestamp(rfc3339: message.stamp.publishedAt) else {
            throw FeedMessageError("the stamp has no published_at in RFC 3339 UTC with milliseconds")
        }
        seq = message.stamp.seq
        runID = message.stamp.runID
        self.publishedAt = publishedAt
        requestID = message.summary.requestID
        verdict = message.summary.verdict
        topicDepartment = String(parts[2])
        packs = message.summary.packs.map { PackOutcome(id: $0.id, version: $0.version, verdict: $0.verdict) }
        tier = message.summary.packs.first { $0.id == "ai-act" }?.outputs?["tier"].flatMap { if case .string(let t) = $0 { t } else { nil } }
        failedClosed = message.summary.failedClosed
    }

    /// The members read; the findings, evidence and texts that make up most of a 40 KB body are only scanned.
    static let selection = JSONSelection.members([
        "seq": .whole, "run_id": .whole, "published_at": .whole, "request_id": .whole, "verdict": .whole, "errors": .whole,
        "packs": .everyMember(.members(["verdict": .whole, "version": .whole, "outputs": .members(["tier": .whole])])),
    ])

    /// The pack outcomes and the AI Act tier of a combined result's `packs` member.
    static func packs(_ value: JSONValue?) -> ([PackOutcome], String?) {
        guard case .object(let members)? = value else { return ([], nil) }
        var tier: String?
        let packs = members.compactMap { id, pack -> PackOutcome? in
            guard case .string(let verdict)? = pack["verdict"] else { return nil }
            if id == "ai-act", case .string(let t)? = pack["outputs"]?["tier"] { tier = t }
            if case .string(let version)? = pack["version"] { return PackOutcome(id: id, version: version, verdict: verdict) }
            return PackOutcome(id: id, version: "", verdict: verdict)
        }
        return (packs, tier)
    }
}

/// A published message the dashboard cannot read.
public struct FeedMessageError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What is wrong.
    public var reason: String

    init(_ reason: String) { self.reason = reason }

    public var description: String { "unreadable feed message: \(reason)" }
}
