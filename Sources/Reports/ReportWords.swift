import RulesEngine

/// The MED report's words in each language; verdicts, dates and citations come from ``ExplanationWords``, the
/// one place for them, so the terminal and the page say the same.
struct ReportWords {
    let language: Language
    let explanation: ExplanationWords

    init(language: Language) {
        self.language = language
        self.explanation = ExplanationWords(language: language)
    }

    private var da: Bool { language == .da }
    private func say(_ danish: String, _ english: String) -> String { da ? danish : english }

    /// What the overall verdict means for the people who will use the tool, and what to do.
    func meaning(_ verdict: Verdict) -> String {
        switch verdict {
        case .approved:
            say("Værktøjet kan tages i brug som beskrevet. Ingen regel stiller krav til anvendelsen.",
                "The tool may be used as described. No rule sets a requirement for this use.")
        case .approvedWithConditions:
            say("Værktøjet kan tages i brug, når betingelserne nedenfor er opfyldt: inden ibrugtagning, eller fra den dato der står ved hver af dem.",
                "The tool may be used once the conditions below are met: before go-live, or from the date shown with each.")
        case .needsReview:
            say("Værktøjet må ikke tages i brug endnu. En sagsbehandler eller jurist skal vurdere sagen; punkterne nedenfor siger hvorfor, og hvad der kan ændre vurderingen.",
                "Do not use the tool yet. A case officer or lawyer must assess it; the points below say why, and what could change the verdict.")
        case .rejected:
            say("Værktøjet må ikke tages i brug som beskrevet: mindst én regel forbyder anvendelsen. Kun en ændret anvendelse kan ændre vurderingen.",
                "The tool must not be used as described: at least one rule forbids this use. Only a changed use can change the verdict.")
        }
    }

    func footer(requestID: String) -> String {
        say("Udarbejdet af aiscreen ud fra den journalførte vurdering af anmodning \(requestID). Vurderingen er en screening, ikke en juridisk afgørelse.",
            "Produced by aiscreen from the journaled verdict of request \(requestID). The verdict is a screening, not a legal decision.")
    }

    var reportTitle: String { say("MED-rapport om AI-værktøj", "MED report on an AI tool") }
    var unnamedTool: String { say("(værktøjets navn er ikke oplyst)", "(the tool's name is not stated)") }
    var requestID: String { say("Anmodningens id", "Request id") }
    var screeningDate: String { say("Vurderingsdato", "Screening date") }
    var receivedAt: String { say("Modtaget", "Received") }
    var provisional: String {
        say("Foreløbig vurdering: mindst én regelpakke kunne ikke vurdere anmodningen. Vurderingen er ikke endelig, og en ny indsendelse vurderer den igen.",
            "Provisional verdict: at least one rule pack could not assess the request. The verdict is not final; submitting it again re-assesses it.")
    }
    var errors: String { say("Hvorfor vurderingen ikke er fuldstændig", "Why the verdict is incomplete") }
    var nextSteps: String { say("Næste skridt", "Next steps") }
    var workplaceHeading: String { say("Arbejdspladsen: medindflydelse og arbejdsmiljø", "The workplace: co-determination and working environment") }
    var question: String { say("Spørgsmål", "Question") }
    var applies: String { say("Gælder", "Applies") }
    var statusInRequest: String { say("Status ifølge anmodningen", "Status according to the request") }
    var unknown: String { say("ukendt", "unknown") }
    var conditionsHeading: String { say("Betingelser", "Conditions") }
    var condition: String { say("Hvad skal gøres", "What must be done") }
    var requiredBy: String { say("Krævet af", "Required by") }
    var appliesFromColumn: String { say("Gælder fra", "Applies from") }
    var status: String { say("Status", "Status") }
    var now: String { say("nu", "now") }
    var openNow: String { say("gælder nu: skal være opfyldt før ibrugtagning", "applies now: to be met before go-live") }
    var upcoming: String { say("kommende: skal være opfyldt fra datoen", "upcoming: to be met from that date") }
    var findingsHeading: String { say("Vurderingen regelpakke for regelpakke", "The verdict pack by pack") }
    var noFinding: String { say("Ingen regler udløst.", "No rule fired.") }
    var decidingFacts: String { say("Afgørende forhold:", "The facts that decided it:") }
    var versionsHeading: String { say("Regelpakker og retsgrundlag", "Rule packs and legal basis") }
    var pack: String { say("Regelpakke", "Rule pack") }
    var version: String { say("Version", "Version") }
    var digest: String { say("Fingeraftryk (SHA-256)", "Digest (SHA-256)") }
    var legalBasis: String { say("Retsgrundlag", "Legal basis") }
    var legalBasisUnknown: String {
        say("ikke kendt af den kørende version (pakken er ændret siden)", "not known to the running version (the pack has changed since)")
    }
}
