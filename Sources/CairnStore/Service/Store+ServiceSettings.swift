public import CairnCore
public import Foundation
import SQLKit

extension Store {
    public func serviceSettings(in workspace: WorkspaceID) async throws -> ServiceSettings {
        try await database.withConnection { sql in try await TransactionStore(sql: sql, engine: engine).serviceSettings(in: workspace) }
    }

    /// Workspaces whose follow-up rule is on, with the rule.
    public func followUpRules() async throws -> [(workspace: WorkspaceID, rule: ServiceSettings.FollowUp)] {
        try await database.withConnection { sql in
            try await sql.select().columns("workspace_id", "definition").from("service_settings").all().compactMap { row in
                guard let settings = try? JSONDecoder().decode(ServiceSettings.self, from: Data(try row.decode(column: "definition", as: String.self).utf8)),
                      let rule = settings.followUp else { return nil }
                return (WorkspaceID(rawValue: try row.decode(column: "workspace_id", as: String.self)), rule)
            }
        }
    }

    /// Alerts of the workspace raised since `since` that no follow-up rule has handled yet, oldest first.
    public func alertsToFollowUp(in workspace: WorkspaceID, since: Date, limit: Int) async throws -> [FeedbackAlert] {
        try await database.withConnection { sql in
            try await sql.select().columns(Store.alertColumns).from("feedback_alerts")
                .where("workspace_id", .equal, workspace.rawValue).where("followed_up_at", .is, SQLLiteral.null).where("at", .greaterThanOrEqual, since.storageMillis)
                .orderBy("at").orderBy("id").limit(limit).all().map(FeedbackAlert.init(row:))
        }
    }

    /// The case a follow-up opened for an alert, or why none was.
    public func followUp(of alert: FeedbackAlertID, in workspace: WorkspaceID) async throws -> (caseID: CaseID?, note: String?)? {
        try await database.withConnection { sql in
            guard let row = try await sql.select().columns("followed_up_at", "follow_up_case_id", "follow_up_note").from("feedback_alerts")
                .where("workspace_id", .equal, workspace.rawValue).where("id", .equal, alert.rawValue).first(),
                  try row.decode(column: "followed_up_at", as: Int64?.self) != nil else { return nil }
            return (try row.decode(column: "follow_up_case_id", as: String?.self).map(CaseID.init(rawValue:)), try row.decode(column: "follow_up_note", as: String?.self))
        }
    }
}

extension TransactionStore {
    public func serviceSettings(in workspace: WorkspaceID) async throws -> ServiceSettings {
        guard let row = try await sql.select().column("definition").from("service_settings").where("workspace_id", .equal, workspace.rawValue).first() else {
            return .standard
        }
        return (try? JSONDecoder().decode(ServiceSettings.self, from: Data(try row.decode(column: "definition", as: String.self).utf8))) ?? .standard
    }

    public func save(_ settings: ServiceSettings, in workspace: WorkspaceID) async throws {
        let definition = String(decoding: try JSONEncoder.sorted.encode(settings), as: UTF8.self)
        try await sql.insert(into: "service_settings").columns("workspace_id", "definition").values(SQLBind(workspace.rawValue), SQLBind(definition))
            .onConflict(with: ["workspace_id"]) { $0.set(excludedValueOf: "definition") }.run()
    }

    /// Records that the follow-up rule handled an alert: the case it opened, or why it opened none. False when another
    /// server handled it first.
    public func markFollowedUp(_ alert: FeedbackAlertID, in workspace: WorkspaceID, case id: CaseID?, note: String?, at date: Date) async throws -> Bool {
        try await sql.update("feedback_alerts").set("followed_up_at", to: date.storageMillis).set("follow_up_case_id", to: SQLBind(id?.rawValue))
            .set("follow_up_note", to: SQLBind(note))
            .where("workspace_id", .equal, workspace.rawValue).where("id", .equal, alert.rawValue).where("followed_up_at", .is, SQLLiteral.null)
            .returning("id").first() != nil
    }

    /// Names the case a claimed follow-up opened.
    public func setFollowUpCase(_ id: CaseID, of alert: FeedbackAlertID, in workspace: WorkspaceID) async throws {
        try await sql.update("feedback_alerts").set("follow_up_case_id", to: id.rawValue)
            .where("workspace_id", .equal, workspace.rawValue).where("id", .equal, alert.rawValue).run()
    }
}
