public import Foundation

/// One customer: the golden record built from every event that carries one of their identifiers.
public struct Profile: Sendable, Hashable, Codable {
    public var id: ProfileID
    public var workspaceID: WorkspaceID
    public var firstSeenAt: Date
    public var lastSeenAt: Date
    /// Every channel the customer has used, in the order the profile learned of them (a merge adds the merged
    /// profile's channels after the survivor's).
    public var channels: [Channel]
    public var identifiers: [Identifier]
    public var traits: [String: Trait]

    public init(id: ProfileID, workspaceID: WorkspaceID, firstSeenAt: Date, lastSeenAt: Date, channels: [Channel], identifiers: [Identifier], traits: [String: Trait]) {
        self.id = id
        self.workspaceID = workspaceID
        self.firstSeenAt = firstSeenAt
        self.lastSeenAt = lastSeenAt
        self.channels = channels
        self.identifiers = identifiers
        self.traits = traits
    }
}

/// A trait's current value and where it came from.
public struct Trait: Sendable, Hashable, Codable {
    public var value: JSONValue
    public var channel: Channel
    public var sourceID: SourceID
    public var observedAt: Date
    public var eventID: EventID

    public init(value: JSONValue, channel: Channel, sourceID: SourceID, observedAt: Date, eventID: EventID) {
        self.value = value
        self.channel = channel
        self.sourceID = sourceID
        self.observedAt = observedAt
        self.eventID = eventID
    }
}

/// Two profiles became one: which, why and when. Refused merges are recorded too.
public struct ProfileMerge: Sendable, Hashable, Codable {
    public var survivorID: ProfileID
    public var mergedID: ProfileID
    /// The identifier both profiles shared through the event.
    public var identifier: Identifier
    public var eventID: EventID
    public var at: Date
    /// Set when the merge was refused, with the reason (e.g. `user_id limit 1`).
    public var refusal: String?

    public init(survivorID: ProfileID, mergedID: ProfileID, identifier: Identifier, eventID: EventID, at: Date, refusal: String?) {
        self.survivorID = survivorID
        self.mergedID = mergedID
        self.identifier = identifier
        self.eventID = eventID
        self.at = at
        self.refusal = refusal
    }
}
