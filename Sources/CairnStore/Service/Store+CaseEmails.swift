public import CairnCore
public import Foundation
import SQLKit

extension Store {
    static let caseEmailColumns = ["workspace_id", "id", "case_id", "to_address", "subject", "body", "message_id", "in_reply_to", "message_references", "status",
                                   "attempts", "send_at", "last_error", "sent_at"]

    /// Replies due to be sent by `now`, oldest first, across workspaces.
    public func dueCaseEmails(now: Date, limit: Int) async throws -> [CaseEmail] {
        try await database.withConnection { sql in
            try await sql.select().columns(Self.caseEmailColumns).from("case_emails").where("status", .equal, CaseEmail.Status.pending.rawValue)
                .where("send_at", .lessThanOrEqual, now.storageMillis).orderBy("send_at").limit(limit).all().map(Self.caseEmail(from:))
        }
    }

    /// A case's outgoing emails, oldest first.
    public func caseEmails(of id: CaseID, in workspace: WorkspaceID) async throws -> [CaseEmail] {
        try await database.withConnection { sql in
            try await sql.select().columns(Self.caseEmailColumns).from("case_emails").where("workspace_id", .equal, workspace.rawValue).where("case_id", .equal, id.rawValue)
                .orderBy("send_at").all().map(Self.caseEmail(from:))
        }
    }

    public func record(_ email: CaseEmail) async throws {
        try await database.withConnection { sql in
            try await sql.update("case_emails").set("status", to: email.status.rawValue).set("attempts", to: Int64(email.attempts))
                .set("send_at", to: email.sendAt.storageMillis).set("last_error", to: SQLBind(email.lastError)).set("sent_at", to: SQLBind(email.sentAt?.storageMillis))
                .where("workspace_id", .equal, email.workspaceID.rawValue).where("id", .equal, email.id.rawValue).run()
        }
    }

    static func caseEmail(from row: any SQLRow) throws -> CaseEmail {
        CaseEmail(id: CaseMessageID(rawValue: try row.decode(column: "id", as: String.self)), workspaceID: WorkspaceID(rawValue: try row.decode(column: "workspace_id", as: String.self)),
                  caseID: CaseID(rawValue: try row.decode(column: "case_id", as: String.self)), to: try row.decode(column: "to_address", as: String.self),
                  subject: try row.decode(column: "subject", as: String.self), body: try row.decode(column: "body", as: String.self),
                  messageID: try row.decode(column: "message_id", as: String.self), inReplyTo: try row.decode(column: "in_reply_to", as: String?.self),
                  references: (try? JSONDecoder().decode([String].self, from: Data(try row.decode(column: "message_references", as: String.self).utf8))) ?? [],
                  status: CaseEmail.Status(rawValue: try row.decode(column: "status", as: String.self)) ?? .pending,
                  attempts: Int(try row.decode(column: "attempts", as: Int64.self)), sendAt: Date(storageMillis: try row.decode(column: "send_at", as: Int64.self)),
                  lastError: try row.decode(column: "last_error", as: String?.self), sentAt: try row.decode(column: "sent_at", as: Int64?.self).map(Date.init(storageMillis:)))
    }
}

extension TransactionStore {
    public func insert(_ email: CaseEmail) async throws {
        let references = String(decoding: try JSONEncoder.sorted.encode(email.references), as: UTF8.self)
        try await sql.insert(into: "case_emails").columns(Store.caseEmailColumns)
            .values(SQLBind(email.workspaceID.rawValue), SQLBind(email.id.rawValue), SQLBind(email.caseID.rawValue), SQLBind(email.to), SQLBind(email.subject),
                    SQLBind(email.body), SQLBind(email.messageID), SQLBind(email.inReplyTo), SQLBind(references), SQLBind(email.status.rawValue),
                    SQLBind(Int64(email.attempts)), SQLBind(email.sendAt.storageMillis), SQLBind(email.lastError), SQLBind(email.sentAt?.storageMillis))
            .run()
    }

    /// Whether a message with this email Message-ID is on any case of the workspace (an email delivered twice).
    public func hasEmailMessage(_ messageID: String, in workspace: WorkspaceID) async throws -> Bool {
        try await sql.select().column("id").from("case_messages").where("workspace_id", .equal, workspace.rawValue).where("email_message_id", .equal, messageID)
            .limit(1).first() != nil
    }
}
