import Logging
import PostgresNIO

/// One owner per projection across every process on the database: a
/// session-level advisory lock (class 3, key hashtext(name)) on the
/// connection the owner projects with. When the owner dies its connection
/// closes and the lock goes with it, and the next process that asks gets it.
/// Class 1 is the migrations' lock, class 2 the streams'.
enum ProjectionOwnership {
    static let lockClass: Int32 = 3
    private static let lock = SessionAdvisoryLock(lockClass: lockClass)

    static func tryAcquire(_ name: String, on connection: PostgresConnection, logger: Logger) async throws -> Bool {
        try await lock.tryAcquire(name, on: connection, logger: logger)
    }

    /// Must run before the connection goes back to the pool, or the lock would stay with it.
    static func release(_ name: String, on connection: PostgresConnection, logger: Logger) async throws {
        try await lock.release(name, on: connection, logger: logger)
    }

    /// SQL that is true while some session of this database holds the lock of
    /// the projection named by the column `nameColumn`.
    static func isHeldSQL(nameColumn: String) -> String {
        """
        EXISTS (SELECT FROM pg_locks l
                 WHERE l.locktype = 'advisory' AND l.granted
                   AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
                   AND l.classid = \(lockClass) AND l.objid = hashtext(\(nameColumn))::oid AND l.objsubid = 2)
        """
    }
}
