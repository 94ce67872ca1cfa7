import Foundation

/// One customer's purchases as the lifetime models read them: the days they bought on (UTC day numbers; orders of
/// one day are one purchase, as the papers count) and what each day came to.
public struct PurchaseDays: Sendable {
    public private(set) var days: [Int64] = []
    public private(set) var spend: [Int64: Double] = [:]
    private var sorted = true

    public init() {}

    /// A purchase on `day`; `amount` nil when it does not count for the spend (another currency).
    public mutating func add(day: Int64, amount: Double?) {
        if let last = days.last, day < last { sorted = false }
        if days.last != day { days.append(day) }
        if let amount { spend[day, default: 0] += amount }
    }

    mutating func settle() {
        if !sorted { days = Array(Set(days)).sorted() }
        sorted = true
    }

    /// Repeat purchases x, the last t_x and the age T in days from the first, counting days before `today`.
    public func summary(until today: Int64) -> PurchaseSummary? {
        let before = days.prefix { $0 < today }
        guard let first = before.first else { return nil }
        return PurchaseSummary(frequency: before.count - 1, recency: Double(before.last! - first), age: Double(today - first))
    }

    /// The mean of the repeat days' spend before `today` (0 when there is none, or it is not positive).
    public func meanSpend(until today: Int64) -> Double {
        let repeats = days.prefix { $0 < today }.dropFirst().compactMap { spend[$0] }
        guard !repeats.isEmpty else { return 0 }
        let mean = repeats.reduce(0, +) / Double(repeats.count)
        return mean > 0 ? mean : 0
    }

    /// Purchase days in [from, until).
    public func count(from: Int64, until: Int64) -> Int { days.count { $0 >= from && $0 < until } }
}

/// A customer base's value: BG/NBD and Gamma-Gamma fitted on every customer's purchases in days, each customer scored
/// (``ValueScoring``) over `horizonMonths` months discounted at `annualDiscount` a year and placed in a tier, and the
/// calibration/holdout check over the last `holdoutDays` days. Shared by the server's daily computation and
/// `cairn clv`.
public enum ValueComputation {
    public struct Result: Sendable {
        public var purchases: BGNBD.Fit
        public var spend: GammaGamma.Fit
        public var intervalMethod: ValueScoring.IntervalMethod
        public var summaries: [PurchaseSummary]
        public var scores: [ValueScoring.Score]
        public var tiers: [ValueTierRank]
        public var repeatCustomers: Int
        public var holdout: Holdout?
    }

    public struct Holdout: Sendable {
        public var days: Int
        public var groups: [HoldoutCheck.Group]
        public var meanAbsoluteError: Double
        public var predictedTotal: Double
        public var actualTotal: Double
        public var customers: Int
    }

    public enum Problem: Error, Sendable, Equatable {
        case tooFewCustomers(customers: Int, repeatCustomers: Int)
    }

    public static let minimumCustomers = 30
    public static let minimumRepeatCustomers = 10

    public static func run(_ customers: [PurchaseDays], today: Int64, horizonMonths: Int = 12, annualDiscount: Double = 0.10, holdoutDays: Int = 90,
                           progress: (@Sendable (_ done: Int, _ of: Int) -> Void)? = nil) throws(Problem) -> Result {
        let customers = customers.map { customer -> PurchaseDays in
            var customer = customer
            customer.settle()
            return customer
        }
        let input = customers.compactMap { customer -> (summary: PurchaseSummary, meanSpend: Double)? in
            customer.summary(until: today).map { ($0, customer.meanSpend(until: today)) }
        }
        let repeatCount = input.count { $0.summary.frequency > 0 }
        guard input.count >= minimumCustomers, repeatCount >= minimumRepeatCustomers, input.count == customers.count else {
            throw .tooFewCustomers(customers: input.count, repeatCustomers: repeatCount)
        }
        let table = PurchaseTable(input.map(\.summary))
        let purchases = BGNBD.fit(table)
        let spend = GammaGamma.fit(input.map { (transactions: $0.summary.frequency, mean: $0.meanSpend) })
        let scoring = ValueScoring(purchases: purchases, spend: spend, periods: horizonMonths, periodLength: 365.25 / 12,
                                   discount: pow(1 + annualDiscount, 1.0 / 12) - 1)
        let method = scoring.intervalMethod(customers: input.count, distinct: table.groups)
        let scores = scoring.score(input, progress: progress)
        return Result(purchases: purchases, spend: spend, intervalMethod: method, summaries: input.map(\.summary), scores: scores,
                      tiers: ValueTierRank.assign(scores.map(\.value)), repeatCustomers: repeatCount,
                      holdout: holdout(customers, today: today, days: holdoutDays))
    }

    /// The purchase model fitted on the days before the last `days`, its predictions for those days against what each
    /// customer then bought; nil unless enough customers bought before (and history reaches at least as far back again).
    static func holdout(_ customers: [PurchaseDays], today: Int64, days: Int) -> Holdout? {
        guard days > 0 else { return nil }
        let cut = today - Int64(days)
        let calibration = customers.compactMap { customer -> (summary: PurchaseSummary, actual: Int)? in
            customer.summary(until: cut).map { ($0, customer.count(from: cut, until: today)) }
        }
        guard calibration.count >= minimumCustomers, calibration.count(where: { $0.summary.frequency > 0 }) >= minimumRepeatCustomers,
              let oldest = calibration.map(\.summary.age).max(), oldest >= Double(days) else { return nil }
        let model = BGNBD.fit(calibration.map(\.summary)).model
        let check = HoldoutCheck.groups(calibration, holdout: Double(days)) { model.expectedPurchases($0, next: $1) }
        let predicted = calibration.reduce(0) { $0 + model.expectedPurchases($1.summary, next: Double(days)) }
        return Holdout(days: days, groups: check.groups, meanAbsoluteError: check.meanAbsoluteError, predictedTotal: predicted,
                       actualTotal: Double(calibration.reduce(0) { $0 + $1.actual }), customers: calibration.count)
    }
}

/// The tiers by value rank: the top 10 %, the next 20 %, the next 30 %, the rest (ties share their first place's).
public enum ValueTierRank: Int, Sendable, Hashable, CaseIterable {
    case top, high, medium, low

    static let cumulativeShares: [(ValueTierRank, Double)] = [(.top, 0.10), (.high, 0.30), (.medium, 0.60), (.low, 1.0)]

    public static func assign(_ values: [Double]) -> [ValueTierRank] {
        let order = values.indices.sorted { values[$0] > values[$1] }
        var tiers = [ValueTierRank](repeating: .low, count: values.count)
        var previous: (value: Double, tier: ValueTierRank)?
        for (rank, index) in order.enumerated() {
            let share = Double(rank + 1) / Double(values.count)
            var tier = cumulativeShares.first { share <= $0.1 + 1e-12 }?.0 ?? .low
            if let previous, previous.value == values[index] { tier = previous.tier }
            tiers[index] = tier
            previous = (values[index], tier)
        }
        return tiers
    }

    public var name: String { ["top", "high", "medium", "low"][rawValue] }
}
