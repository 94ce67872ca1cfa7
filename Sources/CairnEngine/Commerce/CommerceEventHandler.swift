import CairnCore
import CairnStore
import Foundation
import Logging

/// Orders, payments, refunds and deliveries from E-commerce events, with the customer just resolved (see
/// ``CommerceEvents``). Each event is applied in a savepoint of its own: one that fails (it should not) is left out
/// alone and logged.
public struct CommerceEventHandler: ResolvedEventHandler {
    public let name = "commerce"
    private let logger = Logger(label: "cairn.commerce")

    public init() {}

    public func handle(_ events: [ResolvedEvent], in context: ResolutionContext) async throws {
        let tx = context.tx
        for resolved in events where resolved.event.name.map(CommerceEvents.names.contains) == true {
            if let error = try await tx.withSavepoint({ try await CommerceEvents.apply(resolved.event, profile: resolved.profile, tx: tx, now: context.now) }) {
                logger.warning("commerce event not applied", metadata: ["event.id": "\(resolved.event.id)", "error": "\(String(reflecting: error).prefix(300))"])
            }
        }
    }
}
