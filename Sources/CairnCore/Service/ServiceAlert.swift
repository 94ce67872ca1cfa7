public import Foundation

public struct ServiceAlertID: EntityID { public let rawValue: String; public init(rawValue: String) { self.rawValue = rawValue } }

/// A series beyond its usual range today: cases about a product or a topic, or negative comments on a topic — with
/// the reason in words ("Blender X: 34 cases today against 4 ± 2 on a usual Tuesday").
public struct ServiceAlert: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        case cases
        case negativeComments = "negative_comments"
    }

    public var id: ServiceAlertID
    public var kind: Kind
    /// `product` or `topic`.
    public var dimension: String
    /// The product's id or the topic's id.
    public var key: String
    /// The product's name or the topic's id, as the message says it.
    public var label: String
    /// The UTC day (its start).
    public var day: Date
    public var observed: Int
    public var typical: Double
    public var spread: Double
    public var pValue: Double
    public var message: String
    public var at: Date
    /// Campaigns that began on the spike's day (`daysBefore` 0) or the day before (1): part of the reason.
    public var campaigns: [BeganCampaign]

    public struct BeganCampaign: Sendable, Hashable, Codable {
        public var name: String
        public var daysBefore: Int

        public init(name: String, daysBefore: Int) {
            self.name = name
            self.daysBefore = daysBefore
        }
    }

    public init(id: ServiceAlertID, kind: Kind, dimension: String, key: String, label: String, day: Date, observed: Int, typical: Double, spread: Double, pValue: Double,
                message: String, at: Date, campaigns: [BeganCampaign] = []) {
        self.campaigns = campaigns
        self.id = id
        self.kind = kind
        self.dimension = dimension
        self.key = key
        self.label = label
        self.day = day
        self.observed = observed
        self.typical = typical
        self.spread = spread
        self.pValue = pValue
        self.message = message
        self.at = at
    }
}
