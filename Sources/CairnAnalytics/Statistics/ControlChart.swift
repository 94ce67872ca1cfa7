import Foundation

/// An EWMA control chart with a weekday baseline, for "where does the business underperform": NPS or CSAT of a
/// touchpoint, the late-delivery rate, a funnel step's conversion, cases about a product — each a daily series.
///
/// The baseline of each weekday is its mean over the training days (the series before the monitored stretch); the
/// day's residual is its value minus its weekday's baseline, scaled by the residuals' robust spread (1.4826 × the
/// median absolute deviation, so an outlier in training does not widen the limits). The chart smooths the scaled
/// residuals, `z_t = λ r_t + (1 − λ) z_{t−1}` (λ = 0.2), and alarms when `|z_t|` passes `L · √(λ/(2 − λ) · (1 − (1 −
/// λ)^{2t}))` in the harmful direction (Lucas & Saccucci, "Exponentially weighted moving average control schemes",
/// Technometrics 32(1), 1990; L = 3 gives an in-control run of about 1,000 days between false alarms at λ = 0.2 for
/// independent normal residuals).
public enum ControlDirection: String, Sendable, Hashable, Codable {
    /// Lower is worse (NPS, CSAT, conversion).
    case lowerIsWorse = "lower_is_worse"
    /// Higher is worse (late deliveries, cases).
    case higherIsWorse = "higher_is_worse"
}

public struct ControlAlarm: Sendable, Hashable {
    /// Index of the day the chart passed its limit.
    public var day: Int
    /// Index of the first day of the run of harmful residuals that led there (since when).
    public var since: Int
    /// The monitored days' mean from `since` to `day`, and the baseline of the same weekdays over those days.
    public var recent: Double
    public var normal: Double
    /// The robust spread of a day's residual.
    public var spread: Double
}

public enum ControlChart {
    public static let lambda = 0.2
    public static let limit = 3.5

    /// Watches `series[trainingDays...]` against the baseline learnt from `series[..<trainingDays]`; `weekdays[i]`
    /// (0…6) is day i's weekday. Returns the first alarm, or nil. Nil too when training is shorter than two weeks or
    /// its residuals do not vary.
    public static func firstAlarm(series: [Double], weekdays: [Int], trainingDays: Int, direction: ControlDirection) -> ControlAlarm? {
        guard trainingDays >= 14, series.count == weekdays.count, series.count > trainingDays else { return nil }
        var sums = [Double](repeating: 0, count: 7), counts = [Double](repeating: 0, count: 7)
        for index in 0..<trainingDays {
            sums[weekdays[index]] += series[index]
            counts[weekdays[index]] += 1
        }
        let overall = sums.reduce(0, +) / max(1, counts.reduce(0, +))
        let baseline = (0..<7).map { counts[$0] > 0 ? sums[$0] / counts[$0] : overall }
        let trainingResiduals = (0..<trainingDays).map { series[$0] - baseline[weekdays[$0]] }
        let median = Self.median(trainingResiduals)
        // The residuals were measured against means fitted on the same days (each about k days of its weekday): a new
        // day's residual also carries its weekday mean's own error. Both widen the spread by √((1 + 1/k) · k/(k − 1)).
        let k = max(2, counts.filter { $0 > 0 }.min() ?? 2)
        let spread = 1.4826 * Self.median(trainingResiduals.map { abs($0 - median) }) * ((1 + 1 / k) * k / (k - 1)).squareRoot()
        guard spread > 0 else { return nil }
        let sign = direction == .lowerIsWorse ? -1.0 : 1.0
        var z = 0.0
        var runStart: Int?
        for (step, index) in (trainingDays..<series.count).enumerated() {
            let residual = (series[index] - baseline[weekdays[index]]) / spread
            if sign * residual > 0 { runStart = runStart ?? index } else if sign * z <= 0 { runStart = nil }
            z = lambda * residual + (1 - lambda) * z
            let t = Double(step + 1)
            let bound = limit * (lambda / (2 - lambda) * (1 - pow(1 - lambda, 2 * t))).squareRoot()
            if sign * z > bound {
                let since = runStart ?? index
                let days = since...index
                let recent = days.reduce(0.0) { $0 + series[$1] } / Double(days.count)
                let normal = days.reduce(0.0) { $0 + baseline[weekdays[$1]] } / Double(days.count)
                return ControlAlarm(day: index, since: since, recent: recent, normal: normal, spread: spread)
            }
        }
        return nil
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return 0 }
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }
}
