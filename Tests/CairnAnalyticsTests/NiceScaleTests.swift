import CairnAnalytics
import Foundation
import Testing

@Suite("Nice axis scales (Heckbert 1990)")
struct NiceScaleTests {
    /// Expected values worked by hand from Heckbert's loose-labelling procedure in Graphics Gems (1990), pp. 61–63.
    @Test("Known ranges give Heckbert's labels", arguments: [
        (0.0, 12.0, 5, 0.0, 15.0, 5.0),
        (0.0, 100.0, 5, 0.0, 100.0, 20.0),
        (-3.2, 7.9, 5, -5.0, 10.0, 5.0),
        (0.11, 0.97, 6, 0.0, 1.0, 0.2),
        (1200, 1999, 4, 1000.0, 2000.0, 500.0),
    ])
    func knownRanges(min: Double, max: Double, ticks: Int, lower: Double, upper: Double, step: Double) {
        let scale = NiceScale(minimum: min, maximum: max, maximumTicks: ticks)
        #expect(abs(scale.lowerBound - lower) < 1e-9)
        #expect(abs(scale.upperBound - upper) < 1e-9)
        #expect(abs(scale.step - step) < 1e-9)
    }

    @Test("For many random ranges the axis covers the data with 1-2-5 steps and few ticks")
    func invariants() {
        var generator = SplitMix64(seed: 2026)
        for _ in 0..<5000 {
            let a = Double.random(in: -1e6...1e6, using: &generator) / pow(10, Double(Int.random(in: 0...8, using: &generator)))
            let b = a + Double.random(in: 1e-6...1e6, using: &generator)
            let ticks = Int.random(in: 2...10, using: &generator)
            let scale = NiceScale(minimum: a, maximum: b, maximumTicks: ticks)
            #expect(scale.lowerBound <= a && scale.upperBound >= b)
            let mantissa = scale.step / pow(10, (log10(scale.step)).rounded(.down))
            #expect([1.0, 2.0, 5.0, 10.0].contains { abs($0 - mantissa) < 1e-6 }, "step \(scale.step) is 1, 2 or 5 × 10ⁿ")
            #expect(scale.ticks.count <= 2 * ticks + 2, "not far more ticks than asked for")
            #expect(scale.ticks.count >= 2)
        }
    }

    @Test("Counts never get fractional ticks")
    func wholeNumbers() {
        let scale = NiceScale(minimum: 0, maximum: 2, maximumTicks: 5, wholeNumbers: true)
        #expect(scale.ticks == [0, 1, 2])
        #expect(NiceScale(minimum: 0, maximum: 2, maximumTicks: 5).ticks == [0, 0.5, 1, 1.5, 2])
    }

    @Test("A flat series gets a usable axis")
    func flatSeries() {
        #expect(NiceScale(minimum: 0, maximum: 0).ticks.first == 0)
        #expect(NiceScale(minimum: 0, maximum: 0).upperBound == 1)
        let positive = NiceScale(minimum: 7, maximum: 7)
        #expect(positive.lowerBound <= 0 && positive.upperBound >= 7)
    }
}
