import Dashboard
import Journal
import RulePacks
import RulesEngine
import Synchronization

/// The title and legal basis of a pack revision from the journal's copy of its text (``Journal/packTexts``), for
/// the MED report of a screening judged by a revision that is no longer, or not yet, in the rules folder. The copy
/// is used only when it gives its digest; each digest is read and compiled once.
final class JournalPackLookup: Sendable {
    let journal: Journal
    private let cache = Mutex<[String: Entry?]>([:])

    struct Entry: Sendable {
        var title: Bilingual
        var legalBasis: String
    }

    init(journal: Journal) {
        self.journal = journal
    }

    /// The lookup for ``ReportSource/Catalog``.
    var lookup: ReportSource.Catalog.Lookup {
        { [self] digest in self.entry(digest).map { ($0.title, $0.legalBasis) } }
    }

    func entry(_ digest: String) -> Entry? {
        if let cached = cache.withLock({ $0[digest] }) { return cached }
        let found = (try? journal.packTexts(digest: digest))?.first.flatMap { text -> Entry? in
            let recorded = RecordedPackText(content: text.content, overrides: text.overrides)
            guard recorded.digest == text.digest, let bundle = recorded.bundle else { return nil }
            return PackLoader().load(bundle: bundle, file: "journal:\(text.packID)@\(text.version)").pack.map { Entry(title: $0.title, legalBasis: $0.legalBasis) }
        }
        cache.withLock { $0[digest] = .some(found) }
        return found
    }
}
