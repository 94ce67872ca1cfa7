public import CairnCore
public import Foundation
import SQLKit

extension Store {
    static let invitationColumns = ["id", "workspace_id", "survey_id", "profile_id", "created_at", "expires_at", "answered_at", "touchpoint", "order_reference", "case_id"]
    static let responseColumns = ["id", "workspace_id", "survey_id", "profile_id", "invitation_id", "language", "answers", "complete", "started_at", "updated_at",
                                  "completed_at", "channel", "insights", "touchpoint", "order_reference"]
    /// The columns of a response before insights were kept (what migrations before version 21 read).
    static let responseColumnsBeforeInsights = responseColumns.filter { !["insights", "touchpoint", "order_reference"].contains($0) }
    /// Written with a response besides `responseColumns`: what its insights are found by, and the answering token's hash.
    static let responseWriteColumns = responseColumns + ["text_language", "sentiment_milli", "sentiment_label", "topics", "token_hash"]

    static func responseValues(_ response: SurveyResponse, tokenHash: String) -> [SQLBind] {
        let insight = response.insightColumns
        return [SQLBind(response.id.rawValue), SQLBind(response.workspaceID.rawValue), SQLBind(response.surveyID.rawValue),
                SQLBind(response.profileID?.rawValue), SQLBind(response.invitationID?.rawValue), SQLBind(response.language),
                SQLBind(JSONValue.object(response.answers.mapValues(\.json)).jsonText()), SQLBind(Int64(response.complete ? 1 : 0)),
                SQLBind(response.startedAt.storageMillis), SQLBind(response.updatedAt.storageMillis), SQLBind(response.completedAt?.storageMillis),
                SQLBind(response.channel.rawValue), SQLBind(insight.json), SQLBind(response.touchpoint), SQLBind(response.orderReference),
                SQLBind(insight.language), SQLBind(insight.sentimentMilli),
                SQLBind(insight.label), SQLBind(insight.topics), SQLBind(tokenHash)]
    }

    public func insert(_ invitation: SurveyInvitation, tokenHash: String) async throws {
        try await database.withConnection { sql in
            try await sql.insert(into: "survey_invitations").columns(Self.invitationColumns + ["token_hash"])
                .values(Self.values(of: invitation) + [SQLBind(tokenHash)])
                .run()
        }
    }

    static func values(of invitation: SurveyInvitation) -> [SQLBind] {
        [SQLBind(invitation.id.rawValue), SQLBind(invitation.workspaceID.rawValue), SQLBind(invitation.surveyID.rawValue),
         SQLBind(invitation.profileID.rawValue), SQLBind(invitation.createdAt.storageMillis), SQLBind(invitation.expiresAt.storageMillis),
         SQLBind(invitation.answeredAt?.storageMillis), SQLBind(invitation.touchpoint), SQLBind(invitation.orderReference), SQLBind(invitation.caseID?.rawValue)]
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

    /// One response by id.
    public func response(id: SurveyResponseID, in workspace: WorkspaceID) async throws -> SurveyResponse? {
        try await responses(where: { $0.where("workspace_id", .equal, workspace.rawValue).where("id", .equal, id.rawValue) }).first
    }

    public func response(invitation: SurveyInvitationID, in workspace: WorkspaceID) async throws -> SurveyResponse? {
        try await responses(where: { $0.where("workspace_id", .equal, workspace.rawValue).where("invitation_id", .equal, invitation.rawValue) }).first
    }

    /// Stores a response as it stands (new, or its answers so far) with the insights it carries; marks its invitation
    /// answered once complete; raises the alerts its answers call for in the same transaction (each with its webhook
    /// event and body), so an answer and its alerts are kept together or not at all. Returns the response as stored.
    /// A response saved here is read already; one stored waiting (``insertNew(_:)``) and saved again is read anew.
    @discardableResult
    public func save(_ response: SurveyResponse, tokenHash: String, raising alerts: [(alert: FeedbackAlert, event: String, payload: String)] = [],
                     recording consent: ConsentRecord? = nil, scoring caseScore: CaseScore? = nil) async throws -> SurveyResponse {
        let answers = JSONValue.object(response.answers.mapValues(\.json)).jsonText()
        let stored = response
        try await transaction { tx in
            // The counts follow the answers: the ones stored before leave, the ones given now join.
            var counts = ScoreCounts()
            var topics = TopicCounts()
            if let before = try await tx.sql.select().columns(Self.responseColumns).from("survey_responses")
                .where("workspace_id", .equal, stored.workspaceID.rawValue).where("id", .equal, stored.id.rawValue).for(.update).first() {
                let previous = try SurveyResponse(row: before)
                counts.add(previous.answers, of: previous, sign: -1)
                topics.add(previous, sign: -1)
            }
            counts.add(stored.answers, of: stored, sign: 1)
            topics.add(stored, sign: 1)
            try await counts.write(to: tx.sql)
            try await topics.write(to: tx.sql)
            let updated = try await tx.sql.update("survey_responses").set("answers", to: answers).set("complete", to: Int64(stored.complete ? 1 : 0))
                .set("language", to: stored.language).set("updated_at", to: stored.updatedAt.storageMillis)
                .set("completed_at", to: stored.completedAt?.storageMillis).setInsights(of: stored).set("waiting_since", to: SQLLiteral.null)
                .where("workspace_id", .equal, stored.workspaceID.rawValue).where("id", .equal, stored.id.rawValue).returning("id").first()
            if updated == nil {
                try await tx.sql.insert(into: "survey_responses").columns(Self.responseWriteColumns)
                    .values(Self.responseValues(stored, tokenHash: tokenHash)).run()
            }
            if stored.complete, let invitation = stored.invitationID {
                try await tx.sql.update("survey_invitations").set("answered_at", to: stored.completedAt?.storageMillis)
                    .where("workspace_id", .equal, stored.workspaceID.rawValue).where("id", .equal, invitation.rawValue).run()
            }
            for raised in alerts { try await tx.raise(raised.alert, event: raised.event, payload: raised.payload) }
            // A consent question's answer is a statement in the customer's consent ledger, kept with the answer.
            if let consent, let profile = stored.profileID { try await tx.append(consent, to: profile, in: stored.workspaceID) }
            if let caseScore, let profile = stored.profileID { try await tx.sql.record(caseScore, by: profile, in: stored.workspaceID) }
            // A complete answer may move its customer between segments (by NPS, by consent).
            if stored.complete, let profile = stored.profileID { try await tx.markSegmentsStale([profile], in: stored.workspaceID, at: stored.updatedAt) }
        }
        return stored
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

extension SQLDatabase {
    /// Keeps a customer's CSAT/CES answers about their own case on the case (another's case is left alone).
    func record(_ score: CaseScore, by profile: ProfileID, in workspace: WorkspaceID) async throws {
        let update = self.update("cases")
        if let csat = score.csat { update.set("csat_score", to: Int64(csat)) }
        if let ces = score.ces { update.set("ces_score", to: Int64(ces)) }
        try await update.where("workspace_id", .equal, workspace.rawValue).where("id", .equal, score.caseID.rawValue)
            .where("profile_id", .equal, profile.rawValue).run()
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
                  answeredAt: try row.decode(column: "answered_at", as: Int64?.self).map(Date.init(storageMillis:)),
                  touchpoint: try row.decode(column: "touchpoint", as: String?.self), orderReference: try row.decode(column: "order_reference", as: String?.self),
                  caseID: try row.decode(column: "case_id", as: String?.self).map(CaseID.init(rawValue:)))
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
                  completedAt: try row.decode(column: "completed_at", as: Int64?.self).map(Date.init(storageMillis:)),
                  insights: try (row.contains(column: "insights") ? row.decode(column: "insights", as: String?.self) : nil).flatMap { try? JSONDecoder().decode([String: TextInsight].self, from: Data($0.utf8)) } ?? [:],
                  touchpoint: row.contains(column: "touchpoint") ? try row.decode(column: "touchpoint", as: String?.self) : nil,
                  orderReference: row.contains(column: "order_reference") ? try row.decode(column: "order_reference", as: String?.self) : nil)
    }
}

extension Store {
    /// A survey's responses started in [from, until), at most `limit` (for breakdowns by what the counts do not keep).
    public func responses(of survey: SurveyID, in workspace: WorkspaceID, from: Date, until: Date, limit: Int) async throws -> [SurveyResponse] {
        try await responses(where: { query in
            query.where("workspace_id", .equal, workspace.rawValue).where("survey_id", .equal, survey.rawValue)
                .where("started_at", .greaterThanOrEqual, from.storageMillis).where("started_at", .lessThan, until.storageMillis).limit(limit)
        })
    }

    /// One page of a survey's responses started in [from, until), oldest first, after `cursor` (keyset paging, so a
    /// reader can walk all of them in pages of bounded size).
    public func responses(of survey: SurveyID, in workspace: WorkspaceID, from: Date, until: Date, after cursor: Cursor?, limit: Int) async throws -> Page<SurveyResponse> {
        let items = try await responses(where: { query in
            query.where("workspace_id", .equal, workspace.rawValue).where("survey_id", .equal, survey.rawValue)
                .where("started_at", .greaterThanOrEqual, from.storageMillis).where("started_at", .lessThan, until.storageMillis)
            Keyset.apply(query, sortColumn: "started_at", cursor: cursor, direction: .ascending, limit: limit)
        })
        return Keyset.page(items, limit: limit) { Cursor(sortKey: $0.startedAt.storageMillis, id: $0.id.rawValue) }
    }

    /// The traits of many profiles (read-only).
    public func traits(of profiles: [ProfileID], in workspace: WorkspaceID) async throws -> [ProfileID: [String: Trait]] {
        try await transaction(priority: .foreground) { tx in try await tx.traits(of: profiles, in: workspace) }
    }
}
