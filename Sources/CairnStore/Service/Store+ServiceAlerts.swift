public import CairnCore
public import Foundation
import SQLKit

extension Store {
    /// Daily counts of cases by `product_id` or `topic` (UTC days from `fromDay` on), one read.
    public func caseSeries(in workspace: WorkspaceID, by dimension: ServiceDimension, fromDay: Int64) async throws -> [String: [Int64: Int]] {
        let column = dimension.column
        return try await database.withConnection { sql in
            var series: [String: [Int64: Int]] = [:]
            for row in try await sql.raw("""
                SELECT \(ident: column) AS k, created_at / 86400000 AS d, COUNT(*) AS n FROM cases
                WHERE workspace_id = \(bind: workspace.rawValue) AND created_at >= \(bind: fromDay * 86_400_000) AND \(ident: column) IS NOT NULL AND merged_into IS NULL
                GROUP BY \(ident: column), created_at / 86400000
                """).all() {
                series[try row.decode(column: "k", as: String.self), default: [:]][try row.decode(column: "d", as: Int64.self)] = Int(try row.decode(column: "n", as: Int64.self))
            }
            return series
        }
    }

    /// Daily counts of responses whose comment speaks negatively of a topic (every survey), UTC days from `fromDay` on.
    public func negativeTopicSeries(in workspace: WorkspaceID, fromDay: Int64) async throws -> [String: [Int64: Int]] {
        try await database.withConnection { sql in
            var series: [String: [Int64: Int]] = [:]
            for row in try await sql.raw("""
                SELECT topic AS k, day AS d, CAST(SUM(responses) AS BIGINT) AS n FROM survey_topics_daily
                WHERE workspace_id = \(bind: workspace.rawValue) AND day >= \(bind: fromDay) AND label = 'negative'
                GROUP BY topic, day
                """).all() {
                series[try row.decode(column: "k", as: String.self), default: [:]][try row.decode(column: "d", as: Int64.self)] = Int(try row.decode(column: "n", as: Int64.self))
            }
            return series
        }
    }

    /// Keeps an alert once per series and day; false when that series already alerted that day. The webhook body is
    /// queued in the same transaction.
    public func raise(_ alert: ServiceAlert, in workspace: WorkspaceID, event: String, payload: String) async throws -> Bool {
        try await database.transaction { sql in
            let inserted = try await sql.insert(into: "service_alerts")
                .columns("workspace_id", "id", "kind", "dimension", "series_key", "label", "day", "observed", "typical", "spread", "p_value", "message", "at", "campaigns")
                .values(SQLBind(workspace.rawValue), SQLBind(alert.id.rawValue), SQLBind(alert.kind.rawValue), SQLBind(alert.dimension), SQLBind(alert.key),
                        SQLBind(alert.label), SQLBind(alert.day.storageMillis / 86_400_000), SQLBind(Int64(alert.observed)), SQLBind(alert.typical),
                        SQLBind(alert.spread), SQLBind(alert.pValue), SQLBind(alert.message), SQLBind(alert.at.storageMillis),
                        SQLBind(alert.campaigns.isEmpty ? nil : String(decoding: try JSONEncoder().encode(alert.campaigns), as: UTF8.self)))
                .ignoringConflicts(with: ["workspace_id", "kind", "dimension", "series_key", "day"]).returning("id").first()
            guard inserted != nil else { return false }
            try await TransactionStore(sql: sql, engine: engine).queueWebhook(event: event, payload: payload, in: workspace, at: alert.at)
            return true
        }
    }

    /// The workspace's service alerts, newest first.
    public func serviceAlerts(in workspace: WorkspaceID, after cursor: Cursor?, limit: Int) async throws -> Page<ServiceAlert> {
        let items = try await database.withConnection { sql in
            let query = sql.select().columns("id", "kind", "dimension", "series_key", "label", "day", "observed", "typical", "spread", "p_value", "message", "at", "campaigns")
                .from("service_alerts").where("workspace_id", .equal, workspace.rawValue)
            return try await Keyset.apply(query, sortColumn: "at", cursor: cursor, direction: .descending, limit: limit).all().map { row in
                ServiceAlert(id: ServiceAlertID(rawValue: try row.decode(column: "id", as: String.self)),
                             kind: ServiceAlert.Kind(rawValue: try row.decode(column: "kind", as: String.self)) ?? .cases,
                             dimension: try row.decode(column: "dimension", as: String.self), key: try row.decode(column: "series_key", as: String.self),
                             label: try row.decode(column: "label", as: String.self), day: Date(storageMillis: try row.decode(column: "day", as: Int64.self) * 86_400_000),
                             observed: Int(try row.decode(column: "observed", as: Int64.self)), typical: try row.decode(column: "typical", as: Double.self),
                             spread: try row.decode(column: "spread", as: Double.self), pValue: try row.decode(column: "p_value", as: Double.self),
                             message: try row.decode(column: "message", as: String.self), at: Date(storageMillis: try row.decode(column: "at", as: Int64.self)),
                             campaigns: try row.decode(column: "campaigns", as: String?.self)
                                .flatMap { try? JSONDecoder().decode([ServiceAlert.BeganCampaign].self, from: Data($0.utf8)) } ?? [])
            }
        }
        return Keyset.page(items, limit: limit) { Cursor(sortKey: $0.at.storageMillis, id: $0.id.rawValue) }
    }
}
