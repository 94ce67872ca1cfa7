import CairnEngine
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

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

/// Reads the text of answers the widget's API stored without reading it (``ResponseReading/readWaiting(limit:)``),
/// up to 500 at a time: as soon as they wait when answers are quiet, and one batch a second while a burst of answers
/// goes on, so the burst keeps the cores and the reading catches up just after.
struct AnswerReadingService: Service {
    let reading: ResponseReading
    let answering: SurveyAnswering
    let logger: Logger
    var interval: Duration = .milliseconds(200)
    var duringBursts: Duration = .seconds(1)

    func run() async throws {
        let lastRead = Mutex<ContinuousClock.Instant>(.now)
        await runPeriodically(every: interval, logger: logger, failure: "reading new answers failed; retrying") {
            if await answering.answersArrived(within: .milliseconds(300)), ContinuousClock.now - lastRead.withLock({ $0 }) < duringBursts { return false }
            lastRead.withLock { $0 = .now }
            return try await reading.readWaiting(limit: 500) > 0
        }
    }
}
