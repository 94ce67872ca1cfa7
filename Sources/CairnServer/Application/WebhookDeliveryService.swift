import CairnEngine
import Foundation
import Logging
import ServiceLifecycle

/// Every few seconds, sends the webhook deliveries that are due (signed, retried with growing pauses). An error is
/// logged and the next round tries again.
struct WebhookDeliveryService: Service {
    let webhooks: Webhooks
    let logger: Logger
    var interval: Duration = .seconds(5)

    func run() async throws {
        await runPeriodically(every: interval, logger: logger, failure: "webhook delivery round failed; retrying") {
            // A full batch means more may be waiting: go again at once.
            try await webhooks.deliverDue(logger: logger) == 50
        }
    }
}
