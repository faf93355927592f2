import Journal
import RulePacks
import Synchronization

/// The dictionary a journal stores results compact against (``Journal/storeResults(compactWith:)``): the texts of
/// the pack revisions that judged a screening, read from the journal's own copies of those revisions (so it needs
/// no files and works for any revision the broker activated). Built once per set of revisions.
final class ResultTexts: Sendable {
    let journal: Journal
    private let cache = Mutex<[String: ResultDictionary?]>([:])

    init(journal: Journal) {
        self.journal = journal
    }

    /// Makes `journal` store its results compact.
    static func install(on journal: Journal) {
        let texts = ResultTexts(journal: journal)
        journal.storeResults { texts.dictionary(for: $0) }
    }

    func dictionary(for packs: [PackRevision]) -> ResultDictionary? {
        let ordered = packs.sorted { $0.id < $1.id }
        let key = ordered.map(\.digest).joined(separator: " ")
        if let cached = cache.withLock({ $0[key] }) { return cached }
        var literals: [[UInt8]] = []
        var complete = true
        for pack in ordered {
            guard let text = (try? journal.packTexts(digest: pack.digest))?.first else {
                complete = false
                continue
            }
            literals += RecordedPackText(content: text.content, overrides: text.overrides).literals(digest: pack.digest)
        }
        let dictionary = literals.isEmpty ? nil : ResultDictionary(literals: literals)
        // A revision whose text is not stored yet gets its dictionary on a later try.
        if complete {
            cache.withLock { $0[key] = .some(dictionary) }
        }
        return dictionary
    }
}
