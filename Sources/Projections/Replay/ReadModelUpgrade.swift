import EventStore
import Logging
import PostgresNIO

/// A read model whose stored version (its rows in `projections`) is not the
/// version this binary folds must not be folded on: its tables hold what an
/// older definition made of the log. Before its projectors start, it is
/// rebuilt blue/green (`ReadModelReplay`, as `replay` does) while its old
/// tables keep answering, then swapped in. With several processes starting
/// at once, one rebuilds (the replay lock) and the others wait for it.
struct ReadModelUpgrade: Sendable {
    let client: PostgresClient
    let configuration: ProjectorConfiguration
    let logger: Logger
    static let retryInterval: Duration = .seconds(5)

    /// Returns true once every projection of `readModel` is at this
    /// binary's version (at once, usually), false if cancelled first.
    func untilCurrent(_ readModel: String) async -> Bool {
        var told = false
        while !Task.isCancelled {
            do {
                let stale = try await staleVersions(of: readModel)
                if stale.isEmpty { return true }
                if !told {
                    logger.notice(
                        "read model at another version: rebuilding it in the background; its old tables answer meanwhile",
                        metadata: ["readModel": "\(readModel)", "stored": "\(stale)"])
                    told = true
                }
                guard let owner = configuration.rebuildOwner else {
                    logger.error(
                        "no owner role to rebuild with: run `nps-collector replay \(readModel)`",
                        metadata: ["readModel": "\(readModel)"])
                    try await Task.sleep(for: Self.retryInterval)
                    continue
                }
                let outcome = try await ReadModelReplay(
                    readModel: readModel, owner: owner, configuration: configuration, logger: logger
                ).run(.swap)
                logger.notice(
                    "rebuilt at this binary's version",
                    metadata: [
                        "readModel": "\(readModel)", "events": "\(outcome.events)", "seconds": "\(outcome.seconds)",
                    ])
            } catch {
                if Task.isCancelled { return false }
                if error is ReplayInProgress {
                    logger.info("another process is rebuilding it; waiting", metadata: ["readModel": "\(readModel)"])
                } else {
                    logger.warning(
                        "could not rebuild; trying again",
                        metadata: ["readModel": "\(readModel)", "error": "\(ProjectionFailure.describe(error))"])
                }
                try? await Task.sleep(for: Self.retryInterval)
            }
        }
        return false
    }

    /// The stored versions of the projections of `readModel` that are not
    /// this binary's; a projection without a row has never run, and starts at this version.
    private func staleVersions(of readModel: String) async throws -> [String: Int] {
        let expected = Dictionary(
            uniqueKeysWithValues: ProjectionCatalog.projections(of: readModel).map { ($0.name, $0.version) })
        let rows = try await client.query(
            "SELECT name, version FROM projections WHERE name = ANY(\(Array(expected.keys)))", logger: logger)
        var stale: [String: Int] = [:]
        for try await (name, version) in rows.decode((String, Int32).self) where expected[name] != Int(version) {
            stale[name] = Int(version)
        }
        return stale
    }
}
