import ArgumentParser
import Foundation
import Journal
import RulePacks
import RulesEngine

struct JournalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "journal",
        abstract: "Check, prune and measure the journal of screening requests and verdicts.",
        discussion: helpText("""
            The journal is an SQLite file (WAL mode) in which every request and verdict is an entry of a hash chain.
            Its path comes from --journal, else $AISCREEN_JOURNAL, else journal.path in config/aiscreen.yaml, else
            aiscreen-journal.sqlite. 'aiscreen history' and 'aiscreen verdict' read it.
            """),
        subcommands: [JournalVerify.self, JournalPrune.self, JournalBench.self]
    )
}

struct JournalVerify: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Recompute the hash chain; print OK with the entry count and head, or the first broken entry.",
        discussion: helpText("""
            Exit status 0 when intact, 1 when an entry is broken (changed, deleted, reordered, cut from the end) or a
            stored pack text no longer gives the digest it is stored under.
            Keep the printed head (sequence number and hash) somewhere else: a later verify that ends at or past it
            with the same hash at that entry proves nothing before it was rewritten.
            """))

    @OptionGroup var location: JournalLocation

    func run() async throws {
        let journal = try location.open(readOnly: true)
        let report = try journalOperation { () throws(JournalError) in try journal.verify() }
        let range = report.firstSequence.map { first in " (\(first)…\(report.headSequence ?? first))" } ?? ""
        let pruned = report.prunedThrough.map { "; pruned through \($0)" } ?? ""
        if let broken = report.firstBroken {
            print("BROKEN: \(broken)")
            if let expected = broken.expectedHash, let stored = broken.storedHash {
                print("  stored hash     \(stored)\n  recomputed hash \(expected)")
            }
            print("  \(report.entryCount) entries before it are intact\(range)\(pruned)")
            throw ExitCode.failure
        }
        let head = report.headHash.map { ", head \(report.headSequence ?? 0) sha256:\($0)" } ?? ""
        // Pack texts are content-addressed: each must give the digest it is stored under (and verdicts record).
        let texts = try journalOperation { () throws(JournalError) in try journal.packTexts() }
        let changed = texts.filter { RecordedPackText(content: $0.content, overrides: $0.overrides).digest != $0.digest }
        if !changed.isEmpty {
            for text in changed { print("BROKEN: the stored text of pack \(TerminalText.escaped(text.packID))@\(TerminalText.escaped(text.version)) no longer gives its digest \(TerminalText.escaped(text.digest))") }
            print("  the hash chain is intact: \(report.entryCount) entries\(range)\(head)\(pruned)")
            throw ExitCode.failure
        }
        // Activations are a chain of their own.
        let activations = try journalOperation { () throws(JournalError) in try journal.verifyActivations() }
        if let broken = activations.firstBroken {
            print("BROKEN: pack activations: \(broken)")
            print("  \(activations.count) activation(s) before it are intact; the request chain is intact: \(report.entryCount) entries\(range)\(head)\(pruned)")
            throw ExitCode.failure
        }
        print("OK: \(report.entryCount) entries\(range)\(head)\(pruned); \(texts.count) pack text(s), each giving its digest; \(activations.count) pack activation(s), chained")
    }
}

struct JournalPrune: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prune",
        abstract: "Delete screenings completed more than N days ago; the chain stays verifiable.",
        discussion: helpText("""
            Deletes the oldest part of the chain — whole screenings completed before the cutoff — and appends a
            checkpoint entry holding the hash of the last deleted entry, from which 'aiscreen journal verify'
            starts. An unfinished (or newer) request keeps everything after it. Safe while the broker runs: the
            broker waits for the prune's transaction.
            """))

    @Option(
        name: .long,
        help: "Delete screenings completed more than this many days ago (default: journal.retention_days, 3650).")
    var olderThanDays: Int?

    @OptionGroup var location: JournalLocation

    func validate() throws {
        if let olderThanDays, olderThanDays < 0 { throw ValidationError("--older-than-days must be 0 or more") }
    }

    func run() async throws {
        let days = try olderThanDays ?? location.fileSettings().retentionDays ?? JournalOptions.defaultRetentionDays
        let journal = try location.open(readOnly: false)
        let now = JournalTimestamp.now()
        let cutoff = now.adding(days: -days)
        let summary = try journalOperation { () throws(JournalError) in try journal.prune(olderThan: cutoff, now: now) }
        if let through = summary.prunedThrough, let checkpoint = summary.checkpointSequence {
            print(
                "pruned \(summary.deletedEntries) entries (\(summary.deletedRequests) screenings) completed before \(cutoff); "
                    + "checkpoint entry \(checkpoint) anchors the chain after entry \(through)")
        } else {
            print("nothing to prune: no screening completed before \(cutoff) is at the start of the chain")
        }
        if let request = summary.heldBackBy {
            print("kept from request '\(request)' on (unfinished, or completed after the cutoff)")
        }
    }
}
