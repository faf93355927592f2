public import Journal
public import Reports
public import RulesEngine

/// A journal record as the input of the MED report (``MEDReport``): the verdict of record, the request as
/// received and the pack revisions that judged it, with the title and legal basis of those the running system
/// has loaded. Pure; shared by `/screenings/{id}` and `aiscreen report`.
public enum ReportSource {
    /// The pack revisions the running system knows, by digest: their titles and legal basis.
    public struct Catalog: Sendable {
        /// A pack revision's title and legal basis by digest, for one the loaded packs do not have (e.g. the
        /// journal's copy of a revision deployed since, or replaced).
        public typealias Lookup = @Sendable (_ digest: String) -> (title: Bilingual, legalBasis: String)?

        var byDigest: [String: (title: Bilingual, legalBasis: String)]
        var lookup: Lookup?

        public init(_ packs: [(digest: String, title: Bilingual, legalBasis: String)], lookup: Lookup? = nil) {
            byDigest = Dictionary(packs.map { ($0.digest, ($0.title, $0.legalBasis)) }, uniquingKeysWith: { first, _ in first })
            self.lookup = lookup
        }

        public static let empty = Catalog([])

        /// The title and legal basis of the revision with `digest`: the loaded packs first, then the lookup.
        func entry(_ digest: String) -> (title: Bilingual, legalBasis: String)? { byDigest[digest] ?? lookup?(digest) }
    }

    /// The catalog of loaded packs, and `lookup` for other revisions.
    public static func catalog(_ packs: [CompiledPack], lookup: Catalog.Lookup? = nil) -> Catalog {
        Catalog(packs.map { ($0.digest, $0.title, $0.legalBasis) }, lookup: lookup)
    }

    /// Why a record has no report.
    public enum Problem: Error, Equatable, Sendable, CustomStringConvertible {
        /// The request was accepted but no answer is journaled yet.
        case unanswered
        /// The journaled result does not read as a verdict (it passed the broker's check when it was written).
        case unreadable(String)

        public var description: String {
            switch self {
            case .unanswered: "the screening has no verdict yet (it is still being assessed, or the broker stopped before answering)"
            case .unreadable(let why): "the journaled verdict cannot be read: \(why)"
            }
        }
    }

    /// The report's input for `record`.
    public static func screening(_ record: JournalRecord, catalog: Catalog) throws(Problem) -> MEDReport.Screening {
        guard let shown = record.shown else { throw .unanswered }
        var result: ScreeningResult
        do {
            let json = try ScreeningJSON.parser.parse(shown.result)
            result = try ScreeningResult(json: json)
        } catch let error as VerdictDecodingError {
            throw .unreadable(error.message)
        } catch {
            throw .unreadable("\(error)")
        }
        let packs = shown.packs.map { pack in
            let known = catalog.entry(pack.digest)
            return MEDReport.PackInfo(
                id: pack.id, version: pack.version, digest: pack.digest, judgedBy: pack.judgedBy, title: known?.title,
                legalBasis: known?.legalBasis)
        }
        let request = try? ScreeningJSON.parser.parse(record.request.body)
        // The date the conditions' status is relative to: the request's own (the system clock is never used).
        if result.screeningDate == nil, case .string(let day)? = request?["screening_date"] { result.screeningDate = Day(iso: day) }
        return MEDReport.Screening(
            result: result, request: request,
            receivedAt: record.request.receivedAt.description, completedAt: shown.completedAt.description,
            provisional: record.completion == nil, packs: packs)
    }
}
