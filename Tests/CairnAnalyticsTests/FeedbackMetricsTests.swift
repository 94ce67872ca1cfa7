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

    @Test("NPS is % promoters − % detractors; its interval is the adjusted Wald's (Rocks 2016), worked by hand")
    func nps() {
        // 50 promoters, 30 passives, 20 detractors.
        let answers = Array(repeating: 10, count: 25) + Array(repeating: 9, count: 25) + Array(repeating: 8, count: 30) + Array(repeating: 6, count: 12) + Array(repeating: 0, count: 8)
        let nps = NPS(scores: answers + [11, -1])
        #expect(nps.n == 100 && nps.promoters == 50 && nps.passives == 30 && nps.detractors == 20)
        #expect(close(nps.score, 30, 1e-12))
        // Adjusted: n* = 103, p* = 50.75/103, d* = 20.75/103; SE = √((p* + d* − (p* − d*)²)/n*) = 7.69151 points;
        // (p* − d*) ± 1.959964 SE = 14.0511 … 44.2013 (worked independently in Python from the paper's formula).
        #expect(close(nps.standardError, 7.6915104218147565, 1e-9))
        #expect(close(nps.interval?.lower, 14.051130178761607, 1e-9) && close(nps.interval?.upper, 44.20129700570441, 1e-9))
        #expect(nps.warning == nil)
        // 12 promoters and nothing else: not [100, 100] (zero width) but about [54, 100].
        let unanimous = NPS(promoters: 12, passives: 0, detractors: 0)
        #expect(close(unanimous.interval?.lower, 54.19587509227159, 1e-9) && unanimous.interval?.upper == 100)
        // 9/1/0: the raw upper bound is 100.38, held at 100.
        let held = NPS(promoters: 9, passives: 1, detractors: 0)
        #expect(close(held.interval?.lower, 38.079226869568636, 1e-9) && held.interval?.upper == 100)
        #expect(NPS(promoters: 3, passives: 1, detractors: 1).warning == .tooFew)
        #expect(NPS(promoters: 10, passives: 5, detractors: 5).warning == .small)
        #expect(NPS(scores: []).score == nil)
        // Several surveys pooled: answers add up, scores are not averaged.
        let pooled = NPS.combined([NPS(promoters: 9, passives: 0, detractors: 1), NPS(promoters: 10, passives: 40, detractors: 50)])
        #expect(pooled.n == 110 && close(pooled.score, 100 * (19.0 - 51.0) / 110, 1e-12))
    }

    /// The plain Wald interval, for the comparison below (not what Cairn shows).
    static func waldInterval(_ nps: NPS) -> ClosedRange<Double> {
        let n = Double(nps.n), p = Double(nps.promoters) / n, d = Double(nps.detractors) / n
        let se = ((p + d - (p - d) * (p - d)) / n).squareRoot()
        return max(-1, p - d - Distributions.z95 * se)...min(1, p - d + Distributions.z95 * se)
    }

    @Test("At n = 10 the adjusted-Wald interval covers the true NPS about 95 % of the time; the plain Wald far less", arguments: [
        // True promoter and detractor shares; the exact coverage enumerated over every sample of 10 in Python.
        (0.5, 0.2, 0.9624742900000001),
        (0.6, 0.1, 0.9467155584000003),
        (0.3, 0.3, 0.9655223823999992),
        (0.8, 0.05, 0.9441542144000001),
    ])
    func coverage(promoterShare: Double, detractorShare: Double, expected: Double) {
        let n = 10, passiveShare = 1 - promoterShare - detractorShare, truth = promoterShare - detractorShare
        var adjusted = 0.0, wald = 0.0
        for promoters in 0...n {
            for detractors in 0...(n - promoters) {
                let passives = n - promoters - detractors
                let ways = exp(lgamma(Double(n + 1)) - lgamma(Double(promoters + 1)) - lgamma(Double(passives + 1)) - lgamma(Double(detractors + 1)))
                let probability = ways * pow(promoterShare, Double(promoters)) * pow(passiveShare, Double(passives)) * pow(detractorShare, Double(detractors))
                let nps = NPS(promoters: promoters, passives: passives, detractors: detractors)
                if let interval = nps.interval, interval.lower / 100 <= truth, truth <= interval.upper / 100 { adjusted += probability }
                if Self.waldInterval(nps).contains(truth) { wald += probability }
            }
        }
        print("n = 10, promoters \(promoterShare), detractors \(detractorShare): adjusted-Wald coverage \(adjusted), Wald \(wald)")
        #expect(close(adjusted, expected, 1e-9))
        #expect(adjusted >= 0.94 && wald < adjusted - 0.03)
    }

    @Test("CES: the mean with its t interval and the top-2-box share match SciPy")
    func ces() {
        let ces = CES(scores: [5, 6, 7, 4, 6, 7, 7, 3, 5, 6, 6, 7, 9, 0])
        #expect(ces.mean.n == 12 && close(ces.mean.mean, 5.75, 1e-12) && close(ces.mean.standardDeviation, 1.2880570286640687, 1e-12))
        #expect(close(ces.mean.interval?.lower, 4.931607608433678, 1e-9) && close(ces.mean.interval?.upper, 6.568392391566322, 1e-9))
        #expect(ces.topTwoBox.successes == 8 && ces.topTwoBox.n == 12)
        #expect(ces.agree.successes == 10 && ces.agree.n == 12, "5 to 7 agree (CES 2.0)")
        #expect(ces.mean.warning == .small)
        // The dashboards' path: the same answers as daily counts (value → how many), against the same SciPy figures.
        let counted = CES(counts: [3: 1, 4: 1, 5: 2, 6: 4, 7: 4, 9: 1])
        #expect(counted.mean.n == 12 && close(counted.mean.mean, 5.75, 1e-12) && close(counted.mean.standardDeviation, 1.2880570286640687, 1e-12))
        #expect(close(counted.mean.interval?.lower, 4.931607608433678, 1e-9) && close(counted.mean.interval?.upper, 6.568392391566322, 1e-9))
        #expect(counted.topTwoBox.successes == 8 && counted.agree.successes == 10)
    }

    @Test("A mean from daily counts (the dashboards' path) matches SciPy")
    func meanFromCounts() {
        // numpy/scipy 1.17.1 on the same answers: x = repeat([1,2,3,4,5,7], [2,1,4,5,13,6]); x.mean(), x.std(ddof=1),
        // stats.t.interval(0.95, 30, loc=mean, scale=sd/sqrt(31)).
        let mean = Mean(counts: [1: 2, 2: 1, 3: 4, 4: 5, 5: 13, 7: 6])
        #expect(mean.n == 31)
        #expect(close(mean.mean, 4.612903225806452, 1e-12) && close(mean.standardDeviation, 1.6467628721188874, 1e-12))
        #expect(close(mean.interval?.lower, 4.008865727696801, 1e-9) && close(mean.interval?.upper, 5.216940723916103, 1e-9))
    }

    @Test("Changes between two periods: NPS and shares by z, means by Welch's t (SciPy)")
    func changes() throws {
        let welch = try #require(FeedbackMetrics.change(from: Mean(values: [5, 6, 7, 4, 6, 7, 7, 3, 5, 6, 6, 7]), to: Mean(values: [4, 5, 3, 6, 4, 5, 2, 4, 5, 3, 4])))
        #expect(close(welch.statistic, -3.2815479864114607, 1e-9) && close(welch.degreesOfFreedom, 20.97547684525316, 1e-9))
        #expect(close(welch.pValue, 0.0035638137249111436, 1e-9))
        #expect(!welch.isComparable && !welch.isSignificant, "12 and 11 answers carry the small-sample warning: not called significant")
        let shares = try #require(FeedbackMetrics.change(from: Proportion(successes: 120, n: 200), to: Proportion(successes: 150, n: 210)))
        #expect(shares.test == .twoProportionZ && close(shares.statistic, 2.439285423783943, 1e-12) && close(shares.pValue, 0.014716339569308923, 1e-12))
        // Few answers: Fisher's exact test (SciPy fisher_exact([[0, 3], [3, 0]]) = 0.1; the z-test said 0.014).
        let tiny = try #require(FeedbackMetrics.change(from: Proportion(successes: 0, n: 3), to: Proportion(successes: 3, n: 3)))
        #expect(tiny.test == .fisherExact && close(tiny.pValue, 0.1, 1e-12) && !tiny.isSignificant)
        let fisher = try #require(FeedbackMetrics.change(from: Proportion(successes: 2, n: 10), to: Proportion(successes: 7, n: 10)))
        #expect(fisher.test == .fisherExact && close(fisher.pValue, 0.06977851869492736, 1e-12))
        // NPS by the adjusted-Wald difference (worked in Python from Lewis & Sauro's formula): 30 (n 100) then 40 (n 100).
        let before = NPS(promoters: 50, passives: 30, detractors: 20), after = NPS(promoters: 55, passives: 30, detractors: 15)
        let nps = try #require(FeedbackMetrics.change(from: before, to: after))
        #expect(nps.test == .adjustedWald && close(nps.difference, 10, 1e-9))
        #expect(close(nps.statistic, 0.9177473514868755, 1e-9) && close(nps.pValue, 0.35875115127832835, 1e-9) && !nps.isSignificant)
        // 10/0/0 then 24/3/3: no real evidence of a change (the plain Wald said p = 0.010).
        let small = try #require(FeedbackMetrics.change(from: NPS(promoters: 10, passives: 0, detractors: 0), to: NPS(promoters: 24, passives: 3, detractors: 3)))
        #expect(close(small.pValue, 0.48635008603066865, 1e-9) && !small.isSignificant)
        // Two unanimous periods (100 then −100, n 100 each): zero plain standard errors, and still a change.
        let flip = try #require(FeedbackMetrics.change(from: NPS(promoters: 100, passives: 0, detractors: 0), to: NPS(promoters: 0, passives: 0, detractors: 100)))
        #expect(close(flip.statistic, -67.3234969778348, 1e-6) && flip.isSignificant)
        // One answer is a change that is never called significant (a small-sample warning on a side).
        let one = try #require(FeedbackMetrics.change(from: NPS(promoters: 1, passives: 0, detractors: 0), to: after))
        #expect(!one.isComparable && !one.isSignificant)
    }

    @Test("Groups compared at once: χ² with Cramér's V, Kruskal–Wallis, Benjamini–Hochberg and Fisher match SciPy 1.17.1")
    func groups() throws {
        // scipy.stats.chi2_contingency([[50,30,20],[40,30,30],[20,10,30]], correction=False)
        let chi = try #require(GroupTests.chiSquared([[50, 30, 20], [40, 30, 30], [20, 10, 30]]))
        #expect(close(chi.statistic, 16.714285714285715, 1e-9) && chi.degreesOfFreedom == 4 && close(chi.pValue, 0.0021962523168385295, 1e-9))
        #expect(close(chi.effectSize, 0.17928429140015906, 1e-9) && !chi.isApproximate)
        #expect(GroupTests.chiSquared([[5, 0, 0]]) == nil, "one group: nothing to compare")
        // scipy.stats.kruskal(a, b, c)
        let groups: [[Double]] = [[5, 6, 7, 4, 6, 7, 7, 3, 5, 6, 6, 7], [4, 5, 3, 6, 4, 5, 2, 4, 5, 3, 4], [7, 7, 6, 5, 7, 6]]
        let kruskal = try #require(GroupTests.kruskalWallis(groups))
        #expect(close(kruskal.statistic, 12.099090675331343, 1e-9) && close(kruskal.pValue, 0.002358934281277135, 1e-9))
        // scipy.stats.false_discovery_control([0.01, 0.04, 0.03, 0.20, 0.005], method="bh")
        let adjusted = GroupTests.benjaminiHochberg([0.01, 0.04, 0.03, 0.20, 0.005])
        for (value, reference) in zip(adjusted, [0.025, 0.05, 0.05, 0.2, 0.025]) { #expect(close(value, reference, 1e-12)) }
        // scipy.stats.fisher_exact
        #expect(close(GroupTests.fisherExact(1, 9, 11, 3), 0.0027594561852200836, 1e-12))
        // scipy.stats.chi2.sf
        for (x, df, reference) in [(3.5, 2.0, 0.1737739434504451), (12.3, 4, 0.015254394655769615), (0.2, 1, 0.6547208460185768), (40, 7, 1.258790387371308e-06)] {
            #expect(close(Distributions.chiSquaredSurvival(x, df: df), reference, reference * 1e-9))
        }
        // A page's comparisons adjusted together: the smaller p of two doubles (BH with m = 2), the larger stays.
        let changes = FeedbackMetrics.adjustedTogether([
            FeedbackMetrics.change(from: Proportion(successes: 120, n: 200), to: Proportion(successes: 150, n: 210)), nil,
            FeedbackMetrics.change(from: Proportion(successes: 100, n: 200), to: Proportion(successes: 104, n: 200)),
        ])
        #expect(changes[1] == nil && close(changes[0]?.adjustedPValue, 2 * 0.014716339569308923, 1e-12) && changes[0]?.isSignificant == true)
        #expect(changes[2].map { $0.adjustedPValue == $0.pValue && !$0.isSignificant } == true)
    }
}
