public import Foundation

/// A signed-in browser. The cookie holds a random token; only its hash is stored.
public struct WebSession: Sendable, Hashable {
    public var tokenHash: String
    public var workspaceID: WorkspaceID
    public var userID: UserID
    /// The synchroniser token every form and state-changing request of this session must carry.
    public var csrfToken: String
    public var createdAt: Date
    public var expiresAt: Date

    public init(tokenHash: String, workspaceID: WorkspaceID, userID: UserID, csrfToken: String, createdAt: Date, expiresAt: Date) {
        self.tokenHash = tokenHash
        self.workspaceID = workspaceID
        self.userID = userID
        self.csrfToken = csrfToken
        self.createdAt = createdAt
        self.expiresAt = expiresAt
    }
}
