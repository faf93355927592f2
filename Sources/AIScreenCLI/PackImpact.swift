import ArgumentParser
import Foundation
import Journal
import RulePacks
import RulesEngine

struct PackImpact: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "impact",
        abstract: "Replay journaled screenings through an edited pack and show which verdicts it would change.",
        discussion: helpText("""
            Every journaled request with a verdict of record (oldest first, filtered by --since/--until/--department) \
            is evaluated again by the pack in FOLDER, the other packs as they judged it then. Prints a summary \
            (screened, changed, by transition such as "approved-with-conditions → needs-review"), then each changed \
            screening: request id, tool, department, old → new verdict, the rules that newly fire and those that no \
            longer fire. With --json: one object per changed screening, then {"summary": …}. Nothing is written: \
            the journal is opened read-only. Requests whose body the edited pack's schema refuses are counted as \
            "unreadable".
            """))

    @Argument(help: "The edited pack's folder, e.g. rules/gdpr.")
    var pack: String

    @OptionGroup var window: ReceivedWindow

    @Option(name: .long, help: "Only this department (requester.department).")
    var department: String?

    @Flag(help: "JSON lines: one per changed screening, then a summary.")
    var json = false

    @OptionGroup var location: JournalLocation

    func run() async throws {
        var filter = HistoryFilter(department: department, limit: Int.max)
        try window.apply(to: &filter)
        // The pack's parameters as the deployment sets them (the same --config as the journal's).
        guard let edited = try PackOptions(config: location.config).loader().loadAll([pack], printWarnings: false).first else {
            throw ExitCode.failure
        }
        let journal = try location.open(readOnly: true)
        // Read one record at a time, oldest first: memory does not grow with the journal.
        let (total, withVerdicts) = try journalOperation { () throws(JournalError) in
            (try journal.countVerdictsOfRecord(filter, verdictsOfRecordOnly: false), try journal.countVerdictsOfRecord(filter))
        }
        var replay = ImpactReplay(pack: edited)
        replay.skip(total - withVerdicts)
        let progress = isatty(STDERR_FILENO) == 1 && withVerdicts > 0 ? ProgressLine(total: withVerdicts) : nil
        var done = 0
        try journalOperation { () throws(JournalError) in
            try journal.forEachVerdictOfRecord(filter) { record in
                if let change = replay.replay(record), json { print(JSONWriter.string(change.json)) }
                done += 1
                progress?.show(done)
            }
        }
        progress?.finish()
        if json {
            print(JSONWriter.string(.object([("summary", replay.summary.json)])))
            return
        }
        print(replay.summary.text(pack: edited))
        for change in replay.changes { print(change.text) }
    }
}

/// Replays journaled screenings through one pack; pure apart from the evaluation.
struct ImpactReplay {
    struct Change {
        var requestID: String
        var tool: String?
        var department: String?
        var old: Verdict
        var new: Verdict
        var packOld: Verdict?
        var packNew: Verdict
        var firing: [String]
        var gone: [String]

        var json: JSONValue {
            .object([
                ("request_id", .string(requestID)), ("tool", tool.map(JSONValue.string) ?? .null),
                ("department", department.map(JSONValue.string) ?? .null),
                ("verdict", .object([("old", .string(old.description)), ("new", .string(new.description))])),
                ("pack_verdict", .object([("old", packOld.map { .string($0.description) } ?? .null), ("new", .string(packNew.description))])),
                ("newly_firing", .array(firing.map(JSONValue.string))), ("no_longer_firing", .array(gone.map(JSONValue.string))),
            ])
        }

        var text: String {
            var lines = ["\(requestID)  \(tool ?? "-")  \(department ?? "-")  \(old) → \(new)"]
            if let packOld, packOld != packNew { lines.append("    pack verdict \(packOld) → \(packNew)") }
            if !firing.isEmpty { lines.append("    newly firing: \(firing.joined(separator: ", "))") }
            if !gone.isEmpty { lines.append("    no longer firing: \(gone.joined(separator: ", "))") }
            return TerminalText.escaped(lines.joined(separator: "\n"), keepNewlines: true)
        }
    }

    struct Summary {
        var screened = 0
        var changed = 0
        var transitions: [String: Int] = [:]
        /// Unfinished, provisional only, or not judged by this pack.
        var skipped = 0
        /// Bodies the edited pack's schema refuses.
        var unreadable = 0

        var json: JSONValue {
            .object([
                ("screened", .int(Int64(screened))), ("changed", .int(Int64(changed))),
                ("transitions", .object(transitions.sorted { $0.key < $1.key }.map { ($0.key, .int(Int64($0.value))) })),
                ("skipped", .int(Int64(skipped))), ("unreadable", .int(Int64(unreadable))),
            ])
        }

        func text(pack: CompiledPack) -> String {
            var lines = ["pack \(pack.id) \(pack.version) (\(pack.digest.prefix(19))…): \(screened) screening(s) replayed, \(changed) changed"]
            for (transition, count) in transitions.sorted(by: { $0.value > $1.value || ($0.value == $1.value && $0.key < $1.key) }) {
                lines.append("  \(count)  \(transition)")
            }
            if skipped > 0 { lines.append("  (\(skipped) skipped: unfinished, provisional only, or not judged by \(pack.id))") }
            if unreadable > 0 { lines.append("  (\(unreadable) unreadable under the edited pack's schema)") }
            return TerminalText.escaped(lines.joined(separator: "\n"), keepNewlines: true)
        }
    }

    let pack: CompiledPack
    let decoder: RequestDecoder
    private(set) var summary = Summary()
    private(set) var changes: [Change] = []

    init(pack: CompiledPack) {
        self.pack = pack
        self.decoder = RequestDecoder(schema: pack.schema)
    }

    /// Counts `count` requests as skipped (unfinished or provisional only: no verdict of record to compare with).
    mutating func skip(_ count: Int) {
        summary.skipped += count
    }

    /// What the verdict of record says: from the packs' outcomes when the journal has them (schema 7), else from
    /// the result's bytes.
    static func stored(_ record: ScreeningOfRecord) -> StoredResultSummary? {
        if record.hasOutcomes {
            var packs: [String: StoredResultSummary.Pack] = [:]
            for revision in record.packs {
                guard let outcome = revision.outcome else { continue }
                packs[revision.id] = .init(verdict: Verdict(outcome.verdict), hasErrors: outcome.errors > 0, rules: outcome.rules)
            }
            return StoredResultSummary(verdict: Verdict(record.verdict), packs: packs)
        }
        guard let bytes = try? record.result() else { return nil }
        return try? StoredResultSummary(bytes)
    }

    /// Replays one verdict of record; the change, if its outcome differs.
    mutating func replay(_ record: ScreeningOfRecord) -> Change? {
        guard let stored = Self.stored(record), let old = stored.verdict, let before = stored.packs[pack.id] else {
            summary.skipped += 1
            return nil
        }
        guard let request = try? record.request.body.withUnsafeBufferPointer({ buffer throws(RequestValidationError) in try decoder.decode(bytes: buffer) }) else {
            summary.unreadable += 1
            return nil
        }
        summary.screened += 1
        let verdict = pack.decision(request)
        // The combination rule (docs/PROTOCOL.md §7.1): the most severe pack verdict, at least needs-review when a
        // pack had errors; the other packs as they judged then.
        var combined = verdict.errors.isEmpty ? verdict.verdict : max(verdict.verdict, .needsReview)
        for (id, other) in stored.packs where id != pack.id {
            combined = max(combined, other.verdict ?? .needsReview)
            if other.hasErrors { combined = max(combined, .needsReview) }
        }
        let rules = verdict.rules
        let firing = rules.filter { !before.rules.contains($0) }
        let gone = before.rules.filter { !rules.contains($0) }
        guard combined != old || verdict.verdict != before.verdict || !firing.isEmpty || !gone.isEmpty else { return nil }
        summary.changed += 1
        summary.transitions[combined == old ? "\(old) (same verdict, other rules)" : "\(old) → \(combined)", default: 0] += 1
        var tool: String?
        if case .string(let name)? = request.value(at: ["tool", "name"]) { tool = name }
        let change = Change(
            requestID: record.request.requestID, tool: tool, department: record.request.department, old: old, new: combined,
            packOld: before.verdict, packNew: verdict.verdict, firing: firing, gone: gone)
        changes.append(change)
        return change
    }
}

/// "replayed 1234/100000" on a terminal's stderr, redrawn at most ten times a second.
final class ProgressLine {
    let total: Int
    private var last = DispatchTime.now().uptimeNanoseconds

    init(total: Int) {
        self.total = total
    }

    func show(_ done: Int) {
        let now = DispatchTime.now().uptimeNanoseconds
        guard now - last > 100_000_000 || done == total else { return }
        last = now
        FileHandle.standardError.write(Data("\rreplayed \(done)/\(total)".utf8))
    }

    func finish() {
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}
