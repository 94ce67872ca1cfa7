import Foundation

/// The shifted-beta-geometric model of subscription retention (P. S. Fader & B. G. S. Hardie, "How to project customer
/// retention", Journal of Interactive Marketing 21(1), 2007): each customer renews every period with their own
/// probability, beta(α, β) across customers. Fitted by maximum likelihood to the customers still active at the end of
/// each period of a cohort.
public struct ShiftedBetaGeometric: Sendable, Hashable {
    public var alpha: Double
    public var beta: Double

    public init(alpha: Double, beta: Double) {
        self.alpha = alpha
        self.beta = beta
    }

    static func logBeta(_ a: Double, _ b: Double) -> Double { lgamma(a) + lgamma(b) - lgamma(a + b) }

    /// P(T = t): the share who leave in period t (t ≥ 1).
    public func churn(in t: Int) -> Double { exp(Self.logBeta(alpha + 1, beta + Double(t) - 1) - Self.logBeta(alpha, beta)) }

    /// S(t): the share still active after period t.
    public func survival(after t: Int) -> Double { exp(Self.logBeta(alpha, beta + Double(t)) - Self.logBeta(alpha, beta)) }

    /// The retention rate from period t − 1 to t: (β + t − 1) / (α + β + t − 1).
    public func retention(in t: Int) -> Double { (beta + Double(t) - 1) / (alpha + beta + Double(t) - 1) }

    /// `active[0]` customers at the start, `active[t]` still active after period t.
    public static func logLikelihood(_ model: ShiftedBetaGeometric, active: [Int]) -> Double {
        guard let last = active.indices.last, last >= 1 else { return 0 }
        var total = 0.0
        for t in 1...last { total += Double(active[t - 1] - active[t]) * log(model.churn(in: t)) }
        return total + Double(active[last]) * log(model.survival(after: last))
    }

    public struct Fit: Sendable {
        public var model: ShiftedBetaGeometric
        public var logLikelihood: Double
        public var standardErrors: [Double]?
    }

    public static func fit(active: [Int]) -> Fit {
        let found = MaximumLikelihood.fit(parameters: 2, tolerance: 1e-13) { p in -logLikelihood(ShiftedBetaGeometric(alpha: p[0], beta: p[1]), active: active) }
        return Fit(model: ShiftedBetaGeometric(alpha: found.parameters[0], beta: found.parameters[1]), logLikelihood: found.logLikelihood,
                   standardErrors: found.standardErrors)
    }
}

extension ShiftedBetaGeometric {
    /// One model for several cohorts observed for different lengths: the sum of each cohort's log-likelihood (those
    /// still active at a cohort's last period are censored there).
    public static func fit(cohorts: [[Int]]) -> Fit {
        let used = cohorts.filter { $0.count >= 2 && $0[0] > 0 }
        let found = MaximumLikelihood.fit(parameters: 2, tolerance: 1e-13) { p in
            let model = ShiftedBetaGeometric(alpha: p[0], beta: p[1])
            return -used.reduce(0) { $0 + logLikelihood(model, active: $1) }
        }
        return Fit(model: ShiftedBetaGeometric(alpha: found.parameters[0], beta: found.parameters[1]), logLikelihood: found.logLikelihood,
                   standardErrors: found.standardErrors)
    }
}

/// Subscription-style retention from purchases: customers by the month of their first purchase (a cohort), each
/// counted active through the months they bought in without a gap — a month's purchase is a renewal, the first month
/// without one the end. Complete months only.
public enum SubscriptionCohorts {
    public struct Cohort: Sendable, Hashable {
        /// Month number (year × 12 + month − 1) of the first purchase.
        public var month: Int
        /// `active[0]` the cohort's customers, `active[t]` those who renewed through month t.
        public var active: [Int]
    }

    /// `months[i]` the month numbers customer i bought in; `current` the month not yet complete.
    public static func cohorts(_ months: [Set<Int>], current: Int, last count: Int = 12, minimumCustomers: Int = 10) -> [Cohort] {
        var runs: [Int: [Int]] = [:]
        for bought in months {
            guard let first = bought.min(), first < current else { continue }
            var length = 0
            while first + length + 1 < current, bought.contains(first + length + 1) { length += 1 }
            runs[first, default: []].append(length)
        }
        return runs.keys.sorted().suffix(count).compactMap { month in
            let lengths = runs[month]!
            guard lengths.count >= minimumCustomers else { return nil }
            let observed = current - 1 - month
            return Cohort(month: month, active: (0...max(0, observed)).map { t in lengths.count { $0 >= t } })
        }
    }
}
