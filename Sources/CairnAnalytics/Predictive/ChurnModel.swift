import Foundation

/// Logistic regression with an L2 penalty, fitted by Newton's method (iteratively reweighted least squares) on
/// standardised features: P(y = 1 | x) = 1 / (1 + exp(−(β₀ + Σ βⱼ zⱼ))), zⱼ = (xⱼ − meanⱼ) / sdⱼ. The penalty
/// λ/2 · Σ βⱼ² (the intercept free) keeps the fit finite when a feature separates the classes.
public struct LogisticRegression: Sendable, Hashable, Codable {
    public var names: [String]
    public var means: [Double]
    public var scales: [Double]
    /// Intercept first, then one per feature (on the standardised scale).
    public var coefficients: [Double]
    public var iterations: Int
    /// The coefficients' covariance: the inverse of the penalised log-likelihood's Hessian at the fit (nil when
    /// singular), for intervals on what the model implies.
    public var covariance: [[Double]]?

    public static func fit(_ rows: [[Double]], _ labels: [Bool], names: [String], penalty: Double = 1.0, maxIterations: Int = 50) -> LogisticRegression {
        let n = rows.count, k = names.count
        var means = [Double](repeating: 0, count: k), scales = [Double](repeating: 1, count: k)
        if n > 0 {
            for j in 0..<k {
                let mean = rows.reduce(0) { $0 + $1[j] } / Double(n)
                let variance = rows.reduce(0) { $0 + ($1[j] - mean) * ($1[j] - mean) } / Double(max(1, n - 1))
                means[j] = mean
                scales[j] = variance > 1e-12 ? variance.squareRoot() : 1
            }
        }
        let z = rows.map { row in [1.0] + (0..<k).map { (row[$0] - means[$0]) / scales[$0] } }
        var beta = [Double](repeating: 0, count: k + 1)
        let positives = labels.count { $0 }
        if n > 0, positives > 0, positives < n { beta[0] = log(Double(positives) / Double(n - positives)) }
        var iterations = 0
        for _ in 0..<maxIterations {
            iterations += 1
            var gradient = [Double](repeating: 0, count: k + 1)
            var hessian = [[Double]](repeating: [Double](repeating: 0, count: k + 1), count: k + 1)
            for (row, label) in zip(z, labels) {
                let p = sigmoid(zip(row, beta).reduce(0) { $0 + $1.0 * $1.1 })
                let residual = (label ? 1 : 0) - p, weight = max(p * (1 - p), 1e-12)
                for a in 0...k {
                    gradient[a] += residual * row[a]
                    for b in a...k { hessian[a][b] += weight * row[a] * row[b] }
                }
            }
            for a in 1...max(1, k) where a <= k {
                gradient[a] -= penalty * beta[a]
                hessian[a][a] += penalty
            }
            for a in 0...k { for b in 0..<a { hessian[a][b] = hessian[b][a] } }
            guard let step = solve(hessian, gradient) else { break }
            for a in 0...k { beta[a] += step[a] }
            if step.map(abs).max() ?? 0 < 1e-10 { break }
        }
        // The information at the estimate.
        var information = [[Double]](repeating: [Double](repeating: 0, count: k + 1), count: k + 1)
        for row in z {
            let p = sigmoid(zip(row, beta).reduce(0) { $0 + $1.0 * $1.1 }), weight = p * (1 - p)
            for a in 0...k { for b in 0...k { information[a][b] += weight * row[a] * row[b] } }
        }
        for a in 1...max(1, k) where a <= k { information[a][a] += penalty }
        let covariance = (0...k).map { column -> [Double]? in
            solve(information, (0...k).map { $0 == column ? 1 : 0 })
        }
        return LogisticRegression(names: names, means: means, scales: scales, coefficients: beta, iterations: iterations,
                                  covariance: covariance.contains { $0 == nil } ? nil : covariance.map { $0! })
    }

    public func probability(_ row: [Double]) -> Double { Self.sigmoid(linear(row)) }

    func linear(_ row: [Double]) -> Double {
        coefficients[0] + names.indices.reduce(0) { $0 + coefficients[$1 + 1] * (row[$1] - means[$1]) / scales[$1] }
    }

    /// Each feature's part of the customer's log-odds against the average customer: βⱼ (xⱼ − meanⱼ) / sdⱼ, largest
    /// first (the reasons that raise the risk most).
    public func contributions(_ row: [Double]) -> [(name: String, logOdds: Double)] {
        names.indices.map { (names[$0], coefficients[$0 + 1] * (row[$0] - means[$0]) / scales[$0]) }.sorted { $0.logOdds > $1.logOdds }
    }

    static func sigmoid(_ t: Double) -> Double { t >= 0 ? 1 / (1 + exp(-t)) : exp(t) / (1 + exp(t)) }

    /// Gaussian elimination with partial pivoting; nil when singular.
    static func solve(_ matrix: [[Double]], _ vector: [Double]) -> [Double]? {
        let n = vector.count
        var m = matrix.enumerated().map { $0.element + [vector[$0.offset]] }
        for column in 0..<n {
            guard let pivot = (column..<n).max(by: { abs(m[$0][column]) < abs(m[$1][column]) }), abs(m[pivot][column]) > 1e-300 else { return nil }
            m.swapAt(column, pivot)
            for row in (column + 1)..<max(column + 1, n) where row < n {
                let factor = m[row][column] / m[column][column]
                if factor != 0 { for c in column...n { m[row][c] -= factor * m[column][c] } }
            }
        }
        var x = [Double](repeating: 0, count: n)
        for row in stride(from: n - 1, through: 0, by: -1) {
            x[row] = (m[row][n] - ((row + 1)..<max(row + 1, n)).reduce(0) { $0 + m[row][$1] * x[$1] }) / m[row][row]
        }
        return x
    }
}

/// How well predicted probabilities rank and match what happened.
public enum ClassifierCheck {
    /// The area under the ROC curve: the probability that a random positive is scored above a random negative (ties
    /// count a half), by ranks (Mann–Whitney). Nil without both classes.
    public static func auc(_ scores: [Double], _ labels: [Bool]) -> Double? {
        let positives = labels.count { $0 }, negatives = labels.count - positives
        guard positives > 0, negatives > 0 else { return nil }
        let order = scores.indices.sorted { scores[$0] < scores[$1] }
        var rankSum = 0.0, i = 0
        while i < order.count {
            var j = i
            while j + 1 < order.count && scores[order[j + 1]] == scores[order[i]] { j += 1 }
            let rank = Double(i + j) / 2 + 1
            for t in i...j where labels[order[t]] { rankSum += rank }
            i = j + 1
        }
        return (rankSum - Double(positives) * Double(positives + 1) / 2) / (Double(positives) * Double(negatives))
    }

    /// The positive rate among the highest-scored `share` of customers over the positive rate of all.
    public static func lift(_ scores: [Double], _ labels: [Bool], top share: Double = 0.1) -> Double? {
        let base = Double(labels.count { $0 }) / Double(max(1, labels.count))
        guard base > 0, !scores.isEmpty else { return nil }
        let count = max(1, Int((Double(scores.count) * share).rounded()))
        let top = scores.indices.sorted { scores[$0] > scores[$1] }.prefix(count)
        return Double(top.count { labels[$0] }) / Double(count) / base
    }

    public struct Bin: Sendable, Hashable, Codable {
        public var customers: Int
        public var predicted: Double
        public var observed: Double
    }

    /// Customers in `bins` equal-sized groups by predicted probability, each group's mean prediction beside the share
    /// that were positive.
    public static func calibration(_ scores: [Double], _ labels: [Bool], bins: Int = 10) -> [Bin] {
        let order = scores.indices.sorted { scores[$0] < scores[$1] }
        guard !order.isEmpty else { return [] }
        let count = min(bins, order.count)
        return (0..<count).compactMap { b in
            let slice = order[(b * order.count / count)..<((b + 1) * order.count / count)]
            guard !slice.isEmpty else { return nil }
            return Bin(customers: slice.count, predicted: slice.reduce(0) { $0 + scores[$1] } / Double(slice.count),
                       observed: Double(slice.count { labels[$0] }) / Double(slice.count))
        }
    }
}

/// What a retail customer's churn risk is read from, besides their purchases: when they answered NPS and what, when
/// they wrote something negative, when they opened a case, when a parcel of theirs was late, and whether they agreed
/// to hear from the business.
public struct CustomerSignals: Sendable {
    public var npsAnswers: [(day: Int64, score: Int)] = []
    public var negativeComments: [Int64] = []
    public var cases: [Int64] = []
    public var lateDeliveries: [Int64] = []
    public var contactConsent = false
    public init() {}
}

/// Churn risk for retail: the chance a customer makes no purchase in the next `horizonDays` days, from a logistic
/// regression trained on the workspace's own history. Features at a cut-off day c (only what was known before c):
/// P(alive) from BG/NBD fitted on the purchases before c, days since the last purchase, repeat purchases, mean spend,
/// days since the first purchase (logarithms of 1 + each), the latest NPS answer a detractor (0–6) or a promoter
/// (9–10), a negative comment in the year before, cases opened in the 180 days before, late parcels in the year
/// before, and consent to contact.
///
/// Time-based holdout: the model is trained on the customers as they stood 2·h days ago (labelled by whether they
/// bought in the h days after) and tested on them as they stood h days ago (labelled by the last h days): AUC, the lift
/// in the top decile and the calibration by deciles are that test's. The model kept for scoring today is trained on
/// the latest labelled cut-off (h days ago).
public enum ChurnComputation {
    public static let featureNames = ["p_alive", "days_since_purchase", "repeat_purchases", "mean_spend", "tenure", "detractor", "promoter",
                                      "negative_comment", "cases", "late_deliveries", "contact_consent"]
    public static let minimumCustomers = 50
    public static let minimumPerClass = 10

    public struct Result: Sendable {
        public var model: LogisticRegression
        public var horizonDays: Int
        public var trainingCustomers: Int
        public var testCustomers: Int
        public var baseRate: Double
        public var auc: Double?
        public var lift: Double?
        public var calibration: [ClassifierCheck.Bin]
        /// Today's risk per customer (in the input's order), nil for one with no purchase before today.
        public var risks: [Double?]
        /// Per customer the features that raise their risk most (positive contributions to the log-odds), largest first.
        public var reasons: [[(name: String, logOdds: Double)]]
        /// Today's features per customer (nil where there is no risk), for scenarios.
        public var features: [[Double]?]
    }

    static func features(_ customer: PurchaseDays, _ signals: CustomerSignals, at cut: Int64, model: BGNBD) -> [Double]? {
        guard let summary = customer.summary(until: cut), let last = customer.days.last(where: { $0 < cut }) else { return nil }
        let latestNPS = signals.npsAnswers.filter { $0.day < cut }.max { $0.day < $1.day }?.score
        func within(_ days: [Int64], _ span: Int64) -> Double { Double(days.count { $0 < cut && $0 >= cut - span }) }
        return [model.probabilityAlive(summary), log1p(Double(cut - 1 - last)), log1p(Double(summary.frequency)),
                log1p(customer.meanSpend(until: cut)), log1p(summary.age),
                latestNPS.map { $0 <= 6 ? 1 : 0 } ?? 0, latestNPS.map { $0 >= 9 ? 1 : 0 } ?? 0,
                within(signals.negativeComments, 365) > 0 ? 1 : 0, log1p(within(signals.cases, 180)), log1p(within(signals.lateDeliveries, 365)),
                signals.contactConsent ? 1 : 0]
    }

    /// Rows and labels at a cut-off whose next `horizon` days are known.
    static func snapshot(_ customers: [PurchaseDays], _ signals: [CustomerSignals], at cut: Int64, horizon: Int64)
        -> (rows: [[Double]], labels: [Bool])? {
        let summaries = customers.compactMap { $0.summary(until: cut) }
        guard summaries.count >= minimumCustomers, summaries.count(where: { $0.frequency > 0 }) >= ValueComputation.minimumRepeatCustomers else { return nil }
        let model = BGNBD.fit(summaries).model
        var rows: [[Double]] = [], labels: [Bool] = []
        for (customer, signal) in zip(customers, signals) {
            guard let row = features(customer, signal, at: cut, model: model) else { continue }
            rows.append(row)
            labels.append(customer.count(from: cut, until: cut + horizon) == 0)
        }
        let churned = labels.count { $0 }
        guard churned >= minimumPerClass, labels.count - churned >= minimumPerClass else { return nil }
        return (rows, labels)
    }

    /// Nil when the history is too short or too one-sided to train and test on.
    public static func run(_ customers: [PurchaseDays], signals: [CustomerSignals], today: Int64, horizonDays: Int = 90) -> Result? {
        let customers = customers.map { customer -> PurchaseDays in
            var customer = customer
            customer.settle()
            return customer
        }
        let h = Int64(horizonDays)
        guard let train = snapshot(customers, signals, at: today - 2 * h, horizon: h), let test = snapshot(customers, signals, at: today - h, horizon: h) else { return nil }
        let trial = LogisticRegression.fit(train.rows, train.labels, names: featureNames)
        let scores = test.rows.map(trial.probability)
        let model = LogisticRegression.fit(test.rows, test.labels, names: featureNames)
        let summaries = customers.compactMap { $0.summary(until: today) }
        let current = BGNBD.fit(summaries).model
        var risks: [Double?] = [], reasons: [[(name: String, logOdds: Double)]] = [], rows: [[Double]?] = []
        for (customer, signal) in zip(customers, signals) {
            guard let row = features(customer, signal, at: today, model: current) else { risks.append(nil); reasons.append([]); rows.append(nil); continue }
            rows.append(row)
            risks.append(model.probability(row))
            reasons.append(model.contributions(row).filter { $0.logOdds > 0.05 }.prefix(3).map { $0 })
        }
        return Result(model: model, horizonDays: horizonDays, trainingCustomers: train.rows.count, testCustomers: test.rows.count,
                      baseRate: Double(test.labels.count { $0 }) / Double(test.labels.count), auc: ClassifierCheck.auc(scores, test.labels),
                      lift: ClassifierCheck.lift(scores, test.labels), calibration: ClassifierCheck.calibration(scores, test.labels), risks: risks, reasons: reasons,
                      features: rows)
    }
}
