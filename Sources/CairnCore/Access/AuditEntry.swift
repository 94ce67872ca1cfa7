public import Foundation

/// A security-relevant thing that happened in a workspace.
public struct AuditEntry: Sendable, Hashable, Codable {
    public enum Action: String, Sendable, Hashable, Codable, CaseIterable {
        case loginSucceeded = "login.succeeded"
        case loginFailed = "login.failed"
        case loginThrottled = "login.throttled"
        case logout = "logout"
        case setupCompleted = "setup.completed"
        case workspaceUpdated = "workspace.updated"
        case userCreated = "user.created"
        case userRoleChanged = "user.role_changed"
        case userRemoved = "user.removed"
        case userPreferencesChanged = "user.preferences_changed"
        case keyCreated = "key.created"
        case keyRevoked = "key.revoked"
        /// A key made by someone whose role went down now acts with that lower role.
        case keyCapped = "key.capped"
        case sourceCreated = "source.created"
        case sourceUpdated = "source.updated"
        case channelDefined = "channel.defined"
        case consentPurposeChanged = "consent.purpose_changed"
        case dataExported = "data.exported"
        case dataErased = "data.erased"
        case erasureReleased = "erasure.released"
    }

    public var id: AuditEntryID
    public var workspaceID: WorkspaceID
    public var occurredAt: Date
    public var action: Action
    /// `user:<id>`, `key:<id>`, `console` or `anonymous`; never a name or an email.
    public var actor: String
    /// What was acted on, e.g. `user:<id>` or `key:<id>`.
    public var target: String?
    /// Non-personal details, e.g. `{"from":"viewer","to":"agent"}`.
    public var details: [String: String]
    /// The client address of the request, kept for security review.
    public var ipAddress: String?

    public init(id: AuditEntryID, workspaceID: WorkspaceID, occurredAt: Date, action: Action, actor: String, target: String?, details: [String: String], ipAddress: String?) {
        self.id = id
        self.workspaceID = workspaceID
        self.occurredAt = occurredAt
        self.action = action
        self.actor = actor
        self.target = target
        self.details = details
        self.ipAddress = ipAddress
    }
}
