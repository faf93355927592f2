import ArgumentParser
import Dashboard
import Foundation
import Journal
import RulePacks
import RulesEngine
import Reports

struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write the MED report of one journaled screening: an HTML page for a MED committee and a case officer.",
        discussion: helpText("""
            The same page as the dashboard's /screenings/ID: the tool and its purpose, the verdict in plain words and \
            what to do next, the workplace questions (MED, APV, notice of a control measure, psychosocial review, \
            training), the conditions with their dates, per pack the findings with the facts that decided them, and \
            the pack versions and legal basis. Self-contained (no script, the style inside), printable on A4: open it \
            in a browser and print to PDF. Everything from the request is escaped.

            The titles and legal basis come from the packs under --rules when their digest is the one that judged \
            the screening; for an older version the page says it does not know them.
            """))

    @Argument(help: "The request id of the screening.")
    var requestID: String

    @Option(name: .long, help: "Language: da or en.")
    var lang: Language = .da

    @Option(name: [.short, .long], help: "Write the page to this file (default: standard output).")
    var output: String?

    @Option(name: .long, help: "Folder of rule packs, for the titles, legal basis and field labels.")
    var rules: String = "rules"

    @OptionGroup var location: JournalLocation

    func run() async throws {
        let journal = try location.open(readOnly: true)
        guard let record = try journalOperation({ () throws(JournalError) in try journal.lookup(requestID: requestID) }) else {
            Console.error("error: the journal has no screening with request id '\(TerminalText.escaped(requestID))' (see 'aiscreen history')")
            throw ExitCode.failure
        }
        let packs = (try? PackLoader(overrides: PackOptions(config: location.config).overrides()).loadAll([rules], printWarnings: false)) ?? []
        if packs.isEmpty { Console.error("note: no packs under '\(rules)': titles and legal basis come from the journal's copies of the packs, where it has them") }
        let screening: MEDReport.Screening
        do {
            screening = try ReportSource.screening(record, catalog: ReportSource.catalog(packs, lookup: JournalPackLookup(journal: journal).lookup))
        } catch {
            Console.error("error: \(error)")
            throw ExitCode.failure
        }
        let html = MEDReport.html(screening, language: lang, labels: FieldLabels(schema: packs.first?.schema), stylesheet: .inline)
        guard let output else {
            print(html, terminator: "")
            return
        }
        do {
            try Data(html.utf8).write(to: URL(fileURLWithPath: output))
        } catch {
            Console.error("error: cannot write '\(output)': \(error.localizedDescription)")
            throw ExitCode.failure
        }
        Console.error("wrote \(output)")
    }
}
