import ArgumentParser

@main
struct NPSCollector: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nps-collector",
        abstract: "Event-sourced NPS statistics collector for Rocket.Chat workspaces.",
        subcommands: [Serve.self, Migrate.self, Bench.self]
    )
}
