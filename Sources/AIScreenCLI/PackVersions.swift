import ArgumentParser
import Foundation
import Journal
import RulesEngine

struct PackVersions: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "versions",
        abstract: "List every pack revision the journal holds verdicts of: version, digest, screenings judged, first and last use.",
        discussion: "Two digests under one version mean the pack's content changed without a new version (pack check warns of it).")

    @Argument(help: "A pack id (default: every pack).")
    var pack: String?

    @Flag(help: "One JSON object per revision.")
    var json = false

    @OptionGroup var location: JournalLocation

    func run() async throws {
        let journal = try location.open(readOnly: true)
        let revisions = try journalOperation { () throws(JournalError) in try journal.packRevisions(packID: pack) }
        if json {
            for revision in revisions { print(JSONWriter.string(revision.json)) }
            return
        }
        guard !revisions.isEmpty else {
            print(pack.map { "(the journal has no verdict judged by pack \(TerminalText.escaped($0)))" } ?? "(the journal has no verdicts)")
            return
        }
        var rows = [["PACK", "VERSION", "DIGEST", "SCREENINGS", "FIRST USED", "LAST USED"]]
        for r in revisions {
            rows.append([r.id, r.version, r.digest, String(r.screenings), r.firstUsed?.description ?? "-", r.lastUsed?.description ?? "-"])
        }
        print(History.table(rows.map { $0.map { TerminalText.escaped($0) } }), terminator: "")
    }
}

extension PackRevisionUse {
    var json: JSONValue {
        .object([
            ("pack", .string(id)), ("version", .string(version)), ("digest", .string(digest)), ("screenings", .int(Int64(screenings))),
            ("first_used", firstUsed.map { .string($0.description) } ?? .null), ("last_used", lastUsed.map { .string($0.description) } ?? .null),
        ])
    }
}

/// `pack check`'s look at the journal: a version the journal knows under another digest.
enum VersionCheck {
    /// Warnings for packs whose content changed while their version stayed (the journal judged that version with
    /// another digest). Empty when there is no journal.
    static func warnings(_ pack: CompiledPack, directory: String, journal: Journal?) -> [RuleDiagnostic] {
        guard let journal, let known = try? journal.packRevisions(packID: pack.id) else { return [] }
        let others = known.filter { $0.version == pack.version && $0.digest != pack.digest }
        guard let other = others.last else { return [] }
        let file = directory.hasSuffix("/") ? directory + "pack.yaml" : directory + "/pack.yaml"
        var line = 1
        var column = 1
        if let text = try? String(contentsOfFile: file, encoding: .utf8) {
            for (n, row) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() where row.hasPrefix("version:") {
                line = n + 1
                column = 10
                break
            }
        }
        return [RuleDiagnostic(
            .warning, .versionNotBumped,
            "content changed but version is still \(pack.version): the journal has \(other.screenings) screening(s) judged by \(pack.version) \(other.digest.prefix(19))…, this is \(pack.digest.prefix(19))…; give the pack a new version",
            at: SourceLocation(file: file, line: line, column: column))]
    }
}
