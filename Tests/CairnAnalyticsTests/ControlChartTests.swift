@testable import CairnAnalytics
import Foundation
import Testing

@Suite("EWMA control chart with a weekday baseline")
struct ControlChartTests {
    /// Two weeks of training with a weekday pattern and residuals of exactly ±1: MAD 1, two days of each weekday
    /// (k = 2), spread 1.4826 · √((1 + 1/2) · 2) = 2.5679; then every day 5 below its weekday: scaled residual −1.9471;
    /// worked by hand (λ 0.2, L 3.5): z₃ = −0.950 inside ±1.002, z₄ = −1.150 beyond ±1.064 — the alarm on the fourth
    /// monitored day, the run starting on the first.
    @Test("A hand-worked drop alarms on the fourth day, since the first; a rise of the same size does not when lower is worse")
    func handWorked() throws {
        let pattern: [Double] = [40, 42, 41, 43, 45, 50, 48]
        var series: [Double] = [], weekdays: [Int] = []
        for day in 0..<14 {
            series.append(pattern[day % 7] + (day % 2 == 0 ? 1 : -1))
            weekdays.append(day % 7)
        }
        for day in 14..<24 {
            series.append(pattern[day % 7] - 5)
            weekdays.append(day % 7)
        }
        let alarm = try #require(ControlChart.firstAlarm(series: series, weekdays: weekdays, trainingDays: 14, direction: .lowerIsWorse))
        #expect(alarm.day == 17 && alarm.since == 14)
        #expect(abs(alarm.spread - 2.5679385273) < 1e-9 && abs((alarm.normal - alarm.recent) - 5) < 1e-9)
        let rising = series.enumerated().map { $0.offset < 14 ? $0.element : $0.element + 10 }
        #expect(ControlChart.firstAlarm(series: rising, weekdays: weekdays, trainingDays: 14, direction: .lowerIsWorse) == nil)
        #expect(ControlChart.firstAlarm(series: rising, weekdays: weekdays, trainingDays: 14, direction: .higherIsWorse)?.day == 17)
        #expect(ControlChart.firstAlarm(series: Array(series.prefix(20)), weekdays: Array(weekdays.prefix(20)), trainingDays: 13, direction: .lowerIsWorse) == nil,
                "under two weeks of training: no judgement")
    }

    /// The same training and drop, then back to the pattern from day 24, with day 20 unknown (NaN: too few answers).
    /// By hand, skipping day 20: z₂₃ = −1.686, z₂₄ = 0.8 · z₂₃ = −1.349 still beyond −1.160, z₂₅ = −1.079 inside −1.162:
    /// one episode, alarm on 17 since 14, last day 24, ended 25; its mean over 14…24 without day 20 is 4.5 below normal.
    @Test("An episode lasts while the chart stays beyond its limit, ends when it comes back, and skips unknown days")
    func episodeEnds() throws {
        let pattern: [Double] = [40, 42, 41, 43, 45, 50, 48]
        var series: [Double] = [], weekdays: [Int] = []
        for day in 0..<40 {
            series.append(day < 14 ? pattern[day % 7] + (day % 2 == 0 ? 1 : -1) : day < 24 ? pattern[day % 7] - 5 : pattern[day % 7])
            weekdays.append(day % 7)
        }
        series[20] = .nan
        let episodes = ControlChart.episodes(series: series, weekdays: weekdays, trainingDays: 14, direction: .lowerIsWorse)
        #expect(episodes.count == 1)
        let episode = try #require(episodes.first)
        #expect(episode.alarm.day == 17 && episode.alarm.since == 14 && episode.lastDay == 24 && episode.ended == 25)
        #expect(abs((episode.normal - episode.recent) - 4.5) < 1e-9)
        // A second drop from day 34 on is a second episode, still open at the end.
        let again = series.enumerated().map { $0.offset >= 34 ? $0.element - 5 : $0.element }
        let both = ControlChart.episodes(series: again, weekdays: weekdays, trainingDays: 14, direction: .lowerIsWorse)
        #expect(both.count == 2 && both.last?.ended == nil && (both.last?.alarm.since ?? 0) >= 34)
    }

    /// Standard normal noise by Box–Muller on SplitMix64, around a weekday pattern.
    static func simulate(days: Int, shiftFrom: Int?, shift: Double, seed: UInt64) -> (series: [Double], weekdays: [Int]) {
        var random = SplitMix64(seed: seed)
        func uniform() -> Double { (Double(random.next() >> 11) + 0.5) / Double(1 << 53) }
        let pattern: [Double] = [60, 62, 58, 55, 57, 66, 70]
        var series: [Double] = [], weekdays: [Int] = []
        for day in 0..<days {
            let noise = (-2 * log(uniform())).squareRoot() * cos(2 * Double.pi * uniform())
            series.append(pattern[day % 7] + 4 * noise - (shiftFrom.map { day >= $0 } == true ? shift * 4 : 0))
            weekdays.append(day % 7)
        }
        return (series, weekdays)
    }

    /// Measured (docs/journeys.md): stable series — 8 weeks of training, 90 monitored days — and series whose level
    /// drops by 1 or 2 standard deviations on the 10th monitored day.
    @Test("False alarms on stable series stay rare; a planted 2σ drop is found within days, a 1σ drop within weeks")
    func simulated() {
        var falseAlarms = 0
        let stable = 2_000
        for seed in 0..<stable {
            let (series, weekdays) = Self.simulate(days: 56 + 90, shiftFrom: nil, shift: 0, seed: UInt64(seed))
            if ControlChart.firstAlarm(series: series, weekdays: weekdays, trainingDays: 56, direction: .lowerIsWorse) != nil { falseAlarms += 1 }
        }
        // 180,000 monitored days: the share of 90-day stretches with a false alarm.
        let falseShare = Double(falseAlarms) / Double(stable)
        #expect(falseShare < 0.08, "\(falseAlarms) of \(stable) stable 90-day stretches alarmed")
        for (shift, medianBound) in [(2.0, 5), (1.0, 15)] {
            var delays: [Int] = []
            for seed in 0..<1_000 {
                let (series, weekdays) = Self.simulate(days: 56 + 90, shiftFrom: 56 + 9, shift: shift, seed: UInt64(10_000 + seed))
                if let alarm = ControlChart.firstAlarm(series: series, weekdays: weekdays, trainingDays: 56, direction: .lowerIsWorse), alarm.day >= 56 + 9 {
                    delays.append(alarm.day - (56 + 9) + 1)
                }
            }
            let sorted = delays.sorted()
            #expect(delays.count > 900, "\(shift)σ: found in \(delays.count) of 1000")
            #expect(sorted[sorted.count / 2] <= medianBound, "\(shift)σ: median delay \(sorted[sorted.count / 2]) days")
            print("control chart: \(shift)σ drop found in \(delays.count)/1000, median delay \(sorted[sorted.count / 2]) days, 90th percentile \(sorted[sorted.count * 9 / 10])")
        }
        print("control chart: \(falseAlarms) of \(stable) stable 90-day stretches alarmed (\(falseShare * 100) %)")
    }
}
