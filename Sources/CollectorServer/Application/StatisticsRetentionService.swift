import EventStore
import Foundation
import Ingest
import Logging
import NPSDomain
import ServiceLifecycle

/// Deletes raw statistics documents older than the retention period
/// (NPS_STATISTICS_RETENTION_DAYS) at start-up and then every `interval`,
/// by the collector's clock (so a simulated clock ages them too). Every
/// collector process runs it: the DELETE is idempotent, and cheap on the
/// `received_at` index.
struct StatisticsRetentionService: Service {
    let documents: StatisticsDocuments
    let retention: TimeInterval
    let clock: any CollectorClock
    let logger: Logger
    var interval: Duration = .seconds(3_600)

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await prune()
                try? await Task.sleep(for: interval)
            }
        }
    }

    func prune() async {
        do {
            let deleted = try await documents.deleteReceived(before: clock.now.addingTimeInterval(-retention))
            if deleted > 0 {
                logger.info("statistics documents past their retention deleted", metadata: ["deleted": "\(deleted)"])
            }
        } catch {
            logger.warning("statistics retention: delete failed; trying again later", metadata: ["error": "\(error)"])
        }
    }
}
