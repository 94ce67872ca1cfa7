public import CairnCore
public import Foundation
import SQLKit

extension Store {
    static let surveyEmailColumns = ["id", "workspace_id", "survey_id", "invitation_id", "profile_id", "kind", "status", "language", "send_at", "attempts",
                                     "last_error", "sent_at", "created_at"]

    /// Stores an invitation with its emails (the invitation's, and its reminder's when given) in one transaction; the
    /// link's token is kept with the emails until they are done.
    public func insert(_ invitation: SurveyInvitation, tokenHash: String, token: String, emails: [SurveyEmail]) async throws {
        try await transaction { tx in
            try await tx.sql.insert(into: "survey_invitations").columns(Self.invitationColumns + ["token_hash"])
                .values(Self.values(of: invitation) + [SQLBind(tokenHash)]).run()
            let insert = tx.sql.insert(into: "survey_emails").columns(Self.surveyEmailColumns + ["token"])
            for email in emails {
                insert.values(Self.values(of: email) + [SQLBind(token)])
            }
            if !emails.isEmpty { try await insert.run() }
        }
    }

    static func values(of email: SurveyEmail) -> [SQLBind] {
        [SQLBind(email.id.rawValue), SQLBind(email.workspaceID.rawValue), SQLBind(email.surveyID.rawValue), SQLBind(email.invitationID.rawValue),
         SQLBind(email.profileID.rawValue), SQLBind(email.kind.rawValue), SQLBind(email.status.rawValue), SQLBind(email.language),
         SQLBind(email.sendAt.storageMillis), SQLBind(Int64(email.attempts)), SQLBind(email.lastError), SQLBind(email.sentAt?.storageMillis),
         SQLBind(email.createdAt.storageMillis)]
    }

    /// Emails due by `now` (any workspace's: the sender works for all), oldest first, with the link token they carry.
    public func dueSurveyEmails(now: Date, limit: Int) async throws -> [(email: SurveyEmail, token: String?)] {
        try await database.withConnection { sql in
            try await sql.select().columns(Self.surveyEmailColumns + ["token"]).from("survey_emails")
                .where("status", .equal, SurveyEmail.Status.scheduled.rawValue).where("send_at", .lessThanOrEqual, now.storageMillis)
                .orderBy("send_at").limit(limit).all()
                .map { (try SurveyEmail(row: $0), try $0.decode(column: "token", as: String?.self)) }
        }
    }

    /// Records what became of an email; once the invitation has no email left to send, its token is forgotten.
    public func update(_ email: SurveyEmail) async throws {
        try await transaction { tx in
            try await tx.sql.update("survey_emails").set("status", to: email.status.rawValue).set("attempts", to: Int64(email.attempts))
                .set("send_at", to: email.sendAt.storageMillis).set("last_error", to: email.lastError).set("sent_at", to: email.sentAt?.storageMillis)
                .where("workspace_id", .equal, email.workspaceID.rawValue).where("id", .equal, email.id.rawValue).run()
            let waiting = try await tx.sql.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from("survey_emails")
                .where("workspace_id", .equal, email.workspaceID.rawValue).where("invitation_id", .equal, email.invitationID.rawValue)
                .where("status", .equal, SurveyEmail.Status.scheduled.rawValue).first()?.decode(column: "n", as: Int64.self) ?? 0
            if waiting == 0 {
                try await tx.sql.update("survey_emails").set("token", to: SQLLiteral.null)
                    .where("workspace_id", .equal, email.workspaceID.rawValue).where("invitation_id", .equal, email.invitationID.rawValue).run()
            }
        }
    }

    /// Brings the scheduled reminders of a survey forward to `now`; answers how many.
    public func bringRemindersForward(of survey: SurveyID, in workspace: WorkspaceID, to now: Date) async throws -> Int {
        try await database.withConnection { sql in
            try await sql.update("survey_emails").set("send_at", to: now.storageMillis)
                .where("workspace_id", .equal, workspace.rawValue).where("survey_id", .equal, survey.rawValue)
                .where("kind", .equal, SurveyEmail.Kind.reminder.rawValue).where("status", .equal, SurveyEmail.Status.scheduled.rawValue)
                .where("send_at", .greaterThan, now.storageMillis).returning("id").all().count
        }
    }

    /// A survey's emails, newest first (the delivery log).
    public func surveyEmails(of survey: SurveyID, in workspace: WorkspaceID, after cursor: Cursor?, limit: Int) async throws -> Page<SurveyEmail> {
        let items = try await database.withConnection { sql in
            let query = sql.select().columns(Self.surveyEmailColumns).from("survey_emails")
                .where("workspace_id", .equal, workspace.rawValue).where("survey_id", .equal, survey.rawValue)
            Keyset.apply(query, sortColumn: "created_at", cursor: cursor, direction: .descending, limit: limit)
            return try await query.all().map(SurveyEmail.init(row:))
        }
        return Keyset.page(items, limit: limit) { Cursor(sortKey: $0.createdAt.storageMillis, id: $0.id.rawValue) }
    }

    /// An invitation by id.
    public func invitation(id: SurveyInvitationID, in workspace: WorkspaceID) async throws -> SurveyInvitation? {
        try await database.withConnection { sql in
            try await sql.select().columns(Self.invitationColumns).from("survey_invitations")
                .where("workspace_id", .equal, workspace.rawValue).where("id", .equal, id.rawValue).first().map(SurveyInvitation.init(row:))
        }
    }
}

extension SurveyEmail {
    init(row: any SQLRow) throws {
        self.init(id: SurveyEmailID(rawValue: try row.decode(column: "id", as: String.self)),
                  workspaceID: WorkspaceID(rawValue: try row.decode(column: "workspace_id", as: String.self)),
                  surveyID: SurveyID(rawValue: try row.decode(column: "survey_id", as: String.self)),
                  invitationID: SurveyInvitationID(rawValue: try row.decode(column: "invitation_id", as: String.self)),
                  profileID: ProfileID(rawValue: try row.decode(column: "profile_id", as: String.self)),
                  kind: Kind(rawValue: try row.decode(column: "kind", as: String.self)) ?? .invitation,
                  status: Status(rawValue: try row.decode(column: "status", as: String.self)) ?? .failed,
                  language: try row.decode(column: "language", as: String.self),
                  sendAt: Date(storageMillis: try row.decode(column: "send_at", as: Int64.self)),
                  attempts: Int(try row.decode(column: "attempts", as: Int64.self)),
                  lastError: try row.decode(column: "last_error", as: String?.self),
                  sentAt: try row.decode(column: "sent_at", as: Int64?.self).map(Date.init(storageMillis:)),
                  createdAt: Date(storageMillis: try row.decode(column: "created_at", as: Int64.self)))
    }
}

extension Store {
    /// Whether the customer holds an invitation to the survey that is neither answered nor expired.
    public func openInvitationExists(of profile: ProfileID, to survey: SurveyID, in workspace: WorkspaceID, at now: Date) async throws -> Bool {
        try await database.withConnection { sql in
            try await sql.select().column("id").from("survey_invitations").where("workspace_id", .equal, workspace.rawValue)
                .where("profile_id", .equal, profile.rawValue).where("survey_id", .equal, survey.rawValue)
                .where("answered_at", .is, SQLLiteral.null).where("expires_at", .greaterThan, now.storageMillis).limit(1).first() != nil
        }
    }
}
