import Foundation

/// Pearson's correlation of paired figures with its two-sided p-value (t with n − 2 degrees of freedom) and its 95 %
/// interval by Fisher's z transformation, tanh(atanh r ± 1.96 / √(n − 3)) — as `scipy.stats.pearsonr` and its
/// `confidence_interval()`. Used across stores and teams (employee eNPS beside customer NPS), where n is small: the
/// interval says how little a handful of stores can show.
public struct Correlation: Sendable, Hashable, Codable {
    public var n: Int
    /// nil below 3 pairs or when either side does not vary.
    public var r: Double?
    public var p: Double?
    /// nil below 4 pairs (Fisher's interval needs n − 3 > 0).
    public var lower: Double?
    public var upper: Double?

    public init(_ pairs: [(x: Double, y: Double)]) {
        n = pairs.count
        guard n >= 3 else { return }
        let mx = pairs.map(\.x).reduce(0, +) / Double(n), my = pairs.map(\.y).reduce(0, +) / Double(n)
        var sxy = 0.0, sxx = 0.0, syy = 0.0
        for pair in pairs {
            sxy += (pair.x - mx) * (pair.y - my)
            sxx += (pair.x - mx) * (pair.x - mx)
            syy += (pair.y - my) * (pair.y - my)
        }
        guard sxx > 0, syy > 0 else { return }
        let r = max(-1, min(1, sxy / (sxx * syy).squareRoot()))
        self.r = r
        if abs(r) < 1 {
            let t = r * (Double(n - 2) / (1 - r * r)).squareRoot()
            p = Distributions.studentTTwoSidedP(t, df: Double(n - 2))
        } else {
            p = 0
        }
        guard n >= 4 else { return }
        let z = atanh(min(max(r, -0.999_999_999_999), 0.999_999_999_999)), half = Distributions.z95 / Double(n - 3).squareRoot()
        lower = tanh(z - half)
        upper = tanh(z + half)
    }
}
