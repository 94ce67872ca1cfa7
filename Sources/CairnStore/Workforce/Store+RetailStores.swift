public import CairnCore
public import Foundation
import SQLKit

extension Store {
    static let retailStoreColumns = ["id", "workspace_id", "code", "name", "city", "country", "latitude", "longitude", "created_at", "updated_at"]

    /// The workspace's stores by name.
    public func retailStores(in workspace: WorkspaceID) async throws -> [RetailStore] {
        try await database.withConnection { sql in
            try await sql.select().columns(Self.retailStoreColumns).from("retail_stores").where("workspace_id", .equal, workspace.rawValue)
                .orderBy("name").orderBy("id").all().map(RetailStore.init(row:))
        }
    }

    public func retailStore(id: RetailStoreID, in workspace: WorkspaceID) async throws -> RetailStore? {
        try await database.withConnection { sql in
            try await sql.select().columns(Self.retailStoreColumns).from("retail_stores").where("workspace_id", .equal, workspace.rawValue)
                .where("id", .equal, id.rawValue).first().map(RetailStore.init(row:))
        }
    }

    /// Saves a new store or changes one; false when another store of the workspace already has the code.
    public func save(_ store: RetailStore) async throws -> Bool {
        try await database.withConnection { sql in
            if try await sql.select().column("id").from("retail_stores").where("workspace_id", .equal, store.workspaceID.rawValue)
                .where("code", .equal, store.code).where("id", .notEqual, store.id.rawValue).first() != nil { return false }
            try await sql.insert(into: "retail_stores").columns(Self.retailStoreColumns)
                .values(SQLBind(store.id.rawValue), SQLBind(store.workspaceID.rawValue), SQLBind(store.code), SQLBind(store.name), SQLBind(store.city),
                        SQLBind(store.country), SQLBind(store.location?.latitude), SQLBind(store.location?.longitude),
                        SQLBind(store.createdAt.storageMillis), SQLBind(store.updatedAt.storageMillis))
                .onConflict(with: ["id"]) {
                    $0.set(excludedValueOf: "code").set(excludedValueOf: "name").set(excludedValueOf: "city").set(excludedValueOf: "country")
                        .set(excludedValueOf: "latitude").set(excludedValueOf: "longitude").set(excludedValueOf: "updated_at")
                }
                .run()
            return true
        }
    }

    public func deleteRetailStore(_ id: RetailStoreID, in workspace: WorkspaceID) async throws -> Bool {
        try await database.withConnection { sql in
            try await sql.delete(from: "retail_stores").where("workspace_id", .equal, workspace.rawValue).where("id", .equal, id.rawValue)
                .returning("id").first() != nil
        }
    }
}

extension RetailStore {
    init(row: any SQLRow) throws {
        let latitude = try row.decode(column: "latitude", as: Double?.self), longitude = try row.decode(column: "longitude", as: Double?.self)
        self.init(id: RetailStoreID(rawValue: try row.decode(column: "id", as: String.self)),
                  workspaceID: WorkspaceID(rawValue: try row.decode(column: "workspace_id", as: String.self)),
                  code: try row.decode(column: "code", as: String.self), name: try row.decode(column: "name", as: String.self),
                  city: try row.decode(column: "city", as: String.self), country: try row.decode(column: "country", as: String.self),
                  location: latitude.flatMap { lat in longitude.map { GeoPoint(latitude: lat, longitude: $0) } },
                  createdAt: Date(storageMillis: try row.decode(column: "created_at", as: Int64.self)),
                  updatedAt: Date(storageMillis: try row.decode(column: "updated_at", as: Int64.self)))
    }
}
