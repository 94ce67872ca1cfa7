import CairnAnalytics
import Testing

@Suite("Employee experience figures: correlation across stores, small groups kept anonymous")
struct WorkforceStatisticsTests {
    @Test("Pearson's r, its p-value and Fisher's interval equal SciPy 1.17.1's pearsonr")
    func pearson() {
        // scipy.stats.pearsonr([12,30,-5,45,20,8,33,-10], [40,52,31,60,47,35,58,22]): statistic 0.983040335398128,
        // pvalue 1.204068555792404e-05, confidence_interval(0.95) (0.9059136259848536, 0.9970410685616331).
        let stores = Correlation(zip([12.0, 30, -5, 45, 20, 8, 33, -10], [40.0, 52, 31, 60, 47, 35, 58, 22]).map { ($0, $1) })
        #expect(abs(stores.r! - 0.983040335398128) < 1e-12)
        #expect(abs(stores.p! - 1.204068555792404e-05) < 1e-9)
        #expect(abs(stores.lower! - 0.9059136259848536) < 1e-9 && abs(stores.upper! - 0.9970410685616331) < 1e-9)
        // Five stores: r 0.8, p 0.10408803866182782, interval (−0.279640041969355, 0.9861961933012714) — five stores
        // cannot tell a strong correlation from none.
        let few = Correlation(zip([1.0, 2, 3, 4, 5], [2.0, 1, 4, 3, 5]).map { ($0, $1) })
        #expect(abs(few.r! - 0.8) < 1e-12 && abs(few.p! - 0.10408803866182782) < 1e-9)
        #expect(abs(few.lower! - -0.279640041969355) < 1e-9 && abs(few.upper! - 0.9861961933012714) < 1e-9)
        #expect(Correlation([(1, 2), (2, 3)]).r == nil, "two stores make no correlation")
        #expect(Correlation([(1, 2), (2, 2), (3, 2)]).r == nil, "a side that does not vary")
        #expect(Correlation([(1, 2), (2, 3), (3, 5)]).lower == nil, "three stores: r, but no interval")
    }

    @Test("A group under five is hidden, and so are the smallest shown beside it until the hidden ones hold five")
    func smallGroups() {
        #expect(SmallGroups.shown(["a": 12, "b": 7, "c": 5]) == ["a", "b", "c"])
        // c (3) alone hidden would be the total minus a and b: b (the smallest shown) is hidden with it (3 + 7 ≥ 5).
        #expect(SmallGroups.shown(["a": 12, "b": 7, "c": 3]) == ["a"])
        // Two small groups already holding five between them protect each other.
        #expect(SmallGroups.shown(["a": 12, "b": 3, "c": 2]) == ["a"])
        #expect(SmallGroups.shown(["a": 12, "b": 2, "c": 2, "d": 6]) == ["a"], "2 + 2 < 5: d (6) goes too, then 10 hidden")
        // A group with no answers hides nothing.
        #expect(SmallGroups.shown(["a": 12, "b": 9, "c": 0]) == ["a", "b"])
        #expect(SmallGroups.mayShow(4) == false && SmallGroups.mayShow(5))
    }
}
