import Foundation

/// How much a figure can be trusted, from its number of answers.
public enum SampleWarning: String, Sendable, Hashable, Codable {
    /// Fewer than 10 answers: too few to say anything; the interval is shown but should not be read.
    case tooFew = "too_few"
    /// 10 to 29 answers: the interval is wide; read it, not the point.
    case small
}

/// A two-sided 95 % interval.
public struct ConfidenceInterval: Sendable, Hashable, Codable {
    public var lower: Double
    public var upper: Double

    public init(lower: Double, upper: Double) {
        self.lower = lower
        self.upper = upper
    }
}

/// Net Promoter Score from 0–10 answers: % promoters (9–10) − % detractors (0–6), from −100 to 100.
public struct NPS: Sendable, Hashable, Codable {
    public var n: Int
    public var promoters: Int
    public var passives: Int
    public var detractors: Int
    /// −100 … 100; nil without answers.
    public var score: Double?
    /// The adjusted-Wald standard error, in points (see ``interval``).
    public var standardError: Double?
    /// The adjusted-Wald 95 % interval (Rocks, "Interval Estimation for the 'Net Promoter Score'", The American
    /// Statistician 70(4), 2016): ¾ added to promoters and to detractors and 3 to n, then the adjusted score ± 1.96
    /// adjusted standard errors, held to −100 … 100. Never of zero width, and near its nominal 95 % at small n, where
    /// the plain Wald interval covers far less.
    public var interval: ConfidenceInterval?
    public var warning: SampleWarning?

    /// The adjusted shares of promoters and detractors, the adjusted n, and the adjusted score's variance per answer.
    var adjusted: (promoters: Double, detractors: Double, n: Double, variance: Double) {
        let n = Double(self.n) + 3
        let p = (Double(promoters) + 0.75) / n, d = (Double(detractors) + 0.75) / n
        return (p, d, n, p + d - (p - d) * (p - d))
    }

    /// From counts. The score is the plain % promoters − % detractors; its uncertainty is the adjusted Wald's.
    public init(promoters: Int, passives: Int, detractors: Int) {
        precondition(promoters >= 0 && passives >= 0 && detractors >= 0, "counts cannot be negative")
        self.promoters = promoters
        self.passives = passives
        self.detractors = detractors
        n = promoters + passives + detractors
        warning = FeedbackMetrics.warning(n: n)
        guard n > 0 else { return }
        score = 100 * Double(promoters - detractors) / Double(n)
        let adjusted = self.adjusted
        let centre = adjusted.promoters - adjusted.detractors
        let standardError = (adjusted.variance / adjusted.n).squareRoot()
        self.standardError = 100 * standardError
        interval = ConfidenceInterval(lower: 100 * max(-1, centre - Distributions.z95 * standardError),
                                      upper: 100 * min(1, centre + Distributions.z95 * standardError))
    }

    /// From answers on the 0–10 scale (others are ignored).
    public init(scores: some Sequence<Int>) {
        var promoters = 0, passives = 0, detractors = 0
        for score in scores where (0...10).contains(score) {
            switch score {
            case 9...10: promoters += 1
            case 7...8: passives += 1
            default: detractors += 1
            }
        }
        self.init(promoters: promoters, passives: passives, detractors: detractors)
    }

    /// Several surveys' NPS as one: their answers pooled (the counts added), not their scores averaged.
    public static func combined(_ parts: [NPS]) -> NPS {
        NPS(promoters: parts.reduce(0) { $0 + $1.promoters }, passives: parts.reduce(0) { $0 + $1.passives },
            detractors: parts.reduce(0) { $0 + $1.detractors })
    }
}

/// A share with its Wilson score interval: CSAT (4–5 on 1–5) or a top-2-box share.
public struct Proportion: Sendable, Hashable, Codable {
    public var n: Int
    public var successes: Int
    /// 0 … 100 (per cent); nil without answers.
    public var percent: Double?
    /// Wilson score interval in per cent (E. B. Wilson, "Probable inference, the law of succession, and statistical
    /// inference", JASA 22, 1927), which stays inside 0 … 100 and behaves at shares near 0 or 1.
    public var interval: ConfidenceInterval?
    public var warning: SampleWarning?

    public init(successes: Int, n: Int) {
        precondition(n >= 0 && (0...max(0, n)).contains(successes), "successes must be between 0 and n")
        self.n = n
        self.successes = successes
        warning = FeedbackMetrics.warning(n: n)
        guard n > 0 else { return }
        let share = Double(successes) / Double(n), z = Distributions.z95, count = Double(n)
        let centre = (share + z * z / (2 * count)) / (1 + z * z / count)
        let half = z / (1 + z * z / count) * (share * (1 - share) / count + z * z / (4 * count * count)).squareRoot()
        percent = 100 * share
        interval = ConfidenceInterval(lower: 100 * max(0, centre - half), upper: 100 * min(1, centre + half))
    }

    /// CSAT from answers on the 1–5 scale: the share of 4 and 5 (answers outside 1–5 are ignored).
    public static func csat(scores: some Sequence<Int>) -> Proportion {
        var satisfied = 0, n = 0
        for score in scores where (1...5).contains(score) {
            n += 1
            if score >= 4 { satisfied += 1 }
        }
        return Proportion(successes: satisfied, n: n)
    }
}

/// A mean with its t interval: CES on 1–7 (agreement with "The company made it easy to handle my issue").
public struct Mean: Sendable, Hashable, Codable {
    public var n: Int
    public var mean: Double?
    /// The sample standard deviation (n − 1 in the denominator); nil below 2 answers.
    public var standardDeviation: Double?
    /// mean ± t(0.975, n − 1) · s / √n; nil below 2 answers.
    public var interval: ConfidenceInterval?
    public var warning: SampleWarning?

    /// From how many answers each value got (the daily counts), without the answers themselves: the same figures.
    public init(counts: [Int: Int64]) {
        let total = counts.values.reduce(0, +)
        n = Int(total)
        warning = FeedbackMetrics.warning(n: n)
        guard total > 0 else { return }
        let mean = counts.reduce(0.0) { $0 + Double($1.key) * Double($1.value) } / Double(total)
        self.mean = mean
        guard total > 1 else { return }
        let variance = counts.reduce(0.0) { $0 + Double($1.value) * (Double($1.key) - mean) * (Double($1.key) - mean) } / Double(total - 1)
        standardDeviation = variance.squareRoot()
        let half = Distributions.studentTQuantile(0.975, df: Double(total - 1)) * (variance / Double(total)).squareRoot()
        interval = ConfidenceInterval(lower: mean - half, upper: mean + half)
    }

    public init(values: [Double]) {
        n = values.count
        warning = FeedbackMetrics.warning(n: n)
        guard n > 0 else { return }
        let mean = values.reduce(0, +) / Double(n)
        self.mean = mean
        guard n > 1 else { return }
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n - 1)
        standardDeviation = variance.squareRoot()
        let half = Distributions.studentTQuantile(0.975, df: Double(n - 1)) * (variance / Double(n)).squareRoot()
        interval = ConfidenceInterval(lower: mean - half, upper: mean + half)
    }
}

/// Customer Effort Score from answers on the 1–7 agreement scale ("The company made it easy to handle my issue"):
/// the mean with its t interval, the top-2-box share (6 and 7) and the share that agrees (5 to 7, CES 2.0 practice),
/// each with its Wilson interval.
public struct CES: Sendable, Hashable, Codable {
    public var mean: Mean
    public var topTwoBox: Proportion
    public var agree: Proportion

    public init(scores: some Sequence<Int>) {
        let valid = scores.filter { (1...7).contains($0) }
        mean = Mean(values: valid.map(Double.init))
        topTwoBox = Proportion(successes: valid.filter { $0 >= 6 }.count, n: valid.count)
        agree = Proportion(successes: valid.filter { $0 >= 5 }.count, n: valid.count)
    }

    /// From how many answers each value (1–7) got.
    public init(counts: [Int: Int64]) {
        let valid = counts.filter { (1...7).contains($0.key) }
        let n = Int(valid.values.reduce(0, +))
        mean = Mean(counts: valid)
        topTwoBox = Proportion(successes: Int(valid.filter { $0.key >= 6 }.values.reduce(0, +)), n: n)
        agree = Proportion(successes: Int(valid.filter { $0.key >= 5 }.values.reduce(0, +)), n: n)
    }
}

/// Whether a figure changed between two periods, and how surely.
public struct Change: Sendable, Hashable, Codable {
    public enum Test: String, Sendable, Hashable, Codable {
        /// NPS: the adjusted-Wald difference (Lewis & Sauro 2021), z on the adjusted scores.
        case adjustedWald = "adjusted_wald"
        /// Shares with enough answers: the two-proportion z-test with the pooled share.
        case twoProportionZ = "two_proportion_z"
        /// Shares with few answers (an expected count below 5): Fisher's exact test.
        case fisherExact = "fisher_exact"
        /// Means: Welch's t-test.
        case welchT = "welch_t"
    }

    /// later − earlier, in the figure's unit (points for NPS and shares, scale points for means).
    public var difference: Double
    public var test: Test
    /// The test statistic (z, or Welch's t); nil for Fisher's exact test.
    public var statistic: Double?
    /// Welch–Satterthwaite degrees of freedom, for means.
    public var degreesOfFreedom: Double?
    /// Two-sided.
    public var pValue: Double
    /// Whether both periods had enough answers (no small-sample warning on either) for the change to be called.
    public var isComparable: Bool
    /// The p-value after the Benjamini–Hochberg adjustment over the page's comparisons, once the page has made it.
    public var adjustedPValue: Double?

    /// Significant at 5 % (after the page's adjustment, when made), and only between periods with enough answers.
    public var isSignificant: Bool { isComparable && (adjustedPValue ?? pValue) < 0.05 }
}

public enum FeedbackMetrics {
    /// The warning a number of answers deserves.
    public static func warning(n: Int) -> SampleWarning? {
        n < 10 ? .tooFew : n < 30 ? .small : nil
    }

    /// NPS change between two independent periods by the adjusted-Wald difference (Lewis & Sauro, "How to compare
    /// two Net Promoter Scores", MeasuringU 2021): each period's promoters and detractors get ¾ and its n gets 3,
    /// z = (NPS*₂ − NPS*₁) / √(v₁/n*₁ + v₂/n*₂) with v = p* + d* − (p* − d*)². The adjusted variances are never zero,
    /// so two unanimous periods (100 then −100) are a change like any other. Nil when either period has no answer.
    public static func change(from earlier: NPS, to later: NPS) -> Change? {
        guard earlier.n > 0, later.n > 0, let a = earlier.score, let b = later.score else { return nil }
        let first = earlier.adjusted, second = later.adjusted
        let se = (first.variance / first.n + second.variance / second.n).squareRoot()
        let z = ((second.promoters - second.detractors) - (first.promoters - first.detractors)) / se
        return Change(difference: b - a, test: .adjustedWald, statistic: z, degreesOfFreedom: nil, pValue: Distributions.normalTwoSidedP(z),
                      isComparable: earlier.warning == nil && later.warning == nil)
    }

    /// A share's change between two independent periods: the two-proportion z-test with the pooled share, or Fisher's
    /// exact test when an expected count of the 2 × 2 table is below 5 (0 of 3 then 3 of 3: p = 0.1, not 0.014).
    public static func change(from earlier: Proportion, to later: Proportion) -> Change? {
        guard earlier.n > 0, later.n > 0 else { return nil }
        let p1 = Double(earlier.successes) / Double(earlier.n), p2 = Double(later.successes) / Double(later.n)
        let comparable = earlier.warning == nil && later.warning == nil
        let successes = earlier.successes + later.successes, total = earlier.n + later.n
        let smallestExpected = Double(min(successes, total - successes)) * Double(min(earlier.n, later.n)) / Double(total)
        if smallestExpected < 5 {
            let p = GroupTests.fisherExact(earlier.successes, earlier.n - earlier.successes, later.successes, later.n - later.successes)
            return Change(difference: 100 * (p2 - p1), test: .fisherExact, statistic: nil, degreesOfFreedom: nil, pValue: p, isComparable: comparable)
        }
        let pooled = Double(successes) / Double(total)
        let se = (pooled * (1 - pooled) * (1 / Double(earlier.n) + 1 / Double(later.n))).squareRoot()
        let z = (p2 - p1) / se
        return Change(difference: 100 * (p2 - p1), test: .twoProportionZ, statistic: z, degreesOfFreedom: nil, pValue: Distributions.normalTwoSidedP(z),
                      isComparable: comparable)
    }

    /// A mean's change between two independent periods: Welch's t-test with Welch–Satterthwaite degrees of freedom.
    public static func change(from earlier: Mean, to later: Mean) -> Change? {
        guard let m1 = earlier.mean, let m2 = later.mean, let s1 = earlier.standardDeviation, let s2 = later.standardDeviation else { return nil }
        let v1 = s1 * s1 / Double(earlier.n), v2 = s2 * s2 / Double(later.n)
        guard v1 + v2 > 0 else { return nil }
        let t = (m2 - m1) / (v1 + v2).squareRoot()
        let df = (v1 + v2) * (v1 + v2) / (v1 * v1 / Double(earlier.n - 1) + v2 * v2 / Double(later.n - 1))
        return Change(difference: m2 - m1, test: .welchT, statistic: t, degreesOfFreedom: df, pValue: Distributions.studentTTwoSidedP(t, df: df),
                      isComparable: earlier.warning == nil && later.warning == nil)
    }

    /// Adjusts the p-values of a page's comparisons together (Benjamini–Hochberg), so "significant" keeps its meaning
    /// when a page tests many figures at once.
    public static func adjustedTogether(_ changes: [Change?]) -> [Change?] {
        let present = changes.indices.filter { changes[$0] != nil }
        let adjusted = GroupTests.benjaminiHochberg(present.map { changes[$0]!.pValue })
        var result = changes
        for (index, value) in zip(present, adjusted) { result[index]?.adjustedPValue = value }
        return result
    }
}
