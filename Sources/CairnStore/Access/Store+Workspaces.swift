public import CairnCore
import Foundation
import SQLKit

extension Store {
    public func insert(_ workspace: Workspace) async throws {
        try await database.withConnection { sql in try await TransactionStore(sql: sql).insert(workspace) }
    }

    public func workspace(id: WorkspaceID) async throws -> Workspace? {
        try await database.withConnection { sql in
            try await sql.select().columns("id", "name", "created_at").from("workspaces")
                .where("id", .equal, id.rawValue).first().map(Workspace.init(row:))
        }
    }

    /// All workspaces, oldest first. Used by the operator console only; no request path lists across workspaces.
    public func allWorkspaces() async throws -> [Workspace] {
        try await database.withConnection { sql in
            try await sql.select().columns("id", "name", "created_at").from("workspaces")
                .orderBy("created_at").orderBy("id").all().map(Workspace.init(row:))
        }
    }

    public func rename(workspace id: WorkspaceID, to name: String) async throws {
        try await database.withConnection { sql in
            try await sql.update("workspaces").set("name", to: name).where("id", .equal, id.rawValue).run()
        }
    }
}

extension TransactionStore {
    public func insert(_ workspace: Workspace) async throws {
        try await sql.insert(into: "workspaces").columns("id", "name", "created_at")
            .values(SQLBind(workspace.id.rawValue), SQLBind(workspace.name), SQLBind(workspace.createdAt.storageMillis))
            .run()
    }
}

extension Workspace {
    init(row: any SQLRow) throws {
        self.init(
            id: WorkspaceID(rawValue: try row.decode(column: "id", as: String.self)),
            name: try row.decode(column: "name", as: String.self),
            createdAt: Date(storageMillis: try row.decode(column: "created_at", as: Int64.self))
        )
    }
}
