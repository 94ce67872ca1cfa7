public import CairnCore
import CairnStore
public import Foundation
import Logging

/// Keeps the campaigns events come from (`context.campaign.name`) with the time of the earliest event that named
/// each, so a spike can say what began that day.
public struct CampaignEventHandler: ResolvedEventHandler {
    public let name = "campaigns"
    private let logger = Logger(label: "cairn.campaigns")

    public init() {}

    public func wants(_ events: [ResolvedEvent]) -> Bool { events.contains { $0.event.campaignName != nil } }

    public func handle(_ events: [ResolvedEvent], in context: ResolutionContext) async throws {
        var seen: [String: Date] = [:]
        for resolved in events {
            guard let campaign = resolved.event.campaignName else { continue }
            seen[campaign] = min(seen[campaign] ?? resolved.event.timestamp, resolved.event.timestamp)
        }
        guard !seen.isEmpty else { return }
        if let error = try await context.tx.withSavepoint({ try await context.tx.recordCampaigns(seen, in: context.workspace) }) {
            logger.warning("campaigns not recorded", metadata: ["error": "\(String(reflecting: error).prefix(300))"])
        }
    }
}
