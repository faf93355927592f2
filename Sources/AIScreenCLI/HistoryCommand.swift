import ArgumentParser
import Foundation
import Journal
import RulesEngine

struct History: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "List screenings from the journal, newest first.",
        discussion: helpText("""
            Filters combine (all must hold). Dates are UTC days; --until includes its day. Prints a table
            (received, request id, department, verdict, pack versions), or with --json one JSON object per line:
            {"sequence","request_id","service","received_at","principal","department","body_sha256","verdict",
            "completed_at","packs":[{"id","version","digest"}]} (verdict and completed_at are null while unfinished).
            'aiscreen verdict ID' shows one screening in full.
            """))

    @Option(
        name: .long, help: "Only this verdict: approved, approved-with-conditions, needs-review, rejected (or error).")
    var verdict: String?

    @Option(name: .long, help: "Only this department (requester.department).")
    var department: String?

    @OptionGroup var window: ReceivedWindow

    @Option(name: .long, help: "Only screenings judged by this pack, or this pack version: ID or ID@VERSION.")
    var pack: String?

    @Option(name: .long, help: "At most this many screenings.")
    var limit: Int = 50

    @Flag(help: "Print JSON lines instead of a table.")
    var json = false

    @OptionGroup var location: JournalLocation

    func validate() throws {
        _ = try filter()
    }

    func filter() throws -> HistoryFilter {
        var filter = HistoryFilter(verdict: verdict, department: department, limit: limit)
        guard limit >= 1 else { throw ValidationError("--limit must be at least 1") }
        try window.apply(to: &filter)
        if let pack {
            let parts = pack.split(separator: "@", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            guard let id = parts.first, !id.isEmpty, parts.count == 1 || !parts[1].isEmpty else {
                throw ValidationError("--pack must be ID or ID@VERSION, e.g. gdpr or gdpr@1.2.0")
            }
            filter.packID = id
            filter.packVersion = parts.count == 2 ? parts[1] : nil
        }
        return filter
    }

    func run() async throws {
        let filter = try filter()
        let journal = try location.open(readOnly: true)
        let records = try journalOperation { () throws(JournalError) in try journal.history(filter) }
        if json {
            for record in records { print(JSONWriter.string(record.summaryJSON)) }
            return
        }
        if records.isEmpty {
            print("(no screenings match)")
            return
        }
        var rows = [["RECEIVED (UTC)", "REQUEST ID", "DEPARTMENT", "VERDICT", "PACKS"]]
        for record in records {
            rows.append([
                record.request.receivedAt.description, record.request.requestID, record.request.department ?? "-",
                record.shown.map { $0.provisional ? "\($0.verdict) (provisional)" : $0.verdict } ?? "(unfinished)",
                record.shown.map { $0.packs.map { "\($0.id)@\($0.version)" }.joined(separator: " ") } ?? "",
            ])
        }
        print(Self.table(rows.map { $0.map { TerminalText.escaped($0) } }), terminator: "")
    }

    /// Left-aligned columns separated by two spaces.
    static func table(_ rows: [[String]]) -> String {
        var widths: [Int] = []
        for row in rows {
            for (i, cell) in row.enumerated() {
                if i == widths.count { widths.append(0) }
                widths[i] = max(widths[i], cell.count)
            }
        }
        var out = ""
        for row in rows {
            let cells = row.enumerated().map { i, cell in cell + String(repeating: " ", count: widths[i] - cell.count) }
            var line = cells.joined(separator: "  ")
            while line.last == " " { line.removeLast() }
            out += line + "\n"
        }
        return out
    }
}

extension JournalRecord {
    /// The record without bodies: what `history --json` prints.
    var summaryJSON: JSONValue {
        func text(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }
        let completion = shown
        let packs = completion?.packs.map { pack -> JSONValue in
            .object([("id", .string(pack.id)), ("version", .string(pack.version)), ("digest", .string(pack.digest))])
        }
        return .object([
            ("sequence", .int(sequence)),
            ("request_id", .string(request.requestID)),
            ("service", .string(request.service)),
            ("received_at", .string(request.receivedAt.description)),
            ("principal", .string(request.principal)),
            ("department", text(request.department)),
            ("body_sha256", .string(request.bodyDigest)),
            ("verdict", text(completion?.verdict)),
            ("completed_at", text(completion?.completedAt.description)),
            ("packs", .array(packs ?? [])),
            ("provisional", .bool(completion?.provisional ?? false)),
        ])
    }
}
