import ArgumentParser
import Foundation
import RulePacks
import RulesEngine
import Journal

struct PackCheck: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate rule packs and report every problem as file:line:column: severity: [code] message.",
        discussion: helpText("""
            Exits non-zero if any pack has an error. Warnings (unused definitions or parameters; with a journal, a \
            version the journal knows with other content) are printed but do not fail.
            """))

    @Argument(help: "Pack folders, pack.yaml files, or folders of packs.")
    var paths: [String] = ["rules"]

    @OptionGroup var options: PackOptions

    @Option(name: .long, help: "The journal to compare versions with (default: $AISCREEN_JOURNAL, else journal.path of the config, if the file exists).")
    var journal: String?

    func run() async throws {
        let loader = try options.loader()
        let journal = openJournal()
        let (directories, missing) = PackLoader.discover(paths)
        var errors = missing.count
        var warnings = 0
        for path in missing { print("error: no rule pack at '\(path)' (expected a folder with pack.yaml)") }
        for directory in directories {
            let loaded = loader.load(directory: directory)
            for d in loaded.diagnostics { print(d.description) }
            errors += loaded.errors.count
            warnings += loaded.warnings.count
            if let pack = loaded.pack {
                let versionWarnings = VersionCheck.warnings(pack, directory: directory, journal: journal)
                for d in versionWarnings { print(d.description) }
                warnings += versionWarnings.count
                print("\(directory): ok — pack \(pack.id) \(pack.version), \(pack.ruleIDs.count) rules, \(pack.digest.prefix(19))…")
            }
        }
        print("\(directories.count) pack(s): \(errors) error(s), \(warnings) warning(s)")
        if errors > 0 { throw ExitCode.failure }
    }

    /// The journal, read-only, if one is named or found; nil otherwise (the version check is then skipped).
    private func openJournal() -> Journal? {
        var path = journal ?? ProcessInfo.processInfo.environment["AISCREEN_JOURNAL"].flatMap { $0.isEmpty ? nil : $0 }
        if path == nil {
            var location = JournalLocation()
            location.config = options.config
            path = (try? location.fileSettings().path) ?? JournalOptions.defaultPath
        }
        guard let path, FileManager.default.fileExists(atPath: path) else { return nil }
        return try? Journal(path: path, options: JournalOptions(readOnly: true))
    }
}

struct PackTest: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Run each pack's test cases (rules/<pack>/tests/*.yaml) and report failures and rule coverage.",
        discussion: helpText("""
            Each case runs with the pack's own parameter defaults (unless the case sets parameters itself), so the \
            shipped cases stay true whatever a deployment overrides; --config FILE tests with that deployment's \
            overrides instead, and says so. Exits non-zero when a case fails, a test file is broken, or (with \
            --require-coverage) a rule is fired by no case.
            """))

    @Argument(help: "Pack folders, pack.yaml files, or folders of packs.")
    var paths: [String] = ["rules"]

    @Flag(help: "Fail when a rule is fired by no test case.")
    var requireCoverage = false

    @Flag(name: .shortAndLong, help: "List every case, not only failures.")
    var verbose = false

    @Option(name: .long, help: "Test with the parameter overrides of this deployment config (default: the packs' own defaults).")
    var config: String?

    func run() async throws {
        // Not the deployment config by default: a local value must not make the shipped cases fail.
        let runner = PackTestRunner(loader: try PackOptions(config: config).loader(default: nil))
        if let config { print("testing with the parameter overrides of \(config)") }
        let (directories, missing) = PackLoader.discover(paths)
        for path in missing { print("error: no rule pack at '\(path)'") }
        var failed = !missing.isEmpty
        for directory in directories {
            let report = runner.run(directory: directory)
            for d in report.diagnostics { print(d.description) }
            for result in report.results where verbose || !result.passed {
                print("\(result.passed ? "PASS" : "FAIL") \(result.testCase.location): \(result.testCase.name)")
                for line in result.failures { print("    \(line)") }
            }
            let covered = report.ruleCount - report.uncoveredRules.count
            let percent = report.ruleCount == 0 ? 0 : covered * 100 / report.ruleCount
            print("\(report.pack): \(report.results.count - report.failed.count)/\(report.results.count) cases passed; rule coverage \(covered)/\(report.ruleCount) (\(percent)%)")
            if !report.uncoveredRules.isEmpty {
                print("  rules no case fires: \(report.uncoveredRules.joined(separator: ", "))")
            }
            if !report.succeeded || (requireCoverage && !report.uncoveredRules.isEmpty) { failed = true }
        }
        if failed { throw ExitCode.failure }
    }
}

struct PackEval: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Evaluate one pack: JSON requests in, one per line (stdin or a file); one pack verdict JSON per line out.",
        discussion: "A line that is not a valid request gives {\"error\": …, \"line\": N} on stdout and a message on stderr; the exit status is then 1, after all lines.")

    @Argument(help: "The pack folder.")
    var pack: String

    @Argument(help: "A file of JSON lines (default: standard input).")
    var input: String?

    @OptionGroup var options: PackOptions

    func run() async throws {
        let compiled = try options.loader().loadAll([pack], printWarnings: false)
        guard let pack = compiled.first else { throw ExitCode.failure }
        let decoder = RequestDecoder(schema: pack.schema)
        var failed = false
        var number = 0
        let lines: AnySequence<String>
        if let input {
            guard let text = try? String(contentsOfFile: input, encoding: .utf8) else {
                throw ValidationError("cannot read '\(input)'")
            }
            lines = AnySequence(text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init))
        } else {
            lines = AnySequence(AnyIterator { readLine() })
        }
        for line in lines {
            number += 1
            if line.allSatisfy(\.isWhitespace) { continue }
            do {
                let request = try decoder.decode(json: line)
                print(JSONWriter.string(pack.evaluate(request).json))
            } catch {
                failed = true
                Console.error("line \(number): \(error.description.replacingOccurrences(of: "\n", with: "; "))")
                print(JSONWriter.string(.object([("line", .int(Int64(number))), ("error", .string(error.description))])))
            }
        }
        if failed { throw ExitCode.failure }
    }
}
