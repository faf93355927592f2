import ArgumentParser
import Foundation
import Journal

struct JournalBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure journal commits per second with batches of 1, 10 and 100 writes on this disk.",
        discussion: helpText("""
            Creates a scratch journal in --dir (default: the working directory, so it measures the disk the journal
            lives on), then for each batch size commits for --seconds: half the writes accept new requests (an
            example request body), half complete those of the previous batch (a 3 KiB result, three packs), as the
            broker does. Prints commits/s, entries/s and commit latency percentiles, and how fast verify reads the
            result back, then deletes the scratch files.
            """))

    @Option(name: .long, help: "Folder for the scratch journal.")
    var dir: String = "."

    @Option(name: .long, help: "Seconds per batch size.")
    var seconds: Double = 3

    @Option(name: .long, help: "Batch sizes to measure.")
    var batch: [Int] = [1, 10, 100]

    func run() async throws {
        let path = (dir as NSString).appendingPathComponent("aiscreen-journal-bench-\(getpid()).sqlite")
        defer {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        }
        let journal = try journalOperation { () throws(JournalError) in try Journal(path: path) }
        let body = Self.exampleBody()
        let result = Array(String(repeating: "{\"verdict\":\"approved\"}", count: 128).utf8)
        let packs = ["ai-act", "gdpr", "workplace"].map {
            PackRevision(id: $0, version: "1.0.0", digest: String(repeating: "ab", count: 32))
        }
        print(
            "journal bench: \(path), synchronous=FULL, request body \(body.count) bytes, result \(result.count) bytes")
        var next = 0
        for size in batch where size >= 1 {
            var open: [String] = []
            var latencies: [Duration] = []
            var entries = 0
            let clock = ContinuousClock()
            let start = clock.now
            while clock.now - start < .milliseconds(Int(seconds * 1000)) {
                var writes: [JournalWrite] = []
                let now = JournalTimestamp.now()
                // Complete what the previous batch accepted, then accept as many new requests (1: alternate).
                let completing = size == 1 ? (open.isEmpty ? 0 : 1) : min(open.count, size / 2)
                for id in open.prefix(completing) {
                    writes.append(
                        .completed(
                            CompletedScreening(
                                requestID: id, verdict: "approved", result: result, packs: packs, completedAt: now)))
                }
                open.removeFirst(completing)
                while writes.count < size {
                    next += 1
                    let id = "bench-\(next)"
                    writes.append(
                        .accepted(
                            AcceptedRequest(
                                requestID: id, service: "screen", body: body, receivedAt: now, principal: "bench",
                                department: "IT")))
                    open.append(id)
                }
                let began = clock.now
                try journalOperation { () throws(JournalError) in try journal.commit(writes) }
                latencies.append(clock.now - began)
                entries += writes.count
            }
            let elapsed = Self.seconds(clock.now - start)
            latencies.sort()
            func percentile(_ p: Double) -> String {
                let d = latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))]
                return String(format: "%.2f ms", Self.seconds(d) * 1000)
            }
            print(
                String(
                    format: "batch %3d: %8.0f commits/s  %9.0f entries/s  latency p50 %@  p99 %@",
                    size, Double(latencies.count) / elapsed, Double(entries) / elapsed, percentile(0.5),
                    percentile(0.99)))
        }
        let clock = ContinuousClock()
        let began = clock.now
        let report = try journalOperation { () throws(JournalError) in try journal.verify() }
        let took = Self.seconds(clock.now - began)
        print(
            String(
                format: "verify: %@, %d entries in %.2f s (%.0f entries/s)", report.isIntact ? "OK" : "BROKEN",
                report.entryCount, took, Double(report.entryCount) / took))
        try journalOperation { () throws(JournalError) in try journal.close() }
    }

    /// The first example request if there is one, else 2 KiB of JSON.
    static func exampleBody() -> [UInt8] {
        let folder = "examples/requests"
        if let name = (try? FileManager.default.contentsOfDirectory(atPath: folder))?.filter({ $0.hasSuffix(".json") })
            .sorted().first,
            let data = FileManager.default.contents(atPath: folder + "/" + name)
        {
            return [UInt8](data)
        }
        return Array(("{\"padding\":\"" + String(repeating: "x", count: 2030) + "\"}").utf8)
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }
}
