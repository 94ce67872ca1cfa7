public import CairnCore
public import Foundation
import SQLKit

extension Store {
    public func articles(in workspace: WorkspaceID) async throws -> [KnowledgeArticle] {
        try await database.withConnection { sql in
            try await sql.select().columns("id", "language", "title", "body", "updated_at").from("kb_articles").where("workspace_id", .equal, workspace.rawValue)
                .orderBy("title").all().map { row in
                    KnowledgeArticle(id: KnowledgeArticleID(rawValue: try row.decode(column: "id", as: String.self)), language: try row.decode(column: "language", as: String.self),
                                     title: try row.decode(column: "title", as: String.self), body: try row.decode(column: "body", as: String.self),
                                     updatedAt: Date(storageMillis: try row.decode(column: "updated_at", as: Int64.self)))
                }
        }
    }

    public func save(_ article: KnowledgeArticle, in workspace: WorkspaceID) async throws {
        try await database.withConnection { sql in
            try await sql.insert(into: "kb_articles").columns("workspace_id", "id", "language", "title", "body", "updated_at")
                .values(SQLBind(workspace.rawValue), SQLBind(article.id.rawValue), SQLBind(article.language), SQLBind(article.title), SQLBind(article.body),
                        SQLBind(article.updatedAt.storageMillis))
                .onConflict(with: ["workspace_id", "id"]) { $0.set(excludedValueOf: "language").set(excludedValueOf: "title").set(excludedValueOf: "body").set(excludedValueOf: "updated_at") }
                .run()
        }
    }

    public func deleteArticle(_ id: KnowledgeArticleID, in workspace: WorkspaceID) async throws -> Bool {
        try await database.withConnection { sql in
            try await sql.delete(from: "kb_articles").where("workspace_id", .equal, workspace.rawValue).where("id", .equal, id.rawValue).returning("id").first() != nil
        }
    }

    /// The secret identity tokens are signed with; made on first use.
    public func chatIdentitySecret(in workspace: WorkspaceID, makeWith make: @Sendable () -> String, at date: Date) async throws -> String {
        try await database.withConnection { sql in
            try await sql.insert(into: "chat_settings").columns("workspace_id", "identity_secret", "created_at")
                .values(SQLBind(workspace.rawValue), SQLBind(make()), SQLBind(date.storageMillis)).ignoringConflicts(with: ["workspace_id"]).run()
            return try await sql.select().column("identity_secret").from("chat_settings").where("workspace_id", .equal, workspace.rawValue).first()!
                .decode(column: "identity_secret", as: String.self)
        }
    }

    public func chatSession(of id: CaseID, in workspace: WorkspaceID) async throws -> (session: ChatSession, tokenHash: String)? {
        try await database.withConnection { sql in try await TransactionStore(sql: sql, engine: engine).chatSession(of: id, in: workspace) }
    }

    public func availability(in workspace: WorkspaceID) async throws -> [AgentAvailability] {
        try await database.withConnection { sql in
            try await sql.select().columns("user_id", "status", "languages", "skills", "updated_at").from("agent_status").where("workspace_id", .equal, workspace.rawValue)
                .all().map { row in
                    AgentAvailability(userID: UserID(rawValue: try row.decode(column: "user_id", as: String.self)),
                                      status: AgentAvailability.Status(rawValue: try row.decode(column: "status", as: String.self)) ?? .away,
                                      languages: (try? JSONDecoder().decode([String].self, from: Data(try row.decode(column: "languages", as: String.self).utf8))) ?? [],
                                      skills: (try? JSONDecoder().decode([String].self, from: Data(try row.decode(column: "skills", as: String.self).utf8))) ?? [],
                                      updatedAt: Date(storageMillis: try row.decode(column: "updated_at", as: Int64.self)))
                }
        }
    }

    public func save(_ availability: AgentAvailability, in workspace: WorkspaceID) async throws {
        try await database.withConnection { sql in
            try await sql.insert(into: "agent_status").columns("workspace_id", "user_id", "status", "languages", "skills", "updated_at")
                .values(SQLBind(workspace.rawValue), SQLBind(availability.userID.rawValue), SQLBind(availability.status.rawValue),
                        SQLBind(String(decoding: try JSONEncoder.sorted.encode(availability.languages), as: UTF8.self)),
                        SQLBind(String(decoding: try JSONEncoder.sorted.encode(availability.skills), as: UTF8.self)), SQLBind(availability.updatedAt.storageMillis))
                .onConflict(with: ["workspace_id", "user_id"]) {
                    $0.set(excludedValueOf: "status").set(excludedValueOf: "languages").set(excludedValueOf: "skills").set(excludedValueOf: "updated_at")
                }.run()
        }
    }

    /// Chats handed over and waiting for an agent, oldest first (the queue the position is counted in).
    public func waitingChats(in workspace: WorkspaceID) async throws -> [CaseID] {
        try await database.withConnection { sql in
            try await sql.raw("""
                SELECT s.case_id AS id FROM chat_sessions s JOIN cases c ON c.workspace_id = s.workspace_id AND c.id = s.case_id
                WHERE s.workspace_id = \(bind: workspace.rawValue) AND s.bot_active = 0 AND c.is_open = 1 AND c.assignee_id IS NULL AND c.channel = 'chat'
                ORDER BY s.handed_over_at, s.case_id
                """).all().map { CaseID(rawValue: try $0.decode(column: "id", as: String.self)) }
        }
    }

    /// Open chat cases per assignee (how busy each agent is).
    public func openChats(in workspace: WorkspaceID) async throws -> [UserID: Int] {
        try await database.withConnection { sql in
            var counts: [UserID: Int] = [:]
            for row in try await sql.raw("""
                SELECT assignee_id AS a, COUNT(*) AS n FROM cases WHERE workspace_id = \(bind: workspace.rawValue) AND is_open = 1 AND channel = 'chat'
                  AND assignee_id IS NOT NULL GROUP BY assignee_id
                """).all() {
                counts[UserID(rawValue: try row.decode(column: "a", as: String.self))] = Int(try row.decode(column: "n", as: Int64.self))
            }
            return counts
        }
    }

    /// Chats of the period: how many, how many the bot kept (never handed over), and the hand-overs by reason.
    public func chatOutcomes(in workspace: WorkspaceID, from: Date, until: Date) async throws -> (chats: Int, contained: Int, reasons: [String: Int]) {
        try await database.withConnection { sql in
            var chats = 0, contained = 0, reasons: [String: Int] = [:]
            for row in try await sql.raw("""
                SELECT handover_reason AS r, COUNT(*) AS n FROM chat_sessions
                WHERE workspace_id = \(bind: workspace.rawValue) AND created_at >= \(bind: from.storageMillis) AND created_at < \(bind: until.storageMillis)
                GROUP BY handover_reason
                """).all() {
                let n = Int(try row.decode(column: "n", as: Int64.self))
                chats += n
                if let reason = try row.decode(column: "r", as: String?.self) { reasons[reason] = n } else { contained += n }
            }
            return (chats, contained, reasons)
        }
    }
}

extension TransactionStore {
    public func insert(_ session: ChatSession, tokenHash: String, in workspace: WorkspaceID) async throws {
        try await sql.insert(into: "chat_sessions")
            .columns("workspace_id", "case_id", "token_hash", "language", "bot_active", "bot_failures", "handover_reason", "handed_over_at", "visitor_email", "verified", "created_at")
            .values(SQLBind(workspace.rawValue), SQLBind(session.caseID.rawValue), SQLBind(tokenHash), SQLBind(session.language), SQLBind(session.botActive ? 1 : 0),
                    SQLBind(Int64(session.botFailures)), SQLBind(session.handoverReason?.rawValue), SQLBind(session.handedOverAt?.storageMillis),
                    SQLBind(session.visitorEmail), SQLBind(session.verified ? 1 : 0), SQLBind(session.createdAt.storageMillis))
            .run()
    }

    public func update(_ session: ChatSession, in workspace: WorkspaceID) async throws {
        try await sql.update("chat_sessions").set("bot_active", to: session.botActive ? 1 : 0).set("bot_failures", to: Int64(session.botFailures))
            .set("handover_reason", to: SQLBind(session.handoverReason?.rawValue)).set("handed_over_at", to: SQLBind(session.handedOverAt?.storageMillis))
            .set("visitor_email", to: SQLBind(session.visitorEmail))
            .set("bot_tried", to: SQLBind(String(decoding: try JSONEncoder.sorted.encode(session.tried), as: UTF8.self)))
            .where("workspace_id", .equal, workspace.rawValue).where("case_id", .equal, session.caseID.rawValue).run()
        try await changed(session.caseID)
    }

    public func chatSession(of id: CaseID, in workspace: WorkspaceID) async throws -> (session: ChatSession, tokenHash: String)? {
        guard let row = try await sql.select().columns("token_hash", "language", "bot_active", "bot_failures", "handover_reason", "handed_over_at", "visitor_email", "verified", "created_at",
                                                       "bot_tried")
            .from("chat_sessions").where("workspace_id", .equal, workspace.rawValue).where("case_id", .equal, id.rawValue).first() else { return nil }
        var session = ChatSession(caseID: id, language: try row.decode(column: "language", as: String.self), botActive: try row.decode(column: "bot_active", as: Int64.self) == 1,
                            botFailures: Int(try row.decode(column: "bot_failures", as: Int64.self)),
                            handoverReason: try row.decode(column: "handover_reason", as: String?.self).flatMap(HandoverReason.init(rawValue:)),
                            handedOverAt: try row.decode(column: "handed_over_at", as: Int64?.self).map(Date.init(storageMillis:)),
                            visitorEmail: try row.decode(column: "visitor_email", as: String?.self), verified: try row.decode(column: "verified", as: Int64.self) == 1,
                            createdAt: Date(storageMillis: try row.decode(column: "created_at", as: Int64.self)))
        session.tried = try row.decode(column: "bot_tried", as: String?.self).flatMap { try? JSONDecoder().decode([String].self, from: Data($0.utf8)) } ?? []
        return (session, try row.decode(column: "token_hash", as: String.self))
    }
}
