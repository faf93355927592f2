public import ArgumentParser
import Foundation
import RulePacks
import Reports
import RulesEngine

struct Screen: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Screen AI-tool requests in process with every pack under rules/ and explain the verdicts.",
        discussion: helpText("""
            Each FILE is one request (JSON). The default output is a readable explanation; --json prints one
            combined result object per request on one line:
              {"request_id", "verdict", "packs": {"<pack-id>": {"verdict", "version", "digest", "outputs", "findings", "errors", "next_steps"}}, "conditions", "next_steps", "errors"}
            A file that cannot be read, is not JSON or violates the schema gets a message naming the file and
            JSON path; the other files are still screened, and the exit status is 1.
            """))

    @Argument(help: "Request files (JSON).")
    var files: [String]

    @Option(name: .long, help: "Folder of rule packs.")
    var rules: String = "rules"

    @Flag(help: "Print one JSON result per request per line.")
    var json = false

    @Option(name: .long, help: "Language of the explanation: en or da.")
    var lang: Language = .en

    @OptionGroup var options: PackOptions

    func validate() throws {
        if files.isEmpty { throw ValidationError("give at least one request file, e.g. examples/requests/*.json") }
    }

    func run() async throws {
        let packs = try options.loader().loadAll([rules], printWarnings: false)
        let screener = Screener(packs: packs)
        var failed = false
        for file in files {
            guard let data = FileManager.default.contents(atPath: file) else {
                Console.error("\(file): error: cannot read the file")
                failed = true
                continue
            }
            guard let text = String(data: data, encoding: .utf8) else {
                Console.error("\(file): error: the file is not UTF-8 text")
                failed = true
                continue
            }
            do {
                let result = try screener.screen(json: text)
                print(json ? JSONWriter.string(result.json) : Explanation.render(result, file: file, language: lang))
            } catch {
                failed = true
                for e in error.errors { Console.error("\(file): error: [\(e.code)] \(e)") }
            }
        }
        if failed { throw ExitCode.failure }
    }
}

extension Language: ExpressibleByArgument {}
