import CairnEngine
import Foundation
import Logging
import ServiceLifecycle

/// Reads stored survey answers again when a workspace's own topics change or the text analysis learns something, a
/// page of 200 responses at a time in the background (``ResponseReading/rereadNextPage(limit:)``).
struct ResponseReanalysisService: Service {
    let reading: ResponseReading
    let logger: Logger
    var interval: Duration = .seconds(5)

    func run() async throws {
        await runPeriodically(every: interval, logger: logger, failure: "reading stored answers again failed; retrying") {
            try await reading.rereadNextPage(limit: 200) > 0
        }
    }
}
