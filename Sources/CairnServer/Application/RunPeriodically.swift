import CairnEngine
import Foundation
import Logging
import ServiceLifecycle

/// Runs `round` until graceful shutdown, pausing `interval` after each one (none when it says more is waiting). An
/// error is logged with `failure` and the next round tries again after the pause.
func runPeriodically(every interval: Duration, logger: Logger, failure: String, _ round: @escaping @Sendable () async throws -> Bool) async {
    await cancelWhenGracefulShutdown {
        while !Task.isCancelled {
            do {
                if try await round() { continue }
                try await Task.sleep(for: interval)
            } catch is CancellationError {
                return
            } catch {
                logger.error("\(failure)", metadata: ["error": "\(String(reflecting: error).prefix(300))"])
                try? await Task.sleep(for: interval)
            }
        }
    }
}
