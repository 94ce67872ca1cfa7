import CairnEngine
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// Service's periodic work in one task, one round after another, so that it takes one database connection for its
/// round lock at a time (each round is exclusive across servers, see `Store.exclusively`): replies on email cases go
/// out every 10 seconds, as do deadlines waiting to be recomputed after a setup change (a batch, again at once while
/// more wait); low feedback is followed up every 30 seconds (within a minute of the answer); spikes of cases
/// and negative comments are looked for every five minutes (the same day they start). An error is logged and the
/// next round tries again.
struct ServiceRoundsService: Service {
    let emails: CaseEmails
    let cases: Cases
    let spikes: ServiceSpikes
    let logger: Logger
    var tick: Duration = .seconds(10)

    func run() async throws {
        let counter = Atomic<Int>(0)
        await runPeriodically(every: tick, logger: logger, failure: "service round failed; retrying") {
            let round = counter.add(1, ordering: .relaxed).oldValue
            let sent = try await emails.sendDue()
            // Deadlines left to recompute after a policy or a team's hours changed (500 cases a batch).
            let refreshed = try await cases.refreshWaitingDeadlines()
            if round % 3 == 0 {
                let opened = try await cases.followUpAlerts()
                if opened > 0 { logger.info("follow-up cases opened", metadata: ["count": "\(opened)"]) }
            }
            if round % 30 == 0 {
                let raised = try await spikes.scan()
                if !raised.isEmpty { logger.info("service spikes raised", metadata: ["count": "\(raised.count)"]) }
            }
            return sent == 50 || refreshed >= ServiceSetup.refreshBatch
        }
    }
}
