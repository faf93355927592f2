/// What a replay needs of a stored combined result (docs/PROTOCOL.md §7.1): its verdict and, per pack, the verdict,
/// whether it had errors, and the rules that fired. Read in one pass that builds nothing else (titles, rationale,
/// evidence and conditions are only scanned), so replaying a journal costs little more than evaluating.
public struct StoredResultSummary: Sendable {
    public struct Pack: Sendable, Hashable {
        public var verdict: Verdict?
        public var hasErrors = false
        public var rules: [String] = []

        public init(verdict: Verdict?, hasErrors: Bool, rules: [String]) {
            self.verdict = verdict
            self.hasErrors = hasErrors
            self.rules = rules
        }

        init() {}
    }

    public var verdict: Verdict?
    public var packs: [String: Pack] = [:]

    /// - Throws: ``JSONSyntaxError`` when `bytes` is not a JSON object.
    public init(_ bytes: [UInt8]) throws(JSONSyntaxError) {
        let limits = JSONLimits(maxDepth: 64, maxStringLength: 1 << 26, maxContainerCount: 1 << 24, maxValues: .max)
        var summary = StoredResultSummary(verdict: nil)
        try bytes.withUnsafeBufferPointer { buffer throws(JSONSyntaxError) in
            var reader = JSONReader(bytes: buffer, limits: limits)
            reader.skipWhitespace()
            try reader.readRawMembers(depth: 1) { (reader: inout JSONReader, key: UnsafeBufferPointer<UInt8>?) throws(JSONSyntaxError) in
                switch key.map(Self.text) {
                case "verdict"?: summary.verdict = try Self.verdict(&reader)
                case "packs"?:
                    try reader.readRawMembers(depth: 2) { (reader: inout JSONReader, id: UnsafeBufferPointer<UInt8>?) throws(JSONSyntaxError) in
                        guard let id else { return try reader.scanValue(depth: 2) }
                        summary.packs[Self.text(id)] = try Self.pack(&reader)
                    }
                default: try reader.scanValue(depth: 1)
                }
            }
            reader.skipWhitespace()
            guard reader.atEnd else { throw reader.error("unexpected text after the JSON value") }
        }
        self = summary
    }

    /// A summary known without the bytes (the journal's pack outcomes).
    public init(verdict: Verdict?, packs: [String: Pack] = [:]) {
        self.verdict = verdict
        self.packs = packs
    }

    private static func text(_ raw: UnsafeBufferPointer<UInt8>) -> String { String(decoding: raw, as: UTF8.self) }

    private static func verdict(_ reader: inout JSONReader) throws(JSONSyntaxError) -> Verdict? {
        guard case .string(let text) = try reader.readValue(depth: 2) else { return nil }
        return Verdict(text)
    }

    private static func pack(_ reader: inout JSONReader) throws(JSONSyntaxError) -> Pack {
        var pack = Pack()
        try reader.readRawMembers(depth: 3) { (reader: inout JSONReader, key: UnsafeBufferPointer<UInt8>?) throws(JSONSyntaxError) in
            switch key.map(text) {
            case "verdict"?: pack.verdict = try verdict(&reader)
            case "errors"?:
                if case .array(let errors) = try reader.readValue(depth: 3) { pack.hasErrors = !errors.isEmpty }
            case "findings"?:
                try reader.readArray(depth: 4) { (reader: inout JSONReader) throws(JSONSyntaxError) in
                    try reader.readRawMembers(depth: 5) { (reader: inout JSONReader, key: UnsafeBufferPointer<UInt8>?) throws(JSONSyntaxError) in
                        if key.map(text) == "rule", case .string(let rule) = try reader.readValue(depth: 5) {
                            pack.rules.append(rule)
                        } else {
                            try reader.scanValue(depth: 5)
                        }
                    }
                }
            default: try reader.scanValue(depth: 3)
            }
        }
        return pack
    }
}
