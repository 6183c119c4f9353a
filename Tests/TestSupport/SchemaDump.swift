import EventStore
import Foundation

/// `schema/current.sql` and the schema of a database as `tools/schema-dump`
/// prints it: pg_dump, normalised by that script alone.
public enum SchemaDump {
    static let committedFile = DatabaseTool.projectDirectory.appending(path: "schema/current.sql")

    /// The committed `schema/current.sql`.
    public static func committed() throws -> String {
        try String(contentsOf: committedFile, encoding: .utf8)
    }

    /// The normalised schema of the database at `url` (the owner role's).
    public static func normalised(_ url: DatabaseURL) async throws -> String {
        let tool = DatabaseTool.projectDirectory.appending(path: "tools/schema-dump").path()
        let run = try await ShellCommand.run(
            "MIGRATE_DATABASE_URL='\(url.connectionString)' '\(tool)' --print </dev/null"
        )
        guard run.status == 0 else { throw TestDatabaseError("tools/schema-dump --print failed (\(run.status))") }
        return run.output
    }

    /// `diff -u` from the committed file to `schema`, for a failure message.
    public static func differences(from schema: String) async throws -> String {
        let file = FileManager.default.temporaryDirectory.appending(path: "nps-schema-\(UUID().uuidString).sql")
        try schema.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        return try await ShellCommand.run("diff -u '\(committedFile.path())' '\(file.path())'").output
    }

    /// What a failing comparison tells the developer.
    public static func mismatch(_ schema: String, of what: String) async throws -> String {
        let differences = try await differences(from: schema)
        return """
            schema/current.sql is not the schema of \(what). If the change is intended, regenerate it \
            with ./tools/schema-dump and commit it. Differences (- committed, + database):
            \(differences)
            """
    }
}
