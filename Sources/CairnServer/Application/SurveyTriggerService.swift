import CairnEngine
import Foundation
import Logging
import ServiceLifecycle

/// Every few seconds, acts on the survey triggers whose delay has passed.
struct SurveyTriggerService: Service {
    let triggers: SurveyTriggers
    let logger: Logger
    var interval: Duration = .seconds(5)

    func run() async throws {
        await runPeriodically(every: interval, logger: logger, failure: "survey trigger round failed; retrying") {
            try await triggers.processDue(limit: 100) == 100
        }
    }
}
