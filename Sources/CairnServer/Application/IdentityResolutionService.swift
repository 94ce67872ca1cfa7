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
                    // Resolution keeps up with the clients instead of yielding to them: a customer record is to be
                    // current within seconds at every touchpoint. While they send, steps are smaller (the write lock is
                    // held briefly; waiting acknowledgements go first, see WritePriority) and follow each other as long
                    // as events wait; a step that found few waits a moment so the next one finds more (fewer
                    // statements per event). Idle, it looks four times a second.
                    let busy = resolver.clientsAreWriting
                    let limit = busy ? 400 : 1000
                    let resolved = try await resolver.resolvePending(limit: limit)
                    if resolved == 0 {
                        try await Task.sleep(for: .milliseconds(busy ? 50 : 250))
                    } else if busy, resolved < limit / 4 {
                        try await Task.sleep(for: .milliseconds(20))
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
