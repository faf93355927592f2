import ArgumentParser

// Placeholders, replaced by the worker/client work.
struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "worker", abstract: "Run a pack worker.")
}

struct Submit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Submit requests to the broker.")
}

struct Watch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print published verdicts.")
}
