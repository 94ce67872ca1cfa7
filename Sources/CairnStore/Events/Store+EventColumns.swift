public import CairnCore
public import Foundation
import SQLKit

/// What the in-process event columns read: every event tied to a customer (whose, when, what, on which channel),
/// those tied since a watermark, and the merges since the last one applied.
extension Store {
    /// The latest `resolved_at` of the workspace's events (0 with none): the columns read up to it and catch up after.
    public func resolvedWatermark(in workspace: WorkspaceID) async throws -> Int64 {
        try await database.withConnection { sql in
            try await sql.raw("SELECT MAX(resolved_at) AS w FROM events WHERE workspace_id = \(bind: workspace.rawValue)").first()?
                .decode(column: "w", as: Int64?.self) ?? 0
        }
    }

    /// Every event tied to a customer by `watermark` (and those tied before resolution times were kept), in the table's
    /// own order, handed to `each` row by row: profile, timestamp, name (nil for pages and identifies), channel, and
    /// the event's id and tie time when it was tied at or after `recentFrom` (nil otherwise).
    public func scanTiedEvents(in workspace: WorkspaceID, upTo watermark: Int64, recentFrom: Int64,
                               _ each: @escaping @Sendable (String, Int64, String?, String, (id: String, at: Int64)?) -> Void) async throws {
        try await database.withConnection { sql in
            try await sql.raw("""
                SELECT profile_id, timestamp, name, channel,
                       CASE WHEN resolved_at >= \(bind: recentFrom) THEN id END AS recent_id, resolved_at
                FROM events
                WHERE workspace_id = \(bind: workspace.rawValue) AND profile_id IS NOT NULL AND (resolved_at IS NULL OR resolved_at <= \(bind: watermark))
                """).run { row in
                guard let profile = try? row.decode(column: "profile_id", as: String.self), let time = try? row.decode(column: "timestamp", as: Int64.self) else { return }
                var recent: (String, Int64)?
                if let id = try? row.decode(column: "recent_id", as: String?.self), let at = try? row.decode(column: "resolved_at", as: Int64.self) { recent = (id, at) }
                each(profile, time, try? row.decode(column: "name", as: String?.self), (try? row.decode(column: "channel", as: String.self)) ?? "", recent)
            }
        }
    }

    /// Events tied to a customer at or after `from`, after `cursor` (tie time, id), up to `limit`, by tie time and id.
    public func eventsTied(in workspace: WorkspaceID, from: Int64, after cursor: (Int64, String)?, limit: Int)
        async throws -> [(id: String, profile: String, time: Int64, name: String?, channel: String, resolvedAt: Int64)] {
        try await database.withConnection { sql in
            let query = sql.select().columns("id", "profile_id", "timestamp", "name", "channel", "resolved_at").from("events")
                .where("workspace_id", .equal, workspace.rawValue).where("resolved_at", .greaterThanOrEqual, from).where("profile_id", .isNot, SQLLiteral.null)
            if let cursor {
                query.where { group in
                    group.where("resolved_at", .greaterThan, cursor.0)
                        .orWhere { tie in tie.where("resolved_at", .equal, cursor.0).where("id", .greaterThan, cursor.1) }
                }
            }
            return try await query.orderBy("resolved_at").orderBy("id").limit(limit).all().map { row in
                (try row.decode(column: "id", as: String.self), try row.decode(column: "profile_id", as: String.self), try row.decode(column: "timestamp", as: Int64.self),
                 try row.decode(column: "name", as: String?.self), try row.decode(column: "channel", as: String.self),
                 try row.decode(column: "resolved_at", as: Int64.self))
            }
        }
    }

    /// The latest merge's id ("" with none): the columns apply the merges after it.
    public func latestRekey(in workspace: WorkspaceID) async throws -> String {
        try await database.withConnection { sql in
            try await sql.raw("SELECT MAX(id) AS id FROM event_rekeys WHERE workspace_id = \(bind: workspace.rawValue)").first()?
                .decode(column: "id", as: String?.self) ?? ""
        }
    }

    /// Merges after `id` in order: the profile whose events moved, and where to.
    public func rekeys(in workspace: WorkspaceID, after id: String) async throws -> [(id: String, from: String, to: String)] {
        try await database.withConnection { sql in
            try await sql.select().columns("id", "from_profile", "to_profile").from("event_rekeys").where("workspace_id", .equal, workspace.rawValue)
                .where("id", .greaterThan, id).orderBy("id").limit(100_000).all().map { row in
                    (try row.decode(column: "id", as: String.self), try row.decode(column: "from_profile", as: String.self), try row.decode(column: "to_profile", as: String.self))
                }
        }
    }
}
