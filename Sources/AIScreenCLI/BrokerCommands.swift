import ArgumentParser

// Placeholders, replaced by the broker work.
struct BrokerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "broker", abstract: "Run the broker.")
}

struct Up: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the broker and the worker pools.")
}
