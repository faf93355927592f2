import ArgumentParser
import Foundation
import RulePacks
import RulesEngine

struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure rule-pack evaluation speed on one thread (numbers go in BENCHMARKS.md).",
        discussion: helpText("""
            Generates a corpus of varied, schema-valid requests (seeded, so every run sees the same corpus) or reads \
            one (--corpus, JSON lines), then times, single-threaded: full screenings from JSON text (decode + every \
            pack + combination), each pack from JSON text, each pack from an already decoded request, rendering \
            (each pack's result as a worker sends it, the combined result as screen --json prints it: evidence and \
            next steps worked out, written as bytes) and decoding alone. --stage decode|evaluate|render times one \
            stage only. Pin it to one core for stable numbers: taskset -c 1 aiscreen bench.

            With --external-protocol it speaks the side-by-side engine benchmark's protocol \
            (../shared/bench/engines): it reads $BENCH_CORPUS, writes {"tier","rule_ids"} per request to \
            $BENCH_OUT, and prints {"evals_per_sec": …} measured from JSON text.
            """))

    @Option(name: .long, help: "Folder of rule packs (or one pack).")
    var rules: String = "rules"

    @Option(name: .long, help: "JSON-lines corpus to use instead of a generated one.")
    var corpus: String?

    @Option(name: .long, help: "Requests to generate.")
    var count: Int = 10_000

    @Option(name: .long, help: "Seconds to time each measurement.")
    var seconds: Double = 3

    @Option(name: .long, help: "Seed of the generated corpus.")
    var seed: UInt64 = 20_261_127

    @Option(name: .long, help: "Which stages to time: all, decode, evaluate or render.")
    var stage: BenchStage = .all

    @Flag(help: "Speak the ../shared/bench/engines external-engine protocol (uses $BENCH_CORPUS and $BENCH_OUT).")
    var externalProtocol = false

    @OptionGroup var options: PackOptions

    func run() async throws {
        let packs = try options.loader().loadAll([rules], printWarnings: false)
        guard let schema = packs.first?.schema else { throw ValidationError("no packs under '\(rules)'") }
        if externalProtocol {
            try runExternal(packs)
            return
        }
        let lines = try loadCorpus(schema)
        let screener = Screener(packs: packs)
        let decoder = RequestDecoder(schema: schema)
        let decoded = try lines.map { line in try decoder.decode(json: line) }
        let totalBytes = lines.reduce(0) { $0 + $1.utf8.count }
        print("corpus: \(lines.count) requests, mean \(totalBytes / max(1, lines.count)) bytes; packs: \(packs.map { "\($0.id) (\($0.ruleIDs.count) rules)" }.joined(separator: ", "))")
        var results: [(String, Double)] = []
        if stage.includes(.evaluate) {
            results.append(("screening, all packs, from JSON text", measure(lines.count) { i in _ = try? screener.screen(json: lines[i]) }))
            for pack in packs {
                results.append((
                    "\(pack.id), from JSON text",
                    measure(lines.count) { i in
                        if let request = try? decoder.decode(json: lines[i]) { _ = pack.evaluate(request) }
                    }))
                results.append(("\(pack.id), from decoded request", measure(decoded.count) { i in _ = pack.evaluate(decoded[i]) }))
            }
        }
        if stage.includes(.render) {
            // What a worker sends (its FINAL body) and what screen --json prints: evaluation with evidence and
            // next steps worked out, written as bytes.
            results.append((
                "screening rendered (screen --json bytes), decoded",
                measure(decoded.count) { i in _ = JSONWriter.bytes(screener.screen(decoded[i])) }))
            for pack in packs {
                results.append((
                    "\(pack.id) rendered (worker FINAL body), decoded",
                    measure(decoded.count) { i in _ = JSONWriter.bytes(pack.evaluate(decoded[i])) }))
            }
        }
        if stage.includes(.decode) {
            results.append(("decode only (JSON text → validated request)", measure(lines.count) { i in _ = try? decoder.decode(json: lines[i]) }))
        }
        for (name, rate) in results {
            print(String(format: "%-52@ %12.0f evals/s  (%6.2f µs each)", name as NSString, rate, 1e6 / rate))
        }
        print("peak resident memory: \(String(format: "%.1f", Double(Self.peakRSSKiB()) / 1024)) MiB")
        let jsonResults = results.map { ($0.0, JSONValue.double(($0.1).rounded())) }
        print(JSONWriter.string(.object([("evals_per_sec", .object(jsonResults)), ("peak_rss_kib", .int(Int64(Self.peakRSSKiB())))])))
    }

    private func loadCorpus(_ schema: SchemaNode) throws -> [String] {
        if let corpus {
            guard let text = try? String(contentsOfFile: corpus, encoding: .utf8) else { throw ValidationError("cannot read '\(corpus)'") }
            return text.split(separator: "\n").map(String.init)
        }
        var generator = CorpusGenerator(seed: seed)
        return (0..<count).map { JSONWriter.string(generator.request(schema, index: $0)) }
    }

    /// Runs `body` round-robin over the corpus for about `seconds`; returns calls per second.
    private func measure(_ n: Int, _ body: (Int) -> Void) -> Double {
        for i in 0..<min(n, 2_000) { body(i) }  // warm-up
        let clock = ContinuousClock()
        let start = clock.now
        var calls = 0
        var elapsed = Duration.zero
        let limit = Duration.milliseconds(Int(seconds * 1000))
        repeat {
            for i in 0..<n { body(i) }
            calls += n
            elapsed = clock.now - start
        } while elapsed < limit
        let secondsElapsed = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return Double(calls) / secondsElapsed
    }

    private func runExternal(_ packs: [CompiledPack]) throws {
        let environment = ProcessInfo.processInfo.environment
        guard let corpusPath = environment["BENCH_CORPUS"], let outPath = environment["BENCH_OUT"] else {
            throw ValidationError("--external-protocol needs BENCH_CORPUS and BENCH_OUT in the environment")
        }
        guard packs.count == 1, let pack = packs.first else { throw ValidationError("--external-protocol runs exactly one pack (--rules <pack folder>)") }
        guard let text = try? String(contentsOfFile: corpusPath, encoding: .utf8) else { throw ValidationError("cannot read \(corpusPath)") }
        let lines = text.split(separator: "\n").map(String.init)
        let decoder = RequestDecoder(schema: pack.schema)
        var out = ""
        for (number, line) in lines.enumerated() {
            do {
                let verdict = pack.evaluate(try decoder.decode(json: line))
                let tier = verdict.output("tier") ?? .null
                let ids = verdict.findings.map(\.rule).sorted().map(JSONValue.string)
                out += JSONWriter.string(.object([("tier", tier), ("rule_ids", .array(ids))])) + "\n"
            } catch {
                throw ValidationError("corpus line \(number + 1): \(error)")
            }
        }
        let folder = (outPath as NSString).deletingLastPathComponent
        if !folder.isEmpty { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
        try out.write(toFile: outPath, atomically: true, encoding: .utf8)
        let rate = measure(lines.count) { i in
            if let request = try? decoder.decode(json: lines[i]) { _ = pack.evaluate(request) }
        }
        print(JSONWriter.string(.object([("evals_per_sec", .double(rate.rounded())), ("peak_rss_kib", .int(Int64(Self.peakRSSKiB())))])))
    }

    static func peakRSSKiB() -> Int {
        var usage = rusage()
        getrusage(Int32(RUSAGE_SELF.rawValue), &usage)
        return usage.ru_maxrss
    }
}

/// The stages `aiscreen bench --stage` can time on their own.
enum BenchStage: String, ExpressibleByArgument, CaseIterable {
    case all, decode, evaluate, render

    func includes(_ stage: BenchStage) -> Bool { self == .all || self == stage }
}
