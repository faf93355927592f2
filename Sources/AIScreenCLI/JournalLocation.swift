import ArgumentParser
import Foundation
import Journal
import Yams

/// Options shared by the journal commands: where the journal is.
///
/// The path comes from `--journal`, else `$AISCREEN_JOURNAL`, else `journal.path` in the config file, else
/// `aiscreen-journal.sqlite` in the working directory. The retention comes from `journal.retention_days` in the
/// config file (default 3650 days).
struct JournalLocation: ParsableArguments {
    @Option(name: .long, help: "The journal file (overrides $AISCREEN_JOURNAL and journal.path in the config).")
    var journal: String?

    @Option(
        name: .long,
        help:
            "Deployment config, for journal.path and journal.retention_days (default: config/aiscreen.yaml if present)."
    )
    var config: String?

    /// `journal.path` and `journal.retention_days` from the config file (nil when absent).
    func fileSettings() throws -> (path: String?, retentionDays: Int?) {
        let file = config ?? "config/aiscreen.yaml"
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
            if config != nil { throw configProblem("cannot read the config file '\(file)'") }
            return (nil, nil)
        }
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            throw configProblem("\(file): not valid YAML: \(error)")
        }
        guard let section = root?["journal"] else { return (nil, nil) }
        var path: String?
        var retention: Int?
        if let node = section["path"] {
            guard let text = node.string, !text.isEmpty else {
                throw configProblem("\(file): journal.path must be a file path")
            }
            path = text
        }
        if let node = section["retention_days"] {
            guard let days = node.int, days >= 1 else {
                throw configProblem("\(file): journal.retention_days must be a whole number of days ≥ 1")
            }
            retention = days
        }
        return (path, retention)
    }

    /// Prints a config problem; the command exits 1.
    private func configProblem(_ text: String) -> ExitCode {
        Console.error("error: " + text)
        return ExitCode.failure
    }

    /// The journal's path: flag, environment, config, default.
    func path(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> String {
        if let journal { return journal }
        if let path = environment["AISCREEN_JOURNAL"], !path.isEmpty { return path }
        return try fileSettings().path ?? JournalOptions.defaultPath
    }

    /// Opens the journal; prints the problem and exits 1 when it cannot.
    func open(readOnly: Bool) throws -> Journal {
        let path = try path()
        if readOnly, !FileManager.default.fileExists(atPath: path) {
            Console.error(
                "error: there is no journal at '\(path)' (give --journal, set AISCREEN_JOURNAL or journal.path)")
            throw ExitCode.failure
        }
        do {
            return try Journal(path: path, options: JournalOptions(readOnly: readOnly))
        } catch {
            Console.error("error: \(error)")
            throw ExitCode.failure
        }
    }
}

/// Runs a journal operation; prints a ``JournalError`` and exits 1 instead of a stack of Swift error text.
func journalOperation<T>(_ body: () throws(JournalError) -> T) throws -> T {
    do {
        return try body()
    } catch {
        Console.error("error: \(error)")
        throw ExitCode.failure
    }
}
