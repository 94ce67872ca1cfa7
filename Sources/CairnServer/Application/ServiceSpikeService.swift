import CairnEngine
import Foundation
import Logging
import ServiceLifecycle

/// Every five minutes, looks for spikes of cases and negative comments in every workspace (the same day they start).
struct ServiceSpikeService: Service {
    let spikes: ServiceSpikes
    let logger: Logger
    var interval: Duration = .seconds(300)

    func run() async throws {
        await runPeriodically(every: interval, logger: logger, failure: "spike scan failed; retrying") {
            let raised = try await spikes.scan()
            if !raised.isEmpty { logger.info("service spikes raised", metadata: ["count": "\(raised.count)"]) }
            return false
        }
    }
}
