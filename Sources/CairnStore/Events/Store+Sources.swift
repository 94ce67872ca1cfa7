public import CairnCore
import Foundation
import SQLKit

extension Store {
    static let sourceColumns = ["id", "workspace_id", "name", "default_channel", "rate_limit", "created_at", "last_seen_at", "event_count"]

    public func insert(_ source: Source) async throws {
        try await database.withConnection { sql in
            try await sql.insert(into: "sources").columns(Self.sourceColumns)
                .values(SQLBind(source.id.rawValue), SQLBind(source.workspaceID.rawValue), SQLBind(source.name), SQLBind(source.defaultChannel.rawValue),
                        SQLBind(source.rateLimit.map(Int64.init)), SQLBind(source.createdAt.storageMillis), SQLBind(source.lastSeenAt?.storageMillis),
                        SQLBind(source.eventCount))
                .run()
        }
    }

    public func source(id: SourceID, in workspace: WorkspaceID) async throws -> Source? {
        try await database.withConnection { sql in
            try await sql.select().columns(Self.sourceColumns).from("sources")
                .where("workspace_id", .equal, workspace.rawValue).where("id", .equal, id.rawValue).first().map(Source.init(row:))
        }
    }

    /// Sources of the workspace, oldest first.
    public func sources(in workspace: WorkspaceID, after cursor: Cursor?, limit: Int) async throws -> Page<Source> {
        try await database.withConnection { sql in
            let query = sql.select().columns(Self.sourceColumns).from("sources").where("workspace_id", .equal, workspace.rawValue)
            let rows = try await Keyset.apply(query, sortColumn: "created_at", cursor: cursor, direction: .ascending, limit: limit).all()
            return Keyset.page(try rows.map(Source.init(row:)), limit: limit) { Cursor(sortKey: $0.createdAt.storageMillis, id: $0.id.rawValue) }
        }
    }

    /// Renames a source or changes its default channel or rate limit; returns the source, or `nil` when the workspace has none with that id.
    public func update(source id: SourceID, in workspace: WorkspaceID, name: String?, defaultChannel: Channel?, rateLimit: Int??) async throws -> Source? {
        try await database.withConnection { sql in
            let update = sql.update("sources")
            var changes = 0
            if let name { update.set("name", to: name); changes += 1 }
            if let defaultChannel { update.set("default_channel", to: defaultChannel.rawValue); changes += 1 }
            if let rateLimit { update.set("rate_limit", to: SQLBind(rateLimit.map(Int64.init))); changes += 1 }
            if changes > 0 {
                try await update.where("workspace_id", .equal, workspace.rawValue).where("id", .equal, id.rawValue).run()
            }
            return try await sql.select().columns(Self.sourceColumns).from("sources")
                .where("workspace_id", .equal, workspace.rawValue).where("id", .equal, id.rawValue).first().map(Source.init(row:))
        }
    }
}

extension Source {
    init(row: any SQLRow) throws {
        self.init(
            id: SourceID(rawValue: try row.decode(column: "id", as: String.self)),
            workspaceID: WorkspaceID(rawValue: try row.decode(column: "workspace_id", as: String.self)),
            name: try row.decode(column: "name", as: String.self),
            defaultChannel: Channel(rawValue: try row.decode(column: "default_channel", as: String.self)),
            rateLimit: try row.decode(column: "rate_limit", as: Int64?.self).map(Int.init),
            createdAt: Date(storageMillis: try row.decode(column: "created_at", as: Int64.self)),
            lastSeenAt: try row.decode(column: "last_seen_at", as: Int64?.self).map(Date.init(storageMillis:)),
            eventCount: try row.decode(column: "event_count", as: Int64.self)
        )
    }
}
