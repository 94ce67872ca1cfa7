import CairnEngine
import Logging
import ServiceLifecycle

/// Keeps segments current besides the events themselves (those are decided as they are tied): every few seconds it
/// decides again the customers whose events left a condition's window, those marked stale (an answer, a consent
/// statement, an erasure), and rebuilds the segments that read value tiers, churn risk or personas after a new
/// computation of those.
struct SegmentService: Service {
    let segments: Segments
    let logger: Logger
    var interval: Duration = .seconds(5)

    func run() async throws {
        await runPeriodically(every: interval, logger: logger, failure: "segment memberships not kept current; trying again") {
            let decided = try await segments.sweep()
            if decided > 0 { logger.debug("segment memberships decided", metadata: ["changes": "\(decided)"]) }
            return false
        }
    }
}
