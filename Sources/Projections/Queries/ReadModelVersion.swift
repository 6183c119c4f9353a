import Foundation
import Logging
import PostgresNIO

/// Where the read models stand: a tag that changes whenever any projection
/// moves, is rebuilt by a replay, or a workspace is purged (the answers'
/// ETag, and the key of the answer cache), and the oldest checkpoint among
/// them, which every answer reflects at least.
public struct ReadModelVersion: Sendable, Equatable {
    /// md5 over every projection's name, version, rebuilds and checkpoint, and the number of purges.
    public var tag: String
    /// The smallest log position any projection has applied through.
    public var position: Int64
    /// When the event at `position` was recorded; nil before the first event.
    public var time: Date?
    /// Workspaces purged so far: an answer from before a purge is never served after it.
    public var purges: Int64 = 0
}

public struct ReadModelVersionQuery: Sendable {
    public let client: any ReadModelSource
    public let logger: Logger

    public init(client: any ReadModelSource, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    public func current() async throws -> ReadModelVersion {
        let rows = try await client.rows(
            """
            WITH checkpoints AS (
                SELECT coalesce(string_agg(name || ':' || version || ':' || rebuilds || ':' || transaction_id::text
                                           || ':' || position, ',' ORDER BY name), '') AS names,
                       coalesce(min(position), 0) AS position
                  FROM projections),
            purges AS (SELECT count(*) AS count FROM event_log_purges)
            SELECT md5(c.names || ':' || p.count), c.position, e.recorded_at, p.count
              FROM checkpoints c CROSS JOIN purges p LEFT JOIN event_log e ON e.position = c.position
            """,
            logger: logger
        )
        for try await (tag, position, time, purges) in rows.decode((String, Int64, Date?, Int64).self) {
            return ReadModelVersion(tag: tag, position: position, time: time, purges: purges)
        }
        return ReadModelVersion(tag: "", position: 0, time: nil)
    }
}
