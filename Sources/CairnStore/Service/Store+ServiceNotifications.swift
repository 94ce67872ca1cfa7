public import CairnCore
public import Foundation
import SQLKit

extension TransactionStore {
    /// Who answers for a case: its assignee; without one, its team's members; without a team (or an empty one), the
    /// workspace's admins and managers.
    public func answerable(for item: Case) async throws -> [UserID] {
        if let assignee = item.assigneeID { return [assignee] }
        if let team = item.teamID {
            let members = try await sql.select().column("user_id").from("team_members").where("workspace_id", .equal, item.workspaceID.rawValue)
                .where("team_id", .equal, team.rawValue).orderBy("user_id").all().map { UserID(rawValue: try $0.decode(column: "user_id", as: String.self)) }
            if !members.isEmpty { return members }
        }
        return try await sql.select().column("id").from("users").where("workspace_id", .equal, item.workspaceID.rawValue)
            .where("role", .in, [Role.admin.rawValue, Role.manager.rawValue]).orderBy("id").limit(50).all()
            .map { UserID(rawValue: try $0.decode(column: "id", as: String.self)) }
    }

    public func insert(_ notifications: [ServiceNotification], in workspace: WorkspaceID) async throws {
        guard !notifications.isEmpty else { return }
        let insert = sql.insert(into: "service_notifications")
            .columns("workspace_id", "id", "user_id", "kind", "case_id", "case_number", "subject", "due_at", "created_at", "read_at")
        for item in notifications {
            insert.values(SQLBind(workspace.rawValue), SQLBind(item.id.rawValue), SQLBind(item.userID.rawValue), SQLBind(item.kind.rawValue),
                          SQLBind(item.caseID.rawValue), SQLBind(item.caseNumber), SQLBind(item.subject), SQLBind(item.dueAt.storageMillis),
                          SQLBind(item.at.storageMillis), SQLBind(item.readAt?.storageMillis))
        }
        try await insert.run()
    }
}

extension Store {
    /// A user's notifications, newest first, and how many of all of theirs are unread.
    public func serviceNotifications(of user: UserID, in workspace: WorkspaceID, limit: Int) async throws -> (items: [ServiceNotification], unread: Int) {
        try await database.withConnection { sql in
            let items = try await sql.select()
                .columns("id", "user_id", "kind", "case_id", "case_number", "subject", "due_at", "created_at", "read_at").from("service_notifications")
                .where("workspace_id", .equal, workspace.rawValue).where("user_id", .equal, user.rawValue)
                .orderBy("created_at", .descending).orderBy("id", .descending).limit(limit).all().map { row in
                    ServiceNotification(id: ServiceNotificationID(rawValue: try row.decode(column: "id", as: String.self)),
                                        userID: UserID(rawValue: try row.decode(column: "user_id", as: String.self)),
                                        kind: ServiceNotification.Kind(rawValue: try row.decode(column: "kind", as: String.self)) ?? .slaBreached,
                                        caseID: CaseID(rawValue: try row.decode(column: "case_id", as: String.self)),
                                        caseNumber: try row.decode(column: "case_number", as: Int64.self), subject: try row.decode(column: "subject", as: String.self),
                                        dueAt: Date(storageMillis: try row.decode(column: "due_at", as: Int64.self)),
                                        at: Date(storageMillis: try row.decode(column: "created_at", as: Int64.self)),
                                        readAt: try row.decode(column: "read_at", as: Int64?.self).map(Date.init(storageMillis:)))
                }
            return (items, try await Self.unreadNotifications(of: user, in: workspace, sql: sql))
        }
    }

    /// How many of a user's notifications are unread.
    public func unreadServiceNotifications(of user: UserID, in workspace: WorkspaceID) async throws -> Int {
        try await database.withConnection { sql in try await Self.unreadNotifications(of: user, in: workspace, sql: sql) }
    }

    static func unreadNotifications(of user: UserID, in workspace: WorkspaceID, sql: any SQLDatabase) async throws -> Int {
        let row = try await sql.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from("service_notifications")
            .where("workspace_id", .equal, workspace.rawValue).where("user_id", .equal, user.rawValue).where("read_at", .is, SQLLiteral.null).first()
        return Int(try row?.decode(column: "n", as: Int64.self) ?? 0)
    }

    /// Marks all of a user's notifications read; returns how many were unread.
    @discardableResult
    public func markServiceNotificationsRead(of user: UserID, in workspace: WorkspaceID, at now: Date) async throws -> Int {
        try await database.withConnection { sql in
            try await sql.update("service_notifications").set("read_at", to: now.storageMillis)
                .where("workspace_id", .equal, workspace.rawValue).where("user_id", .equal, user.rawValue).where("read_at", .is, SQLLiteral.null)
                .returning("id").all().count
        }
    }
}
