import CairnCore
import CairnStore
import Foundation

/// Units sold: per product, category or channel and per day, week (starting Monday) or month, in UTC, with line
/// revenue (gross), what was refunded or charged back (shared out over an order's lines in proportion to their part of
/// the order's total, exactly, the cents left over going to the largest remainders), and net. Per currency: amounts of
/// different currencies are never added. Needs `commerce.read`.
public struct UnitsSoldReport: Sendable {
    public let store: Store

    public init(store: Store) {
        self.store = store
    }

    public enum Period: String, Sendable, CaseIterable { case day, week, month }

    public struct Row: Sendable, Hashable, Encodable {
        /// The day (`2026-11-23`), the Monday its week starts on, or the month (`2026-11`).
        public var period: String
        public var key: String
        public var label: String
        public var currency: Currency
        public var units: Int64
        public var gross: Money
        public var refunds: Money
        public var net: Money
    }

    static func label(day: Int64, period: Period) -> String {
        let calendar = Calendar(identifier: .gregorian)
        var utc = calendar
        utc.timeZone = TimeZone(identifier: "UTC")!
        let monday = day - ((day + 3) % 7 + 7) % 7  // 1970-01-01 was a Thursday
        let date = Date(timeIntervalSince1970: TimeInterval((period == .week ? monday : day) * 86_400))
        let parts = utc.dateComponents([.year, .month, .day], from: date)
        let year = String(format: "%04d", parts.year ?? 0), month = String(format: "%02d", parts.month ?? 0), dayText = String(format: "%02d", parts.day ?? 0)
        return period == .month ? "\(year)-\(month)" : "\(year)-\(month)-\(dayText)"
    }

    /// Shares `refunded × lines ÷ total` over the lines in proportion to each, exactly: floors first, then one minor
    /// unit each to the largest remainders.
    public static func share(refunded: Int64, total: Int64, lines: [Int64]) -> [Int64] {
        guard total > 0, refunded > 0 else { return lines.map { _ in 0 } }
        func part(_ value: Int64) -> (Int64, Int64) {
            let product = value.multipliedFullWidth(by: refunded)
            let (quotient, remainder) = total.dividingFullWidth((product.high, product.low))
            return (quotient, remainder)
        }
        let parts = lines.map { part(max(0, $0)) }
        let wanted = part(lines.reduce(0) { $0 + max(0, $1) }).0
        var shares = parts.map(\.0)
        var left = wanted - shares.reduce(0, +)
        for index in parts.indices.sorted(by: { parts[$0].1 > parts[$1].1 }) where left > 0 {
            shares[index] += 1
            left -= 1
        }
        return shares
    }

    public func rows(for principal: Principal, by key: UnitsSoldKey, period: Period, from: Date, until: Date) async throws -> [Row] {
        try principal.require(.commerceRead)
        let workspace = principal.workspaceID
        struct Group: Hashable { var period: String; var key: String; var currency: Currency }
        var sums: [Group: (label: String, units: Int64, gross: Int64, refunds: Int64)] = [:]
        for cell in try await store.unitsSold(in: workspace, by: key, from: from, until: until) {
            let group = Group(period: Self.label(day: cell.day, period: period), key: cell.key, currency: cell.currency)
            var sum = sums[group] ?? (cell.label, 0, 0, 0)
            sum.units += cell.units
            sum.gross += cell.grossMinor
            sums[group] = sum
        }
        let refunded = try await store.refundedLines(in: workspace, by: key, from: from, until: until)
        for lines in Dictionary(grouping: refunded, by: \.orderID).values {
            let shares = Self.share(refunded: lines[0].refundedMinor, total: lines[0].orderTotalMinor, lines: lines.map(\.lineMinor))
            for (line, share) in zip(lines, shares) {
                let group = Group(period: Self.label(day: line.day, period: period), key: line.key, currency: line.currency)
                sums[group, default: (line.label, 0, 0, 0)].refunds += share
            }
        }
        return sums.map { group, sum in
            Row(period: group.period, key: group.key, label: sum.label, currency: group.currency, units: sum.units,
                gross: Money(minorUnits: sum.gross, currency: group.currency), refunds: Money(minorUnits: sum.refunds, currency: group.currency),
                net: Money(minorUnits: sum.gross - sum.refunds, currency: group.currency))
        }
        .sorted { ($0.period, $0.currency.code, -$0.units, $0.key) < ($1.period, $1.currency.code, -$1.units, $1.key) }
    }

    /// The rows as CSV with a header; amounts as exact decimal text.
    public static func csv(_ rows: [Row], by key: UnitsSoldKey) -> String {
        var text = CSVWriter.line(["period", key.rawValue, "label", "currency", "units", "gross", "refunds", "net"]) + "\n"
        for row in rows {
            text += CSVWriter.line([row.period, row.key, row.label, row.currency.code, String(row.units), row.gross.decimalText, row.refunds.decimalText,
                                    row.net.decimalText]) + "\n"
        }
        return text
    }
}
