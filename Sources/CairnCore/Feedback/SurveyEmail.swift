public import Foundation

public struct SurveyEmailID: EntityID { public let rawValue: String; public init(rawValue: String) { self.rawValue = rawValue } }

/// An email of a survey invitation: the invitation itself, or its one reminder.
public struct SurveyEmail: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable { case invitation, reminder }
    public enum Status: String, Sendable, Hashable, Codable, CaseIterable {
        /// Waiting for `sendAt` (or retrying after a failure).
        case scheduled
        case sent
        /// Not sent, and never will be: the customer answered, withdrew consent, has no address, or the link expired.
        case skipped
        /// Given up after repeated failures.
        case failed
    }

    public var id: SurveyEmailID
    public var workspaceID: WorkspaceID
    public var surveyID: SurveyID
    public var invitationID: SurveyInvitationID
    public var profileID: ProfileID
    public var kind: Kind
    public var status: Status
    public var language: String
    public var sendAt: Date
    public var attempts: Int
    /// Why the last attempt failed, or why the email was skipped.
    public var lastError: String?
    public var sentAt: Date?
    public var createdAt: Date

    public init(id: SurveyEmailID, workspaceID: WorkspaceID, surveyID: SurveyID, invitationID: SurveyInvitationID, profileID: ProfileID, kind: Kind, status: Status,
                language: String, sendAt: Date, attempts: Int = 0, lastError: String? = nil, sentAt: Date? = nil, createdAt: Date) {
        self.id = id
        self.workspaceID = workspaceID
        self.surveyID = surveyID
        self.invitationID = invitationID
        self.profileID = profileID
        self.kind = kind
        self.status = status
        self.language = language
        self.sendAt = sendAt
        self.attempts = attempts
        self.lastError = lastError
        self.sentAt = sentAt
        self.createdAt = createdAt
    }
}
