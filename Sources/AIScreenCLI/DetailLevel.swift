import ArgumentParser
import Wire

/// `--detail full|summary`: how much of a screening the broker sends back (docs/PROTOCOL.md §4.2, §7.5).
enum DetailLevel: String, CaseIterable, ExpressibleByArgument, Sendable {
    /// The whole combined result (§7.1), what a procurement system files.
    case full
    /// Verdicts, versions, digests, outputs, fired rules, condition keys and dates, next steps and errors.
    case summary

    /// The REQUEST option it is (none for `full`, the broker's default).
    var options: RequestOptions { self == .summary ? .summaryDetail : [] }

    static let help = ArgumentHelp(
        "full (the whole result, the default) or summary (verdicts, versions, outputs, fired rules, condition keys and dates; no rationale or evidence).")
}
