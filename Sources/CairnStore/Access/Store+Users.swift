public import CairnCore
import Foundation
import SQLKit

/// A user row together with its password hash, for sign-in only.
public struct StoredCredentials: Sendable {
    public var user: User
    public var passwordHash: String
}

extension Store {
    static let userColumns = ["id", "workspace_id", "email", "display_name", "role", "locale", "created_at"]

    /// Inserts a user; throws ``ConflictError`` when the email is taken.
    public func insert(_ user: User, passwordHash: String) async throws {
        try await database.withConnection { sql in try await TransactionStore(sql: sql).insert(user, passwordHash: passwordHash) }
    }

    public func user(id: UserID, in workspace: WorkspaceID) async throws -> User? {
        try await database.withConnection { sql in
            try await sql.select().columns(Self.userColumns).from("users")
                .where("workspace_id", .equal, workspace.rawValue).where("id", .equal, id.rawValue)
                .first().map(User.init(row:))
        }
    }

    /// Looks a user up by email across workspaces, for sign-in (the email is what identifies the workspace).
    public func credentials(email: String) async throws -> StoredCredentials? {
        try await database.withConnection { sql in
            guard let row = try await sql.select().columns(Self.userColumns + ["password_hash"]).from("users")
                .where("email", .equal, email).first() else { return nil }
            return StoredCredentials(user: try User(row: row), passwordHash: try row.decode(column: "password_hash", as: String.self))
        }
    }

    public func users(in workspace: WorkspaceID, after cursor: Cursor?, limit: Int) async throws -> Page<User> {
        try await database.withConnection { sql in
            let query = sql.select().columns(Self.userColumns).from("users").where("workspace_id", .equal, workspace.rawValue)
            let rows = try await Keyset.apply(query, sortColumn: "created_at", cursor: cursor, direction: .ascending, limit: limit).all()
            return Keyset.page(try rows.map(User.init(row:)), limit: limit) { Cursor(sortKey: $0.createdAt.storageMillis, id: $0.id.rawValue) }
        }
    }

    public func countUsers(in workspace: WorkspaceID, role: Role? = nil) async throws -> Int {
        try await database.withConnection { sql in try await TransactionStore(sql: sql).countUsers(in: workspace, role: role) }
    }

    /// Whether any workspace has an administrator (first-run setup is open only while none does).
    public func hasAnyAdministrator() async throws -> Bool {
        try await database.withConnection { sql in try await TransactionStore(sql: sql).hasAnyAdministrator() }
    }

    /// Updates role, display name or language; returns whether a row of that workspace changed.
    @discardableResult
    public func update(user id: UserID, in workspace: WorkspaceID, role: Role? = nil, displayName: String? = nil, locale: InterfaceLanguage?? = nil) async throws -> Bool {
        try await database.withConnection { sql in
            try await TransactionStore(sql: sql).update(user: id, in: workspace, role: role, displayName: displayName, locale: locale)
        }
    }

    public func updatePassword(user id: UserID, in workspace: WorkspaceID, passwordHash: String) async throws {
        try await database.withConnection { sql in
            try await sql.update("users").set("password_hash", to: passwordHash)
                .where("workspace_id", .equal, workspace.rawValue).where("id", .equal, id.rawValue).run()
        }
    }
}

extension TransactionStore {
    public func hasAnyAdministrator() async throws -> Bool {
        try await sql.select().column("id").from("users").where("role", .equal, Role.admin.rawValue).limit(1).first() != nil
    }

    public func insert(_ user: User, passwordHash: String) async throws {
        do {
            try await sql.insert(into: "users")
                .columns("id", "workspace_id", "email", "display_name", "role", "locale", "password_hash", "created_at")
                .values(SQLBind(user.id.rawValue), SQLBind(user.workspaceID.rawValue), SQLBind(user.email), SQLBind(user.displayName),
                        SQLBind(user.role.rawValue), SQLBind(user.locale?.rawValue), SQLBind(passwordHash), SQLBind(user.createdAt.storageMillis))
                .run()
        } catch where CairnDatabase.Dialect.isUniqueViolation(error) {
            throw ConflictError(field: "email", detail: "This address cannot be given a new account here. Check the address, or ask the person to sign in with the account they have.")
        }
    }

    public func user(id: UserID, in workspace: WorkspaceID) async throws -> User? {
        try await sql.select().columns(Store.userColumns).from("users")
            .where("workspace_id", .equal, workspace.rawValue).where("id", .equal, id.rawValue)
            .first().map(User.init(row:))
    }

    public func countUsers(in workspace: WorkspaceID, role: Role? = nil) async throws -> Int {
        let query = sql.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from("users")
            .where("workspace_id", .equal, workspace.rawValue)
        if let role { query.where("role", .equal, role.rawValue) }
        return Int(try await query.first()?.decode(column: "n", as: Int64.self) ?? 0)
    }

    @discardableResult
    public func update(user id: UserID, in workspace: WorkspaceID, role: Role? = nil, displayName: String? = nil, locale: InterfaceLanguage?? = nil) async throws -> Bool {
        let update = sql.update("users")
        var changes = 0
        if let role { update.set("role", to: role.rawValue); changes += 1 }
        if let displayName { update.set("display_name", to: displayName); changes += 1 }
        if let locale { update.set("locale", to: SQLBind(locale?.rawValue)); changes += 1 }
        guard changes > 0 else { return try await self.user(id: id, in: workspace) != nil }
        try await update.where("workspace_id", .equal, workspace.rawValue).where("id", .equal, id.rawValue).run()
        return try await self.user(id: id, in: workspace) != nil
    }

    /// Deletes a user of the workspace and their sessions.
    public func delete(user id: UserID, in workspace: WorkspaceID) async throws {
        try await sql.delete(from: "sessions").where("workspace_id", .equal, workspace.rawValue).where("user_id", .equal, id.rawValue).run()
        try await sql.delete(from: "users").where("workspace_id", .equal, workspace.rawValue).where("id", .equal, id.rawValue).run()
    }
}

extension User {
    init(row: any SQLRow) throws {
        let roleText = try row.decode(column: "role", as: String.self)
        self.init(
            id: UserID(rawValue: try row.decode(column: "id", as: String.self)),
            workspaceID: WorkspaceID(rawValue: try row.decode(column: "workspace_id", as: String.self)),
            email: try row.decode(column: "email", as: String.self),
            displayName: try row.decode(column: "display_name", as: String.self),
            role: Role(rawValue: roleText) ?? .viewer,
            locale: try row.decode(column: "locale", as: String?.self).flatMap(InterfaceLanguage.init(rawValue:)),
            createdAt: Date(storageMillis: try row.decode(column: "created_at", as: Int64.self))
        )
    }
}
