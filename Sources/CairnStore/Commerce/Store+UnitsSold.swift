import CairnCore
import Foundation
import SQLKit

/// Units, line revenue and what was given back, of one group on one UTC day, in one currency.
public struct UnitsSoldCell: Sendable, Hashable {
    public var day: Int64
    public var key: String
    public var label: String
    public var currency: Currency
    public var units: Int64
    public var grossMinor: Int64
    public var refundsMinor: Int64
}

extension Store {
    static let millisPerDay: Int64 = 86_400_000

    /// The key and label expressions of a grouping over the roll-up (`d`) and the catalogue (`p`).
    static func keyColumns(_ key: UnitsSoldKey) -> (key: String, label: String) {
        switch key {
        case .product: ("COALESCE(p.sku, d.product_id)", "MAX(COALESCE(p.name, d.product_id))")
        case .category: ("COALESCE(p.category, '')", "COALESCE(p.category, '')")
        case .channel: ("d.channel", "d.channel")
        }
    }

    /// Units and line revenue (quantity × unit price − line discount) of orders not cancelled, and the refunds and
    /// chargebacks falling on those lines, per UTC day in [`fromDay`, `untilDay`) (days since 1970-01-01), group and
    /// currency: one aggregate statement over the daily roll-up.
    public func unitsSold(in workspace: WorkspaceID, by key: UnitsSoldKey, fromDay: Int64, untilDay: Int64) async throws -> [UnitsSoldCell] {
        let (keyExpression, label) = Self.keyColumns(key)
        let query: SQLQueryString = """
            SELECT d.day AS day, \(unsafeRaw: keyExpression) AS k, \(unsafeRaw: label) AS label, d.currency AS currency,
                   CAST(SUM(d.units) AS BIGINT) AS units, CAST(SUM(d.gross_minor) AS BIGINT) AS gross, CAST(SUM(d.refunds_minor) AS BIGINT) AS refunds
            FROM units_sold_daily d
            LEFT JOIN products p ON p.workspace_id = d.workspace_id AND p.id = d.product_id
            WHERE d.workspace_id = \(bind: workspace.rawValue) AND d.day >= \(bind: fromDay) AND d.day < \(bind: untilDay)
            GROUP BY d.day, \(unsafeRaw: keyExpression), d.currency
            HAVING SUM(d.units) <> 0 OR SUM(d.refunds_minor) <> 0
            """
        return try await database.withConnection { sql in
            try await sql.raw(query).all().map { row in
                UnitsSoldCell(day: try row.decode(column: "day", as: Int64.self), key: try row.decode(column: "k", as: String.self),
                              label: try row.decode(column: "label", as: String.self), currency: Currency(uncheckedCode: try row.decode(column: "currency", as: String.self)),
                              units: try row.decode(column: "units", as: Int64.self), grossMinor: try row.decode(column: "gross", as: Int64.self),
                              refundsMinor: try row.decode(column: "refunds", as: Int64.self))
            }
        }
    }
}
