import Foundation

/// The normal and Student's t distributions, as far as intervals and tests need them. Pure Swift on the C maths
/// library's `erfc` and `lgamma`; no tables.
public enum Distributions {
    /// The 97.5th percentile of the standard normal: a two-sided 95 % interval is ± this many standard errors.
    public static let z95 = 1.959963984540054

    /// P(Z ≤ z) for a standard normal Z.
    public static func normalCDF(_ z: Double) -> Double {
        0.5 * erfc(-z / 2.0.squareRoot())
    }

    /// The two-sided p-value of a standard normal statistic.
    public static func normalTwoSidedP(_ z: Double) -> Double {
        erfc(abs(z) / 2.0.squareRoot())
    }

    /// P(T ≤ t) for Student's t with `df` degrees of freedom (df > 0, not necessarily whole).
    public static func studentTCDF(_ t: Double, df: Double) -> Double {
        precondition(df > 0, "degrees of freedom must be positive")
        let x = df / (df + t * t)
        let tail = 0.5 * regularizedIncompleteBeta(a: df / 2, b: 0.5, x: x)
        return t >= 0 ? 1 - tail : tail
    }

    /// The two-sided p-value of a t statistic.
    public static func studentTTwoSidedP(_ t: Double, df: Double) -> Double {
        regularizedIncompleteBeta(a: df / 2, b: 0.5, x: df / (df + t * t))
    }

    /// The `p` quantile of Student's t with `df` degrees of freedom (0 < p < 1): bisection on the CDF to full
    /// double precision (the CDF is monotone, so it cannot fail to converge).
    public static func studentTQuantile(_ p: Double, df: Double) -> Double {
        precondition(p > 0 && p < 1, "a quantile needs 0 < p < 1")
        if p == 0.5 { return 0 }
        if p < 0.5 { return -studentTQuantile(1 - p, df: df) }
        var low = 0.0, high = 1.0
        while studentTCDF(high, df: df) < p { high *= 2 }
        for _ in 0..<200 {
            let middle = (low + high) / 2
            if middle == low || middle == high { break }
            if studentTCDF(middle, df: df) < p { low = middle } else { high = middle }
        }
        return (low + high) / 2
    }

    /// I_x(a, b), the regularized incomplete beta function, by its continued fraction (modified Lentz), using the
    /// symmetry I_x(a, b) = 1 − I_{1−x}(b, a) where the fraction converges slowly.
    public static func regularizedIncompleteBeta(a: Double, b: Double, x: Double) -> Double {
        if x <= 0 { return 0 }
        if x >= 1 { return 1 }
        let logGammas: Double = lgamma(a + b) - lgamma(a) - lgamma(b)
        let logPowers: Double = a * log(x) + b * log(1 - x)
        let front = exp(logGammas + logPowers)
        if x < (a + 1) / (a + b + 2) {
            return front * betaContinuedFraction(a: a, b: b, x: x) / a
        }
        return 1 - front * betaContinuedFraction(a: b, b: a, x: 1 - x) / b
    }

    static func betaContinuedFraction(a: Double, b: Double, x: Double) -> Double {
        let tiny = 1e-300, epsilon = 1e-16
        var c = 1.0
        var d = 1 - (a + b) * x / (a + 1)
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var result = d
        for m in 1...10_000 {
            let m = Double(m), m2 = 2 * m
            var term = m * (b - m) * x / ((a + m2 - 1) * (a + m2))
            d = 1 + term * d
            if abs(d) < tiny { d = tiny }
            c = 1 + term / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            result *= d * c
            term = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1))
            d = 1 + term * d
            if abs(d) < tiny { d = tiny }
            c = 1 + term / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let step = d * c
            result *= step
            if abs(step - 1) < epsilon { break }
        }
        return result
    }

    /// Q(a, x) = Γ(a, x) / Γ(a), the regularized upper incomplete gamma function: its series below x = a + 1, its
    /// continued fraction (modified Lentz) above (Press et al., Numerical Recipes, 3rd ed., §6.2).
    public static func regularizedUpperIncompleteGamma(a: Double, x: Double) -> Double {
        precondition(a > 0, "the shape must be positive")
        if x <= 0 { return 1 }
        let front = exp(-x + a * log(x) - lgamma(a))
        if x < a + 1 {
            var term = 1 / a, sum = term, denominator = a
            for _ in 0..<10_000 {
                denominator += 1
                term *= x / denominator
                sum += term
                if abs(term) < abs(sum) * 1e-16 { break }
            }
            return max(0, 1 - sum * front)
        }
        let tiny = 1e-300
        var b = x + 1 - a, c = 1 / tiny, d = 1 / b, result = d
        for i in 1...10_000 {
            let an = -Double(i) * (Double(i) - a)
            b += 2
            d = an * d + b
            if abs(d) < tiny { d = tiny }
            c = b + an / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let step = d * c
            result *= step
            if abs(step - 1) < 1e-16 { break }
        }
        return result * front
    }

    /// P(X ≥ x) for a χ² variable with `df` degrees of freedom.
    public static func chiSquaredSurvival(_ x: Double, df: Double) -> Double {
        regularizedUpperIncompleteGamma(a: df / 2, x: x / 2)
    }
}
