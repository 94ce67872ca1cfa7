@testable import CairnAnalytics
import Foundation
import Testing

/// The BG/NBD model on the CDNOW sample (2,357 customers, 39 calibration weeks; Fixtures/cdnow, origin in ORIGIN.md).
/// Published (Fader, Hardie & Lee 2005, Marketing Science 24(2)): r = 0.243, α = 4.414, a = 0.793, b = 2.426,
/// log-likelihood −9582.4; a customer with 2 repeat purchases, the last at week 30.43 of 38.86, is expected to make
/// 1.226 purchases in the next 39 weeks.
@Suite("BG/NBD on CDNOW, against the published fit")
struct BGNBDTests {
    static func cdnow() throws -> [PurchaseSummary] {
        let url = try #require(Bundle.module.url(forResource: "cdnow_summary", withExtension: "csv", subdirectory: "Fixtures/cdnow"))
        return try String(contentsOf: url, encoding: .utf8).split(whereSeparator: \.isNewline).dropFirst().map { line in
            let fields = line.split(separator: ",").map(String.init)
            return PurchaseSummary(frequency: Int(fields[1])!, recency: Double(fields[2])!, age: Double(fields[3])!)
        }
    }

    @Test("Maximum likelihood gives the published r, α, a, b and log-likelihood to their precision, with standard errors")
    func fit() throws {
        let customers = try Self.cdnow()
        #expect(customers.count == 2_357)
        let fit = BGNBD.fit(customers)
        let model = fit.model
        func rounded(_ value: Double, _ places: Double) -> Double { (value * pow(10, places)).rounded() / pow(10, places) }
        #expect(rounded(model.r, 3) == 0.243 && rounded(model.alpha, 3) == 4.414 && rounded(model.a, 3) == 0.793 && rounded(model.b, 3) == 2.426,
                "r \(model.r) α \(model.alpha) a \(model.a) b \(model.b)")
        #expect(rounded(fit.logLikelihood, 1) == -9582.4, "\(fit.logLikelihood)")
        // Standard errors: SciPy 1.17.1 (Nelder–Mead on the same likelihood written with scipy.special, then NumPy's
        // inverse of a central-difference Hessian) gives 0.012557, 0.378221, 0.185718, 0.705343.
        let errors = try #require(fit.standardErrors)
        for (ours, theirs) in zip(errors, [0.01255732, 0.37822129, 0.18571836, 0.7053429]) { #expect(abs(ours - theirs) < 1e-4, "\(errors)") }
        print("BG/NBD on CDNOW: r \(model.r) α \(model.alpha) a \(model.a) b \(model.b), LL \(fit.logLikelihood), SE \(errors), \(fit.iterations) iterations")
    }

    /// With the published parameters: 1.226 from the paper; the rest from SciPy 1.17.1 (`scipy.special.hyp2f1`) on the
    /// paper's formulas, outside the code under test.
    @Test("Expected purchases and P(alive) for single customers")
    func customer() {
        let model = BGNBD(r: 0.243, alpha: 4.414, a: 0.793, b: 2.426)
        let one = PurchaseSummary(frequency: 2, recency: 30.43, age: 38.86)
        #expect(abs(model.expectedPurchases(one, next: 39) - 1.226028174767135) < 1e-9)
        #expect((model.expectedPurchases(one, next: 39) * 1000).rounded() / 1000 == 1.226)
        #expect(abs(model.probabilityAlive(one) - 0.726578570080673) < 1e-12)
        #expect(abs(model.expectedPurchases(PurchaseSummary(frequency: 0, recency: 0, age: 38.86), next: 52) - 0.2520730222824504) < 1e-9)
        #expect(abs(model.probabilityAlive(PurchaseSummary(frequency: 7, recency: 35.71, age: 38.86)) - 0.8600671246886445) < 1e-12)
    }
}
