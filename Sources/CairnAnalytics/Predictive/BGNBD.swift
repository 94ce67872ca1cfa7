import Foundation

/// One customer as the lifetime models read them: `x` repeat purchases, the last at `recency` (t_x) and the customer
/// observed for `age` (T), both counted from the first purchase in one time unit (weeks for CDNOW).
public struct PurchaseSummary: Sendable, Hashable {
    public var frequency: Int
    public var recency: Double
    public var age: Double
    public init(frequency: Int, recency: Double, age: Double) {
        self.frequency = frequency
        self.recency = recency
        self.age = age
    }
}

extension PurchaseSummary {
    /// Customers with the same (x, t_x, T) once each, with how many there are: the likelihoods sum over these.
    public static func grouped(_ customers: [PurchaseSummary]) -> [(summary: PurchaseSummary, count: Int)] {
        var counts: [PurchaseSummary: Int] = [:]
        for customer in customers { counts[customer, default: 0] += 1 }
        return counts.map { (summary: $0.key, count: $0.value) }
            .sorted { ($0.summary.frequency, $0.summary.recency, $0.summary.age) < ($1.summary.frequency, $1.summary.recency, $1.summary.age) }
    }
}

/// Maximum likelihood for positive parameters: Nelder–Mead on their logarithms from 1 (each), restarted once, then
/// Newton steps; the covariance is the inverse of the negative log-likelihood's Hessian at the estimate (central
/// differences), the standard errors the square roots of its diagonal.
public enum MaximumLikelihood {
    public struct Estimate: Sendable {
        public var parameters: [Double]
        public var logLikelihood: Double
        public var covariance: [[Double]]?
        public var standardErrors: [Double]?
        public var iterations: Int
    }

    /// `sample`, when given, is the negative log-likelihood of a sample of the data (``PurchaseTable/sample(atMost:)``):
    /// the simplex searches on it, Newton then finishes on the whole — the estimate is the whole's maximum either way,
    /// reached with a few dozen evaluations of the whole instead of hundreds.
    public static func fit(parameters count: Int, tolerance: Double, sample: (([Double]) -> Double)? = nil,
                           negativeLogLikelihood: ([Double]) -> Double) -> Estimate {
        func onLogarithms(_ f: @escaping ([Double]) -> Double) -> ([Double]) -> Double {
            { point in
                let value: Double = f(point.map { (logarithm: Double) -> Double in exp(logarithm) })
                return value.isFinite ? value : .infinity
            }
        }
        return withoutActuallyEscaping(negativeLogLikelihood) { whole in
            let objective = onLogarithms(whole)
            let start = [Double](repeating: 0, count: count)
            let (simplex, iterations) = NelderMead.minimise(sample.map(onLogarithms) ?? objective, from: start, step: 0.5,
                                                            tolerance: tolerance, maxIterations: 20_000)
            return finish(objective, whole, from: simplex, iterations: iterations, count: count)
        }
    }

    private static func finish(_ objective: ([Double]) -> Double, _ negativeLogLikelihood: ([Double]) -> Double, from simplex: [Double],
                               iterations: Int, count: Int) -> Estimate {
        let polished = NewtonPolish.minimiseWithHessian(objective, from: simplex)
        let estimates: [Double] = polished.point.map { (logarithm: Double) -> Double in exp(logarithm) }
        // On the logarithms' scale the Hessian at a minimum is J H J (J = diag(θ)), so Cov(θ) = J H⁻¹ J: the last
        // Newton step's Hessian gives the covariance without evaluating the likelihood again.
        let covariance = polished.hessian.flatMap(Hessian.invert).map { inverse in
            (0..<count).map { i in (0..<count).map { j in estimates[i] * inverse[i][j] * estimates[j] } }
        } ?? Hessian.covariance(of: negativeLogLikelihood, at: estimates)
        var errors: [Double]?
        if let covariance {
            let variances: [Double] = (0..<count).map { index in covariance[index][index] }
            if variances.allSatisfy({ variance in variance > 0 }) { errors = variances.map { variance in variance.squareRoot() } }
        }
        return Estimate(parameters: estimates, logLikelihood: -negativeLogLikelihood(estimates), covariance: covariance,
                        standardErrors: errors, iterations: iterations)
    }
}

/// The BG/NBD model (P. S. Fader, B. G. S. Hardie, K. L. Lee, "'Counting your customers' the easy way: an alternative
/// to the Pareto/NBD model", Marketing Science 24(2), 2005): while alive a customer buys as a Poisson process whose
/// rate is gamma(r, α) across customers; after each purchase they drop out with a probability that is beta(a, b)
/// across customers. Fitted by maximum likelihood (equation 6 of the paper, summed over customers).
public struct BGNBD: Sendable, Hashable {
    public var r: Double
    public var alpha: Double
    public var a: Double
    public var b: Double

    public init(r: Double, alpha: Double, a: Double, b: Double) {
        self.r = r
        self.alpha = alpha
        self.a = a
        self.b = b
    }

    /// A fit: the parameters, the log-likelihood at them, and standard errors from the inverse of the observed
    /// information (the negative log-likelihood's Hessian by central differences); nil errors when it is singular.
    public struct Fit: Sendable {
        public var model: BGNBD
        public var logLikelihood: Double
        /// Standard errors of r, α, a, b.
        public var standardErrors: [Double]?
        public var iterations: Int
        /// Their covariance (the inverse of the observed information).
        public var covariance: [[Double]]?
    }

    /// One customer's log-likelihood.
    public func logLikelihood(_ customer: PurchaseSummary) -> Double {
        let x = Double(customer.frequency)
        let a1 = lgamma(r + x) - lgamma(r) + r * log(alpha)
        let a2 = lgamma(a + b) + lgamma(b + x) - lgamma(b) - lgamma(a + b + x)
        let a3 = -(r + x) * log(alpha + customer.age)
        guard customer.frequency > 0 else { return a1 + a2 + a3 }
        let a4 = log(a) - log(b + x - 1) - (r + x) * log(alpha + customer.recency)
        let top = max(a3, a4)
        return a1 + a2 + top + log(exp(a3 - top) + exp(a4 - top))
    }

    /// The sample's log-likelihood (``PurchaseTable``).
    public static func logLikelihood(_ model: BGNBD, _ table: PurchaseTable) -> Double {
        BetaGeometricLikelihood.logLikelihood(table, r: model.r, alpha: model.alpha, a: model.a, b: model.b, offset: 0)
    }

    /// Maximum-likelihood fit (``MaximumLikelihood``).
    public static func fit(_ customers: [PurchaseSummary]) -> Fit { fit(PurchaseTable(customers)) }

    public static func fit(_ table: PurchaseTable) -> Fit {
        let found = BetaGeometricLikelihood.fit(table, offset: 0)
        let p = found.parameters
        return Fit(model: BGNBD(r: p[0], alpha: p[1], a: p[2], b: p[3]), logLikelihood: found.logLikelihood, standardErrors: found.standardErrors,
                   iterations: found.iterations, covariance: found.covariance)
    }

    /// The probability the customer is still alive at T (equation 12 of the technical note).
    public func probabilityAlive(_ customer: PurchaseSummary) -> Double {
        guard customer.frequency > 0 else { return 1 }
        let x = Double(customer.frequency)
        return 1 / (1 + a / (b + x - 1) * pow((alpha + customer.age) / (alpha + customer.recency), r + x))
    }

    /// Expected purchases in the next `t` time units (equation 10 of the paper).
    public func expectedPurchases(_ customer: PurchaseSummary, next t: Double) -> Double {
        let x = Double(customer.frequency), T = customer.age
        let z = t / (alpha + T + t)
        let hyper = Hypergeometric.f21(r + x, b + x, a + b + x - 1, z)
        let front = (a + b + x - 1) / (a - 1)
        let inner = 1 - pow((alpha + T) / (alpha + T + t), r + x) * hyper
        let alive = customer.frequency > 0 ? 1 + a / (b + x - 1) * pow((alpha + T) / (alpha + customer.recency), r + x) : 1
        return front * inner / alive
    }
}

/// Gauss's hypergeometric function ₂F₁(a, b; c; z) for |z| < 1 by its series, summed until the terms stop mattering.
public enum Hypergeometric {
    public static func f21(_ a: Double, _ b: Double, _ c: Double, _ z: Double) -> Double {
        var term = 1.0, sum = 1.0
        for n in 0..<100_000 {
            let k = Double(n)
            term *= (a + k) * (b + k) / ((c + k) * (k + 1)) * z
            sum += term
            if abs(term) < 1e-15 * abs(sum) { break }
        }
        return sum
    }
}

/// The downhill simplex method (J. A. Nelder, R. Mead, The Computer Journal 7(4), 1965) with the usual reflection,
/// expansion, contraction and shrink coefficients (1, 2, ½, ½).
public enum NelderMead {
    public static func minimise(_ f: ([Double]) -> Double, from start: [Double], step: Double, tolerance: Double, maxIterations: Int) -> ([Double], Int) {
        let n = start.count
        var simplex: [[Double]] = [start]
        for i in 0..<n {
            var point = start
            point[i] += step
            simplex.append(point)
        }
        var values = simplex.map(f)
        var iteration = 0
        // Restarted once from the best point: a collapsed simplex can stall short of the minimum.
        for round in 0..<2 {
            if round == 1 {
                let best = simplex[values.indices.min { values[$0] < values[$1] }!]
                simplex = [best] + (0..<n).map { i in var point = best; point[i] += step / 10; return point }
                values = simplex.map(f)
            }
            while iteration < maxIterations {
                iteration += 1
                let order = values.indices.sorted { values[$0] < values[$1] }
                simplex = order.map { simplex[$0] }
                values = order.map { values[$0] }
                if abs(values[n] - values[0]) <= tolerance * (abs(values[0]) + 1e-12) { break }
                var centroid = [Double](repeating: 0, count: n)
                for point in simplex.dropLast() { for i in 0..<n { centroid[i] += point[i] / Double(n) } }
                func along(_ coefficient: Double) -> [Double] { (0..<n).map { centroid[$0] + coefficient * (simplex[n][$0] - centroid[$0]) } }
                let reflected = along(-1), reflectedValue = f(reflected)
                if reflectedValue < values[0] {
                    let expanded = along(-2), expandedValue = f(expanded)
                    if expandedValue < reflectedValue { simplex[n] = expanded; values[n] = expandedValue } else { simplex[n] = reflected; values[n] = reflectedValue }
                } else if reflectedValue < values[n - 1] {
                    simplex[n] = reflected
                    values[n] = reflectedValue
                } else {
                    let contracted = reflectedValue < values[n] ? along(-0.5) : along(0.5)
                    let contractedValue = f(contracted)
                    if contractedValue < min(values[n], reflectedValue) {
                        simplex[n] = contracted
                        values[n] = contractedValue
                    } else {
                        for j in 1...n {
                            simplex[j] = (0..<n).map { simplex[0][$0] + 0.5 * (simplex[j][$0] - simplex[0][$0]) }
                            values[j] = f(simplex[j])
                        }
                    }
                }
            }
        }
        let best = values.indices.min { values[$0] < values[$1] }!
        return (simplex[best], iteration)
    }
}

/// Newton's method with finite-difference derivatives, from a point near a minimum (where the simplex stops on a
/// flat ridge): each step halved until the function goes down; stops when no step does. Per step 1 + 2n + n(n−1)/2
/// evaluations: central differences for the gradient and the diagonal, f(x + hᵢ + hⱼ) − f(x + hᵢ) − f(x + hⱼ) + f(x)
/// for the cross terms (the forward values shared).
public enum NewtonPolish {
    public static func minimise(_ f: ([Double]) -> Double, from start: [Double], iterations: Int = 30) -> [Double] {
        minimiseWithHessian(f, from: start, iterations: iterations).point
    }

    /// With the Hessian at the returned point (nil when singular or when the iterations ran out after a move).
    public static func minimiseWithHessian(_ f: ([Double]) -> Double, from start: [Double], iterations: Int = 30) -> (point: [Double], hessian: [[Double]]?) {
        var point = start, value = f(start)
        let n = start.count
        var last: [[Double]]?
        for _ in 0..<iterations {
            // Steps on the logarithms' scale: large enough that flat directions' curvature stands above rounding.
            let h = point.map { max(abs($0), 1) * 1e-4 }
            var gradient = [Double](repeating: 0, count: n)
            var hessian = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
            func at(_ moves: [(Int, Double)]) -> Double {
                var p = point
                for (i, d) in moves { p[i] += d * h[i] }
                return f(p)
            }
            var forward = [Double](repeating: 0, count: n)
            for i in 0..<n {
                let up = at([(i, 1)]), down = at([(i, -1)])
                forward[i] = up
                gradient[i] = (up - down) / (2 * h[i])
                hessian[i][i] = (up - 2 * value + down) / (h[i] * h[i])
            }
            for i in 0..<n {
                for j in (i + 1)..<max(i + 1, n) {
                    let second = (at([(i, 1), (j, 1)]) - forward[i] - forward[j] + value) / (h[i] * h[j])
                    hessian[i][j] = second
                    hessian[j][i] = second
                }
            }
            last = hessian
            guard let inverse = Hessian.invert(hessian) else { last = nil; break }
            let step = (0..<n).map { i in -(0..<n).reduce(0) { $0 + inverse[i][$1] * gradient[$1] } }
            var scale = 1.0, moved = false
            while scale > 1e-6 {
                let candidate = (0..<n).map { point[$0] + scale * step[$0] }
                let candidateValue = f(candidate)
                if candidateValue < value {
                    point = candidate
                    moved = value - candidateValue > 1e-13 * abs(value)
                    value = candidateValue
                    break
                }
                scale /= 2
            }
            if !moved { break }
            last = nil
        }
        return (point, last)
    }
}

/// The inverse of a function's Hessian at a minimum (central differences, relative steps): for a negative
/// log-likelihood, the estimates' covariance.
public enum Hessian {
    /// The inverse of the Hessian at a minimum of a negative log-likelihood: the estimates' covariance.
    public static func covariance(of f: ([Double]) -> Double, at point: [Double]) -> [[Double]]? {
        let n = point.count
        let h = point.map { max(abs($0), 1e-3) * 1e-4 }
        var hessian = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
        for i in 0..<n {
            for j in i..<n {
                func value(_ di: Double, _ dj: Double) -> Double {
                    var p = point
                    p[i] += di * h[i]
                    p[j] += dj * h[j]
                    return f(p)
                }
                let second = (value(1, 1) - value(1, -1) - value(-1, 1) + value(-1, -1)) / (4 * h[i] * h[j])
                hessian[i][j] = second
                hessian[j][i] = second
            }
        }
        return invert(hessian)
    }

    /// Gauss–Jordan with partial pivoting; nil when singular.
    static func invert(_ matrix: [[Double]]) -> [[Double]]? {
        let n = matrix.count
        var m = matrix.enumerated().map { index, row in row + (0..<n).map { $0 == index ? 1.0 : 0.0 } }
        for column in 0..<n {
            guard let pivot = (column..<n).max(by: { abs(m[$0][column]) < abs(m[$1][column]) }), abs(m[pivot][column]) > 1e-300 else { return nil }
            m.swapAt(column, pivot)
            let divisor = m[column][column]
            m[column] = m[column].map { $0 / divisor }
            for row in 0..<n where row != column {
                let factor = m[row][column]
                if factor != 0 { m[row] = zip(m[row], m[column]).map { $0 - factor * $1 } }
            }
        }
        return m.map { Array($0[n...]) }
    }
}

/// The Pareto/NBD model (D. C. Schmittlein, D. G. Morrison, R. Colombo, Management Science 33(1), 1987): purchases
/// Poisson with a gamma(r, α) rate while alive, lifetimes exponential with a gamma(s, β) dropout rate. The likelihood
/// as in P. S. Fader & B. G. S. Hardie, "A note on deriving the Pareto/NBD model and related expressions" (2005).
public struct ParetoNBD: Sendable, Hashable {
    public var r: Double
    public var alpha: Double
    public var s: Double
    public var beta: Double

    public init(r: Double, alpha: Double, s: Double, beta: Double) {
        self.r = r
        self.alpha = alpha
        self.s = s
        self.beta = beta
    }

    public struct Fit: Sendable {
        public var model: ParetoNBD
        public var logLikelihood: Double
        public var standardErrors: [Double]?
        public var iterations: Int
    }

    public func logLikelihood(_ customer: PurchaseSummary) -> Double {
        let x = Double(customer.frequency), tx = customer.recency, T = customer.age
        let head = lgamma(r + x) - lgamma(r) + r * log(alpha) + s * log(beta)
        // 1 / ((α + T)^{r+x} (β + T)^s)
        let first = -(r + x) * log(alpha + T) - s * log(beta + T)
        let rsx = r + s + x
        // A0, written for whichever of α, β is larger so that ₂F₁'s argument stays in [0, 1).
        let larger = max(alpha, beta)
        let (second, z): (Double, (Double, Double)) = alpha >= beta
            ? (s + 1, ((alpha - beta) / (alpha + tx), (alpha - beta) / (alpha + T)))
            : (r + x, ((beta - alpha) / (beta + tx), (beta - alpha) / (beta + T)))
        let termT = log(Hypergeometric.f21(rsx, second, rsx + 1, z.1)) - rsx * log(larger + T)
        let termTx = log(Hypergeometric.f21(rsx, second, rsx + 1, z.0)) - rsx * log(larger + tx)
        // A0 = F(tx) − F(T) > 0; log(A0) = termTx + log(1 − exp(termT − termTx)).
        let logA0 = termTx + log(-expm1(termT - termTx))
        let withA0 = log(s / rsx) + logA0
        let top = max(first, withA0)
        return head + top + log(exp(first - top) + exp(withA0 - top))
    }

    public static func logLikelihood(_ model: ParetoNBD, _ groups: [(summary: PurchaseSummary, count: Int)]) -> Double {
        groups.reduce(0) { $0 + Double($1.count) * model.logLikelihood($1.summary) }
    }

    public static func fit(_ customers: [PurchaseSummary]) -> Fit {
        let groups = PurchaseSummary.grouped(customers)
        let found = MaximumLikelihood.fit(parameters: 4, tolerance: 1e-11) { p in -logLikelihood(ParetoNBD(r: p[0], alpha: p[1], s: p[2], beta: p[3]), groups) }
        let p = found.parameters
        return Fit(model: ParetoNBD(r: p[0], alpha: p[1], s: p[2], beta: p[3]), logLikelihood: found.logLikelihood, standardErrors: found.standardErrors,
                   iterations: found.iterations)
    }
}

/// The Gamma-Gamma spend model (P. S. Fader & B. G. S. Hardie, "The Gamma-Gamma model of monetary value", 2013): a
/// customer's transactions are gamma(p, ν) around their own mean, ν gamma(q, γ) across customers. Fitted on customers
/// with at least one repeat purchase: x of them with mean value m_x.
public struct GammaGamma: Sendable, Hashable {
    public var p: Double
    public var q: Double
    public var gamma: Double

    public init(p: Double, q: Double, gamma: Double) {
        self.p = p
        self.q = q
        self.gamma = gamma
    }

    public struct Fit: Sendable {
        public var model: GammaGamma
        public var logLikelihood: Double
        public var standardErrors: [Double]?
        public var iterations: Int
        public var covariance: [[Double]]?
    }

    /// Log-likelihood of x transactions averaging m_x (up to the term that does not depend on the parameters, as
    /// the note writes it).
    public func logLikelihood(transactions x: Int, mean m: Double) -> Double {
        let px = p * Double(x)
        return lgamma(px + q) - lgamma(px) - lgamma(q) + q * log(gamma) + (px - 1) * log(m) + px * log(Double(x)) - (px + q) * log(gamma + Double(x) * m)
    }

    /// The expected mean transaction value of a customer (equation 5 of the note).
    public func expectedMean(transactions x: Int, mean m: Double) -> Double {
        let weight = p * Double(x) / (p * Double(x) + q - 1)
        return (1 - weight) * (gamma * p / (q - 1)) + weight * m
    }

    /// Customers with at least one repeat purchase and a positive mean count; the simplex searches on every k-th of
    /// them (about 20,000) and Newton finishes on all (``MaximumLikelihood``).
    public static func fit(_ customers: [(transactions: Int, mean: Double)]) -> Fit {
        let used = SpendTable(customers.filter { $0.transactions > 0 && $0.mean > 0 })
        let sample = used.sample(atMost: 20_000)
        func negative(_ table: SpendTable) -> ([Double]) -> Double { { v in -table.logLikelihood(GammaGamma(p: v[0], q: v[1], gamma: v[2])) } }
        let found = MaximumLikelihood.fit(parameters: 3, tolerance: 1e-12, sample: sample.count < used.count ? negative(sample) : nil,
                                          negativeLogLikelihood: negative(used))
        let v = found.parameters
        return Fit(model: GammaGamma(p: v[0], q: v[1], gamma: v[2]), logLikelihood: found.logLikelihood, standardErrors: found.standardErrors,
                   iterations: found.iterations, covariance: found.covariance)
    }
}

/// The calibration/holdout check of a purchase model: customers grouped by their calibration repeat purchases (0, 1,
/// …, the last group "or more"), each group's mean predicted purchases over the holdout beside the mean actual, and
/// the mean absolute error over the groups (as Fader, Hardie & Lee's conditional-expectation figure shows it).
public enum HoldoutCheck {
    public struct Group: Sendable, Hashable {
        public var frequency: Int
        /// True for the last group: this frequency or more.
        public var orMore: Bool
        public var customers: Int
        public var predicted: Double
        public var actual: Double
    }

    public static func groups(_ customers: [(summary: PurchaseSummary, actual: Int)], holdout: Double, lastGroup: Int = 7,
                              predict: (PurchaseSummary, Double) -> Double) -> (groups: [Group], meanAbsoluteError: Double) {
        var sums = [(customers: Int, predicted: Double, actual: Double)](repeating: (0, 0, 0), count: lastGroup + 1)
        for customer in customers {
            let group = min(customer.summary.frequency, lastGroup)
            sums[group].customers += 1
            sums[group].predicted += predict(customer.summary, holdout)
            sums[group].actual += Double(customer.actual)
        }
        let groups = sums.enumerated().compactMap { index, sum -> Group? in
            guard sum.customers > 0 else { return nil }
            return Group(frequency: index, orMore: index == lastGroup, customers: sum.customers,
                         predicted: sum.predicted / Double(sum.customers), actual: sum.actual / Double(sum.customers))
        }
        let mae = groups.isEmpty ? 0 : groups.reduce(0) { $0 + abs($1.predicted - $1.actual) } / Double(groups.count)
        return (groups, mae)
    }
}
