import ArgumentParser
import Foundation
import Journal
import RulePacks
import RulesEngine

struct PackShow: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Print a pack revision's text from the journal, byte for byte: the rules that judged its screenings.",
        discussion: helpText("""
            The broker stores each pack revision's files in the journal when it activates it (keyed by the pack's
            digest, which every verdict records), so the text of a rule that judged a screening years ago can be read
            back after the files changed. REVISION is ID@VERSION, ID@sha256:… or sha256:…. Before anything is printed,
            the copy is checked against its digest.
              aiscreen pack show gdpr@1.0.0                       pack.yaml
              aiscreen pack show gdpr@1.0.0 --file schema         the request schema it read (also: duties, overrides, tests/NAME)
              aiscreen pack show gdpr@1.0.0 -o gdpr-1.0.0.aispack the whole revision as a bundle ('pack verify', 'pack test', 'worker --pack')
            """))

    @Argument(help: "ID@VERSION, ID@sha256:… or sha256:….")
    var revision: String

    @Option(name: .long, help: "Which file: pack.yaml (default), schema, duties, overrides, or a test case tests/NAME.yaml; 'list' lists them.")
    var file = "pack.yaml"

    @Option(name: .shortAndLong, help: "Write the revision as a bundle file (.aispack) instead of printing a file.")
    var output: String?

    @OptionGroup var location: JournalLocation

    func run() async throws {
        let (packID, version, digest) = try Self.parse(revision)
        let journal = try location.open(readOnly: true)
        let texts = try journalOperation { () throws(JournalError) in try journal.packTexts(packID: packID, version: version, digest: digest) }
        guard let text = texts.first else {
            Console.error("error: the journal \(journal.path) holds no text of \(TerminalText.escaped(revision)); 'aiscreen pack versions' lists the revisions it knows (texts are stored from this version of aiscreen on, when a broker activates a pack)")
            throw ExitCode.failure
        }
        guard texts.count == 1 else {
            Console.error("error: \(TerminalText.escaped(revision)) names \(texts.count) revisions with different content: " + texts.map { "\($0.packID)@\($0.digest)" }.joined(separator: ", ") + "; name one by its digest")
            throw ExitCode.failure
        }
        let recorded = RecordedPackText(content: text.content, overrides: text.overrides)
        guard recorded.digest == text.digest, let bundle = recorded.bundle, bundle.manifest.id == text.packID else {
            Console.error("error: the journal's copy of \(text.packID)@\(text.version) does not give its digest \(text.digest): the journal was changed; run 'aiscreen journal verify'")
            throw ExitCode.failure
        }
        if let output {
            guard FileManager.default.createFile(atPath: output, contents: Data(text.content)) else {
                Console.error("error: cannot write \(output)")
                throw ExitCode.failure
            }
            print("\(output): \(text.packID) \(text.version) \(text.digest), stored \(text.storedAt)" + (text.overrides.map { "; local parameters (not in the bundle): \($0)" } ?? ""))
            return
        }
        let bytes: [UInt8]
        switch file {
        case "list":
            for entry in bundle.manifest.files { print("\(TerminalText.escaped(entry.path))  \(entry.bytes) bytes") }
            if text.overrides != nil { print("overrides") }
            return
        case "overrides":
            bytes = Array(((text.overrides ?? "{}") + "\n").utf8)
        case "schema", "duties":
            guard let found = bundle.file(file == "schema" ? .schema : .duties) else {
                Console.error("error: \(text.packID)@\(text.version) read no \(file) file")
                throw ExitCode.failure
            }
            bytes = found.bytes
        default:
            guard let found = bundle.files[file] else {
                Console.error("error: \(text.packID)@\(text.version) has no file \(TerminalText.escaped(file)); '--file list' lists them")
                throw ExitCode.failure
            }
            bytes = found
        }
        if isatty(STDOUT_FILENO) == 1 {
            // On a terminal, control characters are shown escaped; redirected, the bytes are exactly the file's.
            print(TerminalText.escaped(String(decoding: bytes, as: UTF8.self), keepNewlines: true), terminator: "")
        } else {
            FileHandle.standardOutput.write(Data(bytes))
        }
    }

    /// `ID@VERSION`, `ID@sha256:…` or `sha256:…`.
    static func parse(_ text: String) throws -> (packID: String?, version: String?, digest: String?) {
        if text.hasPrefix("sha256:") { return (nil, nil, text) }
        let parts = text.split(separator: "@", maxSplits: 1).map(String.init)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
            throw ValidationError("name a revision as ID@VERSION, ID@sha256:… or sha256:…, e.g. gdpr@1.0.0")
        }
        return parts[1].hasPrefix("sha256:") ? (parts[0], nil, parts[1]) : (parts[0], parts[1], nil)
    }
}
