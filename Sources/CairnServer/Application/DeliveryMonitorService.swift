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
        await runPeriodically(every: interval, logger: logger, failure: "delivery monitor failed; retrying") {
            for (workspace, emitted) in try await deliveries.emitAlertsInEveryWorkspace() {
                logger.info("delivery alerts emitted", metadata: ["workspace.id": "\(workspace)", "count": "\(emitted)"])
            }
            return false
        }
    }
}
