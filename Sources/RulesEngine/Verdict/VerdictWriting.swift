/// Renders verdicts straight into a ``JSONWriter``: the same bytes as `JSONWriter.bytes(x.json)`, without first
/// building the value tree. A combined screening result runs to ≈ 45 KB and the broker renders one per request,
/// so this is on its hot path.
extension JSONWriter {
    mutating func key(_ name: String) {
        writeString(name)
        writeRaw(CollectionOfOne(UInt8(ascii: ":")))
    }

    mutating func comma() { writeRaw(CollectionOfOne(UInt8(ascii: ","))) }

    mutating func list<Element>(_ elements: [Element], _ body: (inout JSONWriter, Element) -> Void) {
        writeRaw(CollectionOfOne(UInt8(ascii: "[")))
        for (index, element) in elements.enumerated() {
            if index > 0 { comma() }
            body(&self, element)
        }
        writeRaw(CollectionOfOne(UInt8(ascii: "]")))
    }

    mutating func write(_ texts: Bilingual) {
        writeRaw(CollectionOfOne(UInt8(ascii: "{")))
        key("da")
        writeString(texts.da)
        comma()
        key("en")
        writeString(texts.en)
        writeRaw(CollectionOfOne(UInt8(ascii: "}")))
    }

    mutating func write(_ condition: Condition, on date: Day?, packs: [String]? = nil) {
        writeRaw(CollectionOfOne(UInt8(ascii: "{")))
        if let packs {
            key("packs")
            list(packs) { $0.writeString($1) }
            comma()
        }
        if let conditionKey = condition.key {
            key("key")
            writeString(conditionKey)
            comma()
        }
        key("da")
        writeString(condition.text.da)
        comma()
        key("en")
        writeString(condition.text.en)
        comma()
        key("applies_from")
        if let day = condition.appliesFrom { writeString(day.description) } else { write(.null) }
        comma()
        key("status")
        writeString(condition.status(on: date))
        writeRaw(CollectionOfOne(UInt8(ascii: "}")))
    }

    /// ``Duty/json``, rendered directly.
    mutating func write(_ duty: Duty) {
        writeRaw(CollectionOfOne(UInt8(ascii: "{")))
        key("field")
        writeString(duty.field)
        comma()
        key("da")
        writeString(duty.text.da)
        comma()
        key("en")
        writeString(duty.text.en)
        comma()
        key("citations")
        list(duty.citations) { $0.writeString($1) }
        writeRaw(CollectionOfOne(UInt8(ascii: "}")))
    }

    /// ``PackNextSteps/Option/json``, rendered directly.
    mutating func write(_ option: PackNextSteps.Option) {
        writeRaw(CollectionOfOne(UInt8(ascii: "{")))
        key("meet")
        list(option.meet) { $0.writeString($1) }
        comma()
        key("verdict")
        writeString(option.verdict.description)
        writeRaw(CollectionOfOne(UInt8(ascii: "}")))
    }

    /// ``PackNextSteps/json``, rendered directly.
    mutating func write(_ steps: PackNextSteps) {
        writeRaw(CollectionOfOne(UInt8(ascii: "{")))
        key("open")
        list(steps.open) { $0.write($1) }
        comma()
        key("if_met")
        list(steps.ifMet) { $0.write($1) }
        comma()
        key("blockers")
        list(steps.blockers) { $0.writeString($1) }
        writeRaw(CollectionOfOne(UInt8(ascii: "}")))
    }

    /// ``NextSteps/json``, rendered directly.
    mutating func write(_ steps: NextSteps) {
        writeRaw(CollectionOfOne(UInt8(ascii: "{")))
        key("options")
        list(steps.options) { $0.write($1) }
        comma()
        key("duties")
        list(steps.duties) { $0.write($1) }
        comma()
        key("blockers")
        writeBlockers(steps.blockers)
        writeRaw(CollectionOfOne(UInt8(ascii: "}")))
    }

    /// A combined result's blockers: `[{"pack","rule"}]`.
    mutating func writeBlockers(_ blockers: [(pack: String, rule: String)]) {
        list(blockers) { writer, blocker in
            writer.writeRaw(CollectionOfOne(UInt8(ascii: "{")))
            writer.key("pack")
            writer.writeString(blocker.pack)
            writer.comma()
            writer.key("rule")
            writer.writeString(blocker.rule)
            writer.writeRaw(CollectionOfOne(UInt8(ascii: "}")))
        }
    }

    /// A finding's members from `rule` to `rationale`, and the comma after them.
    mutating func writeHead(rule: String, title: Bilingual, verdict: Verdict, citations: [String], rationale: Bilingual) {
        key("rule")
        writeString(rule)
        comma()
        key("title")
        write(title)
        comma()
        key("verdict")
        writeString(verdict.description)
        comma()
        key("citations")
        list(citations) { $0.writeString($1) }
        comma()
        key("rationale")
        write(rationale)
        comma()
    }

    mutating func write(_ finding: Finding, on date: Day?) {
        writeRaw(CollectionOfOne(UInt8(ascii: "{")))
        if let head = finding.head {
            writeRaw(head.bytes)
        } else {
            writeHead(rule: finding.rule, title: finding.title, verdict: finding.verdict, citations: finding.citations, rationale: finding.rationale)
        }
        key("conditions")
        list(finding.conditions) { $0.write($1, on: date) }
        comma()
        key("evidence")
        write(.object(finding.evidence))
        writeRaw(CollectionOfOne(UInt8(ascii: "}")))
    }

    /// A pack verdict's members after `{`, from `version` on (`pack` is written by the caller when wanted).
    mutating func writeMembers(of verdict: PackVerdict) {
        key("version")
        writeString(verdict.version)
        comma()
        key("digest")
        writeString(verdict.digest)
        comma()
        key("verdict")
        writeString(verdict.verdict.description)
        comma()
        key("outputs")
        write(.object(verdict.outputs))
        comma()
        key("findings")
        list(verdict.findings) { $0.write($1, on: verdict.screeningDate) }
        comma()
        key("errors")
        list(verdict.errors) { $0.writeString($1) }
        if let steps = verdict.nextSteps {
            comma()
            key("next_steps")
            write(steps)
        }
    }

    /// `PackVerdict.json`, rendered directly.
    public mutating func write(_ verdict: PackVerdict) {
        writeRaw(CollectionOfOne(UInt8(ascii: "{")))
        key("pack")
        writeString(verdict.pack)
        comma()
        writeMembers(of: verdict)
        writeRaw(CollectionOfOne(UInt8(ascii: "}")))
    }

    /// `ScreeningResult.json`, rendered directly.
    public mutating func write(_ result: ScreeningResult) {
        writeScreening(
            requestID: result.requestID, verdict: result.verdict, packs: result.packs.map(\.pack), conditions: result.conditions,
            nextSteps: result.nextSteps, errors: result.errors, screeningDate: result.screeningDate
        ) { writer, index in writer.writeMembers(of: result.packs[index]) }
    }

    /// The same object from pack verdicts received as bytes: their members are copied as they are.
    public mutating func write(_ result: RenderedScreeningResult) {
        writeScreening(
            requestID: result.requestID, verdict: result.verdict, packs: result.packs.map(\.pack), conditions: result.conditions,
            nextSteps: result.nextSteps, errors: result.errors, screeningDate: result.screeningDate
        ) { writer, index in writer.writeRaw(result.packs[index].members) }
    }

    /// A pack verdict received as bytes, as ``write(_:)-PackVerdict`` writes it: `{"pack":…,…}`.
    public mutating func write(_ verdict: RenderedPackVerdict) {
        writeRaw(CollectionOfOne(UInt8(ascii: "{")))
        key("pack")
        writeString(verdict.pack)
        comma()
        writeRaw(verdict.members)
        writeRaw(CollectionOfOne(UInt8(ascii: "}")))
    }

    /// `{"request_id","verdict","packs":{…},"conditions":[…],"next_steps":{…},"errors":[…]}`; `members(&writer, i)` writes the
    /// members of `packs[i]`'s entry.
    private mutating func writeScreening(
        requestID: String, verdict: Verdict, packs: [String], conditions: [(packs: [String], condition: Condition)],
        nextSteps: NextSteps, errors: [String], screeningDate: Day?, members: (inout JSONWriter, Int) -> Void
    ) {
        writeRaw(CollectionOfOne(UInt8(ascii: "{")))
        key("request_id")
        writeString(requestID)
        comma()
        key("verdict")
        writeString(verdict.description)
        comma()
        key("packs")
        writeRaw(CollectionOfOne(UInt8(ascii: "{")))
        for (index, pack) in packs.enumerated() {
            if index > 0 { comma() }
            key(pack)
            writeRaw(CollectionOfOne(UInt8(ascii: "{")))
            members(&self, index)
            writeRaw(CollectionOfOne(UInt8(ascii: "}")))
        }
        writeRaw(CollectionOfOne(UInt8(ascii: "}")))
        comma()
        key("conditions")
        list(conditions) { $0.write($1.condition, on: screeningDate, packs: $1.packs) }
        comma()
        key("next_steps")
        write(nextSteps)
        comma()
        key("errors")
        list(errors) { $0.writeString($1) }
        writeRaw(CollectionOfOne(UInt8(ascii: "}")))
    }

    /// The bytes of a pack verdict (the same as `JSONWriter.bytes(verdict.json)`).
    public static func bytes(_ verdict: PackVerdict) -> [UInt8] {
        var writer = JSONWriter(capacity: 32 * 1024)  // a pack's result is typically 5–20 KB
        writer.write(verdict)
        return writer.bytes
    }

    /// The bytes of a screening result (the same as `JSONWriter.bytes(result.json)`).
    public static func bytes(_ result: ScreeningResult) -> [UInt8] {
        var writer = JSONWriter(capacity: 96 * 1024)  // a screening result is typically 30–60 KB
        writer.write(result)
        return writer.bytes
    }

    /// The bytes of a combined result of pack verdicts received as bytes.
    public static func bytes(_ result: RenderedScreeningResult) -> [UInt8] {
        var writer = JSONWriter(capacity: result.packs.reduce(4 * 1024) { $0 + $1.members.count + 64 })
        writer.write(result)
        return writer.bytes
    }
}
