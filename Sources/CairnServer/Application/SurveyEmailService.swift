import CairnEngine
import Foundation
import Logging
import ServiceLifecycle

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
