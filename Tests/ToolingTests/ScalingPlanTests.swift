import EventStore
import Foundation
import PostgresNIO
import TestSupport
import Testing

/// docs/scaling.md places every table of the schema for distribution by
/// workspace (Citus); this holds the migrated schema to the rules it states.
@Suite("The scaling plan against the schema")
struct ScalingPlanTests {
    /// The placement table of docs/scaling.md: table name to placement.
    static func placements() throws -> [String: String] {
        let text = try String(
            contentsOf: DatabaseTool.projectDirectory.appending(path: "docs/scaling.md"), encoding: .utf8)
        var placements: [String: String] = [:]
        for line in text.split(separator: "\n") where line.hasPrefix("| `") {
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count >= 2 else { continue }
            let table = cells[0].trimmingCharacters(in: CharacterSet(charactersIn: "`"))
            #expect(placements[table] == nil, "\(table) is placed twice")
            placements[table] = cells[1]
        }
        return placements
    }

    @Test("every table is placed once; distributed tables carry workspace_id in every unique key")
    func rules() async throws {
        let placements = try Self.placements()
        #expect(
            Set(placements.values).isSubset(of: [
                "distributed", "reference", "coordinator", "must change first", "view",
            ]),
            "\(placements)")
        try await TestDatabase.with { database in
            let relations = try await database.owner.query(
                """
                SELECT c.relname, c.relkind::text,
                       coalesce((SELECT a.attnotnull FROM pg_attribute a
                                  WHERE a.attrelid = c.oid AND a.attname = 'workspace_id' AND NOT a.attisdropped), false),
                       EXISTS (SELECT FROM pg_attribute a
                                WHERE a.attrelid = c.oid AND a.attname = 'workspace_id' AND NOT a.attisdropped),
                       EXISTS (SELECT FROM pg_index i WHERE i.indrelid = c.oid AND i.indisprimary),
                       EXISTS (SELECT FROM pg_index i WHERE i.indrelid = c.oid AND i.indisunique
                                 AND NOT EXISTS (SELECT FROM pg_attribute a
                                                  WHERE a.attrelid = c.oid AND a.attname = 'workspace_id'
                                                    AND a.attnum = ANY (i.indkey)))
                  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                 WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm')
                """, logger: database.logger)
            var seen: Set<String> = []
            for try await (name, kind, notNull, hasColumn, hasPrimaryKey, uniqueWithout) in relations.decode(
                (String, String, Bool, Bool, Bool, Bool).self)
            {
                seen.insert(name)
                let placement = placements[name]
                #expect(placement != nil, "\(name) is not placed in docs/scaling.md")
                let followsDistributionRules = hasColumn && notNull && !uniqueWithout
                switch placement {
                case "distributed":
                    #expect(hasColumn && notNull, "\(name): distributed, so it needs workspace_id NOT NULL")
                    #expect(!uniqueWithout, "\(name): distributed, so every unique key must include workspace_id")
                case "must change first":
                    #expect(
                        !followsDistributionRules,
                        "\(name) now follows the distribution rules: move it to distributed in docs/scaling.md")
                case "reference":
                    #expect(hasPrimaryKey, "\(name): a reference table needs a primary key")
                case "view":
                    #expect(kind == "v" || kind == "m", "\(name) is placed as a view but is a table")
                default:
                    break
                }
            }
            #expect(
                Set(placements.keys).subtracting(seen).isEmpty,
                "placed in docs/scaling.md but not in the schema: \(Set(placements.keys).subtracting(seen).sorted())")
        }
    }
}
