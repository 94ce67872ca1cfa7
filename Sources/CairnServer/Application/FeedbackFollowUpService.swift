import CairnEngine
import Foundation
import Logging
import ServiceLifecycle

/// Every 30 seconds, opens follow-up cases for low feedback under each workspace's rule (within a minute of the
/// answer). An error is logged and the next round tries again.
struct FeedbackFollowUpService: Service {
    let cases: Cases
    let logger: Logger
    var interval: Duration = .seconds(30)

    func run() async throws {
        await runPeriodically(every: interval, logger: logger, failure: "feedback follow-up failed; retrying") {
            let opened = try await cases.followUpAlerts()
            if opened > 0 { logger.info("follow-up cases opened", metadata: ["count": "\(opened)"]) }
            return false
        }
    }
}
