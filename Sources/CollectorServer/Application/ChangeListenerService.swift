import EventStore
import PostgresNIO
import ServiceLifecycle

/// Runs the `ChangeNotifications` listener for as long as the application:
/// one connection of the pool, held for LISTEN and its heartbeat.
struct ChangeListenerService: Service {
    let changes: ChangeNotifications
    let client: PostgresClient

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await changes.listen(using: client)
        }
    }
}
