import CairnAnalytics
import Foundation
import Testing

/// Every formula against values someone else computed:
/// - Wilson intervals: R. G. Newcombe, "Two-sided confidence intervals for the single proportion: comparison of seven
///   methods", Statistics in Medicine 17 (1998) 857–872, table I, method 3 (score interval without continuity correction),
///   printed to 4 decimals.
/// - Student's t and normal values, the t interval of a mean and Welch's test: SciPy 1.17.1 (`scipy.stats.t.ppf`,
///   `t.cdf`, `norm.cdf`, `t.interval`, `ttest_ind(equal_var=False)`), printed to full double precision.
/// - NPS: the mean and population variance of the +1/0/−1 coding, computed from the raw answers in the test.
@Suite("Feedback metrics against reference values")
struct FeedbackMetricsTests {
    func close(_ a: Double?, _ b: Double, _ tolerance: Double) -> Bool { a.map { abs($0 - b) <= tolerance } ?? false }

    @Test("Student's t quantiles, CDF and the normal CDF match SciPy")
    func distributions() {
        for (df, quantile) in [(1.0, 12.706204736174694), (2, 4.302652729749462), (5, 2.5705818356363146), (10, 2.228138851986274),
                               (30, 2.0422724563012378), (100, 1.9839715185235518), (7.5, 2.333039626864974)] {
            #expect(close(Distributions.studentTQuantile(0.975, df: df), quantile, 1e-9), "df \(df)")
        }
        #expect(close(Distributions.studentTCDF(1.5, df: 4), 0.896, 1e-12))
        #expect(close(Distributions.studentTCDF(-2.1, df: 12.3), 0.02849747820452134, 1e-12))
        #expect(close(Distributions.normalCDF(1.96), 0.9750021048517795, 1e-15))
        #expect(close(Distributions.normalTwoSidedP(2.5), 0.012419330651552265, 1e-15))
        #expect(close(Distributions.studentTQuantile(0.025, df: 10), -2.228138851986274, 1e-9))
    }

    @Test("CSAT's Wilson interval matches Newcombe (1998)")
    func wilson() {
        for (successes, n, lower, upper) in [(81, 263, 0.2553, 0.3662), (15, 148, 0.0624, 0.1605), (0, 20, 0.0, 0.1611), (1, 29, 0.0061, 0.1718)] {
            let share = Proportion(successes: successes, n: n)
            #expect(close(share.interval?.lower, 100 * lower, 0.005) && close(share.interval?.upper, 100 * upper, 0.005), "\(successes)/\(n): \(String(describing: share.interval))")
        }
        let csat = Proportion.csat(scores: [5, 4, 4, 3, 1, 5, 2, 4, 5, 5, 0, 6])
        #expect(csat.n == 10 && csat.successes == 7 && csat.percent == 70, "answers outside 1–5 are ignored")
        #expect(Proportion(successes: 0, n: 0).interval == nil)
    }

    @Test("NPS is % promoters − % detractors; its interval uses the variance p + d − (p − d)² over n")
    func nps() {
        // 50 promoters, 30 passives, 20 detractors.
        let answers = Array(repeating: 10, count: 25) + Array(repeating: 9, count: 25) + Array(repeating: 8, count: 30) + Array(repeating: 6, count: 12) + Array(repeating: 0, count: 8)
        let nps = NPS(scores: answers + [11, -1])
        #expect(nps.n == 100 && nps.promoters == 50 && nps.passives == 30 && nps.detractors == 20)
        #expect(close(nps.score, 30, 1e-12))
        // The same from the +1/0/−1 coding: its mean and population variance.
        let coded = answers.map { $0 >= 9 ? 1.0 : $0 >= 7 ? 0.0 : -1.0 }
        let mean = coded.reduce(0, +) / 100, variance = coded.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / 100
        #expect(close(variance, 0.5 + 0.2 - 0.3 * 0.3, 1e-12))
        #expect(close(nps.standardError, 100 * (variance / 100).squareRoot(), 1e-9))
        // 30 ± 1.959964 × 7.8102 = 14.692 … 45.308
        #expect(close(nps.interval?.lower, 14.6923, 1e-3) && close(nps.interval?.upper, 45.3077, 1e-3))
        #expect(nps.warning == nil)
        // All promoters: the interval is held at 100.
        #expect(NPS(promoters: 12, passives: 0, detractors: 0).interval?.upper == 100)
        #expect(NPS(promoters: 3, passives: 1, detractors: 1).warning == .tooFew)
        #expect(NPS(promoters: 10, passives: 5, detractors: 5).warning == .small)
        #expect(NPS(scores: []).score == nil)
        // Several surveys pooled: answers add up, scores are not averaged.
        let pooled = NPS.combined([NPS(promoters: 9, passives: 0, detractors: 1), NPS(promoters: 10, passives: 40, detractors: 50)])
        #expect(pooled.n == 110 && close(pooled.score, 100 * (19.0 - 51.0) / 110, 1e-12))
    }

    @Test("CES: the mean with its t interval and the top-2-box share match SciPy")
    func ces() {
        let ces = CES(scores: [5, 6, 7, 4, 6, 7, 7, 3, 5, 6, 6, 7, 9, 0])
        #expect(ces.mean.n == 12 && close(ces.mean.mean, 5.75, 1e-12) && close(ces.mean.standardDeviation, 1.2880570286640687, 1e-12))
        #expect(close(ces.mean.interval?.lower, 4.931607608433678, 1e-9) && close(ces.mean.interval?.upper, 6.568392391566322, 1e-9))
        #expect(ces.topTwoBox.successes == 8 && ces.topTwoBox.n == 12)
        #expect(ces.mean.warning == .small)
    }

    @Test("Changes between two periods: NPS and shares by z, means by Welch's t (SciPy)")
    func changes() throws {
        let welch = try #require(FeedbackMetrics.change(from: Mean(values: [5, 6, 7, 4, 6, 7, 7, 3, 5, 6, 6, 7]), to: Mean(values: [4, 5, 3, 6, 4, 5, 2, 4, 5, 3, 4])))
        #expect(close(welch.statistic, -3.2815479864114607, 1e-9) && close(welch.degreesOfFreedom, 20.97547684525316, 1e-9))
        #expect(close(welch.pValue, 0.0035638137249111436, 1e-9) && welch.isSignificant)
        let shares = try #require(FeedbackMetrics.change(from: Proportion(successes: 120, n: 200), to: Proportion(successes: 150, n: 210)))
        #expect(close(shares.statistic, 2.439285423783943, 1e-12) && close(shares.pValue, 0.014716339569308923, 1e-12))
        // NPS: 30 (n 100) then 40 (n 100): SEs combine in quadrature.
        let before = NPS(promoters: 50, passives: 30, detractors: 20), after = NPS(promoters: 55, passives: 30, detractors: 15)
        let nps = try #require(FeedbackMetrics.change(from: before, to: after))
        let se = (before.standardError! * before.standardError! + after.standardError! * after.standardError!).squareRoot()
        #expect(close(nps.difference, 10, 1e-9) && close(nps.statistic, 10 / se, 1e-12) && !nps.isSignificant)
        #expect(close(nps.pValue, 2 * (1 - Distributions.normalCDF(10 / se)), 1e-12))
        #expect(FeedbackMetrics.change(from: NPS(promoters: 1, passives: 0, detractors: 0), to: after) == nil, "one answer says nothing")
    }
}
