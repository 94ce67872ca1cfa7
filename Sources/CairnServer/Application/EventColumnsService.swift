import CairnEngine
import Logging
import ServiceLifecycle

/// Builds every workspace's event columns once the server starts, in the background, so the first funnel, map or
/// active-people chart does not wait for the scan; reads before it is done build (or wait for) their own workspace's.
/// Then it waits for the server to stop.
struct EventColumnsService: Service {
    let columns: EventColumns
    let logger: Logger

    func run() async throws {
        let started = ContinuousClock.now
        do {
            try await cancelWhenGracefulShutdown { try await columns.warm() }
            logger.info("event columns built", metadata: ["took": "\(ContinuousClock.now - started)"])
        } catch is CancellationError {
            return
        } catch {
            logger.error("event columns not built; reads build their own", metadata: ["error": "\(String(reflecting: error).prefix(300))"])
        }
        try? await gracefulShutdown()
    }
}
