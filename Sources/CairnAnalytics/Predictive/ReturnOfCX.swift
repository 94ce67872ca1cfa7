import Foundation

/// The money behind CX, from a customer base's value (12 months, discounted) and churn risk: revenue at risk in
/// groups of customers, what CX changes would keep (scenarios through the churn model), and what promoters,
/// passives and detractors went on to spend (association, not cause).
public enum ReturnOfCX {
    /// Customers of a group: how many, their value, and the value expected to be lost (Σ value × churn risk).
    public struct AtRisk: Sendable, Hashable, Codable {
        public var customers: Int
        public var value: Double
        public var expectedLoss: Double
        /// The members' indices, largest expected loss first.
        public var members: [Int]
    }

    public static func atRisk(values: [Double], risks: [Double?], in group: [Bool]) -> AtRisk {
        var members: [(index: Int, loss: Double)] = [], value = 0.0, loss = 0.0
        for i in values.indices where group[i] {
            let expected = values[i] * (risks[i] ?? 0)
            members.append((i, expected))
            value += values[i]
            loss += expected
        }
        return AtRisk(customers: members.count, value: value, expectedLoss: loss,
                      members: members.sorted { $0.loss != $1.loss ? $0.loss > $1.loss : $0.index < $1.index }.map(\.index))
    }

    /// A change to some customers' features and the value it would keep: Σ (P(churn | now) − P(churn | changed)) ×
    /// value over the customers it touches; the 95 % interval from coefficient draws on the model's covariance.
    public struct Scenario: Sendable, Hashable, Codable {
        public var customers: Int
        public var retained: Double
        public var lower: Double
        public var upper: Double
    }

    public static func scenario(_ model: LogisticRegression, rows: [[Double]?], values: [Double], draws: Int = 400, seed: UInt64 = 11,
                                change: ([Double]) -> [Double]?) -> Scenario {
        var touched: [(before: [Double], after: [Double], value: Double)] = []
        for (row, value) in zip(rows, values) {
            guard let row, let changed = change(row) else { continue }
            touched.append((row, changed, value))
        }
        func retained(_ m: LogisticRegression) -> Double { touched.reduce(0) { $0 + (m.probability($1.before) - m.probability($1.after)) * $1.value } }
        let point = retained(model)
        guard let covariance = model.covariance, let root = CustomerValue.cholesky(covariance), !touched.isEmpty else {
            return Scenario(customers: touched.count, retained: point, lower: point, upper: point)
        }
        var random = SplitMix64(seed: seed)
        var sums: [Double] = []
        for _ in 0..<draws {
            let z = model.coefficients.map { _ in random.normal() }
            var drawn = model
            drawn.coefficients = model.coefficients.indices.map { i in model.coefficients[i] + (0...i).reduce(0) { $0 + root[i][$1] * z[$1] } }
            sums.append(retained(drawn))
        }
        sums.sort()
        return Scenario(customers: touched.count, retained: point, lower: sums[Int(0.025 * Double(draws - 1))], upper: sums[Int(0.975 * Double(draws - 1))])
    }

    /// What a group of respondents did in the days after answering: their spend (mean with a t interval) and the share
    /// who bought again (with the Wilson interval).
    public struct Cohort: Sendable, Hashable, Codable {
        public var respondents: Int
        public var meanSpend: Double?
        public var spendLower: Double?
        public var spendUpper: Double?
        public var retention: Double?
        public var retentionLower: Double?
        public var retentionUpper: Double?
    }

    public static func cohort(spend: [Double], boughtAgain: [Bool]) -> Cohort {
        let mean = Mean(values: spend), share = Proportion(successes: boughtAgain.count { $0 }, n: boughtAgain.count)
        return Cohort(respondents: spend.count, meanSpend: mean.mean, spendLower: mean.interval?.lower, spendUpper: mean.interval?.upper,
                      retention: share.percent.map { $0 / 100 }, retentionLower: share.interval.map { $0.lower / 100 },
                      retentionUpper: share.interval.map { $0.upper / 100 })
    }

    /// The difference of two means (b − a) with Welch's 95 % interval; nil with fewer than two in either.
    public static func difference(_ a: [Double], _ b: [Double]) -> (difference: Double, lower: Double, upper: Double)? {
        guard a.count >= 2, b.count >= 2 else { return nil }
        func moments(_ x: [Double]) -> (mean: Double, variance: Double) {
            let mean = x.reduce(0, +) / Double(x.count)
            return (mean, x.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(x.count - 1))
        }
        let (ma, va) = moments(a), (mb, vb) = moments(b)
        let sa = va / Double(a.count), sb = vb / Double(b.count), se = (sa + sb).squareRoot()
        guard se > 0 else { return (mb - ma, mb - ma, mb - ma) }
        let df = (sa + sb) * (sa + sb) / (sa * sa / Double(a.count - 1) + sb * sb / Double(b.count - 1))
        let t = Distributions.studentTQuantile(0.975, df: df)
        return (mb - ma, mb - ma - t * se, mb - ma + t * se)
    }
}
