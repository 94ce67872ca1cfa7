import CairnAnalytics
import Foundation
import Testing

@Suite("Spikes against a weekday baseline")
struct SpikeDetectorTests {
    @Test("The Poisson tail equals the sum of the probabilities below it, worked out exactly")
    func poissonTail() {
        // 1 − Σ_{i<k} e^{−λ} λ^i / i! (the same as SciPy's poisson.sf(k − 1, λ)).
        #expect(abs(SpikeDetector.poissonUpperTail(5, mean: 1) - 0.00365984682734366) < 1e-12)
        #expect(abs(SpikeDetector.poissonUpperTail(10, mean: 4) - 0.00813224279693403) < 1e-12)
        #expect(SpikeDetector.poissonUpperTail(0, mean: 4) == 1)
    }

    static let tuesdays = [4, 6, 3, 5, 2, 4, 6, 2].map { SpikeDetector.Day(weekday: 1, count: $0) }

    @Test("34 cases on a Tuesday that usually has 4 ± 2 is a spike; 7 is not; a quiet Monday's history says nothing of Tuesday")
    func spikes() throws {
        let history = Self.tuesdays + (0..<8).map { _ in SpikeDetector.Day(weekday: 0, count: 40) }
        let spike = try #require(SpikeDetector.assess(history: history, today: 34, weekday: 1))
        #expect(spike.isSpike && spike.typical == 4 && (spike.spread * 10).rounded() / 10 == 1.6)
        #expect(try #require(SpikeDetector.assess(history: history, today: 7, weekday: 1)).isSpike == false)
        // Half the day gone: 12 so far against an expected 2 is a spike already.
        #expect(try #require(SpikeDetector.assess(history: history, today: 12, weekday: 1, fractionOfDay: 0.5)).isSpike)
        // Fewer than three Tuesdays: no judgement.
        #expect(SpikeDetector.assess(history: Array(Self.tuesdays.prefix(2)), today: 50, weekday: 1) == nil)
        // Below the minimum count a jump from nothing is not an alarm.
        #expect(try #require(SpikeDetector.assess(history: (0..<8).map { _ in .init(weekday: 3, count: 0) }, today: 4, weekday: 3)).isSpike == false)
    }

    /// Knuth's multiplication method for a Poisson draw (fine for means below ~30).
    static func poisson(_ mean: Double, _ random: inout SplitMix64) -> Int {
        let limit = exp(-mean)
        var k = 0, product = Double.random(in: 0..<1, using: &random)
        while product > limit { k += 1; product *= Double.random(in: 0..<1, using: &random) }
        return k
    }

    /// A gamma draw (Marsaglia and Tsang, shape ≥ 1) for a gamma–Poisson (overdispersed) series.
    static func gamma(shape: Double, scale: Double, _ random: inout SplitMix64) -> Double {
        let d = shape - 1.0 / 3, c = 1 / (9 * d).squareRoot()
        while true {
            var x = 0.0, v = 0.0
            repeat {
                // Box–Muller normal.
                let u1 = Double.random(in: Double.ulpOfOne..<1, using: &random), u2 = Double.random(in: 0..<1, using: &random)
                x = (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2)
                v = 1 + c * x
            } while v <= 0
            v = v * v * v
            let u = Double.random(in: 0..<1, using: &random)
            if log(u) < 0.5 * x * x + d - d * v + d * log(v) { return d * v * scale }
        }
    }

    /// Stable simulated series (a weekday pattern, no change): the share of days called spikes.
    static func falseAlarmRate(overdispersed: Bool, seed: UInt64) -> (rate: Double, days: Int) {
        var random = SplitMix64(seed: seed)
        let pattern = [4.0, 5, 5, 4, 6, 2, 1]
        var alarms = 0, days = 0
        for series in 0..<400 {
            let level = [0.5, 1, 3, 8][series % 4]
            var history: [SpikeDetector.Day] = []
            for day in 0..<(7 * 8 + 28) {
                let weekday = day % 7
                var mean = pattern[weekday] * level
                if overdispersed { mean = gamma(shape: 4, scale: mean / 4, &random) }
                let count = poisson(mean, &random)
                if day >= 7 * 8 {
                    days += 1
                    if SpikeDetector.assess(history: history, today: count, weekday: weekday)?.isSpike == true { alarms += 1 }
                }
                history.append(.init(weekday: weekday, count: count))
            }
        }
        return (Double(alarms) / Double(days), days)
    }

    @Test("False alarms on stable simulated series stay rare: Poisson counts and overdispersed (gamma–Poisson) counts, 11,200 days each")
    func falseAlarms() {
        let poisson = Self.falseAlarmRate(overdispersed: false, seed: 17)
        let overdispersed = Self.falseAlarmRate(overdispersed: true, seed: 23)
        #expect(poisson.days == 11_200 && overdispersed.days == 11_200)
        print("false-alarm rates: Poisson \(poisson.rate), overdispersed \(overdispersed.rate)")
        #expect(poisson.rate < 0.003, "Poisson false-alarm rate \(poisson.rate)")
        #expect(overdispersed.rate < 0.01, "overdispersed false-alarm rate \(overdispersed.rate)")
    }
}
