extension ScreeningSummary {
    /// Reads the summary out of the full bytes of a combined result (docs/PROTOCOL.md §7.1), e.g. a journaled or
    /// cached answer, in one pass that builds only what the summary keeps (titles, rationale, citations and evidence
    /// are scanned, not built). For a result ``JSONWriter`` rendered it equals ``init(_:)`` of the live result.
    /// A summary's own bytes (§7.5) read back too, to the summary they were written from.
    /// - Throws: ``VerdictDecodingError`` when `bytes` is neither a combined result nor its summary.
    public init(json bytes: [UInt8]) throws(VerdictDecodingError) {
        let limits = JSONLimits(maxDepth: 64, maxStringLength: 1 << 26, maxContainerCount: 1 << 24, maxValues: .max)
        var parts = Parts()
        do {
            try bytes.withUnsafeBufferPointer { buffer throws(JSONSyntaxError) in
                var reader = JSONReader(bytes: buffer, limits: limits)
                reader.skipWhitespace()
                try parts.read(&reader)
                reader.skipWhitespace()
                guard reader.atEnd else { throw reader.error("unexpected text after the JSON value") }
            }
        } catch {
            throw VerdictDecodingError(message: "not a combined result: \(error)")
        }
        guard let requestID = parts.requestID, let verdict = parts.verdict, let nextSteps = parts.nextSteps, let errors = parts.errors, parts.sawPacks else {
            throw VerdictDecodingError(message: "a combined result needs 'request_id', 'verdict', 'packs', 'next_steps' and 'errors'")
        }
        if let problem = parts.problem { throw VerdictDecodingError(message: problem) }
        self.init(requestID: requestID, verdict: verdict, packs: parts.packs, conditions: parts.conditions, nextSteps: nextSteps, errors: errors)
    }

    private struct Parts {
        var requestID: String?
        var verdict: Verdict?
        var sawPacks = false
        var packs: [Pack] = []
        var conditions: [Condition] = []
        var nextSteps: NextSteps?
        var errors: [String]?
        /// The first member of the right syntax but the wrong shape.
        var problem: String?

        mutating func note(_ message: String) {
            if problem == nil { problem = message }
        }

        mutating func read(_ reader: inout JSONReader) throws(JSONSyntaxError) {
            try reader.readMemberKeys(depth: 1) { (reader: inout JSONReader, _: Int, raw: UnsafeBufferPointer<UInt8>?, escaped: String?) throws(JSONSyntaxError) in
                switch Self.name(raw, escaped) {
                case "request_id":
                    if case .string(let id) = try reader.readValue(depth: 1) { requestID = id } else { note("'request_id' must be text") }
                case "verdict": verdict = try Self.verdict(&reader, depth: 1)
                case "packs":
                    sawPacks = true
                    try reader.readMemberKeys(depth: 2) { (reader: inout JSONReader, _: Int, raw: UnsafeBufferPointer<UInt8>?, escaped: String?) throws(JSONSyntaxError) in
                        packs.append(try readPack(&reader, id: Self.name(raw, escaped)))
                    }
                case "conditions":
                    guard case .array(let items) = try reader.readValue(depth: 1) else { return note("'conditions' must be a list") }
                    for item in items { readCondition(item) }
                case "next_steps":
                    var value = try reader.readValue(depth: 1)
                    // A summary lists duties by field alone.
                    if case .object(var members) = value, let index = members.firstIndex(where: { $0.0 == "duties" }), case .array(let duties) = members[index].1 {
                        members[index].1 = .array(duties.map { duty in
                            guard case .string = duty else { return duty }
                            return .object([("field", duty), ("da", .string("")), ("en", .string("")), ("citations", .array([]))])
                        })
                        value = .object(members)
                    }
                    do throws(VerdictDecodingError) {
                        nextSteps = try NextSteps(json: value)
                    } catch {
                        note(error.message)
                    }
                case "errors": errors = try Self.strings(&reader, depth: 1)
                default: try reader.scanValue(depth: 1)
                }
            }
        }

        private mutating func readPack(_ reader: inout JSONReader, id: String) throws(JSONSyntaxError) -> Pack {
            var pack = Pack(id: id, version: "", digest: "", verdict: .needsReview, outputs: .object([]), rules: [], errors: [])
            var seen = 0
            try reader.readMemberKeys(depth: 3) { (reader: inout JSONReader, _: Int, raw: UnsafeBufferPointer<UInt8>?, escaped: String?) throws(JSONSyntaxError) in
                switch Self.name(raw, escaped) {
                case "version":
                    if case .string(let text) = try reader.readValue(depth: 3) { pack.version = text; seen += 1 }
                case "digest":
                    if case .string(let text) = try reader.readValue(depth: 3) { pack.digest = text; seen += 1 }
                case "verdict":
                    if let verdict = try Self.verdict(&reader, depth: 3) { pack.verdict = verdict; seen += 1 }
                case "outputs":
                    let outputs = try reader.readValue(depth: 3)
                    if case .object = outputs { pack.outputs = outputs; seen += 1 }
                case "rules":  // a summary's
                    if let rules = try Self.strings(&reader, depth: 3) { pack.rules = rules; seen += 1 }
                case "findings":
                    seen += 1
                    try reader.readArray(depth: 4) { (reader: inout JSONReader) throws(JSONSyntaxError) in
                        try reader.readMemberKeys(depth: 5) { (reader: inout JSONReader, _: Int, raw: UnsafeBufferPointer<UInt8>?, escaped: String?) throws(JSONSyntaxError) in
                            if Self.name(raw, escaped) == "rule", case .string(let rule) = try reader.readValue(depth: 5) {
                                pack.rules.append(rule)
                            } else {
                                try reader.scanValue(depth: 5)
                            }
                        }
                    }
                case "errors":
                    if let errors = try Self.strings(&reader, depth: 3) { pack.errors = errors; seen += 1 }
                default: try reader.scanValue(depth: 3)
                }
            }
            if seen != 6 { note("pack '\(id)' needs 'version', 'digest', 'verdict', 'outputs', 'findings' and 'errors' of their types") }
            return pack
        }

        private mutating func readCondition(_ item: JSONValue) {
            guard case .array(let packValues)? = item["packs"], case .string(let status)? = item["status"], let appliesFrom = item["applies_from"] else {
                return note("a condition needs 'packs', 'applies_from' and 'status'")
            }
            let packs = packValues.compactMap { if case .string(let s) = $0 { s } else { nil } }
            var day: Day?
            if case .string(let text) = appliesFrom { day = Day(iso: text) }
            var key: String?
            var text: Bilingual?
            if case .string(let k)? = item["key"] {
                key = k
            } else if case .string(let da)? = item["da"], case .string(let en)? = item["en"] {
                text = Bilingual(da: da, en: en)
            }
            conditions.append(Condition(packs: packs, key: key, text: text, appliesFrom: day, status: status))
        }

        private static func name(_ raw: UnsafeBufferPointer<UInt8>?, _ escaped: String?) -> String {
            raw.map { String(decoding: $0, as: UTF8.self) } ?? escaped ?? ""
        }

        private static func verdict(_ reader: inout JSONReader, depth: Int) throws(JSONSyntaxError) -> Verdict? {
            guard case .string(let text) = try reader.readValue(depth: depth) else { return nil }
            return Verdict(text)
        }

        private static func strings(_ reader: inout JSONReader, depth: Int) throws(JSONSyntaxError) -> [String]? {
            guard case .array(let items) = try reader.readValue(depth: depth) else { return nil }
            var strings: [String] = []
            for item in items {
                guard case .string(let s) = item else { return nil }
                strings.append(s)
            }
            return strings
        }
    }
}
