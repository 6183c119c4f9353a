import Logging
import PostgresNIO

/// Each index of `schema` (of `tables` only, when given) with its definition, the schema left out of it so
/// that a shadow's indexes compare equal to the live ones; with `keysOnly`, the indexes of constraints.
func indexDefinitions(
    in schema: String, of tables: [String]? = nil, keysOnly: Bool = false, on connection: PostgresConnection,
    logger: Logger
) async throws -> [String] {
    let rows = try await connection.query(
        """
        SELECT i.tablename || '.' || i.indexname || ': ' || replace(i.indexdef, ' ON ' || i.schemaname || '.', ' ON ')
          FROM pg_indexes i
         WHERE i.schemaname = \(schema) AND (\(tables == nil) OR i.tablename = ANY(\(tables ?? [])))
           AND (NOT \(keysOnly)
                OR EXISTS (SELECT FROM pg_constraint c
                            WHERE c.conindid = format('%I.%I', i.schemaname, i.indexname)::regclass))
         ORDER BY 1
        """,
        logger: logger)
    var found: [String] = []
    for try await index in rows.decode(String.self) { found.append(index) }
    return found
}
