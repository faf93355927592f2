import ArgumentParser

struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Measure pack evaluation speed (see BENCHMARKS.md).")
    func run() async throws {}
}
