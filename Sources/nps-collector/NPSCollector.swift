import ArgumentParser
import PostgresNIO

@main
struct NPSCollector: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nps-collector",
        abstract: "Event-sourced NPS statistics collector for Rocket.Chat workspaces.",
        subcommands: [
            Serve.self, Project.self, ProjectionsCommand.self, Replay.self, Migrate.self, Workspaces.self, Tokens.self,
            Campaigns.self,
            Quarantine.self, Settings.self, Simulate.self, Bench.self,
        ]
    )

    /// As ArgumentParser's, but a database error is shown in full: PSQLError's
    /// description hides the server's message, which the operator at the
    /// terminal needs (it holds no credentials).
    static func main() async {
        do {
            try EnvironmentSettings.loadConfigurationFile()
            var command = try parseAsRoot()
            if var command = command as? any AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch let error as PSQLError {
            exit(withError: DatabaseFailure(description: String(reflecting: error)))
        } catch {
            exit(withError: error)
        }
    }
}

struct DatabaseFailure: Error, CustomStringConvertible {
    var description: String
}
