public import RulesEngine

/// Fuzz target for the broker's check of a worker's FINAL body (a pack result, docs/PROTOCOL.md §7.3): the fast
/// reader that passes a canonical body on unchanged (``RenderedPackVerdict/init(canonical:screeningDate:limits:)``)
/// and the strict decoder the broker falls back to (``PackVerdict/init(json:)``), as
/// `BrokerStateMachine+Workers` uses them, for several screening dates (conditions' status depends on it).
///
/// Must hold for every input:
/// - The fast reader accepts only what the strict decoder accepts, and means the same: pack, version, digest,
///   verdict, errors, conditions, rules, outputs, next steps and every byte it passes on equal the strict
///   decoding rendered. Nothing the broker forwards escapes the check.
/// - Whatever the strict decoder accepts fails closed: its verdict is no milder than any finding's, and at least
///   `needs-review` when it has errors.
/// - Rendering is canonical: the strict decoding written out is accepted by the fast reader and passed on as
///   written.
/// - The summary (§7.5) of a pack does not depend on the road the body took.
public enum PackResultTarget {
    /// The screening dates each input is checked with (none, before and after the AI Act's dates).
    public static let screeningDates: [Day?] = [nil, Day(iso: "2025-01-15"), Day(iso: "2026-12-01")]

    public static func run(_ input: [UInt8]) throws(FuzzViolation) -> [FuzzOutcome] {
        var outcomes: [FuzzOutcome] = []
        for date in screeningDates {
            outcomes.append(try check(input, screeningDate: date))
        }
        return outcomes
    }

    private static func check(_ input: [UInt8], screeningDate: Day?) throws(FuzzViolation) -> FuzzOutcome {
        let fast = RenderedPackVerdict(canonical: input, screeningDate: screeningDate)
        let strict: PackVerdict
        do {
            var decoded = try PackVerdict(json: try JSONParser().parse(input))
            decoded.screeningDate = screeningDate
            strict = decoded
        } catch {
            if fast != nil { throw FuzzViolation("the fast reader passes on a body the strict decoder refuses: \(error)") }
            return .rejected(error is JSONSyntaxError ? "invalid-json" : "not-a-pack-verdict")
        }
        let worst = strict.findings.map(\.verdict).max() ?? .approved
        guard strict.verdict >= worst, strict.errors.isEmpty || strict.verdict >= .needsReview else {
            throw FuzzViolation("accepted as \(strict.verdict) with findings up to \(worst) and \(strict.errors.count) errors")
        }
        let rendered = RenderedPackVerdict(strict)
        if let fast {
            try same(fast, rendered, "fast reader and strict decoder")
        }
        let written = JSONWriter.bytes(strict)
        guard let reread = RenderedPackVerdict(canonical: written, screeningDate: screeningDate) else {
            throw FuzzViolation("the strict decoding written out is not canonical: \(String(decoding: written.prefix(300), as: UTF8.self))")
        }
        try same(reread, rendered, "written-out decoding and strict decoder")
        return .decoded
    }

    private static func same(_ a: RenderedPackVerdict, _ b: RenderedPackVerdict, _ what: String) throws(FuzzViolation) {
        func differ(_ member: String) -> FuzzViolation { FuzzViolation("\(what) differ in \(member)") }
        guard a.pack == b.pack, a.version == b.version, a.digest == b.digest else { throw differ("pack, version or digest") }
        guard a.verdict == b.verdict else { throw differ("verdict: \(a.verdict) vs \(b.verdict)") }
        guard a.errors == b.errors else { throw differ("errors") }
        guard a.conditions == b.conditions else { throw differ("conditions") }
        guard a.rules == b.rules else { throw differ("rules") }
        guard a.outputs == b.outputs else { throw differ("outputs") }
        guard a.nextSteps == b.nextSteps else { throw differ("next steps") }
        guard Array(a.members) == Array(b.members) else { throw differ("the bytes passed on") }
        guard ScreeningSummary.Pack(a) == ScreeningSummary.Pack(b) else { throw differ("summary") }
    }
}
