import CairnEngine
import Logging
import ServiceLifecycle

/// Looks for every workspace's personas once a day, the first time ten minutes after the server starts (after the
/// customer values they describe); an error is logged and the next day tries again.
struct PersonaService: Service {
    let personas: Personas
    let logger: Logger
    var first: Duration = .seconds(600)
    var interval: Duration = .seconds(86_400)

    func run() async throws {
        do { try await cancelWhenGracefulShutdown { try await Task.sleep(for: first) } } catch { return }
        await runPeriodically(every: interval, logger: logger, failure: "persona computation failed; retrying tomorrow") {
            let found = try await personas.recomputeAll()
            logger.info("personas recomputed", metadata: ["workspaces": "\(found)"])
            return false
        }
    }
}
