import ArgumentParser

struct Up: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the broker and the worker pools in one process.")
}
