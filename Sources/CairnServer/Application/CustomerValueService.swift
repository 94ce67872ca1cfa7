import CairnEngine
import Logging
import ServiceLifecycle

/// Recomputes every workspace's customer value (``CustomerValues``) once a day, the first time five minutes after the
/// server starts. Exclusive across servers; an error is logged and the next day tries again.
struct CustomerValueService: Service {
    let values: CustomerValues
    let logger: Logger
    var first: Duration = .seconds(300)
    var interval: Duration = .seconds(86_400)

    func run() async throws {
        do { try await cancelWhenGracefulShutdown { try await Task.sleep(for: first) } } catch { return }
        await runPeriodically(every: interval, logger: logger, failure: "customer value computation failed; retrying tomorrow") {
            let scored = try await values.recomputeAll()
            logger.info("customer value recomputed", metadata: ["workspaces": "\(scored)"])
            return false
        }
    }
}
