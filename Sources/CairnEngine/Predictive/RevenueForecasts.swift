public import CairnAnalytics
public import CairnCore
public import CairnStore
public import Foundation

/// Weekly or monthly revenue ahead, with 80 % and 95 % prediction intervals, from the workspace's own orders (the main
/// currency's, not cancelled, by the day they were placed): exponential smoothing (``ExponentialSmoothing``, the form
/// with the lowest AICc; a yearly season once two years are there), backtested from the last four origins against
/// seasonal naive (MASE, interval coverage). The same per channel and per product category (line revenue). And what
/// moved revenue: per period the customers (new — their first order in that period — and returning), orders per
/// customer and the average order, with the latest complete period set against the one a year before (or the one
/// before, without a year of history) as a split of the change in log revenue.
public struct RevenueForecasts: Sendable {
    public enum Period: String, Sendable, Hashable, Codable, CaseIterable {
        case week, month

        var seasonLength: Int { self == .week ? 52 : 12 }
        var defaultHorizon: Int { self == .week ? 12 : 6 }
    }

    public struct Line: Sendable, Hashable, Codable {
        public var key: String
        public var label: String
        /// Each complete period's start and revenue (major units).
        public var periods: [Date]
        public var actual: [Double]
        public var forecastPeriods: [Date]
        public var forecast: [ExponentialSmoothing.Point]
        /// e.g. "ETS(A,Ad,A) m=12".
        public var model: String
        public var backtest: ForecastBacktest.Result?
    }

    public struct DriverRow: Sendable, Hashable, Codable {
        public var start: Date
        public var revenue: Double
        public var orders: Int
        public var customers: Int
        public var newCustomers: Int
        public var newRevenue: Double
        public var returningRevenue: Double
        public var guestRevenue: Double
        public var ordersPerCustomer: Double
        public var averageOrder: Double
    }

    /// log(R₁/R₀) = log(C₁/C₀) + log(F₁/F₀) + log(B₁/B₀): customers, orders per customer, average order (customers'
    /// orders only; guest orders are left out of the split).
    public struct Change: Sendable, Hashable, Codable {
        public var from: Date
        public var to: Date
        public var revenueChange: Double
        public var customersPart: Double
        public var frequencyPart: Double
        public var basketPart: Double
        public var newRevenueChange: Double
        public var returningRevenueChange: Double
    }

    public struct Result: Sendable, Hashable, Codable {
        public var currency: Currency?
        public var period: Period
        public var horizon: Int
        public var total: Line?
        public var channels: [Line]
        public var categories: [Line]
        public var drivers: [DriverRow]
        public var change: Change?
    }

    let store: Store
    public let clock: DateSource

    public init(store: Store, clock: DateSource = .system) {
        self.store = store
        self.clock = clock
    }

    /// The start of the period holding `day` (UTC; weeks start on Monday).
    static func periodStart(_ day: Int64, _ period: Period) -> Int64 {
        switch period {
        case .week:
            // 1970-01-01 was a Thursday: Monday-based weekday = (day + 3) mod 7.
            return day - ((day + 3) % 7 + 7) % 7
        case .month:
            let date = Date(utcDay: day)
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: "UTC")!
            let parts = calendar.dateComponents([.year, .month], from: date)
            return calendar.date(from: parts)!.utcDay
        }
    }

    static func nextStart(_ start: Int64, _ period: Period) -> Int64 {
        switch period {
        case .week: return start + 7
        case .month: return periodStart(start + 31, .month)
        }
    }

    /// The eight largest series by revenue, largest first.
    static func largest(_ series: [String: [Double]]) -> [(key: String, value: [Double])] {
        Array(series.map { (key: $0.key, value: $0.value) }.sorted { ($0.value.reduce(0, +), $1.key) > ($1.value.reduce(0, +), $0.key) }.prefix(8))
    }

    /// Needs `commerce.read`. `horizon` 1–24 months or 1–52 weeks (default 6 months, 12 weeks).
    public func run(period text: String?, horizon requested: String?, for principal: Principal) async throws -> Result {
        try principal.require(.commerceRead)
        var issues = ValidationCollector()
        var period = Period.month
        if let text {
            if let found = Period(rawValue: text) { period = found } else {
                issues.add(FieldIssue(field: "period", issue: .unknownValue(allowed: Period.allCases.map(\.rawValue)), hint: "Use week or month."))
            }
        }
        let limit = period == .week ? 52 : 24
        var horizon = period.defaultHorizon
        if let requested {
            if let value = Int(requested), (1...limit).contains(value) { horizon = value } else {
                issues.add(FieldIssue(field: "horizon", issue: .invalid, hint: "Use a whole number of periods from 1 to \(limit) (\(period.rawValue)s)."))
            }
        }
        try issues.throwIfAny()
        return try await run(principal.workspaceID, period: period, horizon: horizon)
    }

    public func run(_ workspace: WorkspaceID, period: Period, horizon: Int) async throws -> Result {
        let orders = try await store.revenueOrders(in: workspace)
        var counts: [String: Int] = [:]
        for order in orders { counts[order.currency, default: 0] += 1 }
        guard let code = counts.max(by: { $0.value != $1.value ? $0.value < $1.value : $0.key > $1.key })?.key else {
            return Result(currency: nil, period: period, horizon: horizon, total: nil, channels: [], categories: [], drivers: [], change: nil)
        }
        let currency = Currency(uncheckedCode: code), scale = pow(10, Double(currency.exponent))
        let current = Self.periodStart(clock.now().utcDay, period)
        let used = orders.filter { $0.currency == code && $0.placedAt.utcDay < current }
        guard let firstDay = used.first?.placedAt.utcDay else {
            return Result(currency: currency, period: period, horizon: horizon, total: nil, channels: [], categories: [], drivers: [], change: nil)
        }
        var starts: [Int64] = []
        var start = Self.periodStart(firstDay, period)
        while start < current { starts.append(start); start = Self.nextStart(start, period) }
        let index = Dictionary(uniqueKeysWithValues: starts.enumerated().map { ($0.element, $0.offset) })
        func slot(_ day: Int64) -> Int? { index[Self.periodStart(day, period)] }
        var future: [Int64] = []
        start = current
        for _ in 0..<horizon { future.append(start); start = Self.nextStart(start, period) }
        func line(_ key: String, _ label: String, _ values: [Double]) -> Line {
            let model = ExponentialSmoothing.select(values, seasonLength: period.seasonLength)
            let name = model.map { m in "ETS(A,\(m.trend == .none ? "N" : m.trend == .additive ? "A" : "Ad"),\(m.seasonLength > 0 ? "A" : "N"))" + (m.seasonLength > 0 ? " m=\(m.seasonLength)" : "") } ?? ""
            return Line(key: key, label: label, periods: starts.map { Date(utcDay: $0) }, actual: values, forecastPeriods: future.map { Date(utcDay: $0) },
                        forecast: model?.forecast(values, horizon: horizon) ?? [], model: name,
                        backtest: ForecastBacktest.run(values, seasonLength: period.seasonLength, horizon: min(horizon, max(1, values.count / 4)), origins: 4))
        }
        var total = [Double](repeating: 0, count: starts.count)
        var byChannel: [String: [Double]] = [:]
        for order in used {
            guard let s = slot(order.placedAt.utcDay) else { continue }
            total[s] += Double(order.totalMinor) / scale
            byChannel[order.channel, default: [Double](repeating: 0, count: starts.count)][s] += Double(order.totalMinor) / scale
        }
        var byCategory: [String: [Double]] = [:]
        for row in try await store.categoryRevenue(in: workspace, currency: code) where row.day < current {
            guard let s = slot(row.day) else { continue }
            byCategory[row.category, default: [Double](repeating: 0, count: starts.count)][s] += Double(row.minor) / scale
        }
        // Drivers: new (first order ever in this period) and returning customers.
        var firstOrder: [ProfileID: Int64] = [:]
        for order in orders where order.owner != nil { firstOrder[order.owner!] = min(firstOrder[order.owner!] ?? .max, order.placedAt.utcDay) }
        var rows = starts.map { DriverRow(start: Date(utcDay: $0), revenue: 0, orders: 0, customers: 0, newCustomers: 0, newRevenue: 0, returningRevenue: 0,
                                          guestRevenue: 0, ordersPerCustomer: 0, averageOrder: 0) }
        var seen = [Set<ProfileID>](repeating: [], count: starts.count), fresh = [Set<ProfileID>](repeating: [], count: starts.count)
        for order in used {
            guard let s = slot(order.placedAt.utcDay) else { continue }
            let amount = Double(order.totalMinor) / scale
            rows[s].revenue += amount
            guard let owner = order.owner else { rows[s].guestRevenue += amount; continue }
            rows[s].orders += 1
            seen[s].insert(owner)
            if let first = firstOrder[owner], slot(first) == s { fresh[s].insert(owner); rows[s].newRevenue += amount } else { rows[s].returningRevenue += amount }
        }
        for s in rows.indices {
            rows[s].customers = seen[s].count
            rows[s].newCustomers = fresh[s].count
            rows[s].ordersPerCustomer = rows[s].customers > 0 ? Double(rows[s].orders) / Double(rows[s].customers) : 0
            rows[s].averageOrder = rows[s].orders > 0 ? (rows[s].newRevenue + rows[s].returningRevenue) / Double(rows[s].orders) : 0
        }
        var change: Change?
        if let last = rows.indices.last {
            let back = rows.count > period.seasonLength ? last - period.seasonLength : last - 1
            if back >= 0, rows[back].orders > 0, rows[last].orders > 0, rows[back].newRevenue + rows[back].returningRevenue > 0,
               rows[last].newRevenue + rows[last].returningRevenue > 0 {
                let a = rows[back], b = rows[last]
                change = Change(from: a.start, to: b.start, revenueChange: log((b.newRevenue + b.returningRevenue) / (a.newRevenue + a.returningRevenue)),
                                customersPart: log(Double(b.customers) / Double(a.customers)), frequencyPart: log(b.ordersPerCustomer / a.ordersPerCustomer),
                                basketPart: log(b.averageOrder / a.averageOrder), newRevenueChange: b.newRevenue - a.newRevenue,
                                returningRevenueChange: b.returningRevenue - a.returningRevenue)
            }
        }
        return Result(currency: currency, period: period, horizon: horizon, total: line("total", "", total),
                      channels: Self.largest(byChannel).map { line("channel:\($0.key)", $0.key, $0.value) },
                      categories: Self.largest(byCategory).map { line("category:\($0.key)", $0.key, $0.value) },
                      drivers: rows, change: change)
    }
}
