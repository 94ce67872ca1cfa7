/// Errors about who may do what.
public enum AccessError: Error, Sendable, Hashable {
    /// The role lacks the permission.
    case forbidden(Permission)
    /// Credentials did not match; deliberately says no more.
    case invalidCredentials
    /// Too many failed attempts; try again after the given number of seconds.
    case throttled(retryAfterSeconds: Int)
    /// No valid session or key was presented.
    case unauthenticated
    /// The change would leave the workspace without an administrator.
    case lastAdministrator
    /// First-run setup was attempted after an administrator already exists.
    case setupAlreadyCompleted
}

/// A row that does not exist in the caller's workspace (rows of other workspaces look the same as missing ones).
public struct NotFoundError: Error, Sendable, Hashable {
    public var kind: String
    public var id: String
    public init(kind: String, id: String) {
        self.kind = kind
        self.id = id
    }
}

/// A write that conflicts with what is stored, e.g. an email already in use.
public struct ConflictError: Error, Sendable, Hashable {
    public var field: String
    public var detail: String
    public init(field: String, detail: String) {
        self.field = field
        self.detail = detail
    }
}
