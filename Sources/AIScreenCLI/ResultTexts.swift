import Journal
import RulePacks
import Synchronization

/// The dictionary a journal stores results compact against (``Journal/storeResults(compactWith:)``): the texts of
/// the pack revisions that judged a screening, read from the journal's own copies of those revisions (so it needs
/// no files and works for any revision the broker activated). Built once per set of revisions.
final class ResultTexts: Sendable {
    let journal: Journal
    private let cache = Mutex<[String: ResultDictionary?]>([:])
    /// The last set of revisions asked for and its dictionary: almost every screening has the same.
    private let last = Mutex<(digests: [String], dictionary: ResultDictionary?)?>(nil)

    init(journal: Journal) {
        self.journal = journal
    }

    /// Makes `journal` store its results compact.
    static func install(on journal: Journal) {
        let texts = ResultTexts(journal: journal)
        journal.storeResults { texts.dictionary(for: $0) }
    }

    func dictionary(for packs: [PackRevision]) -> ResultDictionary? {
        let digests = packs.map(\.digest)
        if let last = last.withLock({ $0 }), last.digests == digests { return last.dictionary }
        let (chosen, complete) = build(packs)
        if complete { last.withLock { $0 = (digests, chosen) } }
        return chosen
    }

    /// The dictionary of `packs`, and whether the journal had every revision's text.
    private func build(_ packs: [PackRevision]) -> (ResultDictionary?, Bool) {
        let ordered = packs.sorted { $0.id < $1.id }
        let key = ordered.map(\.digest).joined(separator: " ")
        if let cached = cache.withLock({ $0[key] }) { return (cached, true) }
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
        return (dictionary, complete)
    }
}
