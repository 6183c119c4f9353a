import ArgumentParser
import CollectorServer
import EventStore
import Foundation
import Ingest

struct Tokens: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Make and revoke analyst and admin tokens.",
        subcommands: [Create.self, Revoke.self]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a new token (shown once) and, on standard error, its id for revoking."
        )

        @Option(help: "analyst (reads figures) or admin (campaigns, workspaces, tokens).")
        var scope: String

        @Option(help: "A note for whoever lists tokens later.")
        var label = ""

        func run() async throws {
            guard let scope = Scope(rawValue: scope), scope != .workspace else {
                throw ValidationError("--scope is analyst or admin; workspace tokens come from `workspaces register`")
            }
            let token = try await EnvironmentSettings.withServices("nps-collector.tokens") { services in
                try await services.tokens.create(scope: scope, label: label)
            }
            FileHandle.standardError.write(Data("token id: \(token.id.uuidString.lowercased())\n".utf8))
            print(token.token)
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a token by its id.")

        @Argument(help: "The token's id (printed when it was made).")
        var id: String

        func run() async throws {
            guard let uuid = UUID(uuidString: id) else { throw ValidationError("\(id) is not a token id") }
            let revoked = try await EnvironmentSettings.withServices("nps-collector.tokens") { services in
                try await services.tokens.revoke(id: uuid)
            }
            guard revoked else { throw ValidationError("no live token with id \(id)") }
            print("revoked \(id)")
        }
    }
}
