public import CairnCore
public import Foundation
public import SQLKit

extension Store {
    public func teams(in workspace: WorkspaceID) async throws -> [Team] {
        try await database.withConnection { sql in try await TransactionStore(sql: sql, engine: engine).teams(in: workspace) }
    }

    public func team(id: TeamID, in workspace: WorkspaceID) async throws -> Team? {
        try await teams(in: workspace).first { $0.id == id }
    }

    /// The teams a user belongs to.
    public func teams(of user: UserID, in workspace: WorkspaceID) async throws -> [TeamID] {
        try await database.withConnection { sql in
            try await sql.select().column("team_id").from("team_members").where("workspace_id", .equal, workspace.rawValue).where("user_id", .equal, user.rawValue)
                .all().map { TeamID(rawValue: try $0.decode(column: "team_id", as: String.self)) }
        }
    }

    public func slaPolicies(in workspace: WorkspaceID) async throws -> [SLAPolicy] {
        try await database.withConnection { sql in try await TransactionStore(sql: sql, engine: engine).slaPolicies(in: workspace) }
    }

    public func cannedReplies(in workspace: WorkspaceID) async throws -> [CannedReply] {
        try await database.withConnection { sql in
            try await sql.select().columns("id", "title", "bodies", "created_at").from("canned_replies").where("workspace_id", .equal, workspace.rawValue)
                .orderBy("title").all().map { row in
                    CannedReply(id: CannedReplyID(rawValue: try row.decode(column: "id", as: String.self)), title: try row.decode(column: "title", as: String.self),
                                bodies: (try? JSONDecoder().decode([String: String].self, from: Data(try row.decode(column: "bodies", as: String.self).utf8))) ?? [:],
                                createdAt: Date(storageMillis: try row.decode(column: "created_at", as: Int64.self)))
                }
        }
    }

    /// The statuses the workspace added, each with the built-in status it behaves like.
    public func caseStatuses(in workspace: WorkspaceID) async throws -> [CaseStatusDefinition] {
        try await database.withConnection { sql in try await TransactionStore(sql: sql, engine: engine).caseStatuses(in: workspace) }
    }
}

extension TransactionStore {
    public func teams(in workspace: WorkspaceID) async throws -> [Team] {
        let w = workspace.rawValue
        var members: [String: [UserID]] = [:]
        for row in try await sql.select().columns("team_id", "user_id").from("team_members").where("workspace_id", .equal, w).orderBy("user_id").all() {
            members[try row.decode(column: "team_id", as: String.self), default: []].append(UserID(rawValue: try row.decode(column: "user_id", as: String.self)))
        }
        return try await sql.select().columns("id", "name", "calendar", "created_at").from("teams").where("workspace_id", .equal, w).orderBy("name").all().map { row in
            let id = try row.decode(column: "id", as: String.self)
            return Team(id: TeamID(rawValue: id), name: try row.decode(column: "name", as: String.self),
                        calendar: (try? JSONDecoder().decode(BusinessCalendar.self, from: Data(try row.decode(column: "calendar", as: String.self).utf8))) ?? .alwaysOpen,
                        members: members[id] ?? [], createdAt: Date(storageMillis: try row.decode(column: "created_at", as: Int64.self)))
        }
    }

    /// Adds or replaces a team with its members.
    public func save(_ team: Team, in workspace: WorkspaceID) async throws {
        let calendar = String(decoding: try JSONEncoder.sorted.encode(team.calendar), as: UTF8.self)
        try await sql.insert(into: "teams").columns("workspace_id", "id", "name", "calendar", "created_at")
            .values(SQLBind(workspace.rawValue), SQLBind(team.id.rawValue), SQLBind(team.name), SQLBind(calendar), SQLBind(team.createdAt.storageMillis))
            .onConflict(with: ["workspace_id", "id"]) { $0.set(excludedValueOf: "name").set(excludedValueOf: "calendar") }.run()
        try await sql.delete(from: "team_members").where("workspace_id", .equal, workspace.rawValue).where("team_id", .equal, team.id.rawValue).run()
        for member in Set(team.members) {
            try await sql.insert(into: "team_members").columns("workspace_id", "team_id", "user_id")
                .values(SQLBind(workspace.rawValue), SQLBind(team.id.rawValue), SQLBind(member.rawValue)).run()
        }
    }

    public func slaPolicies(in workspace: WorkspaceID) async throws -> [SLAPolicy] {
        try await sql.select().columns("definition").from("sla_policies").where("workspace_id", .equal, workspace.rawValue).orderBy("position").orderBy("id").all()
            .compactMap { row in try? JSONDecoder().decode(SLAPolicy.self, from: Data(try row.decode(column: "definition", as: String.self).utf8)) }
    }

    public func save(_ policy: SLAPolicy, in workspace: WorkspaceID, at date: Date) async throws {
        let definition = String(decoding: try JSONEncoder.sorted.encode(policy), as: UTF8.self)
        try await sql.insert(into: "sla_policies").columns("workspace_id", "id", "position", "definition", "created_at")
            .values(SQLBind(workspace.rawValue), SQLBind(policy.id.rawValue), SQLBind(Int64(policy.position)), SQLBind(definition), SQLBind(date.storageMillis))
            .onConflict(with: ["workspace_id", "id"]) { $0.set(excludedValueOf: "position").set(excludedValueOf: "definition") }.run()
    }

    public func deleteSLAPolicy(_ id: SLAPolicyID, in workspace: WorkspaceID) async throws -> Bool {
        let exists = try await sql.select().column("id").from("sla_policies").where("workspace_id", .equal, workspace.rawValue).where("id", .equal, id.rawValue).first() != nil
        try await sql.delete(from: "sla_policies").where("workspace_id", .equal, workspace.rawValue).where("id", .equal, id.rawValue).run()
        return exists
    }

    public func caseStatuses(in workspace: WorkspaceID) async throws -> [CaseStatusDefinition] {
        try await sql.select().columns("name", "behaves_like").from("case_statuses").where("workspace_id", .equal, workspace.rawValue).orderBy("name").all().map { row in
            CaseStatusDefinition(name: try row.decode(column: "name", as: String.self),
                                 behavesLike: Case.Status(rawValue: try row.decode(column: "behaves_like", as: String.self)) ?? .open)
        }
    }

    public func save(_ status: CaseStatusDefinition, in workspace: WorkspaceID) async throws {
        try await sql.insert(into: "case_statuses").columns("workspace_id", "name", "behaves_like")
            .values(SQLBind(workspace.rawValue), SQLBind(status.name), SQLBind(status.behavesLike.rawValue))
            .onConflict(with: ["workspace_id", "name"]) { $0.set(excludedValueOf: "behaves_like") }.run()
    }

    public func save(_ reply: CannedReply, in workspace: WorkspaceID) async throws {
        let bodies = String(decoding: try JSONEncoder.sorted.encode(reply.bodies), as: UTF8.self)
        try await sql.insert(into: "canned_replies").columns("workspace_id", "id", "title", "bodies", "created_at")
            .values(SQLBind(workspace.rawValue), SQLBind(reply.id.rawValue), SQLBind(reply.title), SQLBind(bodies), SQLBind(reply.createdAt.storageMillis))
            .onConflict(with: ["workspace_id", "id"]) { $0.set(excludedValueOf: "title").set(excludedValueOf: "bodies") }.run()
    }

    public func deleteCannedReply(_ id: CannedReplyID, in workspace: WorkspaceID) async throws -> Bool {
        let exists = try await sql.select().column("id").from("canned_replies").where("workspace_id", .equal, workspace.rawValue).where("id", .equal, id.rawValue).first() != nil
        try await sql.delete(from: "canned_replies").where("workspace_id", .equal, workspace.rawValue).where("id", .equal, id.rawValue).run()
        return exists
    }
}
