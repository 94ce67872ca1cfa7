public import CairnCore
public import Foundation
import SQLKit

extension Store {
    static let insightAlertColumns = ["id", "metric", "series_key", "label", "since_day", "alarm_day", "last_day", "ended_day", "recent", "normal",
                                      "spread", "message", "link", "raised_at", "updated_at"]

    /// Raises an episode, or brings the open one of the same series up to date (its last day, figures and message). A
    /// new episode queues the webhook `event` with `payload(alert)` in the same transaction. Returns the alert kept and
    /// whether it is new.
    public func record(_ alert: UnderperformanceAlert, in workspace: WorkspaceID, event: String,
                       payload: @escaping @Sendable (UnderperformanceAlert) -> String) async throws -> (alert: UnderperformanceAlert, new: Bool) {
        try await database.transaction { sql in
            let open = try await sql.select().columns(Self.insightAlertColumns).from("insight_alerts").where("workspace_id", .equal, workspace.rawValue)
                .where("metric", .equal, alert.metric.rawValue).where("series_key", .equal, alert.key).where("ended_day", .is, SQLLiteral.null)
                .first().map(UnderperformanceAlert.init(row:))
            if var open {
                open.lastDay = alert.lastDay
                open.recent = alert.recent
                open.normal = alert.normal
                open.spread = alert.spread
                open.message = alert.message
                open.label = alert.label
                open.link = alert.link
                open.updatedAt = alert.updatedAt
                try await sql.update("insight_alerts").set("last_day", to: SQLBind(open.lastDay.storageMillis / 86_400_000)).set("recent", to: SQLBind(open.recent))
                    .set("normal", to: SQLBind(open.normal)).set("spread", to: SQLBind(open.spread)).set("message", to: SQLBind(open.message))
                    .set("label", to: SQLBind(open.label)).set("link", to: SQLBind(open.link)).set("updated_at", to: SQLBind(open.updatedAt.storageMillis))
                    .where("workspace_id", .equal, workspace.rawValue).where("id", .equal, open.id.rawValue).run()
                return (open, false)
            }
            try await sql.insert(into: "insight_alerts").columns(["workspace_id"] + Self.insightAlertColumns)
                .values([SQLBind(workspace.rawValue)] + Self.insightAlertValues(alert)).run()
            try await TransactionStore(sql: sql, engine: engine).queueWebhook(event: event, payload: payload(alert), in: workspace, at: alert.raisedAt)
            return (alert, true)
        }
    }

    static func insightAlertValues(_ alert: UnderperformanceAlert) -> [SQLBind] {
        [SQLBind(alert.id.rawValue), SQLBind(alert.metric.rawValue), SQLBind(alert.key), SQLBind(alert.label),
         SQLBind(alert.since.storageMillis / 86_400_000), SQLBind(alert.alarmDay.storageMillis / 86_400_000),
         SQLBind(alert.lastDay.storageMillis / 86_400_000), SQLBind(alert.ended.map { $0.storageMillis / 86_400_000 }),
         SQLBind(alert.recent), SQLBind(alert.normal), SQLBind(alert.spread), SQLBind(alert.message), SQLBind(alert.link),
         SQLBind(alert.raisedAt.storageMillis), SQLBind(alert.updatedAt.storageMillis)]
    }

    /// The series whose episode is open, as `metric|key`.
    public func openInsightAlerts(in workspace: WorkspaceID) async throws -> [UnderperformanceAlert] {
        try await database.withConnection { sql in
            try await sql.select().columns(Self.insightAlertColumns).from("insight_alerts").where("workspace_id", .equal, workspace.rawValue)
                .where("ended_day", .is, SQLLiteral.null).all().map(UnderperformanceAlert.init(row:))
        }
    }

    /// Ends an open episode on `day` (the first day back inside the limits).
    public func endInsightAlert(_ id: UnderperformanceAlertID, on day: Date, at now: Date, in workspace: WorkspaceID) async throws {
        try await database.withConnection { sql in
            try await sql.update("insight_alerts").set("ended_day", to: SQLBind(day.storageMillis / 86_400_000)).set("updated_at", to: SQLBind(now.storageMillis))
                .where("workspace_id", .equal, workspace.rawValue).where("id", .equal, id.rawValue).where("ended_day", .is, SQLLiteral.null).run()
        }
    }

    /// The workspace's underperformance alerts, newest raised first; `openOnly` keeps those still lasting.
    public func insightAlerts(in workspace: WorkspaceID, openOnly: Bool, after cursor: Cursor?, limit: Int) async throws -> Page<UnderperformanceAlert> {
        let items = try await database.withConnection { sql in
            let query = sql.select().columns(Self.insightAlertColumns).from("insight_alerts").where("workspace_id", .equal, workspace.rawValue)
            if openOnly { query.where("ended_day", .is, SQLLiteral.null) }
            return try await Keyset.apply(query, sortColumn: "raised_at", cursor: cursor, direction: .descending, limit: limit).all().map(UnderperformanceAlert.init(row:))
        }
        return Keyset.page(items, limit: limit) { Cursor(sortKey: $0.raisedAt.storageMillis, id: $0.id.rawValue) }
    }

    /// Shipments promised on each UTC day from `fromDay` up to `untilDay` (not included): how many, and how many came
    /// late — delivered after the promise, or neither delivered nor returned by `now` though the promise has passed.
    public func lateDeliverySeries(in workspace: WorkspaceID, fromDay: Int64, untilDay: Int64, now: Date) async throws -> [Int64: (due: Int, late: Int)] {
        try await database.withConnection { sql in
            var series: [Int64: (due: Int, late: Int)] = [:]
            for row in try await sql.raw("""
                SELECT s.promised_at / 86400000 AS d, COUNT(*) AS due,
                       CAST(SUM(CASE WHEN (dv.at IS NOT NULL AND dv.at > s.promised_at)
                                  OR (dv.at IS NULL AND s.status NOT IN ('delivered', 'returned') AND s.promised_at < \(bind: now.storageMillis)) THEN 1 ELSE 0 END) AS BIGINT) AS late
                FROM shipments s
                LEFT JOIN (SELECT shipment_id, MIN(at) AS at FROM shipment_updates
                           WHERE workspace_id = \(bind: workspace.rawValue) AND status = 'delivered' GROUP BY shipment_id) dv ON dv.shipment_id = s.id
                WHERE s.workspace_id = \(bind: workspace.rawValue) AND s.promised_at >= \(bind: fromDay * 86_400_000) AND s.promised_at < \(bind: untilDay * 86_400_000)
                GROUP BY s.promised_at / 86400000
                """).all() {
                series[try row.decode(column: "d", as: Int64.self)] = (Int(try row.decode(column: "due", as: Int64.self)), Int(try row.decode(column: "late", as: Int64.self)))
            }
            return series
        }
    }

    // MARK: Saved funnels

    /// Keeps a funnel under its name; false when the workspace already has one of that name.
    public func save(_ funnel: SavedFunnel, in workspace: WorkspaceID) async throws -> Bool {
        try await database.withConnection { sql in
            try await sql.insert(into: "saved_funnels").columns("workspace_id", "id", "name", "definition", "created_at")
                .values(SQLBind(workspace.rawValue), SQLBind(funnel.id.rawValue), SQLBind(funnel.name), SQLBind(funnel.definition), SQLBind(funnel.createdAt.storageMillis))
                .ignoringConflicts(with: ["workspace_id", "name"]).returning("id").first() != nil
        }
    }

    public func savedFunnels(in workspace: WorkspaceID) async throws -> [SavedFunnel] {
        try await database.withConnection { sql in
            try await sql.select().columns("id", "name", "definition", "created_at").from("saved_funnels").where("workspace_id", .equal, workspace.rawValue)
                .orderBy("name").limit(200).all().map { row in
                    SavedFunnel(id: SavedFunnelID(rawValue: try row.decode(column: "id", as: String.self)), name: try row.decode(column: "name", as: String.self),
                                definition: try row.decode(column: "definition", as: String.self),
                                createdAt: Date(storageMillis: try row.decode(column: "created_at", as: Int64.self)))
                }
        }
    }

    /// Deletes a saved funnel (its alerts stay in the feed); false when there was none.
    public func deleteSavedFunnel(_ id: SavedFunnelID, in workspace: WorkspaceID) async throws -> Bool {
        try await database.withConnection { sql in
            try await sql.delete(from: "saved_funnels").where("workspace_id", .equal, workspace.rawValue).where("id", .equal, id.rawValue)
                .returning("id").first() != nil
        }
    }
}

extension UnderperformanceAlert {
    init(row: any SQLRow) throws {
        func day(_ column: String) throws -> Date { Date(storageMillis: try row.decode(column: column, as: Int64.self) * 86_400_000) }
        self.init(id: UnderperformanceAlertID(rawValue: try row.decode(column: "id", as: String.self)),
                  metric: Metric(rawValue: try row.decode(column: "metric", as: String.self)) ?? .nps,
                  key: try row.decode(column: "series_key", as: String.self), label: try row.decode(column: "label", as: String.self),
                  since: try day("since_day"), alarmDay: try day("alarm_day"), lastDay: try day("last_day"),
                  ended: try row.decode(column: "ended_day", as: Int64?.self).map { Date(storageMillis: $0 * 86_400_000) },
                  recent: try row.decode(column: "recent", as: Double.self), normal: try row.decode(column: "normal", as: Double.self),
                  spread: try row.decode(column: "spread", as: Double.self), message: try row.decode(column: "message", as: String.self),
                  link: try row.decode(column: "link", as: String.self), raisedAt: Date(storageMillis: try row.decode(column: "raised_at", as: Int64.self)),
                  updatedAt: Date(storageMillis: try row.decode(column: "updated_at", as: Int64.self)))
    }
}
