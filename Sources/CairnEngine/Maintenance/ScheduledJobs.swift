import CairnCore
public import CairnStore
import Foundation
public import Logging

/// Runs the jobs migrations left (rebuilding roll-ups from their base rows, asking for stored answers to be read
/// again) once the schema is current: `cairn serve` and `cairn migrate` call it before anything else uses the database.
public struct ScheduledJobs: Sendable {
    private let store: Store
    private let clock: DateSource
    private let logger: Logger

    public init(store: Store, clock: DateSource = .system, logger: Logger) {
        self.store = store
        self.clock = clock
        self.logger = logger
    }

    /// Runs every waiting job, oldest first. Returns the jobs done.
    @discardableResult
    public func runPending() async throws -> [String] {
        var done: [String] = []
        for job in try await store.scheduledJobs() {
            logger.info("running a job a migration scheduled", metadata: ["job": "\(job.rawValue)"])
            try await store.run(job, at: clock.now())
            done.append(job.rawValue)
        }
        return done
    }
}
