import CairnCore
import Foundation
import SQLKit

/// Units and line revenue of one group on one UTC day, in one currency.
public struct UnitsSoldCell: Sendable, Hashable {
    public var day: Int64
    public var key: String
    public var label: String
    public var currency: Currency
    public var units: Int64
    public var grossMinor: Int64
}

/// One line of an order that had money given back, with what the order gave back.
public struct RefundedLine: Sendable, Hashable {
    public var orderID: String
    public var day: Int64
    public var key: String
    public var label: String
    public var currency: Currency
    public var lineMinor: Int64
    public var orderTotalMinor: Int64
    public var refundedMinor: Int64
}

extension Store {
    static let millisPerDay: Int64 = 86_400_000

    /// The key and label expressions of a grouping (`p` products, `l` lines, `o` orders).
    static func keyColumns(_ key: UnitsSoldKey) -> (key: String, label: String) {
        switch key {
        case .product: ("l.sku", "MAX(l.name)")
        case .category: ("COALESCE(p.category, '')", "COALESCE(p.category, '')")
        case .channel: ("o.channel", "o.channel")
        }
    }

    /// Units and line revenue (quantity × unit price − line discount) of orders not cancelled, placed in
    /// [`from`, `until`), per UTC day, group and currency: one aggregate statement.
    public func unitsSold(in workspace: WorkspaceID, by key: UnitsSoldKey, from: Date, until: Date) async throws -> [UnitsSoldCell] {
        let (keyExpression, label) = Self.keyColumns(key)
        let labelSelect = key == .product ? label : keyExpression
        let query: SQLQueryString = """
            SELECT o.placed_at / \(unsafeRaw: String(Self.millisPerDay)) AS day, \(unsafeRaw: keyExpression) AS k, \(unsafeRaw: labelSelect) AS label, o.currency AS currency,
                   CAST(SUM(l.quantity) AS BIGINT) AS units, CAST(SUM(l.quantity * l.unit_price_minor - l.discount_minor) AS BIGINT) AS gross
            FROM order_lines l
            JOIN orders o ON o.workspace_id = l.workspace_id AND o.id = l.order_id
            LEFT JOIN products p ON p.workspace_id = l.workspace_id AND p.id = l.product_id
            WHERE l.workspace_id = \(bind: workspace.rawValue) AND o.status <> 'cancelled'
              AND o.placed_at >= \(bind: from.storageMillis) AND o.placed_at < \(bind: until.storageMillis)
            GROUP BY o.placed_at / \(unsafeRaw: String(Self.millisPerDay)), \(unsafeRaw: keyExpression), o.currency
            """
        return try await database.withConnection { sql in
            try await sql.raw(query).all().map { row in
                UnitsSoldCell(day: try row.decode(column: "day", as: Int64.self), key: try row.decode(column: "k", as: String.self),
                              label: try row.decode(column: "label", as: String.self), currency: Currency(uncheckedCode: try row.decode(column: "currency", as: String.self)),
                              units: try row.decode(column: "units", as: Int64.self), grossMinor: try row.decode(column: "gross", as: Int64.self))
            }
        }
    }

    /// The lines of orders in the window that had succeeded refunds or chargebacks, with the order's total and what it
    /// gave back (few orders, so their refunds can be shared out exactly in Swift).
    public func refundedLines(in workspace: WorkspaceID, by key: UnitsSoldKey, from: Date, until: Date) async throws -> [RefundedLine] {
        let (keyExpression, _) = Self.keyColumns(key)
        let labelExpression = key == .product ? "l.name" : keyExpression
        let query: SQLQueryString = """
            SELECT o.id AS order_id, o.placed_at / \(unsafeRaw: String(Self.millisPerDay)) AS day, \(unsafeRaw: keyExpression) AS k, \(unsafeRaw: labelExpression) AS label,
                   o.currency AS currency, l.quantity * l.unit_price_minor - l.discount_minor AS line, o.total_minor AS total, r.refunded AS refunded
            FROM (SELECT t.order_id AS order_id, CAST(SUM(t.amount_minor) AS BIGINT) AS refunded FROM order_transactions t
                  WHERE t.workspace_id = \(bind: workspace.rawValue) AND t.kind IN ('refund', 'chargeback') AND t.status = 'succeeded' GROUP BY t.order_id) r
            JOIN orders o ON o.workspace_id = \(bind: workspace.rawValue) AND o.id = r.order_id
            JOIN order_lines l ON l.workspace_id = o.workspace_id AND l.order_id = o.id
            LEFT JOIN products p ON p.workspace_id = l.workspace_id AND p.id = l.product_id
            WHERE o.status <> 'cancelled' AND o.placed_at >= \(bind: from.storageMillis) AND o.placed_at < \(bind: until.storageMillis)
            ORDER BY o.id, l.position
            """
        return try await database.withConnection { sql in
            try await sql.raw(query).all().map { row in
                RefundedLine(orderID: try row.decode(column: "order_id", as: String.self), day: try row.decode(column: "day", as: Int64.self),
                             key: try row.decode(column: "k", as: String.self), label: try row.decode(column: "label", as: String.self),
                             currency: Currency(uncheckedCode: try row.decode(column: "currency", as: String.self)),
                             lineMinor: try row.decode(column: "line", as: Int64.self), orderTotalMinor: try row.decode(column: "total", as: Int64.self),
                             refundedMinor: try row.decode(column: "refunded", as: Int64.self))
            }
        }
    }
}
