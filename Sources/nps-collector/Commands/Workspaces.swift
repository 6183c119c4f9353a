import ArgumentParser
import CollectorServer
import EventStore
import Ingest
import NPSDomain
import Projections

struct Workspaces: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Register workspaces; erase one for privacy.",
        subcommands: [Register.self, Purge.self]
    )

    struct Register: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Append WorkspaceRegistered and print a new workspace token (shown once)."
        )

        @Argument(help: "The workspace id: Rocket.Chat's uniqueId.")
        var workspaceID: String

        func run() async throws {
            let token = try await EnvironmentSettings.withServices("nps-collector.workspaces") { services in
                do {
                    return try await services.workspaces.register(workspaceID, metadata: .init(sender: "cli"))
                } catch let error as InvalidWorkspaceID {
                    throw ValidationError(error.description)
                }
            }
            print(token.token)
        }
    }

    struct Purge: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Erase a workspace: its events leave the log, a tombstone stays; every read model is rebuilt.",
            discussion: """
                Deletes every event of the workspace through purge_workspace, the one
                audited way out of the log (event_log_purges records who and when),
                appends WorkspacePurged (who, how many events), forgets its vote keys
                and quarantined uploads, revokes its tokens, then replays every read
                model so that no figure includes it. Cannot be undone. Uses
                MIGRATE_DATABASE_URL (the owner role).
                """
        )

        @Argument(help: "The workspace id.")
        var workspaceID: String

        @Flag(help: "Required: the erasure cannot be undone.")
        var confirm = false

        @Option(help: "Who asks, for the tombstone and the audit (default: cli: and the operating-system user).")
        var requestedBy: String?

        @Flag(help: "Print a JSON summary of the rebuild on standard output.")
        var json = false

        @OptionGroup var projection: ProjectionOptions

        func validate() throws {
            guard confirm else { throw ValidationError("purging cannot be undone: add --confirm") }
        }

        func run() async throws {
            let logger = EnvironmentSettings.logger("nps-collector.workspaces")
            let owner = try EnvironmentSettings.migrateDatabaseURL()
            let outcome = try await withPostgresClient(owner, maximumConnections: 1, logger: logger) { client in
                do {
                    let purge = WorkspacePurge(owner: client, logger: logger)
                    guard try await purge.hasEvents(workspaceID) else {
                        throw ValidationError(
                            "the log holds no event of workspace \(workspaceID): nothing to purge "
                                + "(a typo, or purged already)")
                    }
                    return try await purge.purge(workspaceID, requestedBy: requestedBy ?? OperatingSystemUser.requester)
                } catch let error as InvalidWorkspaceID {
                    throw ValidationError(error.description)
                }
            }
            ReplayProgressDisplay.note(
                "purged \(outcome.purgedEvents) events of \(workspaceID); tombstone \(outcome.tombstoneID) at "
                    + "position \(outcome.tombstonePosition); rebuilding every read model")
            do {
                let summary = try await ReplayRun(
                    readModels: ProjectionCatalog.readModels, mode: .swap, owner: owner,
                    configuration: try projection.configuration()
                ).run(logger: logger)
                if json { print(try EventJSON.encode(summary)) }
            } catch {
                // The purge has committed: only the read models are behind, and a replay catches them up.
                ReplayProgressDisplay.note(
                    "the workspace is gone from the log, but rebuilding the read models failed: "
                        + "run `nps-collector replay --all`")
                throw error
            }
        }
    }
}
