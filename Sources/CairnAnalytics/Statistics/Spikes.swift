import Foundation

/// Whether today's count of a daily series (cases about a product, negative comments on a topic) is beyond that
/// series' normal range, judged against the same weekday of the past weeks.
///
/// The baseline of a weekday is the mean λ and spread s of its last (up to eight) values. Counts are taken as
/// quasi-Poisson (the variance φ·λ, φ ≥ 1 estimated from every weekday's values and widened for λ's own uncertainty,
/// as in the outbreak detection method of Farrington et al.,
/// "A statistical algorithm for the early detection of outbreaks of infectious disease", JRSS A 159, 1996): today's
/// count so far x is a spike when x ≥ `minimumCount`, x is above what the day so far leads one to expect (λ times the
/// share of the day gone) and P(X ≥ x) < `alpha` for X quasi-Poisson with that mean — the tail taken as the Poisson
/// tail of x/φ at mean λ/φ, through the regularized incomplete gamma function.
public enum SpikeDetector {
    /// One past day of a series.
    public struct Day: Sendable, Hashable {
        /// 0 = Monday … 6 = Sunday.
        public var weekday: Int
        public var count: Int
        public init(weekday: Int, count: Int) {
            self.weekday = weekday
            self.count = count
        }
    }

    public struct Assessment: Sendable, Hashable {
        public var observed: Int
        /// The usual count of a whole day like today (the weekday's mean).
        public var typical: Double
        /// The spread of that weekday's counts (standard deviation).
        public var spread: Double
        /// What the share of the day gone leads one to expect by now.
        public var expected: Double
        /// P(a count this high or higher | a usual day).
        public var pValue: Double
        public var isSpike: Bool
    }

    /// One alarm in a thousand days of a stable series, at most (before the baseline's own uncertainty).
    public static let alpha = 0.001
    public static let minimumCount = 5
    /// Weeks of history a weekday's baseline reads.
    public static let weeks = 8

    /// Judges `today` (a count so far, `fractionOfDay` of the day gone) of a series whose past days are `history`
    /// (any order); nil when there are fewer than three earlier days of the same weekday to compare with.
    public static func assess(history: [Day], today: Int, weekday: Int, fractionOfDay: Double = 1) -> Assessment? {
        let recent = history.suffix(weeks * 7)
        let same = recent.filter { $0.weekday == weekday }.map { Double($0.count) }
        guard same.count >= 3 else { return nil }
        let mean = same.reduce(0, +) / Double(same.count)
        let variance = same.count > 1 ? same.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(same.count - 1) : 0
        let typical = max(mean, 0.1)
        // The dispersion is pooled over every weekday (Pearson's statistic over its degrees of freedom), which eight
        // values of one weekday alone estimate too loosely; the weekday mean's own uncertainty widens it by 1 + 1/n.
        var byWeekday: [Int: [Double]] = [:]
        for day in recent { byWeekday[day.weekday, default: []].append(Double(day.count)) }
        var pearson = 0.0, observations = 0
        for values in byWeekday.values where values.count >= 2 {
            let m = values.reduce(0, +) / Double(values.count)
            pearson += values.reduce(0) { $0 + ($1 - m) * ($1 - m) } / max(m, 0.5)
            observations += values.count - 1
        }
        let dispersion = max(1, observations > 0 ? pearson / Double(observations) : 1) * (1 + 1 / Double(same.count))
        let expected = typical * min(1, max(fractionOfDay, 0.05))
        let pValue = today <= 0 ? 1 : poissonUpperTail(Double(today) / dispersion, mean: expected / dispersion)
        let isSpike = today >= minimumCount && Double(today) > expected && pValue < alpha
        return Assessment(observed: today, typical: mean, spread: variance.squareRoot(), expected: expected, pValue: pValue, isSpike: isSpike)
    }

    /// P(X ≥ k) for X Poisson with this mean, k > 0 allowed to be fractional (the regularized lower incomplete gamma
    /// function P(k, mean) = 1 − Q(k, mean)).
    public static func poissonUpperTail(_ k: Double, mean: Double) -> Double {
        guard k > 0 else { return 1 }
        return max(0, 1 - Distributions.regularizedUpperIncompleteGamma(a: k, x: mean))
    }
}
