public import RulesEngine

/// The language of a readable rendering.
public enum Language: String, Sendable, CaseIterable {
    case en, da
}

/// The words of the readable explanation in each language: verdicts, statuses, dates and citations
/// (citations through ``CitationStyle``, the one citation formatter).
public struct ExplanationWords: Sendable {
    public let language: Language

    public init(language: Language) { self.language = language }

    public var danish: Bool { language == .da }

    public func text(_ b: Bilingual) -> String { danish ? b.da : b.en }

    public func verdict(_ v: Verdict) -> String {
        guard danish else { return v.description }
        switch v {
        case .approved: return "godkendt"
        case .approvedWithConditions: return "godkendt med betingelser"
        case .needsReview: return "kræver vurdering"
        case .rejected: return "afvist"
        }
    }

    public func citation(_ c: String) -> String { danish ? CitationStyle.danish(c) : c }

    public func citations(_ list: [String]) -> String { list.map(citation).joined(separator: "; ") }

    /// `2027-12-02` in English; `2. december 2027` in Danish.
    public func date(_ day: Day) -> String {
        guard danish else { return day.description }
        let months = ["januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september", "oktober", "november", "december"]
        let (y, m, d) = day.components
        return "\(d). \(months[m - 1]) \(y)"
    }

    public func appliesFrom(_ day: Day, upcoming: Bool) -> String {
        if danish { return upcoming ? " (kommende: gælder fra \(date(day)))" : " (gælder fra \(date(day)))" }
        return upcoming ? " (upcoming: applies from \(date(day)))" : " (applies from \(date(day)))"
    }

    /// "a, b and c" / "a, b og c".
    public func and(_ items: [String]) -> String {
        guard items.count > 1 else { return items.first ?? "" }
        return items.dropLast().joined(separator: ", ") + (danish ? " og " : " and ") + items[items.count - 1]
    }

    public var request: String { danish ? "anmodning" : "request" }
    public var headline: String { danish ? "Samlet vurdering" : "Overall verdict" }
    public var noRule: String { danish ? "Ingen regler udløst." : "No rule fired." }
    public var evidence: String { danish ? "Grundlag: " : "Evidence: " }
    public var conditions: String { danish ? "  Betingelser:" : "  Conditions:" }
    public var error: String { danish ? "fejl" : "error" }
    public var nextSteps: String { danish ? "  Næste skridt:" : "  Next steps:" }
    public func toReach(_ v: Verdict) -> String { danish ? "For at nå \(verdict(v)): " : "To reach \(verdict(v)): " }
    public var rulesFired: String { danish ? "Udløste regler: " : "Rules fired: " }
    /// A condition's status without a date: ` (due)` / ` (gælder nu)`.
    public func status(_ status: String) -> String {
        switch status {
        case "due": danish ? " (gælder nu)" : " (due)"
        case "upcoming": danish ? " (kommende)" : " (upcoming)"
        default: " (\(status))"
        }
    }
    public var summaryOnly: String {
        danish
            ? "  (Et resumé: begrundelser, hjemmel og grundlag står i det fulde resultat — 'aiscreen verdict ID' eller --detail full.)"
            : "  (A summary: rationale, citations and evidence are in the full result — 'aiscreen verdict ID' or --detail full.)"
    }
    public var notLifted: String { danish ? "Ophæves ikke af nogen af pligterne: " : "Not lifted by any duty: " }
}
