public import CairnCore
public import Foundation
import SQLKit

extension Store {
    static let triggerColumns = ["id", "workspace_id", "survey_id", "event", "action", "delay_minutes", "sample_percent", "created_at"]
    static let firingColumns = ["id", "workspace_id", "trigger_id", "survey_id", "profile_id", "event_id", "action", "due_at", "status", "reason", "created_at",
                                "order_reference", "touchpoint", "case_id"]

    /// A survey's triggers.
    public func triggers(of survey: SurveyID, in workspace: WorkspaceID) async throws -> [SurveyTrigger] {
        try await database.withConnection { sql in
            try await sql.select().columns(Self.triggerColumns).from("survey_triggers").where("workspace_id", .equal, workspace.rawValue)
                .where("survey_id", .equal, survey.rawValue).orderBy("created_at").orderBy("id").all().map(SurveyTrigger.init(row:))
        }
    }

    /// Replaces a survey's triggers; firings already recorded stay.
    public func replaceTriggers(of survey: SurveyID, in workspace: WorkspaceID, with triggers: [SurveyTrigger]) async throws {
        try await transaction { tx in
            try await tx.sql.delete(from: "survey_triggers").where("workspace_id", .equal, workspace.rawValue).where("survey_id", .equal, survey.rawValue).run()
            guard !triggers.isEmpty else { return }
            let insert = tx.sql.insert(into: "survey_triggers").columns(Self.triggerColumns)
            for trigger in triggers {
                insert.values(SQLBind(trigger.id.rawValue), SQLBind(trigger.workspaceID.rawValue), SQLBind(trigger.surveyID.rawValue), SQLBind(trigger.event),
                              SQLBind(trigger.action.rawValue), SQLBind(Int64(trigger.delayMinutes)), SQLBind(Int64(trigger.samplePercent)),
                              SQLBind(trigger.createdAt.storageMillis))
            }
            try await insert.run()
        }
    }

    /// Firings due by `now` (any workspace's), oldest first.
    public func dueFirings(now: Date, limit: Int) async throws -> [SurveyTriggerFiring] {
        try await database.withConnection { sql in
            try await sql.select().columns(Self.firingColumns).from("survey_trigger_firings").where("status", .equal, SurveyTriggerFiring.Status.pending.rawValue)
                .where("due_at", .lessThanOrEqual, now.storageMillis).orderBy("due_at").limit(limit).all().map(SurveyTriggerFiring.init(row:))
        }
    }

    /// The customer's firings waiting for the widget, oldest first.
    public func readyFirings(of profile: ProfileID, in workspace: WorkspaceID) async throws -> [SurveyTriggerFiring] {
        try await database.withConnection { sql in
            try await sql.select().columns(Self.firingColumns).from("survey_trigger_firings").where("workspace_id", .equal, workspace.rawValue)
                .where("profile_id", .equal, profile.rawValue).where("status", .equal, SurveyTriggerFiring.Status.ready.rawValue)
                .orderBy("due_at").limit(20).all().map(SurveyTriggerFiring.init(row:))
        }
    }

    public func update(_ firing: SurveyTriggerFiring) async throws {
        try await database.withConnection { sql in
            try await sql.update("survey_trigger_firings").set("status", to: firing.status.rawValue).set("reason", to: firing.reason)
                .where("workspace_id", .equal, firing.workspaceID.rawValue).where("id", .equal, firing.id.rawValue).run()
        }
    }

    /// A survey's firings, newest first (what its triggers did, and why not).
    public func firings(of survey: SurveyID, in workspace: WorkspaceID, after cursor: Cursor?, limit: Int) async throws -> Page<SurveyTriggerFiring> {
        let items = try await database.withConnection { sql in
            let query = sql.select().columns(Self.firingColumns).from("survey_trigger_firings")
                .where("workspace_id", .equal, workspace.rawValue).where("survey_id", .equal, survey.rawValue)
            Keyset.apply(query, sortColumn: "created_at", cursor: cursor, direction: .descending, limit: limit)
            return try await query.all().map(SurveyTriggerFiring.init(row:))
        }
        return Keyset.page(items, limit: limit) { Cursor(sortKey: $0.createdAt.storageMillis, id: $0.id.rawValue) }
    }

    /// Days within which a customer asked once is not asked again (any survey); nil when never set.
    public func recontactDays(in workspace: WorkspaceID) async throws -> Int? {
        try await database.withConnection { sql in
            try await sql.select().column("recontact_days").from("survey_contact_settings").where("workspace_id", .equal, workspace.rawValue).first()
                .map { Int(try $0.decode(column: "recontact_days", as: Int64.self)) }
        }
    }

    public func setRecontactDays(_ days: Int, in workspace: WorkspaceID) async throws {
        try await database.withConnection { sql in
            try await sql.insert(into: "survey_contact_settings").columns("workspace_id", "recontact_days").values(SQLBind(workspace.rawValue), SQLBind(Int64(days)))
                .onConflict(with: ["workspace_id"]) { $0.set(excludedValueOf: "recontact_days") }.run()
        }
    }
}

extension TransactionStore {
    /// The workspace's triggers by event name (read once per resolution batch).
    public func triggersByEvent(in workspace: WorkspaceID) async throws -> [String: [SurveyTrigger]] {
        Dictionary(grouping: try await sql.select().columns(Store.triggerColumns).from("survey_triggers").where("workspace_id", .equal, workspace.rawValue)
            .all().map(SurveyTrigger.init(row:)), by: \.event)
    }

    /// Records firings; one already recorded for the same trigger and event is left as it is.
    public func insert(firings: [SurveyTriggerFiring]) async throws {
        guard !firings.isEmpty else { return }
        let insert = sql.insert(into: "survey_trigger_firings").columns(Store.firingColumns)
        for firing in firings {
            insert.values(SQLBind(firing.id.rawValue), SQLBind(firing.workspaceID.rawValue), SQLBind(firing.triggerID.rawValue), SQLBind(firing.surveyID.rawValue),
                          SQLBind(firing.profileID.rawValue), SQLBind(firing.eventID.rawValue), SQLBind(firing.action.rawValue), SQLBind(firing.dueAt.storageMillis),
                          SQLBind(firing.status.rawValue), SQLBind(firing.reason), SQLBind(firing.createdAt.storageMillis), SQLBind(firing.orderReference),
                          SQLBind(firing.touchpoint), SQLBind(firing.caseID?.rawValue))
        }
        try await insert.ignoringConflicts(with: ["workspace_id", "trigger_id", "event_id"]).run()
    }
}

extension SurveyTrigger {
    init(row: any SQLRow) throws {
        self.init(id: SurveyTriggerID(rawValue: try row.decode(column: "id", as: String.self)),
                  workspaceID: WorkspaceID(rawValue: try row.decode(column: "workspace_id", as: String.self)),
                  surveyID: SurveyID(rawValue: try row.decode(column: "survey_id", as: String.self)),
                  event: try row.decode(column: "event", as: String.self),
                  action: Action(rawValue: try row.decode(column: "action", as: String.self)) ?? .email,
                  delayMinutes: Int(try row.decode(column: "delay_minutes", as: Int64.self)),
                  samplePercent: Int(try row.decode(column: "sample_percent", as: Int64.self)),
                  createdAt: Date(storageMillis: try row.decode(column: "created_at", as: Int64.self)))
    }
}

extension SurveyTriggerFiring {
    init(row: any SQLRow) throws {
        self.init(id: SurveyTriggerFiringID(rawValue: try row.decode(column: "id", as: String.self)),
                  workspaceID: WorkspaceID(rawValue: try row.decode(column: "workspace_id", as: String.self)),
                  triggerID: SurveyTriggerID(rawValue: try row.decode(column: "trigger_id", as: String.self)),
                  surveyID: SurveyID(rawValue: try row.decode(column: "survey_id", as: String.self)),
                  profileID: ProfileID(rawValue: try row.decode(column: "profile_id", as: String.self)),
                  eventID: EventID(rawValue: try row.decode(column: "event_id", as: String.self)),
                  action: SurveyTrigger.Action(rawValue: try row.decode(column: "action", as: String.self)) ?? .email,
                  dueAt: Date(storageMillis: try row.decode(column: "due_at", as: Int64.self)),
                  status: Status(rawValue: try row.decode(column: "status", as: String.self)) ?? .skipped,
                  reason: try row.decode(column: "reason", as: String?.self),
                  createdAt: Date(storageMillis: try row.decode(column: "created_at", as: Int64.self)),
                  orderReference: try row.decode(column: "order_reference", as: String?.self),
                  touchpoint: try row.decode(column: "touchpoint", as: String?.self),
                  caseID: try row.decode(column: "case_id", as: String?.self).map(CaseID.init(rawValue:)))
    }
}
