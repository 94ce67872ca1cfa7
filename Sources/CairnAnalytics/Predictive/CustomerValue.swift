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
        let mean = customer.frequency > 0 ? spend.expectedMean(transactions: customer.frequency, mean: meanValue) : spend.gamma * spend.p / (spend.q - 1)
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
        guard let purchaseCovariance = purchases.covariance, let spendCovariance = spend.covariance,
              let purchaseRoot = cholesky(purchaseCovariance), let spendRoot = cholesky(spendCovariance) else {
            return Value(value: point, lower: point, upper: point)
        }
        var random = SplitMix64(seed: seed)
        func normal() -> Double {
            let u = (Double(random.next() >> 11) + 0.5) / Double(1 << 53), v = (Double(random.next() >> 11) + 0.5) / Double(1 << 53)
            return (-2 * log(u)).squareRoot() * cos(2 * Double.pi * v)
        }
        func draw(_ mean: [Double], _ root: [[Double]]) -> [Double] {
            let z = mean.map { _ in normal() }
            return mean.indices.map { i in mean[i] + (0...i).reduce(0) { $0 + root[i][$1] * z[$1] } }
        }
        let m = purchases.model, g = spend.model
        var values: [Double] = []
        var attempts = 0
        while values.count < draws && attempts < draws * 20 {
            attempts += 1
            let p = draw([m.r, m.alpha, m.a, m.b], purchaseRoot), q = draw([g.p, g.q, g.gamma], spendRoot)
            guard p.allSatisfy({ $0 > 0 }), abs(p[2] - 1) > 1e-6, q.allSatisfy({ $0 > 0 }), q[1] > 1 else { continue }
            let value = discounted(BGNBD(r: p[0], alpha: p[1], a: p[2], b: p[3]), GammaGamma(p: q[0], q: q[1], gamma: q[2]),
                                   customer: customer, meanValue: meanValue, horizon: horizon, discount: discount)
            if value.isFinite { values.append(value) }
        }
        guard values.count >= 40 else { return Value(value: point, lower: point, upper: point) }
        values.sort()
        func quantile(_ q: Double) -> Double { values[min(values.count - 1, max(0, Int((q * Double(values.count - 1)).rounded())))] }
        return Value(value: point, lower: min(point, quantile(0.025)), upper: max(point, quantile(0.975)))
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
