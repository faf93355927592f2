import RulesEngine

/// The readable form of a screening result, for requesters and MED committees.
enum Explanation {
    static func render(_ result: ScreeningResult, file: String, language: Language) -> String {
        func text(_ b: Bilingual) -> String { language == .da ? b.da : b.en }
        var lines: [String] = []
        let headline = language == .da ? "Samlet vurdering" : "Overall verdict"
        lines.append("━━ \(file) — request \(result.requestID)")
        lines.append("\(headline): \(result.verdict.description.uppercased())")
        for pack in result.packs {
            let outputs = pack.outputs.map { "\($0.0)=\(JSONWriter.string($0.1))" }.joined(separator: ", ")
            lines.append("")
            lines.append("  [\(pack.pack) \(pack.version)] \(pack.verdict)\(outputs.isEmpty ? "" : "  (\(outputs))")")
            for error in pack.errors { lines.append("    ! error: \(error)") }
            if pack.findings.isEmpty {
                lines.append("    " + (language == .da ? "Ingen regler udløst." : "No rule fired."))
            }
            for finding in pack.findings {
                lines.append("    • \(finding.rule) — \(text(finding.title)) → \(finding.verdict)")
                lines.append("      \(finding.citations.joined(separator: "; "))")
                lines.append(contentsOf: wrap(text(finding.rationale), indent: "      "))
                if !finding.evidence.isEmpty {
                    let evidence = finding.evidence.map { "\($0.0)=\(JSONWriter.string($0.1))" }.joined(separator: ", ")
                    lines.append(contentsOf: wrap((language == .da ? "Grundlag: " : "Evidence: ") + evidence, indent: "      "))
                }
            }
        }
        if !result.conditions.isEmpty {
            lines.append("")
            lines.append(language == .da ? "  Betingelser:" : "  Conditions:")
            for (packs, condition) in result.conditions {
                var suffix = ""
                if let from = condition.appliesFrom {
                    let upcoming = condition.status(on: result.screeningDate) == "upcoming"
                    suffix = upcoming ? " (upcoming: applies from \(from))" : " (applies from \(from))"
                }
                lines.append(contentsOf: wrap("- [\(packs.joined(separator: ", "))] \(text(condition.text))\(suffix)", indent: "    "))
            }
        }
        for error in result.errors { lines.append("  ! \(error)") }
        lines.append("")
        // Values from the request and from workers are untrusted: no control character reaches the terminal.
        return TerminalText.escaped(lines.joined(separator: "\n"), keepNewlines: true)
    }

    static func wrap(_ text: String, indent: String, width: Int = 110) -> [String] {
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
