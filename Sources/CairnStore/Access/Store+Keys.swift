public import CairnCore
public import Foundation
import SQLKit

extension Store {
    static let keyColumns = ["id", "workspace_id", "kind", "name", "role", "source_id", "display_prefix", "created_at", "last_used_at", "revoked_at", "created_by"]

    public func insert(_ key: APIKey, tokenHash: String) async throws {
        try await database.withConnection { sql in try await TransactionStore(sql: sql).insert(key, tokenHash: tokenHash) }
    }

    /// Finds a key by the hash of its token; revoked keys are returned too so callers can say so.
    public func key(tokenHash: String) async throws -> APIKey? {
        try await database.withConnection { sql in
            try await sql.select().columns(Self.keyColumns).from("api_keys").where("token_hash", .equal, tokenHash).first().map(APIKey.init(row:))
        }
    }

    public func key(id: APIKeyID, in workspace: WorkspaceID) async throws -> APIKey? {
        try await database.withConnection { sql in
            try await sql.select().columns(Self.keyColumns).from("api_keys")
                .where("workspace_id", .equal, workspace.rawValue).where("id", .equal, id.rawValue).first().map(APIKey.init(row:))
        }
    }

    /// Keys of the workspace, newest first.
    public func keys(in workspace: WorkspaceID, after cursor: Cursor?, limit: Int) async throws -> Page<APIKey> {
        try await database.withConnection { sql in
            let query = sql.select().columns(Self.keyColumns).from("api_keys").where("workspace_id", .equal, workspace.rawValue)
            let rows = try await Keyset.apply(query, sortColumn: "created_at", cursor: cursor, direction: .descending, limit: limit).all()
            return Keyset.page(try rows.map(APIKey.init(row:)), limit: limit) { Cursor(sortKey: $0.createdAt.storageMillis, id: $0.id.rawValue) }
        }
    }

    /// Marks a key revoked; returns `false` when no unrevoked key of that workspace has the id.
    public func revoke(key id: APIKeyID, in workspace: WorkspaceID, at date: Date) async throws -> Bool {
        try await database.withConnection { sql in
            guard try await sql.select().column("id").from("api_keys")
                .where("workspace_id", .equal, workspace.rawValue).where("id", .equal, id.rawValue)
                .where(SQLColumn("revoked_at"), .is, SQLLiteral.null).first() != nil else { return false }
            try await sql.update("api_keys").set("revoked_at", to: date.storageMillis)
                .where("workspace_id", .equal, workspace.rawValue).where("id", .equal, id.rawValue).run()
            return true
        }
    }

    /// The unrevoked secret keys a user or key made (`by` as `user:<id>` or `key:<id>`).
    public func keys(createdBy maker: String, in workspace: WorkspaceID) async throws -> [APIKey] {
        try await database.withConnection { sql in
            try await sql.select().columns(Self.keyColumns).from("api_keys")
                .where("workspace_id", .equal, workspace.rawValue).where("created_by", .equal, maker)
                .where(SQLColumn("revoked_at"), .is, SQLLiteral.null).all().map(APIKey.init(row:))
        }
    }

    /// Records use of a key.
    public func touch(key id: APIKeyID, in workspace: WorkspaceID, at date: Date) async throws {
        try await database.withConnection { sql in
            try await sql.update("api_keys").set("last_used_at", to: date.storageMillis)
                .where("workspace_id", .equal, workspace.rawValue).where("id", .equal, id.rawValue).run()
        }
    }
}

extension TransactionStore {
    public func insert(_ key: APIKey, tokenHash: String) async throws {
        try await sql.insert(into: "api_keys")
            .columns("id", "workspace_id", "kind", "name", "role", "source_id", "token_hash", "display_prefix", "created_at", "last_used_at", "revoked_at", "created_by")
            .values(SQLBind(key.id.rawValue), SQLBind(key.workspaceID.rawValue), SQLBind(key.kind.rawValue), SQLBind(key.name),
                    SQLBind(key.role?.rawValue), SQLBind(key.sourceID?.rawValue), SQLBind(tokenHash), SQLBind(key.displayPrefix), SQLBind(key.createdAt.storageMillis),
                    SQLBind(key.lastUsedAt?.storageMillis), SQLBind(key.revokedAt?.storageMillis), SQLBind(key.createdBy))
            .run()
    }
}

extension APIKey {
    init(row: any SQLRow) throws {
        self.init(
            id: APIKeyID(rawValue: try row.decode(column: "id", as: String.self)),
            workspaceID: WorkspaceID(rawValue: try row.decode(column: "workspace_id", as: String.self)),
            kind: Kind(rawValue: try row.decode(column: "kind", as: String.self)) ?? .write,
            name: try row.decode(column: "name", as: String.self),
            role: try row.decode(column: "role", as: String?.self).flatMap(Role.init(rawValue:)),
            sourceID: try row.decode(column: "source_id", as: String?.self).map(SourceID.init(rawValue:)),
            displayPrefix: try row.decode(column: "display_prefix", as: String.self),
            createdAt: Date(storageMillis: try row.decode(column: "created_at", as: Int64.self)),
            lastUsedAt: try row.decode(column: "last_used_at", as: Int64?.self).map(Date.init(storageMillis:)),
            revokedAt: try row.decode(column: "revoked_at", as: Int64?.self).map(Date.init(storageMillis:)),
            createdBy: try row.decode(column: "created_by", as: String?.self)
        )
    }
}
