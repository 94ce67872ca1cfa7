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
                    // While clients send, acknowledging them comes first (their writes pass resolution's at the write
                    // lock, WritePriority) and resolution takes a share of the time that grows with how long the
                    // oldest event has waited: about a fifth while the record is current, all the lock leaves once it
                    // runs 1.5 seconds behind. Idle, it resolves at full speed and looks four times a second.
                    let busy = resolver.clientsAreWriting
                    let limit = busy ? 400 : 1000
                    let started = ContinuousClock.now
                    let step = try await resolver.resolveStep(limit: limit)
                    if step.resolved == 0 {
                        try await Task.sleep(for: .milliseconds(busy ? 50 : 250))
                    } else if busy {
                        let pause = 4 * max(0, 1 - step.oldestWaitSeconds / 1.5)
                        if pause > 0 { try await Task.sleep(for: (ContinuousClock.now - started) * pause) }
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
