import CairnCore
import CairnStore
import Foundation

/// Survey triggers met by a resolution batch's events (see ``SurveyTriggers``).
public struct SurveyTriggerHandler: ResolvedEventHandler {
    public let name = "survey triggers"

    public init() {}

    /// Triggers start on named track events only.
    public func wants(_ events: [ResolvedEvent]) -> Bool { events.contains { $0.event.kind == .track && $0.event.name != nil } }

    public func handle(_ events: [ResolvedEvent], in context: ResolutionContext) async throws {
        try await SurveyTriggers.record(events.map { ($0.event, $0.profile) }, in: context.workspace, tx: context.tx, now: context.now)
    }
}
