public import CairnCore
import CairnStore
public import Foundation

/// An event identity resolution has just tied to its customer.
public struct ResolvedEvent: Sendable {
    public var event: Event
    public var profile: ProfileID
}

/// Where a handler acts: the resolution's open transaction and its time. A handler's writes commit with the events'
/// resolution, or not at all.
public struct ResolutionContext: Sendable {
    public let workspace: WorkspaceID
    public let now: Date
    let tx: TransactionStore
}

/// A capability that acts on events once they are tied to a customer — orders from E-commerce events, survey triggers,
/// and the capabilities to come. The composition root registers the list; identity resolution offers every batch to
/// each in turn, inside its transaction and each in a savepoint of its own, so a handler that fails is left out alone
/// and never holds up resolution (nor another handler).
public protocol ResolvedEventHandler: Sendable {
    /// A short name for the log.
    var name: String { get }
    /// Acts on the named track events and the identifies of one resolution batch, in arrival order (a handler picks
    /// the ones it cares for: by name, by kind).
    func handle(_ events: [ResolvedEvent], in context: ResolutionContext) async throws
    /// Whether any of the batch's events is for this handler; a handler with none is not offered the batch (no
    /// savepoint, no round trips inside the resolution's lock).
    func wants(_ events: [ResolvedEvent]) -> Bool
}

extension ResolvedEventHandler {
    public func wants(_ events: [ResolvedEvent]) -> Bool { true }
}

/// The handlers Cairn's capabilities provide, in the order they are offered events.
public enum ResolvedEventHandlers {
    public static var standard: [any ResolvedEventHandler] { [CommerceEventHandler(), SurveyTriggerHandler(), ServiceEventHandler(), CampaignEventHandler(), SegmentEventHandler()] }
}
