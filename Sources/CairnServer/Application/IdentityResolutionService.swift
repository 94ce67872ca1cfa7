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
            while !Task.isCancelled {
                do {
                    if try await resolver.resolvePending() == 0 {
                        try await Task.sleep(for: .milliseconds(250))
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
