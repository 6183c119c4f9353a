import Logging
import PostgresNIO
import TestSupport
import Testing

@testable import Projections

/// A rebuild's tables: keys from the start (the folds' `ON CONFLICT` needs
/// them), every other index only when `createIndexes` is called before the
/// swap, and calling it again, as a resumed replay does, changes nothing.
@Suite("Shadow schema")
struct ShadowSchemaTests {
    @Test("a shadow holds only its keys while it is built; createIndexes, twice, gives it the live indexes")
    func indexesBeforeTheSwap() async throws {
        try await TestDatabase.with { database in
            let shadow = ShadowSchema(readModel: "votes")
            let logger = database.logger
            try await database.owner.withConnection { connection in
                try await shadow.create(on: connection, logger: logger)
                let live = try await indexDefinitions(in: "public", of: shadow.tables, on: connection, logger: logger)
                let keys = try await indexDefinitions(
                    in: "public", of: shadow.tables, keysOnly: true, on: connection, logger: logger)
                #expect(keys.count < live.count, "the votes read model has indexes besides its keys")

                #expect(
                    try await indexDefinitions(in: shadow.name, of: shadow.tables, on: connection, logger: logger)
                        == keys)
                try await shadow.createIndexes(on: connection, logger: logger)
                try await shadow.createIndexes(on: connection, logger: logger)
                #expect(
                    try await indexDefinitions(in: shadow.name, of: shadow.tables, on: connection, logger: logger)
                        == live)
                try await shadow.drop(on: connection, logger: logger)
            }
        }
    }
}
