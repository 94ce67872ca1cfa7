public import Foundation

public struct UnderperformanceAlertID: EntityID { public let rawValue: String; public init(rawValue: String) { self.rawValue = rawValue } }

/// One episode of a workspace series running worse than its normal for the weekday (an EWMA control chart): NPS or
/// CSAT at a touchpoint, the late-delivery rate, cases about a product, a saved funnel's step conversion. Kept once per
/// episode: raised on the day the chart passed its limit, brought up to date while it stays beyond, ended when it
/// comes back.
public struct UnderperformanceAlert: Sendable, Hashable, Codable {
    public enum Metric: String, Sendable, Hashable, Codable, CaseIterable {
        /// NPS (−100…100) of the answers at a touchpoint, by day answered.
        case nps
        /// CSAT as the share of 4–5 answers (0…100 %) at a touchpoint.
        case csat
        /// Share of the parcels promised that day that came late (0…100 %).
        case lateDeliveries = "late_deliveries"
        /// Cases opened about a product, per day.
        case cases
        /// A saved funnel's step conversion (0…100 %) of the people who entered that day.
        case funnelConversion = "funnel_conversion"

        /// Lower is worse for scores and conversion; higher for late parcels and cases.
        public var lowerIsWorse: Bool { self == .nps || self == .csat || self == .funnelConversion }
    }

    public var id: UnderperformanceAlertID
    public var metric: Metric
    /// What the series is of: the touchpoint, the product's id, `funnelID:step`, or empty for the late-delivery rate.
    public var key: String
    /// The touchpoint, the product's or the funnel's name as the message says it.
    public var label: String
    /// The first day (UTC, its start) of the run that led to the alarm, the day the chart passed its limit, and the
    /// latest day seen beyond it; `ended` is the first day back inside, nil while the episode lasts.
    public var since: Date
    public var alarmDay: Date
    public var lastDay: Date
    public var ended: Date?
    /// The daily mean since `since` and the normal of the same weekdays; `spread` is one day's usual deviation.
    public var recent: Double
    public var normal: Double
    public var spread: Double
    public var message: String
    /// The page where the data behind it is.
    public var link: String
    public var raisedAt: Date
    public var updatedAt: Date

    public init(id: UnderperformanceAlertID, metric: Metric, key: String, label: String, since: Date, alarmDay: Date, lastDay: Date, ended: Date?,
                recent: Double, normal: Double, spread: Double, message: String, link: String, raisedAt: Date, updatedAt: Date) {
        self.id = id
        self.metric = metric
        self.key = key
        self.label = label
        self.since = since
        self.alarmDay = alarmDay
        self.lastDay = lastDay
        self.ended = ended
        self.recent = recent
        self.normal = normal
        self.spread = spread
        self.message = message
        self.link = link
        self.raisedAt = raisedAt
        self.updatedAt = updatedAt
    }
}

public struct SavedFunnelID: EntityID { public let rawValue: String; public init(rawValue: String) { self.rawValue = rawValue } }

/// A funnel kept by name: its definition as the funnel query's JSON, watched daily for its step conversion.
public struct SavedFunnel: Sendable, Hashable, Codable {
    public var id: SavedFunnelID
    public var name: String
    /// The query's JSON (the same body `POST /api/v1/funnels/query` takes, without `from`/`until`).
    public var definition: String
    public var createdAt: Date

    public init(id: SavedFunnelID, name: String, definition: String, createdAt: Date) {
        self.id = id
        self.name = name
        self.definition = definition
        self.createdAt = createdAt
    }
}
