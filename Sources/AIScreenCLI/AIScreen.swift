import ArgumentParser

@main
struct AIScreen: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "aiscreen",
        abstract: "Screen AI tools against GDPR, the EU AI Act and Danish workplace rules before a municipality adopts them.",
        discussion: helpText("""
            Rule packs live in rules/<pack>/pack.yaml (see rules/README.md). Requests are JSON documents following
            config/schema/ai-tool-request.v1.1.json (v1.0 requests are valid v1.1 requests).

            Start with:
              aiscreen pack check rules/        validate the rule packs
              aiscreen pack test rules/         run the packs' test cases
              aiscreen screen examples/requests/*.json
            """),
        subcommands: [Pack.self, Screen.self, Up.self, BrokerCommand.self, WorkerCommand.self, Submit.self, Watch.self, Status.self, Keys.self, Bench.self, Load.self, JournalCommand.self, History.self, VerdictCommand.self, ReportCommand.self]
    )
}

struct Pack: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check, test, evaluate, bundle and verify rule packs.",
        subcommands: [PackCheck.self, PackTest.self, PackEval.self, PackImpact.self, PackVersions.self, PackShow.self, PackBundleCommand.self, PackVerifyCommand.self, PackDeploy.self, PackRollback.self]
    )
}
