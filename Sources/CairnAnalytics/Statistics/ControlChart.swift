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
    /// Since when: the day after the CUSUM of harmful residuals (allowance ½ spread; E. S. Page, "Continuous inspection
    /// schemes", Biometrika 41, 1954) last stood at zero before the alarm — where the run that led to it began.
    public var since: Int
    /// The monitored days' mean from `since` to `day`, and the baseline of the same weekdays over those days.
    public var recent: Double
    public var normal: Double
    /// The robust spread of a day's residual.
    public var spread: Double
}

/// One stretch of the chart beyond its limit: from the day it passed (`alarm.day`) to the last day still beyond it;
/// `ended` is the first day back inside, nil while it lasts.
public struct ControlEpisode: Sendable, Hashable {
    public var alarm: ControlAlarm
    public var lastDay: Int
    public var ended: Int?
    /// The monitored days' mean from `since` to `lastDay` (what "has been" while it lasts).
    public var recent: Double
    public var normal: Double
}

public enum ControlChart {
    public static let lambda = 0.2
    public static let limit = 3.5

    /// Watches `series[trainingDays...]` against the baseline learnt from `series[..<trainingDays]`; `weekdays[i]`
    /// (0…6) is day i's weekday. Returns the first alarm, or nil. Nil too when training is shorter than two weeks or
    /// its residuals do not vary.
    public static func firstAlarm(series: [Double], weekdays: [Int], trainingDays: Int, direction: ControlDirection) -> ControlAlarm? {
        episodes(series: series, weekdays: weekdays, trainingDays: trainingDays, direction: direction).first?.alarm
    }

    /// Every episode beyond the limit in the monitored stretch, in order (see ``firstAlarm``). A day whose value is
    /// NaN (too few answers to say) is left out: of the baseline in training, and of the chart while monitoring (the
    /// chart keeps its value over it). Training needs two weeks of days with values.
    /// `minimumSpread` is the least a day's spread can be (e.g. what sampling alone gives a rate from a day's n): the
    /// median absolute deviation collapses when most training days share one value.
    public static func episodes(series: [Double], weekdays: [Int], trainingDays: Int, direction: ControlDirection, minimumSpread: Double = 0) -> [ControlEpisode] {
        guard trainingDays >= 14, series.count == weekdays.count, series.count > trainingDays else { return [] }
        var sums = [Double](repeating: 0, count: 7), counts = [Double](repeating: 0, count: 7)
        for index in 0..<trainingDays where !series[index].isNaN {
            sums[weekdays[index]] += series[index]
            counts[weekdays[index]] += 1
        }
        guard counts.reduce(0, +) >= 14 else { return [] }
        let overall = sums.reduce(0, +) / max(1, counts.reduce(0, +))
        let baseline = (0..<7).map { counts[$0] > 0 ? sums[$0] / counts[$0] : overall }
        let trainingResiduals = (0..<trainingDays).filter { !series[$0].isNaN }.map { series[$0] - baseline[weekdays[$0]] }
        let median = Self.median(trainingResiduals)
        // The residuals were measured against means fitted on the same days (each about k days of its weekday): a new
        // day's residual also carries its weekday mean's own error. Both widen the spread by √((1 + 1/k) · k/(k − 1)).
        let k = max(2, counts.filter { $0 > 0 }.min() ?? 2)
        let spread = max(minimumSpread, 1.4826 * Self.median(trainingResiduals.map { abs($0 - median) }) * ((1 + 1 / k) * k / (k - 1)).squareRoot())
        guard spread > 0 else { return [] }
        let sign = direction == .lowerIsWorse ? -1.0 : 1.0
        var z = 0.0
        var step = 0.0
        // Since when: Page's CUSUM of the harmful residuals (allowance ½ spread) — the day after it last stood at
        // zero is where the run that led to the alarm began (reset when an episode ends).
        var cusum = 0.0
        var lastZero = trainingDays - 1
        var found: [ControlEpisode] = []
        var open: ControlEpisode?
        func mean(_ days: ClosedRange<Int>, _ value: (Int) -> Double) -> Double {
            let kept = days.filter { !series[$0].isNaN }
            return kept.isEmpty ? .nan : kept.reduce(0.0) { $0 + value($1) } / Double(kept.count)
        }
        for index in trainingDays..<series.count {
            guard !series[index].isNaN else { continue }
            let residual = (series[index] - baseline[weekdays[index]]) / spread
            cusum = max(0, cusum + sign * residual - 0.5)
            if cusum == 0 { lastZero = index }
            z = lambda * residual + (1 - lambda) * z
            step += 1
            let bound = limit * (lambda / (2 - lambda) * (1 - pow(1 - lambda, 2 * step))).squareRoot()
            if sign * z > bound {
                if var episode = open {
                    episode.lastDay = index
                    episode.recent = mean(episode.alarm.since...index) { series[$0] }
                    episode.normal = mean(episode.alarm.since...index) { baseline[weekdays[$0]] }
                    open = episode
                } else {
                    let since = min(index, lastZero + 1)
                    let recent = mean(since...index) { series[$0] }, normal = mean(since...index) { baseline[weekdays[$0]] }
                    open = ControlEpisode(alarm: ControlAlarm(day: index, since: since, recent: recent, normal: normal, spread: spread),
                                          lastDay: index, ended: nil, recent: recent, normal: normal)
                }
            } else if var episode = open {
                episode.ended = index
                found.append(episode)
                open = nil
                cusum = 0
                lastZero = index
            }
        }
        if let open { found.append(open) }
        return found
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return 0 }
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }
}
