public import RulesEngine

extension Explanation {
    /// The readable form of a screening's summary (`detail=summary`, docs/PROTOCOL.md §7.5): verdicts, outputs, the
    /// rules that fired, the conditions by key with their dates, and what would change the verdict. The pack texts
    /// are not in a summary, so it says where the full result is.
    public static func render(_ summary: ScreeningSummary, file: String, language: Language) -> String {
        let words = ExplanationWords(language: language)
        var lines: [String] = []
        lines.append("━━ \(file) — \(words.request) \(summary.requestID)")
        lines.append("\(words.headline): \(words.verdict(summary.verdict).uppercased())")
        for pack in summary.packs {
            var outputs = ""
            if case .object(let members) = pack.outputs, !members.isEmpty {
                outputs = "  (" + members.map { "\($0.0)=\(JSONWriter.string($0.1))" }.joined(separator: ", ") + ")"
            }
            lines.append("")
            lines.append("  [\(pack.id) \(pack.version)] \(words.verdict(pack.verdict))\(outputs)")
            for error in pack.errors { lines.append("    ! \(words.error): \(error)") }
            lines.append(contentsOf: wrap(pack.rules.isEmpty ? words.noRule : words.rulesFired + pack.rules.joined(separator: ", "), indent: "    "))
        }
        if !summary.conditions.isEmpty {
            lines.append("")
            lines.append(words.conditions)
            for condition in summary.conditions {
                let name = condition.key ?? condition.text.map(words.text) ?? "?"
                var suffix = words.status(condition.status)
                if let from = condition.appliesFrom { suffix = words.appliesFrom(from, upcoming: condition.status == "upcoming") }
                lines.append(contentsOf: wrap("- [\(condition.packs.joined(separator: ", "))] \(name)\(suffix)", indent: "    "))
            }
        }
        let steps = summary.nextSteps
        if !steps.options.isEmpty || !steps.blockers.isEmpty {
            lines.append("")
            lines.append(words.nextSteps)
            for option in steps.options {
                lines.append(contentsOf: wrap("- " + words.toReach(option.verdict) + words.and(option.meet), indent: "    "))
            }
            if !steps.blockers.isEmpty {
                lines.append(contentsOf: wrap("- " + words.notLifted + steps.blockers.map { "\($0.pack) \($0.rule)" }.joined(separator: ", "), indent: "    "))
            }
        }
        for error in summary.errors { lines.append("  ! \(error)") }
        lines.append("")
        lines.append(words.summaryOnly)
        lines.append("")
        return TerminalText.escaped(lines.joined(separator: "\n"), keepNewlines: true)
    }
}
