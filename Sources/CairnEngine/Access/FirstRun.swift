public import CairnCore
public import CairnStore
import Foundation

/// Getting the first administrator in: from `--admin-email` at start, or from the `/setup` page while none exists.
public struct FirstRun: Sendable {
    let store: Store
    public let passwordHasher: PasswordHasher
    public let clock: DateSource

    public init(store: Store, passwordHasher: PasswordHasher, clock: DateSource = .system) {
        self.store = store
        self.passwordHasher = passwordHasher
        self.clock = clock
    }

    public func isOpen() async throws -> Bool { try await !store.hasAnyAdministrator() }

    public struct Result: Sendable {
        public var workspace: Workspace
        public var admin: User
        public var generatedPassword: String?
    }

    /// Creates a workspace and its first administrator. Refused once any administrator exists.
    public func createFirstAdministrator(workspaceName: String, email: String, displayName: String = "", password: String?, origin: RequestOrigin) async throws -> Result {
        var issues = ValidationCollector()
        let name = issues.check { () throws(ValidationError) in try Workspace.validateName(workspaceName, field: "workspaceName") }
        let email = issues.check { () throws(ValidationError) in try Credentials.validateEmail(email) }
        let displayName = issues.check { () throws(ValidationError) in try Credentials.validateDisplayName(displayName) }
        if let password { _ = issues.check { () throws(ValidationError) in try Credentials.validateNewPassword(password) } }
        try issues.throwIfAny()
        let generated = password == nil ? Secrets.generatedPassword() : nil
        let hash = try await passwordHasher.hash(password ?? generated!)
        let now = clock.now()
        let workspace = Workspace(id: .generate(), name: name!, createdAt: now)
        let admin = User(id: .generate(), workspaceID: workspace.id, email: email!, displayName: displayName!, role: .admin, locale: nil, createdAt: now)
        try await store.transaction { tx in
            // Checked inside the write transaction so two racing setups cannot both succeed.
            guard try await !tx.hasAnyAdministrator() else {
                throw AccessError.setupAlreadyCompleted
            }
            try await tx.insert(workspace)
            try await tx.insert(admin, passwordHash: hash)
            try await tx.append(AuditEntry(id: .generate(), workspaceID: workspace.id, occurredAt: now, action: .setupCompleted,
                                           actor: "user:\(admin.id)", target: "workspace:\(workspace.id)", details: [:], ipAddress: origin.ipAddress))
        }
        return Result(workspace: workspace, admin: admin, generatedPassword: generated)
    }
}
