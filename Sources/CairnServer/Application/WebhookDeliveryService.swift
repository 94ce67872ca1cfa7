import AsyncHTTPClient
import CairnEngine
import CairnStore
import Foundation
import Logging
import ServiceLifecycle

/// Every few seconds, sends the webhook deliveries that are due (signed, retried with growing pauses). An error is
/// logged and the next round tries again.
struct WebhookDeliveryService: Service {
    let webhooks: Webhooks
    let logger: Logger
    var interval: Duration = .seconds(5)

    func run() async throws {
        await runPeriodically(every: interval, logger: logger, failure: "webhook delivery round failed; retrying") {
            // A full batch means more may be waiting: go again at once.
            try await webhooks.deliverDue(client: .shared, logger: logger) == 50
        }
    }
}

/// Every few seconds, sends the survey emails that are due (invitations and reminders); nothing when no SMTP server
/// is configured.
struct SurveyEmailService: Service {
    let emails: SurveyEmails
    let logger: Logger
    var interval: Duration = .seconds(5)

    func run() async throws {
        guard emails.mailer != nil else {
            try? await gracefulShutdown()
            return
        }
        await runPeriodically(every: interval, logger: logger, failure: "survey email round failed; retrying") {
            try await emails.sendDue(limit: 50) == 50
        }
    }
}

/// Every few seconds, acts on the survey triggers whose delay has passed.
struct SurveyTriggerService: Service {
    let triggers: SurveyTriggers
    let logger: Logger
    var interval: Duration = .seconds(5)

    func run() async throws {
        await runPeriodically(every: interval, logger: logger, failure: "survey trigger round failed; retrying") {
            try await triggers.processDue(limit: 100) == 100
        }
    }
}

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
