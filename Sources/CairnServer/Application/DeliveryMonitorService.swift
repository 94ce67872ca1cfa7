import CairnEngine
import Foundation
import Logging
import ServiceLifecycle

/// Once a minute, emits the delivery monitor's events (`Delivery Late`, `Delivery Stuck`) for every workspace. An
/// error is logged and the next round tries again; the events' messageIds keep each one single.
struct DeliveryMonitorService: Service {
    let deliveries: Deliveries
    let logger: Logger
    var interval: Duration = .seconds(60)

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    for workspace in try await deliveries.store.allWorkspaces() {
                        let emitted = try await deliveries.emitAlerts(in: workspace.id)
                        if emitted > 0 { logger.info("delivery alerts emitted", metadata: ["workspace.id": "\(workspace.id)", "count": "\(emitted)"]) }
                    }
                    try await Task.sleep(for: interval)
                } catch is CancellationError {
                    return
                } catch {
                    logger.error("delivery monitor failed; retrying", metadata: ["error": "\(String(reflecting: error).prefix(300))"])
                    try? await Task.sleep(for: interval)
                }
            }
        }
    }
}
