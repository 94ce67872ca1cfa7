import CairnCore
import Foundation
import SQLKit

/// The customer order figures kept on the profile (`customer_figures`).
enum CustomerFigures {
    /// Recomputes the figures of these customers (all, when nil) from their orders: their rows are replaced by one
    /// aggregate per currency of their orders not cancelled, with the succeeded refunds and chargebacks.
    static func refresh(_ sql: any SQLDatabase, workspace: WorkspaceID?, profiles: [ProfileID]?) async throws {
        if let profiles, profiles.isEmpty { return }
        for part in (profiles.map { Array(Set($0.map(\.rawValue))).chunked(into: 300) } ?? [[]]) {
            let scope: SQLQueryString
            let deleteScope: SQLQueryString
            if let workspace, profiles != nil {
                let list = SQLList(part.map { SQLBind($0) as any SQLExpression })
                scope = "o.workspace_id = \(bind: workspace.rawValue) AND o.profile_id IN (\(list))"
                deleteScope = "workspace_id = \(bind: workspace.rawValue) AND profile_id IN (\(list))"
            } else {
                scope = "o.profile_id IS NOT NULL"
                deleteScope = "1 = 1"
            }
            try await sql.raw("DELETE FROM customer_figures WHERE \(deleteScope)").run()
            try await sql.raw("""
                INSERT INTO customer_figures (workspace_id, profile_id, currency, orders, gross_minor, refunded_minor, first_order_at, last_order_at)
                SELECT o.workspace_id, o.profile_id, o.currency, CAST(COUNT(*) AS BIGINT), CAST(SUM(o.total_minor) AS BIGINT),
                       CAST(COALESCE(SUM((SELECT SUM(t.amount_minor) FROM order_transactions t WHERE t.workspace_id = o.workspace_id AND t.order_id = o.id
                                          AND t.kind IN ('refund', 'chargeback') AND t.status = 'succeeded')), 0) AS BIGINT),
                       MIN(o.placed_at), MAX(o.placed_at)
                FROM orders o
                WHERE \(scope) AND o.status <> 'cancelled'
                GROUP BY o.workspace_id, o.profile_id, o.currency
                """).run()
        }
    }
}

extension TransactionStore {
    /// Brings the figures of the customers of these orders up to date (inside the transaction that changed them).
    func refreshCustomerFigures(of orders: [OrderID], in workspace: WorkspaceID) async throws {
        guard !orders.isEmpty else { return }
        let profiles = try await sql.select().column("profile_id").from("orders").where("workspace_id", .equal, workspace.rawValue)
            .where("id", .in, Array(Set(orders.map(\.rawValue)))).where(SQLColumn("profile_id"), .isNot, SQLLiteral.null).all()
            .map { ProfileID(rawValue: try $0.decode(column: "profile_id", as: String.self)) }
        try await CustomerFigures.refresh(sql, workspace: workspace, profiles: profiles)
    }
}
