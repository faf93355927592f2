public import RulesEngine

/// The MED report: one screening as a page for a MED committee member and a case officer, not a lawyer — the tool
/// and its purpose, the verdict in plain words and what to do next, the workplace questions, the conditions with
/// their dates, per pack the findings with their reasons and the facts that decided them (in words, not field
/// paths), and the pack versions and legal basis. Pure: the same bytes for `/screenings/{id}` and
/// `aiscreen report`. Every text from the request, the verdict or a pack is escaped (``HTMLText``); the page has
/// no script. Its CSS prints on A4 (``stylesheet``).
public enum MEDReport {
    /// A pack revision that judged the screening, with what the running system knows of it.
    public struct PackInfo: Sendable {
        public var id: String
        public var version: String
        public var digest: String
        /// The worker key that judged it (journal schema 2), if recorded.
        public var judgedBy: String?
        /// The pack's title and legal basis, when the loaded pack has this digest (nil: another version).
        public var title: Bilingual?
        public var legalBasis: String?

        public init(id: String, version: String, digest: String, judgedBy: String? = nil, title: Bilingual? = nil, legalBasis: String? = nil) {
            self.id = id
            self.version = version
            self.digest = digest
            self.judgedBy = judgedBy
            self.title = title
            self.legalBasis = legalBasis
        }
    }

    /// One journaled screening.
    public struct Screening: Sendable {
        public var result: ScreeningResult
        /// The request body as received (nil when it cannot be read): the tool's name, purpose and facts.
        public var request: JSONValue?
        public var receivedAt: String?
        public var completedAt: String?
        /// True while the answer is provisional (a pack failed; a retry re-evaluates it).
        public var provisional: Bool
        public var packs: [PackInfo]

        public init(result: ScreeningResult, request: JSONValue?, receivedAt: String?, completedAt: String?, provisional: Bool, packs: [PackInfo]) {
            self.result = result
            self.request = request
            self.receivedAt = receivedAt
            self.completedAt = completedAt
            self.provisional = provisional
            self.packs = packs
        }
    }

    /// Where the page's CSS comes from.
    public enum Stylesheet: Sendable {
        /// In the page (a file written by `aiscreen report`: it opens anywhere).
        case inline
        /// A link to the server's own copy (the server's content security policy allows no inline style).
        case linked(String)
    }

    /// The page.
    public static func html(_ screening: Screening, language: Language, labels: FieldLabels, stylesheet: Stylesheet) -> String {
        var page = Page(screening: screening, words: ReportWords(language: language), labels: labels)
        return page.render(stylesheet: stylesheet)
    }

    /// The report's CSS: readable on screen, A4 when printed (a browser's "Print to PDF").
    public static let css = """
        :root{--ink:#1d2733;--muted:#5b6776;--line:#d5dbe3;--ok:#1f7a3f;--cond:#8a5a00;--review:#a14a00;--rej:#a11d2b}
        *{box-sizing:border-box}
        body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);max-width:60rem;margin:0 auto;padding:1.5rem}
        h1{font-size:1.6rem;margin:.2rem 0}h2{font-size:1.2rem;margin:1.6rem 0 .4rem;border-bottom:1px solid var(--line)}
        h3{font-size:1.05rem;margin:1rem 0 .2rem}
        .kicker{color:var(--muted);text-transform:uppercase;letter-spacing:.05em;font-size:.8rem}
        .meta{color:var(--muted);margin:.2rem 0}
        .verdict{border:2px solid var(--line);border-radius:.4rem;padding:.8rem 1rem;margin:1rem 0}
        .verdict .label{font-size:1.3rem;font-weight:700}
        .v-approved{border-color:var(--ok)}.v-approved .label{color:var(--ok)}
        .v-approved-with-conditions{border-color:var(--cond)}.v-approved-with-conditions .label{color:var(--cond)}
        .v-needs-review{border-color:var(--review)}.v-needs-review .label{color:var(--review)}
        .v-rejected{border-color:var(--rej)}.v-rejected .label{color:var(--rej)}
        .provisional{background:#fff4e5;border-left:4px solid var(--review);padding:.5rem .8rem}
        table{border-collapse:collapse;width:100%;margin:.4rem 0}
        th,td{border:1px solid var(--line);padding:.3rem .5rem;text-align:left;vertical-align:top}
        th{background:#f3f5f8}
        .finding{border-left:3px solid var(--line);padding:.2rem 0 .2rem .8rem;margin:.6rem 0}
        .citations{color:var(--muted);font-size:.9rem}
        .facts{margin:.3rem 0 0;padding-left:1.2rem}
        .errors li{color:var(--rej)}
        code{font-size:.85rem;word-break:break-all}
        footer{color:var(--muted);font-size:.85rem;margin-top:2rem;border-top:1px solid var(--line);padding-top:.5rem}
        @page{size:A4;margin:16mm 14mm}
        @media print{body{max-width:none;padding:0;font-size:10.5pt}a{color:inherit;text-decoration:none}
        .finding,tr,.verdict{break-inside:avoid}h2,h3{break-after:avoid}}
        """

    /// The questions the workplace pack answers (its outputs), each with the request field that says whether it is
    /// done: MED involvement, APV, notice of a control measure, psychosocial review, training.
    static let workplaceQuestions: [(output: String, done: String, question: Bilingual)] = [
        ("med_involvement_required", "workplace.med_informed",
         Bilingual(da: "Skal MED-udvalget informeres og høres?", en: "Must the MED committee be informed and consulted?")),
        ("apv_update_required", "workplace.apv_updated",
         Bilingual(da: "Skal arbejdspladsvurderingen (APV) revideres?", en: "Must the workplace assessment (APV) be revised?")),
        ("control_measure_notice_required", "workplace.control_measure_notice_weeks",
         Bilingual(da: "Er det en kontrolforanstaltning, der skal varsles?", en: "Is it a control measure that must be announced in advance?")),
        ("psychosocial_review_required", "workplace.apv_updated",
         Bilingual(da: "Skal det psykiske arbejdsmiljø vurderes?", en: "Must the psychosocial working environment be reviewed?")),
        ("training_required", "workplace.training_planned",
         Bilingual(da: "Skal medarbejderne oplæres (AI-kompetencer)?", en: "Must staff be trained (AI literacy)?")),
    ]
}

/// One page being written.
private struct Page {
    let screening: Screening
    let words: ReportWords
    let labels: FieldLabels
    var out = HTMLWriter()

    typealias Screening = MEDReport.Screening

    init(screening: Screening, words: ReportWords, labels: FieldLabels) {
        self.screening = screening
        self.words = words
        self.labels = labels
    }

    var result: ScreeningResult { screening.result }
    var explanation: ExplanationWords { words.explanation }

    func request(_ path: String) -> JSONValue? {
        var value = screening.request
        for name in path.split(separator: ".") { value = value?[String(name)] }
        return value
    }

    func requestText(_ path: String) -> String? {
        if case .string(let s)? = request(path), !s.isEmpty { return s }
        return nil
    }

    mutating func render(stylesheet: MEDReport.Stylesheet) -> String {
        let tool = requestText("tool.name") ?? words.unnamedTool
        out.raw("<!doctype html><html lang=\"\(explanation.danish ? "da" : "en")\"><head><meta charset=\"utf-8\">")
        out.raw("<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">")
        out.raw("<title>")
        out.text("\(words.reportTitle): \(tool)")
        out.raw("</title>")
        switch stylesheet {
        case .inline: out.raw("<style>\(MEDReport.css)</style>")
        case .linked(let href): out.raw("<link rel=\"stylesheet\" href=\"\(HTMLText.escaped(href))\">")
        }
        out.raw("</head><body><main>")
        header(tool: tool)
        verdict()
        nextSteps()
        workplace()
        conditions()
        packs()
        revisions()
        out.raw("<footer>")
        out.text(words.footer(requestID: result.requestID))
        out.raw("</footer></main></body></html>\n")
        return out.html
    }

    mutating func header(tool: String) {
        out.element("p", words.reportTitle, class: "kicker")
        out.element("h1", tool)
        var facts: [(String, String)] = []
        if let vendor = requestText("tool.vendor") { facts.append((labels.label("tool.vendor", language: words.language), vendor)) }
        if let department = requestText("requester.department") { facts.append((labels.label("requester.department", language: words.language), department)) }
        if let organisation = requestText("requester.organisation") { facts.append((labels.label("requester.organisation", language: words.language), organisation)) }
        facts.append((words.requestID, result.requestID))
        if let day = result.screeningDate { facts.append((words.screeningDate, explanation.date(day))) }
        if let received = screening.receivedAt { facts.append((words.receivedAt, received)) }
        out.raw("<table class=\"facts-table\">")
        for (label, value) in facts { out.row([label, value]) }
        out.raw("</table>")
        if let purpose = requestText("tool.purpose") {
            out.element("h2", labels.label("tool.purpose", language: words.language))
            out.element("p", purpose)
        }
        if let description = requestText("tool.description") {
            out.element("h2", labels.label("tool.description", language: words.language))
            out.element("p", description)
        }
    }

    mutating func verdict() {
        out.element("h2", explanation.headline)
        out.raw("<section class=\"verdict v-\(result.verdict.description)\">")
        out.element("p", explanation.verdict(result.verdict), class: "label")
        out.element("p", words.meaning(result.verdict))
        out.raw("</section>")
        if screening.provisional { out.element("p", words.provisional, class: "provisional") }
        if !result.errors.isEmpty {
            out.element("h3", words.errors)
            let errors = result.errors
            out.wrap("ul", class: "errors") { list in
                for error in errors { list.element("li", error) }
            }
        }
    }

    mutating func nextSteps() {
        let items = Explanation.nextStepItems(result.nextSteps, result, explanation)
        guard !items.isEmpty else { return }
        out.element("h2", words.nextSteps)
        out.wrap("ul") { list in
            for item in items { list.element("li", item) }
        }
    }

    mutating func workplace() {
        guard let pack = result.packs.first(where: { $0.pack == "workplace" }) else { return }
        out.element("h2", words.workplaceHeading)
        out.raw("<table>")
        out.row([words.question, words.applies, words.statusInRequest], header: true)
        for question in MEDReport.workplaceQuestions {
            guard let output = pack.outputs.first(where: { $0.0 == question.output })?.1 else { continue }
            let applies: String
            if case .bool(let b) = output { applies = labels.value(.bool(b), language: words.language) } else { applies = words.unknown }
            let done = request(question.done) ?? .null
            out.row([
                explanation.text(question.question), applies,
                "\(labels.label(question.done, language: words.language)): \(labels.value(done, language: words.language))",
            ])
        }
        out.raw("</table>")
    }

    mutating func conditions() {
        guard !result.conditions.isEmpty else { return }
        out.element("h2", words.conditionsHeading)
        out.raw("<table>")
        out.row([words.condition, words.requiredBy, words.appliesFromColumn, words.status], header: true)
        for (packs, condition) in result.conditions {
            let status = condition.status(on: result.screeningDate)
            out.row([
                explanation.text(condition.text), packs.map(packTitle).joined(separator: ", "),
                condition.appliesFrom.map(explanation.date) ?? words.now,
                status == "upcoming" ? words.upcoming : words.openNow,
            ])
        }
        out.raw("</table>")
    }

    mutating func packs() {
        out.element("h2", words.findingsHeading)
        for pack in result.packs {
            out.raw("<section class=\"pack\">")
            out.element("h3", "\(packTitle(pack.pack)): \(explanation.verdict(pack.verdict))")
            if !pack.errors.isEmpty {
                let word = explanation.error
                out.wrap("ul", class: "errors") { list in
                    for error in pack.errors { list.element("li", "\(word): \(error)") }
                }
            }
            if pack.findings.isEmpty { out.element("p", words.noFinding) }
            for finding in pack.findings {
                out.raw("<div class=\"finding\">")
                out.element("p", "\(explanation.text(finding.title)) — \(explanation.verdict(finding.verdict))", class: "finding-title")
                out.element("p", explanation.text(finding.rationale))
                if !finding.citations.isEmpty { out.element("p", explanation.citations(finding.citations), class: "citations") }
                let facts = finding.evidence
                if !facts.isEmpty {
                    out.element("p", words.decidingFacts)
                    let (labels, language) = (self.labels, words.language)
                    out.wrap("ul", class: "facts") { list in
                        for (path, value) in facts {
                            list.element("li", "\(labels.label(path, language: language)): \(labels.value(value, language: language))")
                        }
                    }
                }
                out.raw("</div>")
            }
            out.raw("</section>")
        }
    }

    mutating func revisions() {
        out.element("h2", words.versionsHeading)
        out.raw("<table>")
        out.row([words.pack, words.version, words.digest, words.legalBasis], header: true)
        for info in screening.packs {
            out.raw("<tr>")
            out.element("td", packTitle(info.id))
            out.element("td", info.version)
            out.raw("<td><code>")
            out.text(info.digest)
            out.raw("</code></td>")
            out.element("td", info.legalBasis ?? words.legalBasisUnknown)
            out.raw("</tr>")
        }
        out.raw("</table>")
    }

    func packTitle(_ id: String) -> String {
        if let title = screening.packs.first(where: { $0.id == id })?.title { return explanation.text(title) }
        return id
    }
}
