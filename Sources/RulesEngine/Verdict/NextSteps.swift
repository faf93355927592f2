/// What a pack's verdict would be if the requester met duties that are still open (rules/README.md §1.6).
///
/// Every pack that reads the same `duties.yaml` sees the same open duties on a request, and re-evaluates itself
/// for the same family of duty sets: each open duty alone, and all of them together. It lists only the sets that
/// change its own verdict. Because a combined verdict is the most severe pack verdict, the combined verdict for a
/// set is the most severe of the packs' verdicts for it (``NextSteps/init(packs:required:)``) — exact, never
/// guessed.
public struct PackNextSteps: Hashable, Sendable {
    /// The duties that apply to the request and are not met, in `duties.yaml` order.
    public var open: [Duty]
    /// The duty sets (field names) whose fulfilment gives another verdict for this pack, with that verdict.
    public var ifMet: [Option]
    /// Rules that fire whatever duties are met (with each one, and with all of them): no duty can lift them.
    public var blockers: [String]

    public struct Option: Hashable, Sendable {
        public var meet: [String]
        public var verdict: Verdict

        public init(meet: [String], verdict: Verdict) {
            self.meet = meet
            self.verdict = verdict
        }
    }

    public init(open: [Duty], ifMet: [Option], blockers: [String]) {
        self.open = open
        self.ifMet = ifMet
        self.blockers = blockers
    }

    /// The family of duty sets every pack evaluates: each open duty alone, then all together (when there are two
    /// or more).
    public static func family<Duty>(_ open: [Duty]) -> [[Duty]] {
        open.count < 2 ? open.map { [$0] } : open.map { [$0] } + [open]
    }
}

/// The next steps of a combined screening: which open duties, met, would improve the combined verdict, and which
/// findings no duty lifts.
public struct NextSteps: Hashable, Sendable {
    /// Duty sets that improve the combined verdict, best verdict first; a set of all open duties only when no single
    /// duty reaches its verdict.
    public var options: [PackNextSteps.Option]
    /// The duties the options name.
    public var duties: [Duty]
    /// Findings that remain whatever duties are met: (pack, rule).
    public var blockers: [(pack: String, rule: String)]

    public static func == (a: NextSteps, b: NextSteps) -> Bool {
        a.options == b.options && a.duties == b.duties && a.blockers.map { [$0.pack, $0.rule] } == b.blockers.map { [$0.pack, $0.rule] }
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(options)
        hasher.combine(duties)
    }

    public static let none = NextSteps(options: [], duties: [], blockers: [])

    public init(options: [PackNextSteps.Option], duties: [Duty], blockers: [(pack: String, rule: String)]) {
        self.options = options
        self.duties = duties
        self.blockers = blockers
    }

    /// Combines the packs' next steps (packs sorted by id). An `approved` screening has none. When a pack that
    /// judged the request has no next steps, or the packs disagree on the open duties (they read different
    /// `duties.yaml`), no option can be computed exactly, so none is given; blockers are still listed.
    /// - Parameter packs: each pack's id, verdict, errors and next steps.
    init(packs: [(pack: String, verdict: Verdict, errors: [String], next: PackNextSteps?)], required: [String], verdict now: Verdict) {
        guard now != .approved else {
            self = .none
            return
        }
        var blockers: [(pack: String, rule: String)] = []
        for pack in packs {
            for rule in pack.next?.blockers ?? [] { blockers.append((pack.pack, rule)) }
        }
        let judged = packs.filter { $0.errors.isEmpty }
        let opens = judged.map { $0.next?.open.map(\.field) }
        guard let first = opens.first, let fields = first, opens.allSatisfy({ $0 == fields }) else {
            self.init(options: [], duties: [], blockers: blockers)
            return
        }
        var evaluated: [(meet: [String], verdict: Verdict)] = []
        for set in PackNextSteps.family(fields) {
            let verdicts = packs.map { pack in
                pack.next?.ifMet.first(where: { $0.meet == set })?.verdict ?? pack.verdict
            }
            let combined = Combination(
                zip(packs, verdicts).map { ($0.pack, $1, $0.errors, [Condition]()) }, required: required
            ).verdict
            evaluated.append((set, combined))
        }
        let singles = evaluated.filter { $0.meet.count == 1 }
        let bestSingle = singles.map(\.verdict).min() ?? now
        var options = singles.filter { $0.verdict < now }.map { PackNextSteps.Option(meet: $0.meet, verdict: $0.verdict) }
        if let all = evaluated.first(where: { $0.meet.count > 1 }), all.verdict < now, all.verdict < bestSingle {
            options.append(PackNextSteps.Option(meet: all.meet, verdict: all.verdict))
        }
        options = options.enumerated().sorted { a, b in
            a.element.verdict != b.element.verdict ? a.element.verdict < b.element.verdict : a.offset < b.offset
        }.map(\.element)
        let named = Set(options.flatMap(\.meet))
        let duties = (judged.first?.next?.open ?? []).filter { named.contains($0.field) }
        self.init(options: options, duties: duties, blockers: blockers)
    }
}
