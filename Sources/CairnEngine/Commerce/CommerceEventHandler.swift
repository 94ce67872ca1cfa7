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

    public func wants(_ events: [ResolvedEvent]) -> Bool { events.contains { $0.event.name.map(CommerceEvents.names.contains) == true } }

    public func handle(_ events: [ResolvedEvent], in context: ResolutionContext) async throws {
        let tx = context.tx
        var commerce: [(event: Event, profile: ProfileID?)] = events.filter { $0.event.name.map(CommerceEvents.names.contains) == true }.map { ($0.event, $0.profile) }
        guard !commerce.isEmpty else { return }
        // New orders of the batch together; should that fail (it should not), each event is tried alone below.
        var left = commerce
        if let error = try await tx.withSavepoint({ left = try await CommerceEvents.applyNewOrders(commerce, in: context.workspace, tx: tx, now: context.now) }) {
            logger.warning("new orders not applied together; one by one instead", metadata: ["error": "\(String(reflecting: error).prefix(300))"])
            left = commerce
        }
        commerce = left
        for (event, profile) in commerce {
            if let error = try await tx.withSavepoint({ try await CommerceEvents.apply(event, profile: profile, tx: tx, now: context.now) }) {
                logger.warning("commerce event not applied", metadata: ["event.id": "\(event.id)", "error": "\(String(reflecting: error).prefix(300))"])
            }
        }
    }
}
