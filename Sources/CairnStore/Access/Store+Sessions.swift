public import CairnCore
public import Foundation
import SQLKit

extension Store {
    public func insert(_ session: WebSession) async throws {
        try await database.withConnection { sql in
            try await sql.insert(into: "sessions")
                .columns("token_hash", "workspace_id", "user_id", "csrf_token", "created_at", "expires_at")
                .values(SQLBind(session.tokenHash), SQLBind(session.workspaceID.rawValue), SQLBind(session.userID.rawValue),
                        SQLBind(session.csrfToken), SQLBind(session.createdAt.storageMillis), SQLBind(session.expiresAt.storageMillis))
                .run()
        }
    }

    /// The unexpired session with this token hash.
    public func session(tokenHash: String, now: Date) async throws -> WebSession? {
        try await database.withConnection { sql in
            guard let row = try await sql.select().columns("token_hash", "workspace_id", "user_id", "csrf_token", "created_at", "expires_at")
                .from("sessions").where("token_hash", .equal, tokenHash).where("expires_at", .greaterThan, now.storageMillis).first()
            else { return nil }
            return WebSession(
                tokenHash: try row.decode(column: "token_hash", as: String.self),
                workspaceID: WorkspaceID(rawValue: try row.decode(column: "workspace_id", as: String.self)),
                userID: UserID(rawValue: try row.decode(column: "user_id", as: String.self)),
                csrfToken: try row.decode(column: "csrf_token", as: String.self),
                createdAt: Date(storageMillis: try row.decode(column: "created_at", as: Int64.self)),
                expiresAt: Date(storageMillis: try row.decode(column: "expires_at", as: Int64.self))
            )
        }
    }

    public func deleteSession(tokenHash: String) async throws {
        try await database.withConnection { sql in
            try await sql.delete(from: "sessions").where("token_hash", .equal, tokenHash).run()
        }
    }

    /// Removes sessions that have expired; returns nothing, it is housekeeping.
    public func deleteExpiredSessions(now: Date) async throws {
        try await database.withConnection { sql in
            try await sql.delete(from: "sessions").where("expires_at", .lessThanOrEqual, now.storageMillis).run()
        }
    }
}
