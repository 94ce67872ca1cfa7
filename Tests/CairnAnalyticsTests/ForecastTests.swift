@testable import CairnAnalytics
import Foundation
import Testing

/// Exponential smoothing against statsmodels 0.15.0 (`ETSModel`, additive errors, damped trend, additive seasons,
/// known initial states, `smooth` with the same parameters), and the backtest's scaled errors by hand.
@Suite("Revenue forecast: exponential smoothing and its backtest")
struct ForecastTests {
    static let series: [Double] = [112, 118, 132, 129, 121, 135, 148, 148, 136, 119, 104, 118, 115, 126, 141, 135, 125, 149, 170, 170, 158, 133, 114,
                                   140, 145, 150, 178, 163, 172, 178]

    @Test("The filter, the forecasts and their intervals equal statsmodels' for the same parameters and states")
    func statsmodels() {
        var model = ExponentialSmoothing(trend: .damped, seasonLength: 4, alpha: 0.3, beta: 0.1, gamma: 0.2, phi: 0.9, level: 120, slope: 1.5,
                                         seasons: [-5, 3, 6, -4])
        let fitted = model.filter(Self.series).fitted
        for (ours, theirs) in zip(fitted.prefix(4), [116.35, 123.86849999999998, 125.32093499999999, 118.11745684999998]) { #expect(abs(ours - theirs) < 1e-9) }
        let sse = zip(Self.series, fitted).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
        #expect(abs(sse - 11897.355784704385) < 1e-6)
        // statsmodels estimates σ² as SSE / n for these intervals.
        model.variance = sse / Double(Self.series.count)
        let points = model.forecast(Self.series, horizon: 6)
        let means = [182.79169022092992, 185.22712752754475, 184.97882866260974, 188.61475303922487, 197.10770969763982, 198.11154505658365]
        let lower95 = [143.76041971377163, 143.33255373599084, 139.22823540539497, 138.1787360366164, 137.5920654944892, 133.1265802749242]
        let upper80 = [208.3128662314074, 212.62051692341632, 214.893533665282, 221.5930919573735, 236.02289773403731, 240.6029295971726]
        for h in 0..<6 {
            #expect(abs(points[h].mean - means[h]) < 1e-8, "\(h)")
            #expect(abs(points[h].lower95 - lower95[h]) < 1e-3 && abs(points[h].upper80 - upper80[h]) < 1e-3, "\(h): \(points[h])")
        }
    }

    /// A straight line y = 10 + 2t: the last value as forecast misses by 2h at step h, and its one-step in-sample error
    /// (the scale) is 2, so its MASE over horizons 1…H is (H + 1)/2; a trend model follows the line almost exactly.
    @Test("Backtest: MASE beside seasonal naive, and interval coverage")
    func backtest() throws {
        let line = (0..<40).map { 10 + 2 * Double($0) }
        let result = try #require(ForecastBacktest.run(line, seasonLength: 1, horizon: 6, origins: 4))
        #expect(result.origins == 4 && result.horizon == 6)
        #expect(abs(result.naiveMASE - 3.5) < 1e-12)
        #expect(result.mase < 0.1, "\(result)")
        // Fitted forms are chosen by AICc; on the seasonal series above the model beats seasonal naive.
        let seasonal = try #require(ForecastBacktest.run(Self.series, seasonLength: 4, horizon: 4, origins: 4))
        #expect(seasonal.coverage95 >= seasonal.coverage80 && (0...1).contains(seasonal.coverage80))
    }
}
