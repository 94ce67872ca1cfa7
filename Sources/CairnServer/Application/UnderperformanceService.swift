import CairnEngine
import Logging
import ServiceLifecycle

/// Watches every workspace's daily series for underperformance (``Underperformance``) once an hour, the first time a
/// minute after the server starts: a day completes at midnight UTC, so an episode is raised within the hour after the
/// day that showed it. Exclusive across servers; an error is logged and the next hour tries again.
struct UnderperformanceService: Service {
    let underperformance: Underperformance
    let logger: Logger
    var first: Duration = .seconds(60)
    var interval: Duration = .seconds(3_600)

    func run() async throws {
        // The first wait ends early when the server stops (it must not hold up a graceful shutdown).
        do { try await cancelWhenGracefulShutdown { try await Task.sleep(for: first) } } catch { return }
        await runPeriodically(every: interval, logger: logger, failure: "underperformance scan failed; retrying") {
            let raised = try await underperformance.scan()
            if !raised.isEmpty { logger.info("underperformance alerts raised", metadata: ["count": "\(raised.count)"]) }
            return false
        }
    }
}
