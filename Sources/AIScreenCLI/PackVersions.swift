import ArgumentParser
import Foundation
import Journal
import RulesEngine

struct PackVersions: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "versions",
        abstract: "List every pack revision the journal knows: version, digest, screenings judged, first and last use, when it was last activated and by whom, when its text was stored.",
        discussion: helpText("""
            Activations are a broker's start with a revision the journal had not seen active (by local:broker), a \
            deploy ('aiscreen pack deploy' by the admin principal, or 'aiscreen up' after an edit, by local:up) and \
            a rollback; --json lists each revision's activations in full (at, kind, principal, previous). Two \
            digests under one version mean the pack's content changed without a new version (pack check warns of it).
            """))

    @Argument(help: "A pack id (default: every pack).")
    var pack: String?

    @Flag(help: "One JSON object per revision.")
    var json = false

    @OptionGroup var location: JournalLocation

    func run() async throws {
        let journal = try location.open(readOnly: true)
        let revisions = try journalOperation { () throws(JournalError) in try Self.revisions(journal, packID: pack) }
        let activations = try journalOperation { () throws(JournalError) in try journal.activations(packID: pack) }
        func of(_ revision: PackRevisionUse) -> [PackActivation] { activations.filter { $0.packID == revision.id && $0.digest == revision.digest } }
        if json {
            for (revision, stored) in revisions {
                guard case .object(var members) = revision.json else { continue }
                members.append(("text_stored_at", stored.map { .string($0.description) } ?? .null))
                members.append(("activations", .array(of(revision).map(\.json))))
                print(JSONWriter.string(.object(members)))
            }
            return
        }
        guard !revisions.isEmpty else {
            print(pack.map { "(the journal knows no revision of pack \(TerminalText.escaped($0)))" } ?? "(the journal knows no pack revisions)")
            return
        }
        var rows = [["PACK", "VERSION", "DIGEST", "SCREENINGS", "FIRST USED", "LAST USED", "LAST ACTIVATED", "BY", "TEXT STORED"]]
        for (r, stored) in revisions {
            let last = of(r).last
            rows.append([
                r.id, r.version, r.digest, String(r.screenings), r.firstUsed?.description ?? "-", r.lastUsed?.description ?? "-",
                last.map { "\($0.at) (\($0.kind.rawValue))" } ?? "-", last?.principal ?? "-", stored?.description ?? "-",
            ])
        }
        print(History.table(rows.map { $0.map { TerminalText.escaped($0) } }), terminator: "")
        if revisions.contains(where: { $0.stored != nil }) { print("'aiscreen pack show ID@VERSION' prints a stored revision's text") }
    }

    /// Every revision that judged a screening or whose text the journal holds (a broker activated it), with when
    /// its text was stored.
    static func revisions(_ journal: Journal, packID: String?) throws(JournalError) -> [(use: PackRevisionUse, stored: JournalTimestamp?)] {
        let used = try journal.packRevisions(packID: packID)
        let texts = try journal.packTexts(packID: packID)
        var all = used.map { use in (use: use, stored: texts.first { $0.digest == use.digest }?.storedAt) }
        for text in texts where !used.contains(where: { $0.digest == text.digest }) {
            all.append((PackRevisionUse(id: text.packID, version: text.version, digest: text.digest, screenings: 0, firstUsed: nil, lastUsed: nil), text.storedAt))
        }
        return all.sorted { ($0.use.id, $0.use.firstUsed?.description ?? $0.stored?.description ?? "") < ($1.use.id, $1.use.firstUsed?.description ?? $1.stored?.description ?? "") }
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

extension PackActivation {
    var json: JSONValue {
        .object([
            ("seq", .int(sequence)), ("at", .string(at.description)), ("kind", .string(kind.rawValue)), ("principal", .string(principal)),
            ("previous", previousDigest.map { digest in .object([("version", previousVersion.map(JSONValue.string) ?? .null), ("digest", .string(digest))]) } ?? .null),
        ])
    }
}

/// `pack check`'s look at the journal: a version the journal knows under another digest.
enum VersionCheck {
    /// Warnings for packs whose content changed while their version stayed (the journal judged that version with
    /// another digest). Empty when there is no journal.
    static func warnings(_ pack: CompiledPack, directory: String, journal: Journal?) -> [RuleDiagnostic] {
        guard let journal, let known = try? PackVersions.revisions(journal, packID: pack.id).map(\.use) else { return [] }
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
            "content changed but version is still \(pack.version): "
                + (other.screenings > 0
                    ? "the journal has \(other.screenings) screening(s) judged by \(pack.version) \(other.digest.prefix(19))…"
                    : "a broker activated \(pack.version) as \(other.digest.prefix(19))… (the journal holds its text)")
                + ", this is \(pack.digest.prefix(19))…; give the pack a new version",
            at: SourceLocation(file: file, line: line, column: column))]
    }
}
