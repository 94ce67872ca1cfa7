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
