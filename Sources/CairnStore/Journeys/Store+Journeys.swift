public import CairnCore
public import Foundation
import SQLKit

extension Store {
    /// Keeps a journey (a new one, or the stages of one already kept).
    public func save(_ journey: JourneyDefinition, in workspace: WorkspaceID) async throws {
        let stages = String(decoding: try JSONEncoder().encode(journey.stages), as: UTF8.self)
        try await database.withConnection { sql in
            try await sql.insert(into: "journeys").columns("workspace_id", "id", "name", "stages", "updated_at")
                .values(SQLBind(workspace.rawValue), SQLBind(journey.id.rawValue), SQLBind(journey.name), SQLBind(stages), SQLBind(journey.updatedAt.storageMillis))
                .onConflict(with: ["workspace_id", "id"]) { $0.set("name", to: SQLBind(journey.name)).set("stages", to: SQLBind(stages))
                    .set("updated_at", to: SQLBind(journey.updatedAt.storageMillis)) }
                .run()
        }
    }

    /// The workspace's journeys by name.
    public func journeys(in workspace: WorkspaceID) async throws -> [JourneyDefinition] {
        try await database.withConnection { sql in
            try await sql.select().columns("id", "name", "stages", "updated_at").from("journeys").where("workspace_id", .equal, workspace.rawValue)
                .orderBy("name").limit(100).all().map { row in
                    JourneyDefinition(id: JourneyID(rawValue: try row.decode(column: "id", as: String.self)), name: try row.decode(column: "name", as: String.self),
                                      stages: try JSONDecoder().decode([JourneyDefinition.Stage].self, from: Data(try row.decode(column: "stages", as: String.self).utf8)),
                                      updatedAt: Date(storageMillis: try row.decode(column: "updated_at", as: Int64.self)))
                }
        }
    }

    /// Cases opened in [from, until) by known customers: whose, and when.
    public func casesOpened(in workspace: WorkspaceID, from: Date, until: Date) async throws -> [(profile: String, at: Int64)] {
        try await database.withConnection { sql in
            try await sql.select().columns("profile_id", "created_at").from("cases").where("workspace_id", .equal, workspace.rawValue)
                .where("profile_id", .isNot, SQLLiteral.null).where("merged_into", .is, SQLLiteral.null)
                .where("created_at", .greaterThanOrEqual, from.storageMillis).where("created_at", .lessThan, until.storageMillis).all().map {
                    (try $0.decode(column: "profile_id", as: String.self), try $0.decode(column: "created_at", as: Int64.self))
                }
        }
    }
}
