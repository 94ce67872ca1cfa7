public import Foundation

public struct EventID: EntityID { public let rawValue: String; public init(rawValue: String) { self.rawValue = rawValue } }
public struct SourceID: EntityID { public let rawValue: String; public init(rawValue: String) { self.rawValue = rawValue } }

/// Something that happened to a customer at a touchpoint, as stored.
public struct Event: Sendable, Hashable, Codable {
    public var id: EventID
    public var workspaceID: WorkspaceID
    public var sourceID: SourceID
    public var messageID: String
    public var kind: TrackingMessage.Kind
    public var name: String?
    public var userID: String?
    public var anonymousID: String?
    public var channel: Channel
    /// When it happened, corrected for the client's clock skew.
    public var timestamp: Date
    /// When Cairn received it.
    public var receivedAt: Date
    public var payload: JSONValue
    /// The customer the event belongs to, once identity resolution has run.
    public var profileID: ProfileID?

    public init(id: EventID, workspaceID: WorkspaceID, sourceID: SourceID, messageID: String, kind: TrackingMessage.Kind, name: String?,
                userID: String?, anonymousID: String?, channel: Channel, timestamp: Date, receivedAt: Date, payload: JSONValue, profileID: ProfileID? = nil) {
        self.profileID = profileID
        self.id = id
        self.workspaceID = workspaceID
        self.sourceID = sourceID
        self.messageID = messageID
        self.kind = kind
        self.name = name
        self.userID = userID
        self.anonymousID = anonymousID
        self.channel = channel
        self.timestamp = timestamp
        self.receivedAt = receivedAt
        self.payload = payload
    }
}

/// Where events come from: a web shop, an app, a store's till system, a call centre. Write keys belong to a source.
public struct Source: Sendable, Hashable, Codable {
    public var id: SourceID
    public var workspaceID: WorkspaceID
    public var name: String
    /// The channel of events that do not say theirs in `context.channel`.
    public var defaultChannel: Channel
    /// Events per second this source may send (`nil`: no limit).
    public var rateLimit: Int?
    public var createdAt: Date
    public var lastSeenAt: Date?
    public var eventCount: Int64

    public init(id: SourceID, workspaceID: WorkspaceID, name: String, defaultChannel: Channel, rateLimit: Int?, createdAt: Date, lastSeenAt: Date?, eventCount: Int64) {
        self.id = id
        self.workspaceID = workspaceID
        self.name = name
        self.defaultChannel = defaultChannel
        self.rateLimit = rateLimit
        self.createdAt = createdAt
        self.lastSeenAt = lastSeenAt
        self.eventCount = eventCount
    }
}
