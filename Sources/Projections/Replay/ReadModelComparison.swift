import EventStore
import Foundation
import Logging
import PostgresNIO

/// One row on which the live read model and its rebuild from the log
/// disagree: present on one side only, or with other values under the same key.
public struct ReadModelDifference: Sendable, Equatable, Codable, CustomStringConvertible {
    public var table: String
    /// The row's primary key, as a JSON object.
    public var key: String?
    /// The live row as JSON (bookkeeping columns left out); nil when only the rebuild has it.
    public var live: String?
    /// The rebuilt row; nil when only the live table has it.
    public var rebuilt: String?

    public var description: String {
        switch (live, rebuilt) {
        case (let live?, let rebuilt?): "\(table) \(key ?? "{}"): live \(live), rebuilt \(rebuilt)"
        case (let live?, nil): "\(table) \(key ?? "{}"): only live \(live)"
        case (nil, let rebuilt?): "\(table) \(key ?? "{}"): only rebuilt \(rebuilt)"
        case (nil, nil): "\(table) \(key ?? "{}")"
        }
    }
}

/// Compares the live tables of a read model with its shadow, row by row, in
/// the caller's transaction. The caller brings both to the same checkpoint
/// in one snapshot first (`ReadModelReplay.verify`), so that a difference is
/// a difference of content, never of progress.
struct ReadModelComparison: Sendable {
    let shadow: ShadowSchema
    let logger: Logger

    /// The number of differing rows of every table, and the first `limit` of them.
    func differences(
        limit: Int, on connection: PostgresConnection
    ) async throws -> (count: Int, first: [ReadModelDifference]) {
        var count = 0
        var first: [ReadModelDifference] = []
        for table in shadow.tables {
            let bookkeeping = shadow.projections.flatMap { $0.bookkeepingColumns[table] ?? [] }
            let found = try await differences(in: table, leavingOut: bookkeeping, limit: limit, on: connection)
            count += found.count
            first += found.first.prefix(max(0, limit - first.count))
        }
        return (count, first)
    }

    /// `table` is a constant of the catalog, and the shadow's name is made of it.
    private func differences(
        in table: String, leavingOut bookkeeping: [String], limit: Int, on connection: PostgresConnection
    ) async throws -> (count: Int, first: [ReadModelDifference]) {
        let rows = try await connection.query(
            """
            WITH key_columns AS (
                SELECT coalesce(array_agg(a.attname::text ORDER BY k.ordinal), '{}') AS names
                  FROM pg_index i
                 CROSS JOIN unnest(i.indkey) WITH ORDINALITY AS k(attnum, ordinal)
                  JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
                 WHERE i.indrelid = format('public.%I', \(table)::text)::regclass AND i.indisprimary
            ),
            live AS (SELECT to_jsonb(t) - \(bookkeeping)::text[] AS row FROM public.\(unescaped: table) t),
            rebuilt AS (SELECT to_jsonb(t) - \(bookkeeping)::text[] AS row FROM \(unescaped: shadow.name).\(unescaped: table) t),
            only_live AS (SELECT row FROM live EXCEPT ALL SELECT row FROM rebuilt),
            only_rebuilt AS (SELECT row FROM rebuilt EXCEPT ALL SELECT row FROM live),
            keyed_live AS (
                SELECT (SELECT jsonb_object_agg(name, o.row -> name) FROM unnest(key_columns.names) AS name) AS key, o.row
                  FROM only_live o CROSS JOIN key_columns
            ),
            keyed_rebuilt AS (
                SELECT (SELECT jsonb_object_agg(name, o.row -> name) FROM unnest(key_columns.names) AS name) AS key, o.row
                  FROM only_rebuilt o CROSS JOIN key_columns
            )
            SELECT coalesce(l.key, r.key)::text, l.row::text, r.row::text, count(*) OVER ()
              FROM keyed_live l
              FULL JOIN keyed_rebuilt r ON l.key = r.key
             ORDER BY 1, 2, 3
             LIMIT \(Int32(clamping: max(limit, 1)))
            """,
            logger: logger
        )
        var count = 0
        var first: [ReadModelDifference] = []
        for try await (key, live, rebuilt, total) in rows.decode((String?, String?, String?, Int64).self) {
            count = Int(total)
            first.append(ReadModelDifference(table: table, key: key, live: live, rebuilt: rebuilt))
        }
        return (count, first)
    }
}
