@testable import CairnAnalytics
import Testing

/// Expected values computed outside the code under test: NumPy 2.4.6 — the symmetric square root of the predictors'
/// correlation matrix by `numpy.linalg.eigh`, `β = Λ⁻¹ r_xy`, `ε = (Λ∘Λ) β²` (Johnson 2000) — and R² of an ordinary
/// least-squares fit by `numpy.linalg.lstsq` (the weights must add up to it).
@Suite("Relative weights (Johnson 2000) against NumPy")
struct RelativeWeightsTests {
    // Three drivers of a 0–10 recommendation: delivery rating, product rating, a late parcel (0/1) — correlated.
    static let drivers: [[Double]] = [[4, 3, 1], [5, 4, 0], [3, 3, 1], [2, 1, 1], [5, 5, 0], [4, 4, 0], [1, 2, 1], [3, 2, 0], [5, 4, 1], [2, 2, 1], [4, 5, 0], [3, 4, 0]]
    static let outcome: [Double] = [9, 10, 7, 3, 10, 9, 2, 6, 8, 4, 9, 8]

    @Test("Raw weights, R² and the shares match NumPy to 1e-9")
    func weights() throws {
        let result = try #require(RelativeWeights.compute(drivers: Self.drivers, outcome: Self.outcome))
        for (got, expected) in zip(result.raw, [0.4548455982, 0.3202993082, 0.1387148487]) { #expect(abs(got - expected) < 1e-9) }
        #expect(abs(result.rSquared - 0.9138597552) < 1e-9, "the weights add up to the regression's R²")
        for (got, expected) in zip(result.percent, [49.771926, 35.049066, 15.179008]) { #expect(abs(got - expected) < 1e-5) }
    }

    @Test("Uncorrelated drivers: each weight is its squared correlation with the outcome; degenerate input gives none")
    func edges() throws {
        // x1 and x2 are orthogonal (correlation 0): the weights are r²(x1,y) and r²(x2,y), worked by hand:
        // x1 = ±1, x2 = ±1 in all four combinations twice, y = 2·x1 + x2 → r(x1,y) = 2/√5, r(x2,y) = 1/√5.
        let rows: [[Double]] = [[1, 1], [1, -1], [-1, 1], [-1, -1], [1, 1], [1, -1], [-1, 1], [-1, -1]]
        let y = rows.map { 2 * $0[0] + $0[1] }
        let result = try #require(RelativeWeights.compute(drivers: rows, outcome: y))
        #expect(abs(result.raw[0] - 0.8) < 1e-12 && abs(result.raw[1] - 0.2) < 1e-12 && abs(result.rSquared - 1) < 1e-12)
        #expect(RelativeWeights.compute(drivers: [[1, 2], [1, 3], [1, 4], [1, 5]], outcome: [1, 2, 3, 4]) == nil, "a driver that does not vary")
        #expect(RelativeWeights.compute(drivers: [[1, 2], [2, 4], [3, 6], [4, 8], [5, 10]], outcome: [1, 2, 3, 5, 4]) == nil, "perfectly collinear drivers")
        #expect(RelativeWeights.compute(drivers: [[1], [2]], outcome: [1, 2]) == nil, "too few rows")
    }

    @Test("Bootstrap intervals hold the estimate and are reproducible for a seed")
    func bootstrap() throws {
        let intervals = try #require(RelativeWeights.bootstrap(drivers: Self.drivers, outcome: Self.outcome, rounds: 300, seed: 7))
        let estimate = try #require(RelativeWeights.compute(drivers: Self.drivers, outcome: Self.outcome)).percent
        for (interval, value) in zip(intervals, estimate) { #expect(interval.lower <= value && value <= interval.upper && interval.lower >= 0 && interval.upper <= 100) }
        let again = try #require(RelativeWeights.bootstrap(drivers: Self.drivers, outcome: Self.outcome, rounds: 300, seed: 7))
        #expect(again.map(\.lower) == intervals.map(\.lower) && again.map(\.upper) == intervals.map(\.upper))
    }
}
