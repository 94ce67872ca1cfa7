public import CairnCore
public import CairnStore
public import Foundation

/// Units sold: per product, category or channel and per day, week (starting Monday) or month, in UTC, with line
/// revenue (gross), what was refunded or charged back (shared out over an order's lines in proportion to their part of
/// the order's total, exactly: ``RefundShare``), and net. It reads the daily roll-up the orders keep, so it counts
/// whole UTC days. Per currency: amounts of
/// different currencies are never added. Needs `commerce.read`.
public struct UnitsSoldReport: Sendable {
    let store: Store

    public init(store: Store) {
        self.store = store
    }

    public typealias Period = UnitsSoldPeriod

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

        /// The same object as its `Encodable` form, written straight (a report can have tens of thousands of rows).
        public func write(to json: inout JSONWriter) {
            json.beginObject()
            json.field("period", period)
            json.field("key", key)
            json.field("label", label)
            json.field("currency", currency.code)
            json.field("units", units)
            json.key("gross")
            gross.write(to: &json)
            json.key("refunds")
            refunds.write(to: &json)
            json.key("net")
            net.write(to: &json)
            json.endObject()
        }
    }

    /// The label of the period a day (days since 1970-01-01) falls in.
    public static func label(day: Int64, period: Period) -> String {
        period.label(ofBucket: period.bucket(ofDay: day))
    }

    /// The whole UTC days an interval touches (``Date/utcDays(from:until:)``).
    public static func days(from: Date, until: Date) -> (from: Int64, until: Int64) { Date.utcDays(from: from, until: until) }

    public func rows(for principal: Principal, by key: UnitsSoldKey, period: Period, from: Date, until: Date) async throws -> [Row] {
        try principal.require(.commerceRead)
        let days = Self.days(from: from, until: until)
        struct Group: Hashable { var bucket: Int64; var key: String; var currency: Currency }
        var sums: [Group: (label: String, units: Int64, gross: Int64, refunds: Int64)] = [:]
        for cell in try await store.unitsSold(in: principal.workspaceID, by: key, period: period, fromDay: days.from, untilDay: days.until) {
            let group = Group(bucket: cell.bucket, key: cell.key, currency: cell.currency)
            var sum = sums[group] ?? (cell.label, 0, 0, 0)
            sum.units += cell.units
            sum.gross += cell.grossMinor
            sum.refunds += cell.refundsMinor
            sums[group] = sum
        }
        // Periods in order, then currency, most units first, then key (a period's number orders as its label does).
        let ordered = sums.sorted { a, b in
            if a.key.bucket != b.key.bucket { return a.key.bucket < b.key.bucket }
            if a.key.currency.code != b.key.currency.code { return a.key.currency.code < b.key.currency.code }
            if a.value.units != b.value.units { return a.value.units > b.value.units }
            return a.key.key < b.key.key
        }
        var labels: [Int64: String] = [:]
        return ordered.map { group, sum in
            let label = labels[group.bucket] ?? period.label(ofBucket: group.bucket)
            labels[group.bucket] = label
            return Row(period: label, key: group.key, label: sum.label, currency: group.currency, units: sum.units,
                       gross: Money(minorUnits: sum.gross, currency: group.currency), refunds: Money(minorUnits: sum.refunds, currency: group.currency),
                       net: Money(minorUnits: sum.gross - sum.refunds, currency: group.currency))
        }
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
