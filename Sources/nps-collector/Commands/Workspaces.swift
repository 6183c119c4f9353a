import ArgumentParser
import CollectorServer
import EventStore
import Ingest

struct Workspaces: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Register workspaces.",
        subcommands: [Register.self]
    )

    struct Register: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Append WorkspaceRegistered and print a new workspace token (shown once)."
        )

        @Argument(help: "The workspace id: Rocket.Chat's uniqueId.")
        var workspaceID: String

        func run() async throws {
            let token = try await Environment.withServices("nps-collector.workspaces") { services in
                do {
                    return try await services.workspaces.register(workspaceID, metadata: .init(sender: "cli"))
                } catch let error as InvalidWorkspaceID {
                    throw ValidationError(error.description)
                }
            }
            print(token.token)
        }
    }
}
