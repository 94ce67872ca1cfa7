import CairnCore
import Foundation
import SQLKit

/// The daily roll-up behind the units-sold report: per workspace, UTC day (the order's placing), product, channel and
/// currency, the units and line revenue of orders not cancelled and what was given back on them. It is kept in the
/// same transaction as the orders, cancellations, refunds and chargebacks that change it, so the report reads days
/// instead of lines and always agrees with the orders.
///
/// Three coarser roll-ups are kept from the same changes, so a report over a long range reads hundreds of times fewer
/// cells: per week (starting Monday) and per month by product without the channel, and per day by channel without the
/// product (`units_sold_weekly`, `units_sold_monthly`, `units_sold_channel_daily`).
struct UnitsSoldRollup {
    struct Key: Hashable, Comparable {
        var workspace: String
        var day: Int64
        var product: String
        var channel: String
        var currency: String

        static func < (a: Key, b: Key) -> Bool {
            (a.workspace, a.day, a.product, a.channel, a.currency) < (b.workspace, b.day, b.product, b.channel, b.currency)
        }
    }

    /// A cell of a coarser roll-up: a period (week, month or day) and one group (a product or a channel).
    struct CoarseKey: Hashable, Comparable {
        var workspace: String
        var period: Int64
        var group: String
        var currency: String

        static func < (a: CoarseKey, b: CoarseKey) -> Bool {
            (a.workspace, a.period, a.group, a.currency) < (b.workspace, b.period, b.group, b.currency)
        }
    }

    static let amountColumns = ["units", "gross_minor", "refunds_minor"]
    static let daily = "units_sold_daily", weekly = "units_sold_weekly", monthly = "units_sold_monthly", channelDaily = "units_sold_channel_daily"
    static let tables = [daily, weekly, monthly, channelDaily]

    /// Amounts go in the order of the amount columns: units, line revenue, given back.
    private var counters = Counters<Key>(.init(name: daily, keyColumns: ["workspace_id", "day", "product_id", "channel", "currency"],
                                               derivedColumns: ["month"], amountColumns: amountColumns)) { key in
        [SQLBind(key.workspace), SQLBind(key.day), SQLBind(key.product), SQLBind(key.channel), SQLBind(key.currency), SQLBind(UnitsSoldPeriod.month(ofDay: key.day))]
    }

    private static func coarse(_ table: String, period: String, group: String, derivedMonth: Bool = false) -> Counters<CoarseKey> {
        Counters<CoarseKey>(.init(name: table, keyColumns: ["workspace_id", period, group, "currency"], derivedColumns: derivedMonth ? ["month"] : [],
                                  amountColumns: amountColumns)) { key in
            [SQLBind(key.workspace), SQLBind(key.period), SQLBind(key.group), SQLBind(key.currency)]
                + (derivedMonth ? [SQLBind(UnitsSoldPeriod.month(ofDay: key.period))] : [])
        }
    }

    static func key(of order: Order, line: Order.Line) -> Key {
        Key(workspace: order.workspaceID.rawValue, day: order.placedAt.utcDay, product: line.productID.rawValue, channel: order.channel.rawValue,
            currency: order.currency.code)
    }

    /// Adds (`sign` 1) or takes away (`sign` -1) an order's lines: units and line revenue.
    mutating func add(linesOf order: Order, sign: Int64) {
        for line in order.lines {
            counters.add([sign * line.quantity, sign * line.total.minorUnits, 0], to: Self.key(of: order, line: line))
        }
    }

    /// Adds (`sign` 1) or takes away (`sign` -1) the shares of `refunded` that fall on the order's lines.
    mutating func add(refunded: Int64, of order: Order, sign: Int64) {
        let shares = RefundShare.split(refunded: refunded, total: order.total.minorUnits, lines: order.lines.map(\.total.minorUnits))
        for (line, share) in zip(order.lines, shares) where share != 0 {
            counters.add([0, 0, sign * share], to: Self.key(of: order, line: line))
        }
    }

    /// What an order's succeeded refunds and chargebacks add up to.
    static func givenBack(_ transactions: [OrderTransaction]) -> Int64 {
        transactions.filter { $0.kind != .payment && $0.status == .succeeded }.reduce(0) { $0 + $1.amount.minorUnits }
    }

    /// Writes the changes to the daily roll-up and the coarser ones (multi-row upserts in key order, table after
    /// table in one order, so concurrent writers never deadlock).
    func write(to sql: any SQLDatabase) async throws {
        var weeks = Self.coarse(Self.weekly, period: "week", group: "product_id")
        var months = Self.coarse(Self.monthly, period: "month", group: "product_id")
        var channels = Self.coarse(Self.channelDaily, period: "day", group: "channel", derivedMonth: true)
        for (key, amounts) in counters.changes {
            weeks.add(amounts, to: CoarseKey(workspace: key.workspace, period: UnitsSoldPeriod.week.bucket(ofDay: key.day), group: key.product, currency: key.currency))
            months.add(amounts, to: CoarseKey(workspace: key.workspace, period: UnitsSoldPeriod.month(ofDay: key.day), group: key.product, currency: key.currency))
            channels.add(amounts, to: CoarseKey(workspace: key.workspace, period: key.day, group: key.channel, currency: key.currency))
        }
        try await counters.write(to: sql)
        try await weeks.write(to: sql)
        try await months.write(to: sql)
        try await channels.write(to: sql)
    }

    /// Builds the roll-up of everything stored anew (a job a migration scheduled, or a repair): one aggregate statement
    /// for lines, then the shares of what was given back on each order that had refunds or chargebacks.
    static func rebuild(_ sql: any SQLDatabase) async throws {
        for table in tables { try await sql.delete(from: table).run() }
        let day = "(o.placed_at - ((o.placed_at % \(Store.millisPerDay)) + \(Store.millisPerDay)) % \(Store.millisPerDay)) / \(Store.millisPerDay)"
        var lines = UnitsSoldRollup()
        for row in try await sql.raw("""
            SELECT l.workspace_id AS workspace_id, \(unsafeRaw: day) AS day, l.product_id AS product_id, o.channel AS channel, o.currency AS currency,
                   CAST(SUM(l.quantity) AS BIGINT) AS units, CAST(SUM(l.quantity * l.unit_price_minor - l.discount_minor) AS BIGINT) AS gross
            FROM order_lines l JOIN orders o ON o.workspace_id = l.workspace_id AND o.id = l.order_id
            WHERE o.status <> 'cancelled'
            GROUP BY l.workspace_id, \(unsafeRaw: day), l.product_id, o.channel, o.currency
            """).all() {
            let key = Key(workspace: try row.decode(column: "workspace_id", as: String.self), day: try row.decode(column: "day", as: Int64.self),
                          product: try row.decode(column: "product_id", as: String.self), channel: try row.decode(column: "channel", as: String.self),
                          currency: try row.decode(column: "currency", as: String.self))
            lines.counters.add([try row.decode(column: "units", as: Int64.self), try row.decode(column: "gross", as: Int64.self), 0], to: key)
        }
        try await lines.write(to: sql)
        let refunded = try await sql.raw("""
            SELECT t.workspace_id AS workspace_id, t.order_id AS order_id, CAST(SUM(t.amount_minor) AS BIGINT) AS given_back FROM order_transactions t
            JOIN orders o ON o.workspace_id = t.workspace_id AND o.id = t.order_id
            WHERE t.kind IN ('refund', 'chargeback') AND t.status = 'succeeded' AND o.status <> 'cancelled'
            GROUP BY t.workspace_id, t.order_id
            """).all()
        var rollup = UnitsSoldRollup()
        for row in refunded {
            let workspace = WorkspaceID(rawValue: try row.decode(column: "workspace_id", as: String.self))
            let id = OrderID(rawValue: try row.decode(column: "order_id", as: String.self))
            guard let order = try await TransactionStore(sql: sql).order(id, in: workspace) else { continue }
            rollup.add(refunded: try row.decode(column: "given_back", as: Int64.self), of: order, sign: 1)
        }
        try await rollup.write(to: sql)
    }
}

extension TransactionStore {
    /// Keeps the roll-up in step when an order is cancelled: its lines and what was given back on them leave it.
    func rollUpCancellation(of order: OrderID, in workspace: WorkspaceID) async throws {
        guard let order = try await self.order(order, in: workspace), order.status != .cancelled else { return }
        var rollup = UnitsSoldRollup()
        rollup.add(linesOf: order, sign: -1)
        rollup.add(refunded: UnitsSoldRollup.givenBack(order.transactions), of: order, sign: -1)
        try await rollup.write(to: sql)
    }

    /// Keeps the roll-up in step when a refund or chargeback succeeded: the lines' shares move from what was given
    /// back before to what is given back now (both split exactly, so the roll-up always holds the exact split).
    func rollUpRefund(_ transaction: OrderTransaction, in workspace: WorkspaceID) async throws {
        guard transaction.kind != .payment, transaction.status == .succeeded,
              let order = try await self.order(transaction.orderID, in: workspace), order.status != .cancelled else { return }
        let now = UnitsSoldRollup.givenBack(order.transactions)
        var rollup = UnitsSoldRollup()
        rollup.add(refunded: now - transaction.amount.minorUnits, of: order, sign: -1)
        rollup.add(refunded: now, of: order, sign: 1)
        try await rollup.write(to: sql)
    }
}
