import Foundation
import Logging
import PostgresNIO

/// Where the read models stand: a tag that changes whenever any projection
/// moves (the answers' ETag), and the oldest checkpoint among them, which
/// every answer reflects at least.
public struct ReadModelVersion: Sendable, Equatable {
    /// md5 over every projection's name, version and checkpoint.
    public var tag: String
    /// The smallest log position any projection has applied through.
    public var position: Int64
    /// When the event at `position` was recorded; nil before the first event.
    public var time: Date?
}

public struct ReadModelVersionQuery: Sendable {
    public let client: PostgresClient
    public let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    public func current() async throws -> ReadModelVersion {
        let rows = try await client.query(
            """
            WITH checkpoints AS (
                SELECT md5(coalesce(string_agg(name || ':' || version || ':' || transaction_id::text || ':' || position,
                                               ',' ORDER BY name), '')) AS tag,
                       coalesce(min(position), 0) AS position
                  FROM projections)
            SELECT c.tag, c.position, e.recorded_at
              FROM checkpoints c LEFT JOIN event_log e ON e.position = c.position
            """,
            logger: logger
        )
        for try await (tag, position, time) in rows.decode((String, Int64, Date?).self) {
            return ReadModelVersion(tag: tag, position: position, time: time)
        }
        return ReadModelVersion(tag: "", position: 0, time: nil)
    }
}
