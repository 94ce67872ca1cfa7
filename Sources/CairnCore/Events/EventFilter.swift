public import Foundation

/// Narrows an event query; every field left `nil` matches everything.
public struct EventFilter: Sendable, Hashable {
    public var kind: TrackingMessage.Kind?
    public var name: String?
    public var channel: Channel?
    public var userID: String?
    public var anonymousID: String?
    public var profileID: ProfileID?
    /// Inclusive.
    public var since: Date?
    /// Exclusive.
    public var until: Date?

    public init(kind: TrackingMessage.Kind? = nil, name: String? = nil, channel: Channel? = nil, userID: String? = nil, anonymousID: String? = nil, profileID: ProfileID? = nil, since: Date? = nil, until: Date? = nil) {
        self.kind = kind
        self.name = name
        self.channel = channel
        self.userID = userID
        self.anonymousID = anonymousID
        self.profileID = profileID
        self.since = since
        self.until = until
    }
}
