import Reports
import RulesEngine

/// Turns a broker's combined result (docs/PROTOCOL.md §7.1) into what `aiscreen submit` prints.
enum CombinedResultText {
    /// The text for one FINAL body.
    /// - Parameters:
    ///   - body: The combined result JSON.
    ///   - job: The file it answers.
    ///   - output: JSON line or readable explanation.
    /// - Returns: The text, without a trailing newline for JSON.
    static func render(_ body: [UInt8], job: SubmitSession.Job, output: SubmitSession.Output) -> String {
        let document = try? JSONParser().parse(body)
        switch output {
        case .json:
            // The body as sent, unless it spans several lines.
            if let document, body.contains(UInt8(ascii: "\n")) {
                return JSONWriter.string(document)
            }
            return String(decoding: body, as: UTF8.self)
        case .explanation(let language):
            guard let document else {
                return "━━ \(job.file) — request \(job.requestID)\n  ! the broker's answer is not JSON\n"
            }
            if document["detail"] == .string("summary"), let summary = try? ScreeningSummary(json: body) {
                return Explanation.render(summary, file: job.file, language: language)
            }
            if let result = screeningResult(from: document, screeningDate: job.screeningDate) {
                return Explanation.render(result, file: job.file, language: language)
            }
            return summary(of: document, file: job.file)
        }
    }

    /// Rebuilds a ``ScreeningResult`` from a combined result, keeping the broker's verdict and errors.
    ///
    /// Each `packs` entry is a pack result keyed by pack id; it is read strictly with ``PackVerdict/init(json:)``
    /// (adding the `pack` id, and empty `errors` when absent). `errors` entries may be strings or
    /// `{"pack","code","message"}` objects.
    /// - Returns: The result, or `nil` when the JSON does not have that shape.
    static func screeningResult(from json: JSONValue, screeningDate: Day?) -> ScreeningResult? {
        guard
            case .string(let requestID)? = json["request_id"],
            case .string(let verdictText)? = json["verdict"], let verdict = Verdict(verdictText),
            case .object(let packs)? = json["packs"]
        else { return nil }
        var verdicts: [PackVerdict] = []
        for (id, value) in packs {
            guard case .object(var members) = value else { return nil }
            if value["pack"] == nil {
                members.insert(("pack", .string(id)), at: 0)
            }
            if value["errors"] == nil {
                members.append(("errors", .array([])))
            }
            guard let pack = try? PackVerdict(json: .object(members)) else { return nil }
            verdicts.append(pack)
        }
        var result = ScreeningResult(requestID: requestID, packs: verdicts, screeningDate: screeningDate)
        result.verdict = verdict
        result.errors = errors(in: json)
        return result
    }

    /// The combined result's `errors`, as `pack: [code] message` lines.
    static func errors(in json: JSONValue) -> [String] {
        guard case .array(let items)? = json["errors"] else { return [] }
        return items.map { item in
            switch item {
            case .string(let text):
                return text
            case .object:
                var parts: [String] = []
                if case .string(let pack)? = item["pack"] { parts.append(pack + ":") }
                if case .string(let code)? = item["code"] { parts.append("[\(code)]") }
                if case .string(let message)? = item["message"] { parts.append(message) }
                return parts.isEmpty ? JSONWriter.string(item) : parts.joined(separator: " ")
            default:
                return JSONWriter.string(item)
            }
        }
    }

    /// A compact summary read straight from the JSON, for results whose packs cannot be read in full.
    static func summary(of json: JSONValue, file: String) -> String {
        func text(_ value: JSONValue?) -> String {
            switch value {
            case .string(let text)?: text
            case nil: "?"
            case let other?: JSONWriter.string(other)
            }
        }
        var lines = [
            "━━ \(file) — request \(text(json["request_id"]))",
            "Overall verdict: \(text(json["verdict"]).uppercased())",
        ]
        if case .object(let packs)? = json["packs"] {
            for (id, pack) in packs {
                lines.append("  [\(id) \(text(pack["version"]))] \(text(pack["verdict"]))")
                if case .array(let findings)? = pack["findings"] {
                    for finding in findings {
                        lines.append(
                            "    • \(text(finding["rule"])) → \(text(finding["verdict"] ?? finding["severity"]))"
                        )
                    }
                }
            }
        }
        if case .array(let conditions)? = json["conditions"], !conditions.isEmpty {
            lines.append("  Conditions:")
            for condition in conditions {
                lines.append("    - \(text(condition["en"] ?? condition["text"]))")
            }
        }
        for error in errors(in: json) {
            lines.append("  ! \(error)")
        }
        lines.append("")
        return lines.joined(separator: "\n")
    }
}
