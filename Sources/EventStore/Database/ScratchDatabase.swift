import Foundation
import Logging
import PostgresNIO

/// A throw-away database on the same server, created by a role with CREATEDB
/// (the owner role of the embedded cluster): tests and benchmarks each get
/// their own, migrated, and never touch the real one.
public enum ScratchDatabase {
    /// Creates `<prefix>_<random>` owned by the connecting role and returns its URL.
    public static func create(using ownerURL: DatabaseURL, prefix: String, logger: Logger) async throws -> DatabaseURL {
        let name = "\(prefix)_\(UUID().uuidString.prefix(8).lowercased())"
        precondition(isSafe(name), "unsafe database name \(name)")
        try await withPostgresClient(ownerURL, maximumConnections: 1, logger: logger) { client in
            try await client.query("CREATE DATABASE \(unescaped: name)", logger: logger)
        }
        return ownerURL.with(database: name)
    }

    /// Drops the database once the sessions of clients that have just closed
    /// are gone: their backends exit a moment after the client does, and the
    /// owner may not terminate another role's sessions (WITH (FORCE) would).
    public static func drop(_ url: DatabaseURL, using ownerURL: DatabaseURL, logger: Logger) async throws {
        precondition(isSafe(url.database), "unsafe database name \(url.database)")
        try await withPostgresClient(ownerURL, maximumConnections: 1, logger: logger) { client in
            for attempt in 1...100 {
                do {
                    try await client.query("DROP DATABASE IF EXISTS \(unescaped: url.database)", logger: logger)
                    return
                } catch let error as PSQLError where error.serverInfo?[.sqlState] == "55006" && attempt < 100 {
                    try await Task.sleep(for: .milliseconds(100))  // object_in_use: sessions still closing
                }
            }
        }
    }

    /// Names go into CREATE/DROP DATABASE unquoted, so only letters, digits and `_` pass.
    private static func isSafe(_ name: String) -> Bool {
        name.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" }
    }
}
