import Foundation

/// The MBG/NBD model (E. P. Batislam, M. Denizel, A. Filiztekin, "Empirical validation and comparison of models for
/// customer base analysis", International Journal of Research in Marketing 24(3), 2007): BG/NBD where a customer may
/// also drop out right after the first purchase, so a customer with no repeat purchase is not certainly alive.
public struct ModifiedBGNBD: Sendable, Hashable {
    public var r: Double
    public var alpha: Double
    public var a: Double
    public var b: Double

    public init(r: Double, alpha: Double, a: Double, b: Double) {
        self.r = r
        self.alpha = alpha
        self.a = a
        self.b = b
    }

    public struct Fit: Sendable {
        public var model: ModifiedBGNBD
        public var logLikelihood: Double
        /// Standard errors of r, α, a, b.
        public var standardErrors: [Double]?
        public var iterations: Int
        public var covariance: [[Double]]?
    }

    public static func logLikelihood(_ model: ModifiedBGNBD, _ table: PurchaseTable) -> Double {
        BetaGeometricLikelihood.logLikelihood(table, r: model.r, alpha: model.alpha, a: model.a, b: model.b, offset: 1)
    }

    public static func fit(_ customers: [PurchaseSummary]) -> Fit { fit(PurchaseTable(customers)) }

    public static func fit(_ table: PurchaseTable) -> Fit {
        let found = BetaGeometricLikelihood.fit(table, offset: 1)
        let p = found.parameters
        return Fit(model: ModifiedBGNBD(r: p[0], alpha: p[1], a: p[2], b: p[3]), logLikelihood: found.logLikelihood,
                   standardErrors: found.standardErrors, iterations: found.iterations, covariance: found.covariance)
    }

    /// P(alive at T) = 1 / (1 + a/(b+x) · ((α+T)/(α+t_x))^(r+x)).
    public func probabilityAlive(_ customer: PurchaseSummary) -> Double {
        let x = Double(customer.frequency)
        return 1 / (1 + a / (b + x) * pow((alpha + customer.age) / (alpha + customer.recency), r + x))
    }

    /// Expected purchases in the next `t`: (a+b+x)/(a−1) · [1 − ((α+T)/(α+T+t))^(r+x) ₂F₁(r+x, b+x+1; a+b+x; t/(α+T+t))]
    /// divided by 1 + a/(b+x) · ((α+T)/(α+t_x))^(r+x).
    public func expectedPurchases(_ customer: PurchaseSummary, next t: Double) -> Double {
        let x = Double(customer.frequency), T = customer.age
        let hyper = Hypergeometric.f21(r + x, b + x + 1, a + b + x, t / (alpha + T + t))
        let numerator = (a + b + x) / (a - 1) * (1 - pow((alpha + T) / (alpha + T + t), r + x) * hyper)
        return numerator / (1 + a / (b + x) * pow((alpha + T) / (alpha + customer.recency), r + x))
    }
}
