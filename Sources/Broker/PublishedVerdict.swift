public import RulesEngine

/// What a published `screen` verdict says in brief, made by the state machine from the combined result it
/// rendered: for a reader in the broker's process (``FeedTap``) that would otherwise parse the whole published body.
public struct PublishedVerdict: Sendable, Hashable {
    /// A pack's part in the verdict.
    public struct Pack: Sendable, Hashable {
        public var id: String
        public var version: String
        public var verdict: String
        /// The pack's `outputs` (small), or nil for a pack that failed.
        public var outputs: JSONValue?
    }

    public var requestID: String
    /// The combined verdict.
    public var verdict: String
    /// Each pack's verdict, in the published body's order.
    public var packs: [Pack]
    /// Whether a pack failed (`errors` not empty): the answer failed closed and is provisional.
    public var failedClosed: Bool

    init(_ result: RenderedScreeningResult) {
        requestID = result.requestID
        verdict = result.verdict.description
        packs = result.packs.map { Pack(id: $0.pack, version: $0.version, verdict: $0.verdict.description, outputs: $0.outputs) }
        failedClosed = !result.errors.isEmpty
    }
}
