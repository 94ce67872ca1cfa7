public import Foundation

/// A group of agents that works on one business-hours calendar; its members see the team's queue, and service-level
/// targets of the team's cases count on its calendar.
public struct Team: Sendable, Hashable, Encodable {
    public var id: TeamID
    public var name: String
    public var calendar: BusinessCalendar
    public var members: [UserID]
    public var createdAt: Date

    public init(id: TeamID, name: String, calendar: BusinessCalendar, members: [UserID], createdAt: Date) {
        self.id = id
        self.name = name
        self.calendar = calendar
        self.members = members
        self.createdAt = createdAt
    }
}

/// A status a workspace adds to the built-in ones (e.g. "waiting for parts"), behaving like one of them: a status
/// that behaves like `pending` stops service-level clocks, one like `solved` ends the case.
public struct CaseStatusDefinition: Sendable, Hashable, Codable {
    public var name: String
    public var behavesLike: Case.Status

    public init(name: String, behavesLike: Case.Status) {
        self.name = name
        self.behavesLike = behavesLike
    }
}

public struct CannedReplyID: EntityID { public let rawValue: String; public init(rawValue: String) { self.rawValue = rawValue } }

/// A reply agents reuse, written in each language the workspace answers in. `{name}` becomes the customer's name and
/// `{number}` the case number.
public struct CannedReply: Sendable, Hashable, Codable {
    public static let languages = ["en", "de", "zh", "he"]

    public var id: CannedReplyID
    public var title: String
    /// Language code (`en`, `de`, `zh`, `he`) → text.
    public var bodies: [String: String]
    public var createdAt: Date

    public init(id: CannedReplyID, title: String, bodies: [String: String], createdAt: Date) {
        self.id = id
        self.title = title
        self.bodies = bodies
        self.createdAt = createdAt
    }

    /// The text for a case in `language` (its first two letters; English, then any, when there is none), filled in.
    public func text(for language: String?, name: String?, number: Int64) -> String {
        let code = language.map { String($0.lowercased().prefix(2)) } ?? "en"
        let body = bodies[code] ?? bodies["en"] ?? bodies.sorted { $0.key < $1.key }.first?.value ?? ""
        return body.replacingOccurrences(of: "{name}", with: name ?? "").replacingOccurrences(of: "{number}", with: String(number))
    }
}
