import CairnEngine
import Logging
import ServiceLifecycle

/// Resolves newly ingested events into profiles in the background, so tracking requests only append and acknowledge.
/// Polls briefly when idle; an error is logged and retried after a pause, never taking the server down.
struct IdentityResolutionService: Service {
    let resolver: IdentityResolver
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            var measured = ContinuousClock.now - .seconds(60)
            while !Task.isCancelled {
                do {
                    // The backlog and its age, as gauges in /metrics, every two seconds.
                    if ContinuousClock.now - measured >= .seconds(2) {
                        measured = ContinuousClock.now
                        let backlog = try await resolver.backlog()
                        CairnMetrics.resolutionBacklog(events: backlog.events, oldestWaitSeconds: backlog.oldestWaitSeconds)
                    }
                    // While clients are sending, resolve in small steps and pause eight times as long as a step
                    // took (about a ninth of the time, and of the write lock), so acknowledgements stay fast; the
                    // backlog is worked off at full speed when they pause.
                    let busy = resolver.clientsAreWriting
                    let started = ContinuousClock.now
                    let resolved = try await resolver.resolvePending(limit: busy ? 100 : 500)
                    if resolved == 0 {
                        try await Task.sleep(for: .milliseconds(250))
                    } else if busy {
                        try await Task.sleep(for: max(.milliseconds(40), (ContinuousClock.now - started) * 8))
                    }
                } catch is CancellationError {
                    return
                } catch {
                    logger.error("identity resolution failed; retrying", metadata: ["error": "\(String(reflecting: error).prefix(300))"])
                    try? await Task.sleep(for: .seconds(2))
                }
            }
        }
    }
}
