public import CairnCore
import Foundation
import SQLKit
import Synchronization

extension Store {
    static let surveyColumns = ["id", "workspace_id", "name", "status", "definition", "token", "created_at", "updated_at", "published_at", "closed_at"]

    public func insert(_ survey: Survey) async throws {
        try await database.withConnection { sql in
            try await sql.insert(into: "surveys").columns(Self.surveyColumns)
                .values(SQLBind(survey.id.rawValue), SQLBind(survey.workspaceID.rawValue), SQLBind(survey.name), SQLBind(survey.status.rawValue),
                        SQLBind(try Self.definitionText(survey.definition)), SQLBind(survey.token), SQLBind(survey.createdAt.storageMillis),
                        SQLBind(survey.updatedAt.storageMillis), SQLBind(survey.publishedAt?.storageMillis), SQLBind(survey.closedAt?.storageMillis))
                .run()
        }
    }

    public func survey(id: SurveyID, in workspace: WorkspaceID) async throws -> Survey? {
        try await database.withConnection { sql in
            try await sql.select().columns(Self.surveyColumns).from("surveys").where("workspace_id", .equal, workspace.rawValue)
                .where("id", .equal, id.rawValue).first().map(Survey.init(row:))
        }
    }

    /// The survey behind a public link (any workspace's: the token is the capability).
    public func survey(token: String) async throws -> Survey? {
        try await database.withConnection { sql in
            try await sql.select().columns(Self.surveyColumns).from("surveys").where("token", .equal, token).first().map(Survey.init(row:))
        }
    }

    /// The workspace's surveys, newest first, optionally of one status.
    public func surveys(in workspace: WorkspaceID, status: Survey.Status? = nil, after cursor: Cursor?, limit: Int) async throws -> Page<Survey> {
        try await database.withConnection { sql in
            let query = sql.select().columns(Self.surveyColumns).from("surveys").where("workspace_id", .equal, workspace.rawValue)
            if let status { query.where("status", .equal, status.rawValue) }
            let rows = try await Keyset.apply(query, sortColumn: "created_at", cursor: cursor, direction: .descending, limit: limit).all()
            return Keyset.page(try rows.map(Survey.init(row:)), limit: limit) { Cursor(sortKey: $0.createdAt.storageMillis, id: $0.id.rawValue) }
        }
    }

    /// Writes a survey's name, status, definition and dates; `false` when the workspace has no such survey.
    public func update(_ survey: Survey) async throws -> Bool {
        try await database.withConnection { sql in
            try await sql.update("surveys").set("name", to: survey.name).set("status", to: survey.status.rawValue)
                .set("definition", to: try Self.definitionText(survey.definition)).set("updated_at", to: survey.updatedAt.storageMillis)
                .set("published_at", to: survey.publishedAt?.storageMillis).set("closed_at", to: survey.closedAt?.storageMillis)
                .where("workspace_id", .equal, survey.workspaceID.rawValue).where("id", .equal, survey.id.rawValue)
                .returning("id").first() != nil
        }
    }

    static func definitionText(_ definition: SurveyDefinition) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(definition), as: UTF8.self)
    }
}

extension Survey {
    /// Definitions as read from their stored text, by that text: every answer through the widget reads its survey,
    /// and decoding the questions was a tenth of an answer's time. The text is the key, so a changed survey is never
    /// served from here; at most 256 are kept.
    private static let definitions = Mutex<[String: SurveyDefinition]>([:])

    static func definition(_ text: String) throws -> SurveyDefinition {
        if let known = definitions.withLock({ $0[text] }) { return known }
        let definition = try JSONDecoder().decode(SurveyDefinition.self, from: Data(text.utf8))
        definitions.withLock { cache in
            if cache.count >= 256 { cache.removeAll() }
            cache[text] = definition
        }
        return definition
    }

    init(row: any SQLRow) throws {
        self.init(id: SurveyID(rawValue: try row.decode(column: "id", as: String.self)),
                  workspaceID: WorkspaceID(rawValue: try row.decode(column: "workspace_id", as: String.self)),
                  name: try row.decode(column: "name", as: String.self),
                  status: Survey.Status(rawValue: try row.decode(column: "status", as: String.self)) ?? .draft,
                  definition: try Self.definition(try row.decode(column: "definition", as: String.self)),
                  token: try row.decode(column: "token", as: String.self),
                  createdAt: Date(storageMillis: try row.decode(column: "created_at", as: Int64.self)),
                  updatedAt: Date(storageMillis: try row.decode(column: "updated_at", as: Int64.self)),
                  publishedAt: try row.decode(column: "published_at", as: Int64?.self).map(Date.init(storageMillis:)),
                  closedAt: try row.decode(column: "closed_at", as: Int64?.self).map(Date.init(storageMillis:)))
    }
}
