/// The `summary` detail level of a combined result (docs/PROTOCOL.md §7.5): what a peer needs to act on a
/// screening — the verdicts, pack versions and digests, outputs, the rules that fired, each condition's key, due
/// date and status, the next steps and the errors — without the texts that belong to the pack version (titles,
/// rationale, citations, condition and duty texts) or the evidence, which `detail=full`, `verdict.get` and the
/// journal keep.
///
/// Made from a live result (``init(_:)``) or read back from the full bytes of one (``init(json:)``: a journaled or
/// cached answer); ``bytes`` is the one writer for both, so a summary never depends on where it came from.
public struct ScreeningSummary: Sendable, Hashable {
    /// A pack's part.
    public struct Pack: Sendable, Hashable {
        public var id: String
        public var version: String
        public var digest: String
        public var verdict: Verdict
        /// The pack's `outputs` object.
        public var outputs: JSONValue
        /// The rule ids of its findings, in finding order.
        public var rules: [String]
        public var errors: [String]
    }

    /// A condition of the combined result.
    public struct Condition: Sendable, Hashable {
        public var packs: [String]
        public var key: String?
        /// The condition's text, kept only when it has no `key` (its text is then all that names it).
        public var text: Bilingual?
        public var appliesFrom: Day?
        /// `due` or `upcoming`, as of the screening date.
        public var status: String
    }

    public var requestID: String
    public var verdict: Verdict
    /// Sorted by pack id, as in the full result.
    public var packs: [Pack]
    public var conditions: [Condition]
    /// The combined next steps; duties are written by field only.
    public var nextSteps: NextSteps
    public var errors: [String]

    /// The summary of a combined result of pack verdicts received as bytes.
    public init(_ result: RenderedScreeningResult) {
        requestID = result.requestID
        verdict = result.verdict
        packs = result.packs.map(Pack.init)
        conditions = result.conditions.map {
            Condition(
                packs: $0.packs, key: $0.condition.key, text: $0.condition.key == nil ? $0.condition.text : nil,
                appliesFrom: $0.condition.appliesFrom, status: $0.condition.status(on: result.screeningDate))
        }
        nextSteps = result.nextSteps
        errors = result.errors
    }

    init(requestID: String, verdict: Verdict, packs: [Pack], conditions: [Condition], nextSteps: NextSteps, errors: [String]) {
        self.requestID = requestID
        self.verdict = verdict
        self.packs = packs
        self.conditions = conditions
        self.nextSteps = nextSteps
        self.errors = errors
    }

    /// `{"request_id","detail":"summary","verdict","packs":{id:{"version","digest","verdict","outputs","rules","errors"}},
    /// "conditions":[{"packs","key"|"da","en","applies_from","status"}],"next_steps":{"options","duties":[field],"blockers"},"errors"}`.
    public var bytes: [UInt8] {
        var writer = JSONWriter(capacity: 2 * 1024)
        writer.write(self)
        return writer.bytes
    }
}

extension ScreeningSummary.Pack {
    /// The summary of one pack's verdict received as bytes.
    public init(_ verdict: RenderedPackVerdict) {
        self.init(
            id: verdict.pack, version: verdict.version, digest: verdict.digest, verdict: verdict.verdict, outputs: verdict.outputs,
            rules: verdict.rules, errors: verdict.errors)
    }
}

extension JSONWriter {
    /// A pack's summary members after `{`: `"version","digest","verdict","outputs","rules","errors"`.
    mutating func writeMembers(of pack: ScreeningSummary.Pack) {
        key("version")
        writeString(pack.version)
        comma()
        key("digest")
        writeString(pack.digest)
        comma()
        key("verdict")
        writeString(pack.verdict.description)
        comma()
        key("outputs")
        write(pack.outputs)
        comma()
        key("rules")
        list(pack.rules) { $0.writeString($1) }
        comma()
        key("errors")
        list(pack.errors) { $0.writeString($1) }
    }

    /// One pack's summary on its own (a PARTIAL's `result` at `detail=summary`): `{"pack",…members}`.
    public mutating func write(_ pack: ScreeningSummary.Pack) {
        writeRaw(CollectionOfOne(UInt8(ascii: "{")))
        key("pack")
        writeString(pack.id)
        comma()
        writeMembers(of: pack)
        writeRaw(CollectionOfOne(UInt8(ascii: "}")))
    }

    /// ``ScreeningSummary/bytes``.
    public mutating func write(_ summary: ScreeningSummary) {
        writeRaw(CollectionOfOne(UInt8(ascii: "{")))
        key("request_id")
        writeString(summary.requestID)
        comma()
        key("detail")
        writeString("summary")
        comma()
        key("verdict")
        writeString(summary.verdict.description)
        comma()
        key("packs")
        writeRaw(CollectionOfOne(UInt8(ascii: "{")))
        for (index, pack) in summary.packs.enumerated() {
            if index > 0 { comma() }
            key(pack.id)
            writeRaw(CollectionOfOne(UInt8(ascii: "{")))
            writeMembers(of: pack)
            writeRaw(CollectionOfOne(UInt8(ascii: "}")))
        }
        writeRaw(CollectionOfOne(UInt8(ascii: "}")))
        comma()
        key("conditions")
        list(summary.conditions) { writer, condition in
            writer.writeRaw(CollectionOfOne(UInt8(ascii: "{")))
            writer.key("packs")
            writer.list(condition.packs) { $0.writeString($1) }
            writer.comma()
            if let conditionKey = condition.key {
                writer.key("key")
                writer.writeString(conditionKey)
                writer.comma()
            }
            if let text = condition.text {
                writer.key("da")
                writer.writeString(text.da)
                writer.comma()
                writer.key("en")
                writer.writeString(text.en)
                writer.comma()
            }
            writer.key("applies_from")
            if let day = condition.appliesFrom { writer.writeString(day.description) } else { writer.write(.null) }
            writer.comma()
            writer.key("status")
            writer.writeString(condition.status)
            writer.writeRaw(CollectionOfOne(UInt8(ascii: "}")))
        }
        comma()
        key("next_steps")
        writeRaw(CollectionOfOne(UInt8(ascii: "{")))
        key("options")
        list(summary.nextSteps.options) { $0.write($1) }
        comma()
        key("duties")
        list(summary.nextSteps.duties) { $0.writeString($1.field) }
        comma()
        key("blockers")
        writeBlockers(summary.nextSteps.blockers)
        writeRaw(CollectionOfOne(UInt8(ascii: "}")))
        comma()
        key("errors")
        list(summary.errors) { $0.writeString($1) }
        writeRaw(CollectionOfOne(UInt8(ascii: "}")))
    }
}
