import Foundation

/// Exponential smoothing in state-space form with additive errors (Hyndman, Koehler, Ord & Snyder, *Forecasting with
/// Exponential Smoothing*, 2008): ETS(A,N|A|Ad,N|A).
///
///     ŷₜ = ℓₜ₋₁ + φ bₜ₋₁ + sₜ₋ₘ,  eₜ = yₜ − ŷₜ
///     ℓₜ = ℓₜ₋₁ + φ bₜ₋₁ + α eₜ,  bₜ = φ bₜ₋₁ + β eₜ,  sₜ = sₜ₋ₘ + γ eₜ
///
/// The h-step forecast is ℓ_T + φₕ b_T + s_{T+h−m(k+1)} (φₕ = φ + … + φʰ, k = ⌊(h−1)/m⌋) with variance
/// σ² [1 + Σ_{j<h} (α + β φⱼ + γ·[j mod m = 0])²] (class 1 of the book, section 6.3), so intervals are normal.
public struct ExponentialSmoothing: Sendable, Hashable, Codable {
    public enum Trend: String, Sendable, Hashable, Codable { case none, additive, damped }

    public var trend: Trend
    /// 0 without seasonality.
    public var seasonLength: Int
    public var alpha: Double
    public var beta: Double
    public var gamma: Double
    public var phi: Double
    public var level: Double
    public var slope: Double
    /// Initial seasonal states, oldest first (m of them).
    public var seasons: [Double]
    /// The one-step residuals' variance (SSE / (n − parameters)).
    public var variance: Double = 0
    public var aicc: Double = .infinity

    public init(trend: Trend, seasonLength: Int, alpha: Double, beta: Double = 0, gamma: Double = 0, phi: Double = 1, level: Double, slope: Double = 0,
                seasons: [Double] = []) {
        self.trend = trend
        self.seasonLength = seasonLength
        self.alpha = alpha
        self.beta = beta
        self.gamma = gamma
        self.phi = phi
        self.level = level
        self.slope = slope
        self.seasons = seasons
    }

    var dampening: Double { trend == .damped ? phi : 1 }

    /// Runs the filter over `y`: the one-step forecasts, and the final level, slope and last m seasonal states.
    public func filter(_ y: [Double]) -> (fitted: [Double], level: Double, slope: Double, seasons: [Double]) {
        var l = level, b = trend == .none ? 0 : slope, s = seasons
        let m = seasonLength, f = dampening
        var fitted: [Double] = []
        fitted.reserveCapacity(y.count)
        for (t, value) in y.enumerated() {
            let season = m > 0 ? s[t % m] : 0
            let forecast = l + f * b + season
            fitted.append(forecast)
            let e = value - forecast
            let previous = l
            l = previous + f * b + alpha * e
            if trend != .none { b = f * b + beta * e }
            if m > 0 { s[t % m] = season + gamma * e }
        }
        // Seasonal states in the order they come next.
        let rotated = m > 0 ? (0..<m).map { s[(y.count + $0) % m] } : []
        return (fitted, l, b, rotated)
    }

    public struct Point: Sendable, Hashable, Codable {
        public var mean: Double
        public var lower80: Double
        public var upper80: Double
        public var lower95: Double
        public var upper95: Double
    }

    /// Forecasts for the `horizon` periods after `y` (the series the model was fitted to).
    public func forecast(_ y: [Double], horizon: Int) -> [Point] {
        let state = filter(y)
        let m = seasonLength, f = dampening
        var points: [Point] = []
        var sumSquares = 0.0
        for h in 1...max(1, horizon) {
            let phiH = trend == .none ? 0 : (f == 1 ? Double(h) : (1...h).reduce(0.0) { $0 + pow(f, Double($1)) })
            let season = m > 0 ? state.seasons[(h - 1) % m] : 0
            let mean = state.level + phiH * state.slope + season
            let sd = (variance * (1 + sumSquares)).squareRoot()
            points.append(Point(mean: mean, lower80: mean - 1.281552 * sd, upper80: mean + 1.281552 * sd, lower95: mean - 1.959964 * sd, upper95: mean + 1.959964 * sd))
            // c_h for the next step's variance.
            let phiJ = trend == .none ? 0 : (f == 1 ? Double(h) : (1...h).reduce(0.0) { $0 + pow(f, Double($1)) })
            let c = alpha + (trend == .none ? 0 : beta * phiJ) + (m > 0 && h % m == 0 ? gamma : 0)
            sumSquares += c * c
        }
        return points
    }

    /// Initial states by the usual heuristic: level the mean of the first season (or of the first values), slope the
    /// change between the first two seasons' means per period, seasons the first season's deviations from its mean.
    static func initialStates(_ y: [Double], trend: Trend, seasonLength m: Int) -> (level: Double, slope: Double, seasons: [Double]) {
        if m > 1, y.count >= 2 * m {
            let first = Array(y[0..<m]), second = Array(y[m..<(2 * m)])
            let mean1 = first.reduce(0, +) / Double(m), mean2 = second.reduce(0, +) / Double(m)
            return (mean1, trend == .none ? 0 : (mean2 - mean1) / Double(m), first.map { $0 - mean1 })
        }
        let k = min(y.count, 4)
        let head = Array(y.prefix(k)), level = head.reduce(0, +) / Double(max(1, k))
        let slope = trend == .none || y.count < 2 ? 0 : (y[min(y.count - 1, k)] - y[0]) / Double(min(y.count - 1, k))
        return (level, slope, [])
    }

    /// Fits one form by least squares of the one-step errors (the likelihood's maximum for additive errors) over the
    /// smoothing parameters, inside the usual region 0 < α < 1, 0 < β < α, 0 < γ < 1 − α, 0.8 ≤ φ ≤ 0.98.
    public static func fit(_ y: [Double], trend: Trend, seasonLength: Int) -> ExponentialSmoothing? {
        let m = seasonLength > 1 && y.count >= 2 * seasonLength + 2 ? seasonLength : 0
        guard y.count >= (m > 0 ? 2 * m + 2 : 4) else { return nil }
        let start = initialStates(y, trend: trend, seasonLength: m)
        func logistic(_ x: Double) -> Double { 1 / (1 + exp(-x)) }
        func model(_ p: [Double]) -> ExponentialSmoothing {
            let alpha = 0.0001 + 0.9998 * logistic(p[0])
            var index = 1
            var beta = 0.0, phi = 1.0, gamma = 0.0
            if trend != .none { beta = alpha * logistic(p[index]); index += 1 }
            if trend == .damped { phi = 0.8 + 0.18 * logistic(p[index]); index += 1 }
            if m > 0 { gamma = (1 - alpha) * logistic(p[index]) }
            return ExponentialSmoothing(trend: trend, seasonLength: m, alpha: alpha, beta: beta, gamma: gamma, phi: phi, level: start.level,
                                        slope: start.slope, seasons: start.seasons)
        }
        let count = 1 + (trend != .none ? 1 : 0) + (trend == .damped ? 1 : 0) + (m > 0 ? 1 : 0)
        func sse(_ p: [Double]) -> Double {
            let fitted = model(p).filter(y).fitted
            let value = zip(y, fitted).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
            return value.isFinite ? value : .infinity
        }
        let (best, _) = NelderMead.minimise(sse, from: [Double](repeating: -1, count: count), step: 1, tolerance: 1e-10, maxIterations: 4_000)
        var fitted = model(best)
        let n = Double(y.count), k = Double(count + 1 + (trend != .none ? 1 : 0) + m)
        let error = sse(best)
        fitted.variance = error / max(1, n - k)
        let logLikelihood = -0.5 * n * (log(2 * .pi * max(error / n, 1e-300)) + 1)
        fitted.aicc = n - k - 1 > 0 ? -2 * logLikelihood + 2 * k + 2 * k * (k + 1) / (n - k - 1) : .infinity
        return fitted
    }

    /// The form with the lowest AICc among no trend, trend and damped trend, each with seasonality when the series
    /// holds two seasons and more.
    public static func select(_ y: [Double], seasonLength: Int) -> ExponentialSmoothing? {
        var candidates: [ExponentialSmoothing] = []
        for trend in [Trend.none, .additive, .damped] {
            for season in Set([0, seasonLength]) {
                if let fit = fit(y, trend: trend, seasonLength: season) { candidates.append(fit) }
            }
        }
        return candidates.min { $0.aicc < $1.aicc }
    }
}

/// A forecast's backtest: from several origins near the end of the series, the model fitted on what came before,
/// its forecasts of the next `horizon` periods against what happened, beside the seasonal-naive forecast (the value
/// one season earlier; the last value without seasons).
public enum ForecastBacktest {
    public struct Result: Sendable, Hashable, Codable {
        public var origins: Int
        public var horizon: Int
        /// Mean absolute scaled error: the forecasts' mean absolute error over the in-sample mean absolute error of the
        /// seasonal-naive one-step forecast (Hyndman & Koehler 2006), for the model and for seasonal naive.
        public var mase: Double
        public var naiveMASE: Double
        /// Shares of the actual values inside the 80 % and 95 % intervals.
        public var coverage80: Double
        public var coverage95: Double
    }

    /// Seasonal naive's one-step in-sample mean absolute error (the MASE scale).
    static func scale(_ y: [Double], seasonLength m: Int) -> Double {
        let lag = m > 1 && y.count > m ? m : 1
        guard y.count > lag else { return .nan }
        return (lag..<y.count).reduce(0) { $0 + abs(y[$1] - y[$1 - lag]) } / Double(y.count - lag)
    }

    public static func run(_ y: [Double], seasonLength: Int, horizon: Int, origins: Int) -> Result? {
        var errors = 0.0, naiveErrors = 0.0, count = 0, inside80 = 0, inside95 = 0, used = 0
        for origin in stride(from: y.count - horizon, to: y.count - horizon - origins, by: -1) where origin > 0 {
            let history = Array(y[0..<origin]), actual = Array(y[origin..<min(y.count, origin + horizon)])
            guard let model = ExponentialSmoothing.select(history, seasonLength: seasonLength) else { continue }
            let s = scale(history, seasonLength: seasonLength)
            guard s.isFinite, s > 0 else { continue }
            used += 1
            let points = model.forecast(history, horizon: actual.count)
            let lag = seasonLength > 1 && history.count >= seasonLength ? seasonLength : 1
            for (h, value) in actual.enumerated() {
                let naive = history[history.count - lag + (h % lag)]
                errors += abs(value - points[h].mean) / s
                naiveErrors += abs(value - naive) / s
                count += 1
                if value >= points[h].lower80 && value <= points[h].upper80 { inside80 += 1 }
                if value >= points[h].lower95 && value <= points[h].upper95 { inside95 += 1 }
            }
        }
        guard count > 0 else { return nil }
        return Result(origins: used, horizon: horizon, mase: errors / Double(count), naiveMASE: naiveErrors / Double(count),
                      coverage80: Double(inside80) / Double(count), coverage95: Double(inside95) / Double(count))
    }
}
