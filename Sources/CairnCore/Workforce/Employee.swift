public import Foundation

public struct EmployeeID: EntityID { public let rawValue: String; public init(rawValue: String) { self.rawValue = rawValue } }
public struct PulseID: EntityID { public let rawValue: String; public init(rawValue: String) { self.rawValue = rawValue } }

/// Someone who works for the workspace: in a store, in a (service) team, or both; an agent who signs in to Cairn is
/// linked to their user. The email is where pulse invitations go; it is never shown beside an answer.
public struct Employee: Sendable, Hashable, Codable {
    public var id: EmployeeID
    public var workspaceID: WorkspaceID
    public var name: String
    public var email: String?
    public var storeID: RetailStoreID?
    public var teamID: TeamID?
    public var userID: UserID?
    public var active: Bool
    public var createdAt: Date
    public var updatedAt: Date

    enum CodingKeys: String, CodingKey {
        case id, workspaceID = "workspaceId", name, email, storeID = "storeId", teamID = "teamId", userID = "userId", active, createdAt, updatedAt
    }

    public init(id: EmployeeID, workspaceID: WorkspaceID, name: String, email: String?, storeID: RetailStoreID?, teamID: TeamID?, userID: UserID?,
                active: Bool, createdAt: Date, updatedAt: Date) {
        self.id = id
        self.workspaceID = workspaceID
        self.name = name
        self.email = email
        self.storeID = storeID
        self.teamID = teamID
        self.userID = userID
        self.active = active
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// An anonymous employee pulse: "How likely are you to recommend working here to a friend?" (0–10, the eNPS) and what
/// would make it better (free text). Each active employee gets a single-use link; an answer keeps only the store and
/// team the employee was in and the day — never who, never the link.
public struct Pulse: Sendable, Hashable, Codable {
    public var id: PulseID
    public var workspaceID: WorkspaceID
    public var name: String
    public var createdAt: Date
    /// Answers are taken until then.
    public var closesAt: Date
    public var invited: Int
    public var answered: Int

    enum CodingKeys: String, CodingKey { case id, workspaceID = "workspaceId", name, createdAt, closesAt, invited, answered }

    public init(id: PulseID, workspaceID: WorkspaceID, name: String, createdAt: Date, closesAt: Date, invited: Int, answered: Int) {
        self.id = id
        self.workspaceID = workspaceID
        self.name = name
        self.createdAt = createdAt
        self.closesAt = closesAt
        self.invited = invited
        self.answered = answered
    }

    public func isOpen(at now: Date) -> Bool { now < closesAt }
}
