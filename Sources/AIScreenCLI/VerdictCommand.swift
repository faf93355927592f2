import ArgumentParser
import Foundation
import Journal
import Reports
import RulesEngine

struct VerdictCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verdict",
        abstract: "Show the stored verdict of one screening from the journal.",
        discussion: helpText("""
            Prints who asked, when, which pack versions judged it, and the explanation; with --json the combined
            result exactly as stored (the bytes the client received; a newline is added only on a terminal). Exit status 1 when the journal does not know
            the id or the screening has no verdict yet.
            """))

    @Argument(help: "The request id.")
    var requestID: String

    @Flag(help: "Print the stored combined-result JSON, byte for byte.")
    var json = false

    @Option(name: .long, help: "Language of the explanation: en or da.")
    var lang: Language = .en

    @OptionGroup var location: JournalLocation

    func run() async throws {
        let journal = try location.open(readOnly: true)
        let record = try journalOperation { () throws(JournalError) in try journal.lookup(requestID: requestID) }
        guard let record else {
            Console.error("error: the journal has no request '\(requestID)'")
            throw ExitCode.failure
        }
        guard let completion = record.shown else {
            Console.error(
                "error: request '\(requestID)' (received \(record.request.receivedAt)) has no verdict yet: it is unfinished"
            )
            throw ExitCode.failure
        }
        if completion.provisional {
            // Said on stderr, so `--json` still prints the exact bytes the client got.
            Console.error(
                "note: request '\(requestID)' has no verdict of record yet: this is the provisional answer the client got "
                    + "(a pack failed); retrying the same request id evaluates the failed packs again")
        }
        if json {
            FileHandle.standardOutput.write(Data(completion.result))
            // Exact bytes into a pipe (so `| sha256sum` checks them); a newline only for a person at a terminal.
            if isatty(STDOUT_FILENO) == 1 && completion.result.last != UInt8(ascii: "\n") { print() }
            return
        }
        let request = record.request
        print("request     \(request.requestID) (\(request.service)), entry \(record.sequence)")
        print(TerminalText.escaped(
            "received    \(request.receivedAt) from \(request.principal)\(request.department.map { ", \($0)" } ?? "")"))
        print("body        sha256:\(request.bodyDigest), \(request.body.count) bytes")
        print("completed   \(completion.completedAt)")
        print(TerminalText.escaped("verdict     \(completion.verdict)\(completion.provisional ? " (provisional: not the verdict of record)" : "")"))
        for pack in completion.packs { print(TerminalText.escaped("pack        \(pack.id) \(pack.version) (\(pack.digest))")) }
        print()
        print(explanation(completion.result, request: request.body))
    }

    /// The readable explanation of a stored combined result; the raw JSON when it has another shape.
    private func explanation(_ result: [UInt8], request body: [UInt8]) -> String {
        guard let document = try? JSONParser().parse(result) else { return TerminalText.escaped(String(decoding: result, as: UTF8.self), keepNewlines: true) }
        var screeningDate: Day?
        if case .string(let text)? = (try? JSONParser().parse(body))?["screening_date"] {
            screeningDate = Day(iso: text)
        }
        guard let screening = CombinedResultText.screeningResult(from: document, screeningDate: screeningDate) else {
            return JSONWriter.string(document)
        }
        return Explanation.render(screening, file: "journal", language: lang)
    }
}
