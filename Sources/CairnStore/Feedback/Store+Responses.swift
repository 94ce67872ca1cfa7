import CairnCore
import Foundation
import SQLKit

extension Store {
    static let invitationColumns = ["id", "workspace_id", "survey_id", "profile_id", "created_at", "expires_at", "answered_at"]
    static let responseColumns = ["id", "workspace_id", "survey_id", "profile_id", "invitation_id", "language", "answers", "complete", "started_at", "updated_at",
                                  "completed_at", "channel"]

    public func insert(_ invitation: SurveyInvitation, tokenHash: String) async throws {
        try await database.withConnection { sql in
            try await sql.insert(into: "survey_invitations").columns(Self.invitationColumns + ["token_hash"])
                .values(SQLBind(invitation.id.rawValue), SQLBind(invitation.workspaceID.rawValue), SQLBind(invitation.surveyID.rawValue),
                        SQLBind(invitation.profileID.rawValue), SQLBind(invitation.createdAt.storageMillis), SQLBind(invitation.expiresAt.storageMillis),
                        SQLBind(invitation.answeredAt?.storageMillis), SQLBind(tokenHash))
                .run()
        }
    }

    /// The invitation whose token has this hash (any workspace's: the token is the capability).
    public func invitation(tokenHash: String) async throws -> SurveyInvitation? {
        try await database.withConnection { sql in
            try await sql.select().columns(Self.invitationColumns).from("survey_invitations").where("token_hash", .equal, tokenHash).first()
                .map(SurveyInvitation.init(row:))
        }
    }

    /// The profile's invitations since a time, across all surveys (for the recontact limit).
    public func invitationCount(of profile: ProfileID, since: Date, in workspace: WorkspaceID) async throws -> Int {
        try await database.withConnection { sql in
            Int(try await sql.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from("survey_invitations")
                .where("workspace_id", .equal, workspace.rawValue).where("profile_id", .equal, profile.rawValue)
                .where("created_at", .greaterThanOrEqual, since.storageMillis).first()?.decode(column: "n", as: Int64.self) ?? 0)
        }
    }

    /// The response an unfinished answering holds (by the hash of its token), or an invitation's response.
    public func response(tokenHash: String) async throws -> SurveyResponse? {
        try await responses(where: { $0.where("token_hash", .equal, tokenHash) }).first
    }

    public func response(invitation: SurveyInvitationID, in workspace: WorkspaceID) async throws -> SurveyResponse? {
        try await responses(where: { $0.where("workspace_id", .equal, workspace.rawValue).where("invitation_id", .equal, invitation.rawValue) }).first
    }

    /// Stores a response as it stands (new, or its answers so far); marks its invitation answered once complete.
    public func save(_ response: SurveyResponse, tokenHash: String) async throws {
        let answers = JSONValue.object(response.answers.mapValues(\.json)).jsonText()
        try await transaction { tx in
            // The counts follow the answers: the ones stored before leave, the ones given now join.
            var counts = ScoreCounts()
            if let before = try await tx.sql.select().columns(Self.responseColumns).from("survey_responses")
                .where("workspace_id", .equal, response.workspaceID.rawValue).where("id", .equal, response.id.rawValue).first() {
                let stored = try SurveyResponse(row: before)
                counts.add(stored.answers, of: stored, sign: -1)
            }
            counts.add(response.answers, of: response, sign: 1)
            try await counts.write(to: tx.sql)
            let updated = try await tx.sql.update("survey_responses").set("answers", to: answers).set("complete", to: Int64(response.complete ? 1 : 0))
                .set("language", to: response.language).set("updated_at", to: response.updatedAt.storageMillis)
                .set("completed_at", to: response.completedAt?.storageMillis)
                .where("workspace_id", .equal, response.workspaceID.rawValue).where("id", .equal, response.id.rawValue).returning("id").first()
            if updated == nil {
                try await tx.sql.insert(into: "survey_responses").columns(Self.responseColumns + ["token_hash"])
                    .values(SQLBind(response.id.rawValue), SQLBind(response.workspaceID.rawValue), SQLBind(response.surveyID.rawValue),
                            SQLBind(response.profileID?.rawValue), SQLBind(response.invitationID?.rawValue), SQLBind(response.language), SQLBind(answers),
                            SQLBind(Int64(response.complete ? 1 : 0)), SQLBind(response.startedAt.storageMillis), SQLBind(response.updatedAt.storageMillis),
                            SQLBind(response.completedAt?.storageMillis), SQLBind(response.channel.rawValue), SQLBind(tokenHash))
                    .run()
            }
            if response.complete, let invitation = response.invitationID {
                try await tx.sql.update("survey_invitations").set("answered_at", to: response.completedAt?.storageMillis)
                    .where("workspace_id", .equal, response.workspaceID.rawValue).where("id", .equal, invitation.rawValue).run()
            }
        }
    }

    /// A survey's responses, newest first.
    public func responses(of survey: SurveyID, in workspace: WorkspaceID, after cursor: Cursor?, limit: Int) async throws -> Page<SurveyResponse> {
        let items = try await responses(where: { query in
            query.where("workspace_id", .equal, workspace.rawValue).where("survey_id", .equal, survey.rawValue)
            Keyset.apply(query, sortColumn: "started_at", cursor: cursor, direction: .descending, limit: limit)
        })
        return Keyset.page(items, limit: limit) { Cursor(sortKey: $0.startedAt.storageMillis, id: $0.id.rawValue) }
    }

    /// Every response of a survey (for its figures).
    public func allResponses(of survey: SurveyID, in workspace: WorkspaceID) async throws -> [SurveyResponse] {
        try await responses(where: { $0.where("workspace_id", .equal, workspace.rawValue).where("survey_id", .equal, survey.rawValue) })
    }

    /// A customer's latest responses (for the 360 timeline).
    public func responses(of profile: ProfileID, in workspace: WorkspaceID, limit: Int) async throws -> [SurveyResponse] {
        try await responses(where: { $0.where("workspace_id", .equal, workspace.rawValue).where("profile_id", .equal, profile.rawValue)
            .orderBy("started_at", .descending).limit(limit) })
    }

    private func responses(where narrow: @escaping @Sendable (SQLSelectBuilder) -> Void) async throws -> [SurveyResponse] {
        try await database.withConnection { sql in
            let query = sql.select().columns(Self.responseColumns).from("survey_responses")
            narrow(query)
            return try await query.all().map(SurveyResponse.init(row:))
        }
    }
}

extension SurveyInvitation {
    init(row: any SQLRow) throws {
        self.init(id: SurveyInvitationID(rawValue: try row.decode(column: "id", as: String.self)),
                  workspaceID: WorkspaceID(rawValue: try row.decode(column: "workspace_id", as: String.self)),
                  surveyID: SurveyID(rawValue: try row.decode(column: "survey_id", as: String.self)),
                  profileID: ProfileID(rawValue: try row.decode(column: "profile_id", as: String.self)),
                  createdAt: Date(storageMillis: try row.decode(column: "created_at", as: Int64.self)),
                  expiresAt: Date(storageMillis: try row.decode(column: "expires_at", as: Int64.self)),
                  answeredAt: try row.decode(column: "answered_at", as: Int64?.self).map(Date.init(storageMillis:)))
    }
}

extension SurveyResponse {
    init(row: any SQLRow) throws {
        let stored = try JSONValue.parse(Data(try row.decode(column: "answers", as: String.self).utf8)).objectValue ?? [:]
        self.init(id: SurveyResponseID(rawValue: try row.decode(column: "id", as: String.self)),
                  workspaceID: WorkspaceID(rawValue: try row.decode(column: "workspace_id", as: String.self)),
                  surveyID: SurveyID(rawValue: try row.decode(column: "survey_id", as: String.self)),
                  profileID: try row.decode(column: "profile_id", as: String?.self).map(ProfileID.init(rawValue:)),
                  invitationID: try row.decode(column: "invitation_id", as: String?.self).map(SurveyInvitationID.init(rawValue:)),
                  language: try row.decode(column: "language", as: String.self),
                  answers: stored.compactMapValues(SurveyAnswer.init(json:)),
                  channel: Channel(rawValue: try row.decode(column: "channel", as: String?.self) ?? "web"),
                  complete: try row.decode(column: "complete", as: Int64.self) != 0,
                  startedAt: Date(storageMillis: try row.decode(column: "started_at", as: Int64.self)),
                  updatedAt: Date(storageMillis: try row.decode(column: "updated_at", as: Int64.self)),
                  completedAt: try row.decode(column: "completed_at", as: Int64?.self).map(Date.init(storageMillis:)))
    }
}
