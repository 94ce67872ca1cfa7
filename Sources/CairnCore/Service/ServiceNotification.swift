public import Foundation

public struct ServiceNotificationID: EntityID { public let rawValue: String; public init(rawValue: String) { self.rawValue = rawValue } }

/// Something an agent should know without watching a queue: a case's service-level deadline is about to pass, or has
/// passed. Each goes to the people who answer for the case — its assignee; without one, its team; without a team, the
/// workspace's admins and managers — and stays unread until they have seen it.
public struct ServiceNotification: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        case slaWarning = "sla_warning"
        case slaBreached = "sla_breached"
    }

    public var id: ServiceNotificationID
    public var userID: UserID
    public var kind: Kind
    public var caseID: CaseID
    public var caseNumber: Int64
    public var subject: String
    /// The deadline about to pass or passed.
    public var dueAt: Date
    public var at: Date
    public var readAt: Date?

    public init(id: ServiceNotificationID, userID: UserID, kind: Kind, caseID: CaseID, caseNumber: Int64, subject: String, dueAt: Date, at: Date, readAt: Date? = nil) {
        self.id = id
        self.userID = userID
        self.kind = kind
        self.caseID = caseID
        self.caseNumber = caseNumber
        self.subject = subject
        self.dueAt = dueAt
        self.at = at
        self.readAt = readAt
    }
}
