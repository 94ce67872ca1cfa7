import CairnEngine
import Foundation
import Logging
import ServiceLifecycle

/// The service-level timer: acts on the cases whose warning or breach is due, then sleeps until the earliest next
/// alarm — woken sooner when a case's deadlines change on this server, and after a minute at most, for changes made
/// on another server. Deadlines are computed when cases change; this only acts on them.
struct CaseEscalationService: Service {
    let cases: Cases
    let signal: DeadlineSignal
    let logger: Logger
    var longestSleep: Duration = .seconds(60)

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    let acted = try await cases.escalateDue()
                    if !acted.isEmpty {
                        logger.info("service-level alarms acted on", metadata: ["cases": "\(acted.count)", "breached": "\(acted.filter(\.breached).count)"])
                    }
                    if acted.count >= 200 { continue }
                    var sleep = longestSleep
                    if let next = try await cases.nextAlarm() {
                        let seconds = max(0.05, next.timeIntervalSince(cases.clock.now()))
                        sleep = min(sleep, .milliseconds(Int64(seconds * 1000)))
                    }
                    await signal.wait(upTo: sleep)
                } catch is CancellationError {
                    return
                } catch {
                    logger.error("service-level timer failed; retrying", metadata: ["error": "\(String(reflecting: error).prefix(300))"])
                    try? await Task.sleep(for: .seconds(5))
                }
            }
        }
    }
}
