import CairnCore
import Foundation
import SQLKit

/// How far a kept roll-up is from what its base rows say.
public struct RollupDrift: Sendable, Hashable {
    /// The table (`units_sold_daily` and its coarser roll-ups, `survey_scores_daily`, `survey_topics_daily`, `customer_figures`, `sources`).
    public var table: String
    /// Rows as kept that the base rows do not give (wrong or extra).
    public var wrongRows: Int
    /// Rows the base rows give that are not kept.
    public var missingRows: Int
    public var hasDrift: Bool { wrongRows + missingRows > 0 }
}

extension Store {
    /// The kept roll-ups, each with the columns that say what a row holds and the amount columns (a row whose amounts
    /// are all zero is the same as no row).
    static let rollups: [(table: String, columns: [String], amounts: [String])] = [
        ("units_sold_daily", ["workspace_id", "day", "product_id", "channel", "currency", "month"], ["units", "gross_minor", "refunds_minor"]),
        ("units_sold_weekly", ["workspace_id", "week", "product_id", "currency"], ["units", "gross_minor", "refunds_minor"]),
        ("units_sold_monthly", ["workspace_id", "month", "product_id", "currency"], ["units", "gross_minor", "refunds_minor"]),
        ("units_sold_channel_daily", ["workspace_id", "day", "channel", "currency", "month"], ["units", "gross_minor", "refunds_minor"]),
        ("survey_scores_daily", ["workspace_id", "survey_id", "question", "day", "channel", "value"], ["answers"]),
        ("survey_topics_daily", ["workspace_id", "survey_id", "topic", "day", "label"], ["responses"]),
        ("customer_figures", ["workspace_id", "profile_id", "currency"], ["orders", "gross_minor", "refunded_minor", "first_order_at", "last_order_at"]),
        ("sources", ["workspace_id", "id"], ["event_count"]),
    ]

    /// Recomputes every kept roll-up from its base rows — orders and their refunds, responses and what their text says,
    /// events per source — and compares it with what is kept. With `repair` the recomputed figures replace the kept
    /// ones; without, nothing changes (the recomputation is rolled back). One transaction, so the comparison sees one
    /// state of the database.
    public func verifyRollups(repair: Bool) async throws -> [RollupDrift] {
        struct Compared: Error { let drift: [RollupDrift] }
        do {
            return try await transaction(priority: .background) { tx in
                var kept: [String: Set<String>] = [:]
                for rollup in Self.rollups { kept[rollup.table] = try await Self.snapshot(rollup, sql: tx.sql) }
                try await UnitsSoldRollup.rebuild(tx.sql)
                try await ScoreCounts.rebuild(tx.sql)
                try await TopicCounts.rebuild(tx.sql)
                try await CustomerFigures.refresh(tx.sql, workspace: nil, profiles: nil)
                try await tx.sql.raw("UPDATE sources SET event_count = (SELECT COUNT(*) FROM events e WHERE e.workspace_id = sources.workspace_id AND e.source_id = sources.id)").run()
                var drift: [RollupDrift] = []
                for rollup in Self.rollups {
                    let recomputed = try await Self.snapshot(rollup, sql: tx.sql), held = kept[rollup.table] ?? []
                    drift.append(RollupDrift(table: rollup.table, wrongRows: held.subtracting(recomputed).count, missingRows: recomputed.subtracting(held).count))
                }
                if !repair { throw Compared(drift: drift) }
                return drift
            }
        } catch let compared as Compared {
            return compared.drift
        }
    }

    /// A table's rows as text, without the rows whose amounts are all zero.
    static func snapshot(_ rollup: (table: String, columns: [String], amounts: [String]), sql: any SQLDatabase) async throws -> Set<String> {
        var rows: Set<String> = []
        for row in try await sql.select().columns(rollup.columns + rollup.amounts).from(rollup.table).all() {
            func text(_ column: String) -> String {
                if let number = try? row.decode(column: column, as: Int64.self) { return String(number) }
                return (try? row.decode(column: column, as: String.self)) ?? "∅"
            }
            let amounts = rollup.amounts.map(text)
            if rollup.table != "sources", amounts.allSatisfy({ $0 == "0" }) { continue }
            rows.insert((rollup.columns.map(text) + amounts).joined(separator: "|"))
        }
        return rows
    }
}
