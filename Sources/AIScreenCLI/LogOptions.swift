public import ArgumentParser
import Foundation
import Logging
import Observability

/// `--log-format` of the long-running commands (`up`, `broker`, `worker`): how their log lines on standard error
/// look. The one place the process's swift-log backend is chosen; libraries only receive a `Logger`.
struct LogOptions: ParsableArguments {
    @Option(name: .long, help: "Log lines on stderr: json (one object per line: ts, level, event, source and the event's facts; the default) or text (for people). Overrides AISCREEN_LOG_FORMAT.")
    var logFormat: LogFormat?

    /// Sets the process's log backend (once, before any logger is made).
    func bootstrap(environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        var format = LogFormat.json
        if let text = environment["AISCREEN_LOG_FORMAT"], !text.isEmpty {
            guard let parsed = LogFormat(rawValue: text) else { throw ValidationError("AISCREEN_LOG_FORMAT must be json or text, not '\(text)'") }
            format = parsed
        }
        if let logFormat { format = logFormat }
        let chosen = format
        LoggingSystem.bootstrap { label in LogLineHandler(label: label, format: chosen) }
    }
}

extension LogFormat: ExpressibleByArgument {}
