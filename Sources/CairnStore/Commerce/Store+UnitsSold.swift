public import CairnCore
import Foundation
import SQLKit

/// Units, line revenue and what was given back, of one group in one period (its number, see ``UnitsSoldPeriod``), in
/// one currency.
public struct UnitsSoldCell: Sendable, Hashable {
    public var bucket: Int64
    public var key: String
    public var label: String
    public var currency: Currency
    public var units: Int64
    public var grossMinor: Int64
    public var refundsMinor: Int64
}

extension Store {
    static let millisPerDay: Int64 = 86_400_000

    /// The period number of a roll-up row (`d`): its day, the floor of (day + 3) ÷ 7, or its month.
    static func bucketExpression(_ period: UnitsSoldPeriod) -> String {
        switch period {
        case .day: "d.day"
        case .week: "((d.day + 3) - (((d.day + 3) % 7) + 7) % 7) / 7"
        case .month: "d.month"
        }
    }

    /// Units and line revenue (quantity × unit price − line discount) of orders not cancelled, and the refunds and
    /// chargebacks falling on those lines, per period, group and currency, for the UTC days [`fromDay`, `untilDay`)
    /// (days since 1970-01-01). One statement over the roll-ups: it sums per period first and looks products up only
    /// for the sums. By channel it reads the per-channel days; by product or category per week or month it reads the
    /// weekly or monthly roll-up for the whole periods inside the range and the daily one only for the days at its
    /// edges (so a report over a year reads about 40,000 cells where the daily roll-up has 320,000).
    public func unitsSold(in workspace: WorkspaceID, by key: UnitsSoldKey, period: UnitsSoldPeriod, fromDay: Int64, untilDay: Int64) async throws -> [UnitsSoldCell] {
        let group = key == .channel ? "d.channel" : "d.product_id"
        // Each part sums its own cells per period, group and currency (in its primary key's order for a coarser roll-up);
        // the parts cover different periods, so their sums never need adding together.
        func days(_ table: String, from: Int64, until: Int64) -> SQLQueryString {
            let bucket = Self.bucketExpression(period)
            return """
                SELECT \(unsafeRaw: bucket) AS b, \(unsafeRaw: group) AS g, d.currency AS currency,
                       CAST(SUM(d.units) AS BIGINT) AS units, CAST(SUM(d.gross_minor) AS BIGINT) AS gross, CAST(SUM(d.refunds_minor) AS BIGINT) AS refunds
                FROM \(unsafeRaw: table) d WHERE d.workspace_id = \(bind: workspace.rawValue) AND d.day >= \(bind: from) AND d.day < \(bind: until)
                GROUP BY \(unsafeRaw: bucket), \(unsafeRaw: group), d.currency
                HAVING SUM(d.units) <> 0 OR SUM(d.refunds_minor) <> 0
                """
        }
        var parts: [SQLQueryString] = []
        if key != .channel, period != .day, case let first = period.bucket(ofDay: fromDay - 1) + 1, case let last = period.bucket(ofDay: untilDay),
           first < last {
            // Whole periods [first, last) from the coarser roll-up; the days before and after them from the daily one.
            let table = period == .week ? UnitsSoldRollup.weekly : UnitsSoldRollup.monthly, column = period == .week ? "week" : "month"
            parts.append("""
                SELECT d.\(unsafeRaw: column) AS b, d.product_id AS g, d.currency AS currency, d.units AS units, d.gross_minor AS gross, d.refunds_minor AS refunds
                FROM \(unsafeRaw: table) d WHERE d.workspace_id = \(bind: workspace.rawValue) AND d.\(unsafeRaw: column) >= \(bind: first) AND d.\(unsafeRaw: column) < \(bind: last)
                  AND (d.units <> 0 OR d.refunds_minor <> 0)
                """)
            let firstDay = period.firstDay(ofBucket: first), endDay = period.firstDay(ofBucket: last)
            if fromDay < firstDay { parts.append(days(UnitsSoldRollup.daily, from: fromDay, until: firstDay)) }
            if endDay < untilDay { parts.append(days(UnitsSoldRollup.daily, from: endDay, until: untilDay)) }
        } else {
            parts.append(days(key == .channel ? UnitsSoldRollup.channelDaily : UnitsSoldRollup.daily, from: fromDay, until: untilDay))
        }
        var sums = parts[0]
        for part in parts.dropFirst() { sums = sums + " UNION ALL " + part }
        let query: SQLQueryString
        switch key {
        case .channel:
            query = "SELECT s.b AS b, s.g AS k, s.g AS label, s.currency AS currency, s.units AS units, s.gross AS gross, s.refunds AS refunds FROM (\(sums)) s"
        case .product:
            query = """
                SELECT s.b AS b, COALESCE(p.sku, s.g) AS k, COALESCE(p.name, s.g) AS label, s.currency AS currency, s.units AS units, s.gross AS gross, s.refunds AS refunds
                FROM (\(sums)) s LEFT JOIN products p ON p.workspace_id = \(bind: workspace.rawValue) AND p.id = s.g
                """
        case .category:
            query = """
                SELECT s.b AS b, COALESCE(p.category, '') AS k, COALESCE(p.category, '') AS label, s.currency AS currency,
                       CAST(SUM(s.units) AS BIGINT) AS units, CAST(SUM(s.gross) AS BIGINT) AS gross, CAST(SUM(s.refunds) AS BIGINT) AS refunds
                FROM (\(sums)) s LEFT JOIN products p ON p.workspace_id = \(bind: workspace.rawValue) AND p.id = s.g
                GROUP BY s.b, COALESCE(p.category, ''), s.currency
                """
        }
        return try await database.withConnection { sql in
            try await sql.raw(query).all().map { row in
                UnitsSoldCell(bucket: try row.decode(column: "b", as: Int64.self), key: try row.decode(column: "k", as: String.self),
                              label: try row.decode(column: "label", as: String.self), currency: Currency(uncheckedCode: try row.decode(column: "currency", as: String.self)),
                              units: try row.decode(column: "units", as: Int64.self), grossMinor: try row.decode(column: "gross", as: Int64.self),
                              refundsMinor: try row.decode(column: "refunds", as: Int64.self))
            }
        }
    }
}
