import EventStore
import Foundation
import Logging

/// `./tools/db` in a folder of its own, as a developer runs it.
public struct DatabaseTool: Sendable {
    public static let projectDirectory = URL(filePath: #filePath).deletingLastPathComponent()
        .appending(path: "../..").standardized

    public let folder: URL

    public init(folder: URL = FileManager.default.temporaryDirectory.appending(path: "nps-db-\(UUID().uuidString)")) {
        self.folder = folder
    }

    public typealias Run = ShellCommand.Run

    /// Runs the tool with `arguments` (standard error discarded).
    public func callAsFunction(_ arguments: String...) async throws -> Run {
        try await ShellCommand.run(commandLine(arguments))
    }

    /// `destroy`, blocking: for a `defer`, where nothing can be awaited.
    public func destroyNow() {
        _ = try? ShellCommand.runBlocking(commandLine(["destroy"]))
    }

    private func commandLine(_ arguments: [String]) -> String {
        let tool = Self.projectDirectory.appending(path: "tools/db").path()
        return "NPS_DB_DIR='\(folder.path())' '\(tool)' \(arguments.joined(separator: " ")) 2>/dev/null </dev/null"
    }

    /// The URLs `start` printed.
    public func start() async throws -> (app: String, owner: String) {
        let run = try await self("start")
        guard run.status == 0 else { throw TestDatabaseError("tools/db start failed") }
        var urls: [String: String] = [:]
        for line in run.output.split(separator: "\n") {
            let parts = line.split(separator: "=", maxSplits: 1).map(String.init)
            if parts.count == 2 { urls[parts[0]] = parts[1] }
        }
        guard let app = urls["DATABASE_URL"], let owner = urls["MIGRATE_DATABASE_URL"] else {
            throw TestDatabaseError("tools/db start printed no URLs")
        }
        return (app, owner)
    }

    /// Starts the cluster and applies the migrations; returns its URLs.
    public func startMigrated() async throws -> (app: String, owner: String) {
        let urls = try await start()
        try await withPostgresClient(try DatabaseURL(urls.owner), logger: .quiet) { owner in
            try await MigrationRunner(logger: .quiet).migrate(owner)
        }
        return urls
    }
}

extension Logger {
    /// For tests: only critical messages.
    public static var quiet: Logger {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        return logger
    }
}
