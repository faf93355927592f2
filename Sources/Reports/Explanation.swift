public import RulesEngine

/// The readable form of a screening result, for requesters and MED committees.
public enum Explanation {
    public static func render(_ result: ScreeningResult, file: String, language: Language, nextSteps: NextSteps? = nil) -> String {
        let words = ExplanationWords(language: language)
        func text(_ b: Bilingual) -> String { words.text(b) }
        var lines: [String] = []
        lines.append("━━ \(file) — \(words.request) \(result.requestID)")
        lines.append("\(words.headline): \(words.verdict(result.verdict).uppercased())")
        for pack in result.packs {
            let outputs = pack.outputs.map { "\($0.0)=\(JSONWriter.string($0.1))" }.joined(separator: ", ")
            lines.append("")
            lines.append("  [\(pack.pack) \(pack.version)] \(words.verdict(pack.verdict))\(outputs.isEmpty ? "" : "  (\(outputs))")")
            for error in pack.errors { lines.append("    ! \(words.error): \(error)") }
            if pack.findings.isEmpty {
                lines.append("    " + words.noRule)
            }
            for finding in pack.findings {
                lines.append("    • \(finding.rule) — \(text(finding.title)) → \(words.verdict(finding.verdict))")
                lines.append("      \(words.citations(finding.citations))")
                lines.append(contentsOf: wrap(text(finding.rationale), indent: "      "))
                if !finding.evidence.isEmpty {
                    let evidence = finding.evidence.map { "\($0.0)=\(JSONWriter.string($0.1))" }.joined(separator: ", ")
                    lines.append(contentsOf: wrap(words.evidence + evidence, indent: "      "))
                }
            }
        }
        if !result.conditions.isEmpty {
            lines.append("")
            lines.append(words.conditions)
            for (packs, condition) in result.conditions {
                var suffix = ""
                if let from = condition.appliesFrom {
                    suffix = words.appliesFrom(from, upcoming: condition.status(on: result.screeningDate) == "upcoming")
                }
                lines.append(contentsOf: wrap("- [\(packs.joined(separator: ", "))] \(text(condition.text))\(suffix)", indent: "    "))
            }
        }
        lines += nextStepLines(nextSteps ?? result.nextSteps, result, words)
        for error in result.errors { lines.append("  ! \(error)") }
        lines.append("")
        // Values from the request and from workers are untrusted: no control character reaches the terminal.
        return TerminalText.escaped(lines.joined(separator: "\n"), keepNewlines: true)
    }

    /// "To reach approved-with-conditions: complete the DPIA (GDPR Art. 35) and inform and consult MED (…)", and the
    /// findings no duty lifts.
    public static func nextStepLines(_ steps: NextSteps, _ result: ScreeningResult, _ words: ExplanationWords) -> [String] {
        let items = nextStepItems(steps, result, words)
        guard !items.isEmpty else { return [] }
        return ["", words.nextSteps] + items.flatMap { wrap("- " + $0, indent: "    ") }
    }

    /// One sentence per way forward, then one per finding no duty lifts: the next steps of the terminal
    /// explanation and of the MED report alike.
    public static func nextStepItems(_ steps: NextSteps, _ result: ScreeningResult, _ words: ExplanationWords) -> [String] {
        var items: [String] = []
        for option in steps.options {
            let duties = option.meet.map { field in
                guard let duty = steps.duties.first(where: { $0.field == field }) else { return field }
                return "\(words.text(duty.text)) (\(words.citations(duty.citations)))"
            }
            items.append(words.toReach(option.verdict) + words.and(duties))
        }
        for blocker in steps.blockers {
            let finding = result.packs.first { $0.pack == blocker.pack }?.findings.first { $0.rule == blocker.rule }
            let title = finding.map { " — \(words.text($0.title)) (\(words.verdict($0.verdict)))" } ?? ""
            items.append(words.notLifted + "[\(blocker.pack)] \(blocker.rule)\(title)")
        }
        return items
    }

    public static func wrap(_ text: String, indent: String, width: Int = 110) -> [String] {
        var lines: [String] = []
        var current = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: true) {
            if !current.isEmpty, current.count + word.count + 1 > width - indent.count {
                lines.append(indent + current)
                current = ""
            }
            current += current.isEmpty ? String(word) : " " + word
        }
        if !current.isEmpty { lines.append(indent + current) }
        return lines
    }
}
