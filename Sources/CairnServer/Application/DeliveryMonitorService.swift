import CairnEngine
import Foundation
import Logging
import ServiceLifecycle

/// Runs `round` until graceful shutdown, pausing `interval` after each one (none when it says more is waiting). An
/// error is logged with `failure` and the next round tries again after the pause.
func runPeriodically(every interval: Duration, logger: Logger, failure: String, _ round: @escaping @Sendable () async throws -> Bool) async {
    await cancelWhenGracefulShutdown {
        while !Task.isCancelled {
            do {
                if try await round() { continue }
                try await Task.sleep(for: interval)
            } catch is CancellationError {
                return
            } catch {
                logger.error("\(failure)", metadata: ["error": "\(String(reflecting: error).prefix(300))"])
                try? await Task.sleep(for: interval)
            }
        }
    }
}

/// Once a minute, emits the delivery monitor's events (`Delivery Late`, `Delivery Stuck`) for every workspace. An
/// error is logged and the next round tries again; the events' messageIds keep each one single.
struct DeliveryMonitorService: Service {
    let deliveries: Deliveries
    let logger: Logger
    var interval: Duration = .seconds(60)

    func run() async throws {
        await runPeriodically(every: interval, logger: logger, failure: "delivery monitor failed; retrying") {
            for workspace in try await deliveries.store.allWorkspaces() {
                let emitted = try await deliveries.emitAlerts(in: workspace.id)
                if emitted > 0 { logger.info("delivery alerts emitted", metadata: ["workspace.id": "\(workspace.id)", "count": "\(emitted)"]) }
            }
            return false
        }
    }
}
