/// The combined verdict of pack verdicts received as JSON bytes (``RenderedPackVerdict``): combined as
/// ``ScreeningResult`` combines, rendered to the same bytes without reading the findings again.
public struct RenderedScreeningResult: Sendable {
    public var requestID: String
    /// The most severe pack verdict; `needs-review` at least when any pack failed or is missing.
    public var verdict: Verdict
    /// Pack verdicts, sorted by pack id.
    public var packs: [RenderedPackVerdict]
    /// Each distinct condition once, tagged with the packs that require it.
    public var conditions: [(packs: [String], condition: Condition)]
    /// Pack-level errors (`<pack>: <message>`).
    public var errors: [String]
    public var screeningDate: Day?
    /// What meeting the open duties would give, combined from the packs' own next steps (``NextSteps``).
    public var nextSteps: NextSteps

    /// Combines pack verdicts; `required` as in ``ScreeningResult/init(requestID:packs:required:screeningDate:)``.
    public init(requestID: String, packs: [RenderedPackVerdict], required: [String] = [], screeningDate: Day?) {
        self.requestID = requestID
        self.packs = packs.sorted { $0.pack < $1.pack }
        self.screeningDate = screeningDate
        let combined = Combination(self.packs.map { ($0.pack, $0.verdict, $0.errors, $0.conditions) }, required: required)
        verdict = combined.verdict
        conditions = combined.conditions
        errors = combined.errors
        nextSteps = NextSteps(
            packs: self.packs.map { ($0.pack, $0.verdict, $0.errors, $0.nextSteps) }, required: required, verdict: combined.verdict)
    }
}
