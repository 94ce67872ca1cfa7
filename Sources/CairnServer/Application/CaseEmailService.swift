import CairnEngine
import Foundation
import Logging
import ServiceLifecycle

/// Every 10 seconds, sends the agents' replies on email cases that are due (retried after a failure). An error is
/// logged and the next round tries again.
struct CaseEmailService: Service {
    let emails: CaseEmails
    let logger: Logger
    var interval: Duration = .seconds(10)

    func run() async throws {
        await runPeriodically(every: interval, logger: logger, failure: "case emails not sent; retrying") {
            try await emails.sendDue() == 50
        }
    }
}
