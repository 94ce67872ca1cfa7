public import CairnCore
public import Foundation
import SQLKit

/// Orders placed in a period, not cancelled: how many, and their totals in each currency (minor units).
public struct OrderTotals: Sendable, Hashable {
    public var orders: Int
    public var revenue: [String: Int64]
}

extension Store {
    /// Customers (golden records, merged ones not counted): all, those seen since `since`, and those first seen since.
    public func customerCounts(in workspace: WorkspaceID, since: Date) async throws -> (all: Int, active: Int, new: Int) {
        try await database.withConnection { sql in
            let row = try await sql.raw("""
                SELECT COUNT(*) AS n,
                       CAST(SUM(CASE WHEN last_seen_at >= \(bind: since.storageMillis) THEN 1 ELSE 0 END) AS BIGINT) AS active,
                       CAST(SUM(CASE WHEN first_seen_at >= \(bind: since.storageMillis) THEN 1 ELSE 0 END) AS BIGINT) AS fresh
                FROM profiles WHERE workspace_id = \(bind: workspace.rawValue) AND merged_into IS NULL
                """).first()
            return (Int(try row?.decode(column: "n", as: Int64?.self) ?? 0), Int(try row?.decode(column: "active", as: Int64?.self) ?? 0),
                    Int(try row?.decode(column: "fresh", as: Int64?.self) ?? 0))
        }
    }

    /// Orders placed in [from, until) — from `from` on when `until` is nil — that were not cancelled, and their totals
    /// per currency.
    public func orderTotals(in workspace: WorkspaceID, from: Date, until: Date?) async throws -> OrderTotals {
        try await database.withConnection { sql in
            var totals = OrderTotals(orders: 0, revenue: [:])
            for row in try await sql.raw("""
                SELECT currency, COUNT(*) AS n, CAST(SUM(total_minor) AS BIGINT) AS total FROM orders
                WHERE workspace_id = \(bind: workspace.rawValue) AND placed_at >= \(bind: from.storageMillis) AND placed_at < \(bind: until?.storageMillis ?? Int64.max)
                  AND status <> 'cancelled'
                GROUP BY currency
                """).all() {
                totals.orders += Int(try row.decode(column: "n", as: Int64.self))
                totals.revenue[try row.decode(column: "currency", as: String.self)] = try row.decode(column: "total", as: Int64.self)
            }
            return totals
        }
    }
}
