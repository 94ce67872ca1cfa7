import Dispatch
import Foundation

/// A customer's lifetime value over a horizon: the purchases BG/NBD expects in each period, times the mean value
/// Gamma-Gamma expects of them, discounted per period — with an interval from the two fits' uncertainty.
public enum CustomerValue {
    public struct Value: Sendable, Hashable {
        public var value: Double
        /// The 2.5 % and 97.5 % points over parameter draws; equal to `value` without covariances.
        public var lower: Double
        public var upper: Double
    }

    /// Σ_{k=1…horizon} (E[X(k)] − E[X(k − 1)]) · E[M] / (1 + discount)^k, in the models' time unit.
    public static func discounted(_ purchases: BGNBD, _ spend: GammaGamma, customer: PurchaseSummary, meanValue: Double,
                                  horizon: Int, discount: Double) -> Double {
        let mean = customer.frequency > 0 && meanValue > 0 ? spend.expectedMean(transactions: customer.frequency, mean: meanValue) : spend.gamma * spend.p / (spend.q - 1)
        var total = 0.0, previous = 0.0
        for k in 1...max(1, horizon) {
            let expected = purchases.expectedPurchases(customer, next: Double(k))
            total += (expected - previous) * mean / pow(1 + discount, Double(k))
            previous = expected
        }
        return total
    }

    /// The value with a 95 % interval: the parameters drawn `draws` times from the normal approximation to each fit
    /// (mean the estimate, covariance the inverse observed information), draws outside the models' ranges (a
    /// non-positive parameter, a = 1, q ≤ 1) drawn again.
    public static func withInterval(_ purchases: BGNBD.Fit, _ spend: GammaGamma.Fit, customer: PurchaseSummary, meanValue: Double,
                                    horizon: Int, discount: Double, draws: Int = 400, seed: UInt64 = 1) -> Value {
        let point = discounted(purchases.model, spend.model, customer: customer, meanValue: meanValue, horizon: horizon, discount: discount)
        let values = parameterDraws(purchases, spend, count: draws, seed: seed).map { drawn in
            discounted(drawn.purchases, drawn.spend, customer: customer, meanValue: meanValue, horizon: horizon, discount: discount)
        }
        return interval(point, values)
    }

    /// The value with the 2.5 % and 97.5 % points of its values under drawn parameters (none: the point alone).
    static func interval(_ point: Double, _ drawn: [Double]) -> Value {
        var values = drawn.filter(\.isFinite)
        guard values.count >= 40 else { return Value(value: point, lower: point, upper: point) }
        values.sort()
        func quantile(_ q: Double) -> Double { values[min(values.count - 1, max(0, Int((q * Double(values.count - 1)).rounded())))] }
        return Value(value: point, lower: min(point, quantile(0.025)), upper: max(point, quantile(0.975)))
    }

    /// Parameter sets drawn from each fit's normal approximation (mean the estimate, covariance the inverse observed
    /// information); draws outside the models' ranges (a non-positive parameter, a = 1, q ≤ 1) are drawn again. Empty
    /// without covariances.
    public static func parameterDraws(_ purchases: BGNBD.Fit, _ spend: GammaGamma.Fit, count: Int, seed: UInt64 = 1) -> [(purchases: BGNBD, spend: GammaGamma)] {
        guard let purchaseCovariance = purchases.covariance, let spendCovariance = spend.covariance,
              let purchaseRoot = cholesky(purchaseCovariance), let spendRoot = cholesky(spendCovariance) else { return [] }
        var random = SplitMix64(seed: seed)
        func normal() -> Double { random.normal() }
        func draw(_ mean: [Double], _ root: [[Double]]) -> [Double] {
            let z = mean.map { _ in normal() }
            return mean.indices.map { i in mean[i] + (0...i).reduce(0) { $0 + root[i][$1] * z[$1] } }
        }
        let m = purchases.model, g = spend.model
        var drawn: [(purchases: BGNBD, spend: GammaGamma)] = []
        var attempts = 0
        while drawn.count < count && attempts < count * 20 {
            attempts += 1
            let p = draw([m.r, m.alpha, m.a, m.b], purchaseRoot), q = draw([g.p, g.q, g.gamma], spendRoot)
            guard p.allSatisfy({ $0 > 0 }), abs(p[2] - 1) > 1e-6, q.allSatisfy({ $0 > 0 }), q[1] > 1 else { continue }
            drawn.append((BGNBD(r: p[0], alpha: p[1], a: p[2], b: p[3]), GammaGamma(p: q[0], q: q[1], gamma: q[2])))
        }
        return drawn
    }

    /// Lower-triangular L with L Lᵀ = matrix; nil when not positive definite.
    static func cholesky(_ matrix: [[Double]]) -> [[Double]]? {
        let n = matrix.count
        var l = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
        for i in 0..<n {
            for j in 0...i {
                let sum = (0..<j).reduce(0) { $0 + l[i][$1] * l[j][$1] }
                if i == j {
                    let diagonal = matrix[i][i] - sum
                    guard diagonal > 0 else { return nil }
                    l[i][j] = diagonal.squareRoot()
                } else {
                    l[i][j] = (matrix[i][j] - sum) / l[j][j]
                }
            }
        }
        return l
    }
}

/// Every customer of a workspace scored at once: expected purchases in the next 90 and 365 days, P(alive), and the
/// discounted value over `periods` periods of `periodLength` time units with a 95 % interval.
///
/// Value = M · D: M the mean spend Gamma-Gamma expects of the customer, D = Σₖ (E[X(k·ℓ)] − E[X((k−1)·ℓ)]) / (1+d)^k
/// the discounted purchases BG/NBD expects. D depends only on (x, t_x, T), so it is computed once per distinct summary.
/// The interval is the 2.5 % and 97.5 % points of the value under parameters drawn from the fits (the same draws for
/// every customer, as ``CustomerValue/withInterval(_:_:customer:meanValue:horizon:discount:draws:seed:)`` draws them),
/// which follows the models' strong non-linearity (value grows as 1/(a − 1)) on small bases where the estimates are
/// uncertain. When that would take more than `drawBudget` purchase expectations — large bases, where the estimates
/// are tight and the non-linearity no longer matters — it is the delta method on log value instead:
/// Var = ∇log D ᵀ Σ_BG ∇log D + ∇log M ᵀ Σ_GG ∇log M (the fits are independent), forward differences, the interval
/// value · exp(±1.96 √Var), never below zero.
public struct ValueScoring: Sendable {
    public enum IntervalMethod: String, Sendable { case draws, delta, none }
    /// Purchase expectations (distinct summaries × draws × periods) the draws may take.
    public var drawBudget = 24_000_000
    public static let draws = 400

    public struct Score: Sendable, Hashable {
        public var expected90: Double
        public var expected365: Double
        public var probabilityAlive: Double
        public var meanSpend: Double
        public var value: Double
        public var lower: Double
        public var upper: Double
    }

    public var purchases: BGNBD.Fit
    public var spend: GammaGamma.Fit
    public var periods: Int
    /// In the models' time unit; with days, 365.25 / 12 for months.
    public var periodLength: Double
    /// Per period.
    public var discount: Double
    /// How many days one model time unit is (1 when the summaries are in days, 7 in weeks).
    public var daysPerUnit: Double

    public init(purchases: BGNBD.Fit, spend: GammaGamma.Fit, periods: Int, periodLength: Double, discount: Double, daysPerUnit: Double = 1) {
        self.purchases = purchases
        self.spend = spend
        self.periods = periods
        self.periodLength = periodLength
        self.discount = discount
        self.daysPerUnit = daysPerUnit
    }

    /// Σₖ (E[X(kℓ)] − E[X((k−1)ℓ)]) / (1+d)^k for one summary under `model`.
    func discountedPurchases(_ model: BGNBD, _ customer: PurchaseSummary) -> Double {
        var total = 0.0, previous = 0.0, factor = 1.0
        for k in 1...max(1, periods) {
            factor /= 1 + discount
            let expected = model.expectedPurchases(customer, next: Double(k) * periodLength)
            total += (expected - previous) * factor
            previous = expected
        }
        return total
    }

    func meanSpend(_ model: GammaGamma, transactions: Int, mean: Double) -> Double {
        transactions > 0 && mean > 0 ? model.expectedMean(transactions: transactions, mean: mean) : model.gamma * model.p / (model.q - 1)
    }

    /// Scores in the customers' order; `progress` is told how many distinct summaries are done of how many (from any thread).
    /// Which interval `score` gives for this many customers with this many distinct summaries.
    public func intervalMethod(customers: Int, distinct: Int, intervals: Bool = true) -> IntervalMethod {
        guard intervals, purchases.covariance != nil, spend.covariance != nil else { return .none }
        return distinct * Self.draws * max(1, periods) <= drawBudget && customers * Self.draws <= 8 * drawBudget ? .draws : .delta
    }

    public func score(_ customers: [(summary: PurchaseSummary, meanSpend: Double)], intervals: Bool = true,
                      progress: (@Sendable (_ done: Int, _ of: Int) -> Void)? = nil) -> [Score] {
        // The purchase side once per distinct summary.
        var index: [PurchaseSummary: Int] = [:]
        var distinct: [PurchaseSummary] = []
        let slot = customers.map { customer -> Int in
            if let found = index[customer.summary] { return found }
            index[customer.summary] = distinct.count
            distinct.append(customer.summary)
            return distinct.count - 1
        }
        struct Side { var expected90 = 0.0, expected365 = 0.0, alive = 0.0, discounted = 0.0, variance = 0.0, drawn: [Double] = [] }
        let method = intervalMethod(customers: customers.count, distinct: distinct.count, intervals: intervals)
        let bg = purchases.model, covariance = method == .delta ? purchases.covariance : nil
        let parameters = [bg.r, bg.alpha, bg.a, bg.b]
        let drawn = method == .draws ? CustomerValue.parameterDraws(purchases, spend, count: Self.draws) : []
        let sides = Parallel.map(distinct.count, progress: progress) { g -> Side in
            let customer = distinct[g]
            var side = Side(expected90: bg.expectedPurchases(customer, next: 90 / daysPerUnit),
                            expected365: bg.expectedPurchases(customer, next: 365 / daysPerUnit),
                            alive: bg.probabilityAlive(customer), discounted: discountedPurchases(bg, customer))
            if let covariance, side.discounted > 0 {
                let base = log(side.discounted)
                let gradient = (0..<4).map { i -> Double in
                    var moved = parameters
                    let h = parameters[i] * 1e-5
                    moved[i] += h
                    return (log(discountedPurchases(BGNBD(r: moved[0], alpha: moved[1], a: moved[2], b: moved[3]), customer)) - base) / h
                }
                side.variance = Self.quadratic(gradient, covariance)
            }
            side.drawn = drawn.map { discountedPurchases($0.purchases, customer) }
            return side
        }
        let gg = spend.model, spendCovariance = method == .delta ? spend.covariance : nil
        let spendParameters = [gg.p, gg.q, gg.gamma]
        return customers.indices.map { c in
            let side = sides[slot[c]], transactions = customers[c].summary.frequency, mean = customers[c].meanSpend
            let m = meanSpend(gg, transactions: transactions, mean: mean)
            var variance = side.variance
            if let spendCovariance, m > 0 {
                let base = log(m)
                let gradient = (0..<3).map { i -> Double in
                    var moved = spendParameters
                    let h = spendParameters[i] * 1e-5
                    moved[i] += h
                    return (log(meanSpend(GammaGamma(p: moved[0], q: moved[1], gamma: moved[2]), transactions: transactions, mean: mean)) - base) / h
                }
                variance += Self.quadratic(gradient, spendCovariance)
            }
            let value = m * side.discounted
            var score = Score(expected90: side.expected90, expected365: side.expected365, probabilityAlive: side.alive, meanSpend: m, value: value,
                              lower: value, upper: value)
            switch method {
            case .draws:
                let interval = CustomerValue.interval(value, drawn.indices.map { j in
                    meanSpend(drawn[j].spend, transactions: transactions, mean: mean) * side.drawn[j]
                })
                score.lower = interval.lower
                score.upper = interval.upper
            case .delta:
                let spread = 1.959964 * max(0, variance).squareRoot()
                score.lower = value * exp(-spread)
                score.upper = value * exp(spread)
            case .none:
                break
            }
            return score
        }
    }

    static func quadratic(_ gradient: [Double], _ covariance: [[Double]]) -> Double {
        var total = 0.0
        for i in gradient.indices { for j in gradient.indices { total += gradient[i] * covariance[i][j] * gradient[j] } }
        return total
    }
}

/// A map over 0..<count split between the cores, results in order.
enum Parallel {
    static func map<T: Sendable>(_ count: Int, progress: (@Sendable (Int, Int) -> Void)? = nil, _ transform: (Int) -> T) -> [T] {
        guard count > 0 else { return [] }
        let chunks = count >= 2_000 ? max(1, ProcessInfo.processInfo.activeProcessorCount) * 8 : 1
        let size = (count + chunks - 1) / chunks
        let results = Results<T>(count)
        let done = Results<Int>(1)
        withoutActuallyEscaping(transform) { transform in
            let shared = UncheckedTransform(transform: transform)
            DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                let range = (chunk * size)..<min(count, (chunk + 1) * size)
                guard !range.isEmpty else { return }
                results.fill(range) { shared.transform($0) }
                if let progress { progress(done.add(range.count), count) }
            }
        }
        return results.values.map { $0! }
    }
}

private struct UncheckedTransform<T>: @unchecked Sendable {
    let transform: (Int) -> T
}

/// Slots filled by disjoint ranges from concurrent chunks; the counter behind a lock.
private final class Results<T>: @unchecked Sendable {
    var values: [T?]
    private let lock = NSLock()
    private var counter = 0
    init(_ count: Int) { values = [T?](repeating: nil, count: count) }
    func fill(_ range: Range<Int>, _ make: (Int) -> T) {
        let made = range.map(make)
        lock.lock()
        for (offset, value) in made.enumerated() { values[range.lowerBound + offset] = value }
        lock.unlock()
    }
    func add(_ count: Int) -> Int {
        lock.lock()
        defer { lock.unlock() }
        counter += count
        return counter
    }
}
