import Foundation
import PackagePlugin

/// Compiles the schema into the target as Swift source, so the binary
/// carries its SQL and never looks for files at run time: the numbered
/// migrations `schema/NNNN_name.sql` and the repeatable definitions in
/// `schema/functions`, `schema/views` and `schema/triggers`.
@main
struct EmbedMigrations: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: any Target) throws -> [Command] {
        let schemaDirectory = context.package.directoryURL.appending(path: "schema")
        // Numbered files only: schema/ also holds current.sql, a dump for readers.
        let numbered = try sqlFiles(in: schemaDirectory).filter { $0.lastPathComponent.first?.isNumber == true }
        let repeatable = try ["functions", "views", "triggers"].flatMap {
            try sqlFiles(in: schemaDirectory.appending(path: $0))
        }
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedMigrations.swift")
        return [
            .buildCommand(
                displayName:
                    "Embedding \(numbered.count) migrations and \(repeatable.count) repeatable files from schema/",
                executable: try context.tool(named: "embed-migrations").url,
                arguments: [output.path()] + (numbered + repeatable).map { $0.path() },
                inputFiles: numbered + repeatable,
                outputFiles: [output]
            )
        ]
    }

    private func sqlFiles(in directory: URL) throws -> [URL] {
        try FileManager.default
            .contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "sql" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }
}
