public import CairnCore
import CairnStore
import Foundation
import Logging

extension Administration {
    /// What a new user needs. Without a password one is generated and returned once.
    public struct NewUser: Sendable {
        public var email: String
        public var displayName: String
        public var role: Role
        public var password: String?
        public var locale: InterfaceLanguage?

        public init(email: String, displayName: String = "", role: Role, password: String? = nil, locale: InterfaceLanguage? = nil) {
            self.email = email
            self.displayName = displayName
            self.role = role
            self.password = password
            self.locale = locale
        }
    }

    public struct CreatedUser: Sendable {
        public var user: User
        /// Set when Cairn generated the password; show it once.
        public var generatedPassword: String?
    }

    public func users(for principal: Principal, after cursor: Cursor?, limit: PageSize) async throws -> Page<User> {
        try principal.require(.usersRead)
        return try await store.users(in: principal.workspaceID, after: cursor, limit: limit.value)
    }

    public func user(_ id: UserID, for principal: Principal) async throws -> User {
        if principal.userID != id { try principal.require(.usersRead) }
        guard let user = try await store.user(id: id, in: principal.workspaceID) else { throw NotFoundError(kind: "user", id: id.rawValue) }
        return user
    }

    public func createUser(_ new: NewUser, by principal: Principal, origin: RequestOrigin) async throws -> CreatedUser {
        try principal.require(.usersManage)
        var issues = ValidationCollector()
        let email = issues.check { () throws(ValidationError) in try Credentials.validateEmail(new.email) }
        let displayName = issues.check { () throws(ValidationError) in try Credentials.validateDisplayName(new.displayName) }
        if let password = new.password {
            _ = issues.check { () throws(ValidationError) in try Credentials.validateNewPassword(password) }
        }
        try issues.throwIfAny()
        let generated = new.password == nil ? Secrets.generatedPassword() : nil
        let hash = try await passwordHasher.hash(new.password ?? generated!)
        let user = User(id: .generate(), workspaceID: principal.workspaceID, email: email!, displayName: displayName!, role: new.role,
                        locale: new.locale, createdAt: clock.now())
        try await store.insert(user, passwordHash: hash)
        try await audit(.userCreated, by: principal, target: "user:\(user.id)", details: ["role": new.role.rawValue], origin: origin)
        logger.info("user created", metadata: ["user.id": "\(user.id)", "role": "\(new.role.rawValue)"])
        return CreatedUser(user: user, generatedPassword: generated)
    }

    /// Changes a user's role. The workspace always keeps at least one administrator.
    public func changeRole(of id: UserID, to role: Role, by principal: Principal, origin: RequestOrigin) async throws -> User {
        try principal.require(.usersManage)
        let workspace = principal.workspaceID
        let (before, after) = try await store.transaction { tx -> (User, User) in
            guard let before = try await tx.user(id: id, in: workspace) else { throw NotFoundError(kind: "user", id: id.rawValue) }
            if before.role == .admin, role != .admin, try await tx.countUsers(in: workspace, role: .admin) <= 1 {
                throw AccessError.lastAdministrator
            }
            try await tx.update(user: id, in: workspace, role: role)
            guard let after = try await tx.user(id: id, in: workspace) else { throw NotFoundError(kind: "user", id: id.rawValue) }
            return (before, after)
        }
        if before.role != role {
            try await audit(.userRoleChanged, by: principal, target: "user:\(id)", details: ["from": before.role.rawValue, "to": role.rawValue], origin: origin)
            // The keys this user made now act at most with the new role (checked at every use); the log says which.
            if role < before.role {
                for key in try await store.keys(createdBy: "user:\(id)", in: workspace) where (key.role ?? .viewer) > role {
                    try await audit(.keyCapped, by: principal, target: "key:\(key.id)",
                                    details: ["from": min(key.role ?? .viewer, before.role).rawValue, "to": role.rawValue, "maker": "user:\(id)"], origin: origin)
                }
            }
        }
        return after
    }

    /// Revokes the keys a user or key made, and those made by them in turn, with an audit entry each.
    func revokeKeys(madeBy maker: String, in workspace: WorkspaceID, by principal: Principal, origin: RequestOrigin, depth: Int = 0) async throws {
        guard depth < 8 else { return }
        for key in try await store.keys(createdBy: maker, in: workspace) {
            if try await store.revoke(key: key.id, in: workspace, at: clock.now()) {
                try await audit(.keyRevoked, by: principal, target: "key:\(key.id)", details: ["kind": key.kind.rawValue, "reason": "maker removed", "maker": maker],
                                origin: origin)
            }
            try await revokeKeys(madeBy: "key:\(key.id)", in: workspace, by: principal, origin: origin, depth: depth + 1)
        }
    }

    /// Removes a user and signs them out everywhere. The last administrator cannot be removed.
    public func removeUser(_ id: UserID, by principal: Principal, origin: RequestOrigin) async throws {
        try principal.require(.usersManage)
        let workspace = principal.workspaceID
        try await store.transaction { tx in
            guard let user = try await tx.user(id: id, in: workspace) else { throw NotFoundError(kind: "user", id: id.rawValue) }
            if user.role == .admin, try await tx.countUsers(in: workspace, role: .admin) <= 1 { throw AccessError.lastAdministrator }
            try await tx.delete(user: id, in: workspace)
        }
        try await audit(.userRemoved, by: principal, target: "user:\(id)", origin: origin)
        // What they made ends with them: their keys are revoked (open streams notice within a poll; EventStream).
        try await revokeKeys(madeBy: "user:\(id)", in: workspace, by: principal, origin: origin)
    }

    /// A user changes their own display name or interface language.
    public func updatePreferences(displayName: String?, locale: InterfaceLanguage??, by principal: Principal, origin: RequestOrigin) async throws -> User {
        guard let id = principal.userID else { throw AccessError.forbidden(.workspaceRead) }
        let name = try displayName.map { name throws(ValidationError) in try Credentials.validateDisplayName(name) }
        try await store.update(user: id, in: principal.workspaceID, displayName: name, locale: locale)
        try await audit(.userPreferencesChanged, by: principal, target: "user:\(id)", origin: origin)
        return try await user(id, for: principal)
    }
}
