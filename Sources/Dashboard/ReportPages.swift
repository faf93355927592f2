import Reports

/// The small pages around the MED report: a screening that is not there or has no verdict yet. Escaped like the
/// report itself.
enum ReportPages {
    static func notFound(_ language: Language) -> String {
        language == .da ? "Journalen har ingen screening med dette id." : "The journal has no screening with this request id."
    }

    static func problem(_ message: String, language: Language) -> String {
        let title = language == .da ? "MED-rapport" : "MED report"
        return "<!doctype html><html lang=\"\(language.rawValue)\"><head><meta charset=\"utf-8\"><title>\(title)</title>"
            + "<link rel=\"stylesheet\" href=\"/report.css\"></head><body><main><h1>\(title)</h1><p>"
            + HTMLText.escaped(message) + "</p><p><a href=\"/\">aiscreen</a></p></main></body></html>\n"
    }
}
