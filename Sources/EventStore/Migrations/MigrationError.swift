public enum MigrationError: Error, Equatable, CustomStringConvertible {
    /// A migration's file differs from the one the database applied.
    case changedAfterApplied(fileName: String, appliedChecksum: String, currentChecksum: String)
    /// The database has applied a migration this binary does not know: it is newer.
    case databaseNewerThanBinary(databaseVersion: Int, binaryVersion: Int)
    /// Two files share a number.
    case duplicateVersion(Int)
    /// The database is behind this binary (for a server started without migrating).
    case pending(databaseVersion: Int, binaryVersion: Int)
    /// The database's functions, views or triggers of these files (paths under
    /// `schema/`) are not this binary's (for a server started without migrating).
    case repeatablesPending(paths: [String])

    public var description: String {
        switch self {
        case .changedAfterApplied(let fileName, let applied, let current):
            "migration \(fileName) was changed after it was applied (applied checksum \(applied.prefix(12)), "
                + "file now \(current.prefix(12))); never edit a landed migration, add a new one"
        case .databaseNewerThanBinary(let databaseVersion, let binaryVersion):
            "the database is at migration \(databaseVersion), newer than this binary (\(binaryVersion)); "
                + "run a newer nps-collector"
        case .duplicateVersion(let version):
            "two migrations are numbered \(version)"
        case .pending(let databaseVersion, let binaryVersion):
            "the database is at migration \(databaseVersion) and this binary needs \(binaryVersion); run nps-collector migrate"
        case .repeatablesPending(let paths):
            "the database's definitions of \(paths.joined(separator: ", ")) are not this binary's; run nps-collector migrate"
        }
    }
}
