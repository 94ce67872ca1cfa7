@testable import CairnAnalytics
import Foundation
import Testing

/// The lifetime models on the CDNOW sample (2,357 customers, 39 calibration weeks; Fixtures/cdnow, origin in ORIGIN.md).
/// Published (Fader, Hardie & Lee 2005, Marketing Science 24(2)): BG/NBD r = 0.243, α = 4.414, a = 0.793, b = 2.426,
/// log-likelihood −9582.4; a customer with 2 repeat purchases, the last at week 30.43 of 38.86, is expected to make
/// 1.226 purchases in the next 39 weeks.
@Suite("Lifetime models on CDNOW, against the published fits")
struct BGNBDTests {
    /// Each customer's calibration summary from the transaction log, as the papers built it: same-day transactions
    /// merged, calibration to 1997-09-30 inclusive, weeks = days / 7 from the first purchase; with the mean of the
    /// merged repeat transactions' dollar values.
    static func cdnow() throws -> [(summary: PurchaseSummary, mean: Double)] { try cdnowWithHoldout().map { ($0.summary, $0.mean) } }

    /// With the purchases (merged days) each customer made in the 39 holdout weeks after 1997-09-30.
    static func cdnowWithHoldout() throws -> [(summary: PurchaseSummary, mean: Double, holdout: Int)] {
        let url = try #require(Bundle.module.url(forResource: "cdnow_sample_transactions", withExtension: "csv", subdirectory: "Fixtures/cdnow"))
        var days: [Int: [String: Double]] = [:]
        for line in try String(contentsOf: url, encoding: .utf8).split(whereSeparator: \.isNewline).dropFirst() {
            let fields = line.split(separator: ",").map(String.init)
            days[Int(fields[1])!, default: [:]][fields[2], default: 0] += Double(fields[4])!
        }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate]
        func day(_ text: String) -> Double { formatter.date(from: text)!.timeIntervalSince1970 / 86_400 }
        let end = day("1997-09-30")
        return days.keys.sorted().map { customer in
            let all = days[customer]!.sorted { $0.key < $1.key }
            let calibration = all.filter { day($0.key) <= end }
            let first = day(calibration[0].key), repeats = calibration.dropFirst()
            let mean = repeats.isEmpty ? 0 : repeats.reduce(0) { $0 + $1.value } / Double(repeats.count)
            return (PurchaseSummary(frequency: repeats.count, recency: (day(calibration.last!.key) - first) / 7, age: (end - first) / 7), mean,
                    all.count - calibration.count)
        }
    }

    @Test("Maximum likelihood gives the published r, α, a, b and log-likelihood to their precision, with standard errors")
    func fit() throws {
        let customers = try Self.cdnow().map(\.summary)
        #expect(customers.count == 2_357)
        let fit = BGNBD.fit(customers)
        let model = fit.model
        func rounded(_ value: Double, _ places: Double) -> Double { (value * pow(10, places)).rounded() / pow(10, places) }
        #expect(rounded(model.r, 3) == 0.243 && rounded(model.alpha, 3) == 4.414 && rounded(model.a, 3) == 0.793 && rounded(model.b, 3) == 2.426,
                "r \(model.r) α \(model.alpha) a \(model.a) b \(model.b)")
        #expect(rounded(fit.logLikelihood, 1) == -9582.4, "\(fit.logLikelihood)")
        // Standard errors: SciPy 1.17.1 (Nelder–Mead then BFGS on the same likelihood written with scipy.special, then
        // NumPy's inverse of a central-difference Hessian) gives 0.012557, 0.378224, 0.185732, 0.705407.
        let errors = try #require(fit.standardErrors)
        for (ours, theirs) in zip(errors, [0.0125573764, 0.3782240349, 0.1857318603, 0.7054069673]) { #expect(abs(ours - theirs) < 1e-4, "\(errors)") }
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

    /// Published: Pareto/NBD r = 0.553, α = 10.578, s = 0.606, β = 11.669, log-likelihood −9595.0 (Fader, Hardie & Lee
    /// 2005, the same sample).
    @Test("Pareto/NBD gives the published r, α, s, β and log-likelihood")
    func pareto() throws {
        let fit = ParetoNBD.fit(try Self.cdnow().map(\.summary))
        let model = fit.model
        func rounded(_ value: Double, _ places: Double) -> Double { (value * pow(10, places)).rounded() / pow(10, places) }
        #expect(rounded(model.r, 3) == 0.553 && rounded(model.alpha, 3) == 10.578 && rounded(model.s, 3) == 0.606 && rounded(model.beta, 3) == 11.669,
                "r \(model.r) α \(model.alpha) s \(model.s) β \(model.beta)")
        #expect(rounded(fit.logLikelihood, 1) == -9595.0, "\(fit.logLikelihood)")
        print("Pareto/NBD on CDNOW: r \(model.r) α \(model.alpha) s \(model.s) β \(model.beta), LL \(fit.logLikelihood), SE \(fit.standardErrors ?? []), \(fit.iterations) iterations")
    }

    /// Published: Gamma-Gamma p = 6.25, q = 3.74, γ = 15.44 (Fader & Hardie, "The Gamma-Gamma model of monetary value",
    /// 2013) on the 946 customers of the sample with a repeat purchase, their mean repeat transaction value.
    @Test("Gamma-Gamma gives the published p, q, γ")
    func spend() throws {
        let customers = try Self.cdnow().map { (transactions: $0.summary.frequency, mean: $0.mean) }
        #expect(customers.filter { $0.transactions > 0 }.count == 946)
        let fit = GammaGamma.fit(customers)
        func rounded(_ value: Double) -> Double { (value * 100).rounded() / 100 }
        #expect(rounded(fit.model.p) == 6.25 && rounded(fit.model.q) == 3.74 && rounded(fit.model.gamma) == 15.44, "p \(fit.model.p) q \(fit.model.q) γ \(fit.model.gamma)")
        print("Gamma-Gamma on CDNOW: p \(fit.model.p) q \(fit.model.q) γ \(fit.model.gamma), LL \(fit.logLikelihood), SE \(fit.standardErrors ?? [])")
    }

    /// The holdout weeks 40–78 with the published BG/NBD parameters, by calibration repeat purchases (0 … 6, 7 or more):
    /// mean predicted and actual purchases from SciPy 1.17.1 (`hyp2f1` on the paper's formula, the same log), outside
    /// the code under test; mean absolute error over the eight groups 0.224436.
    @Test("The calibration/holdout check: predicted against actual purchases per frequency group, and their mean absolute error")
    func holdout() throws {
        let customers = try Self.cdnowWithHoldout().map { (summary: $0.summary, actual: $0.holdout) }
        let model = BGNBD(r: 0.243, alpha: 4.414, a: 0.793, b: 2.426)
        let check = HoldoutCheck.groups(customers, holdout: 39) { model.expectedPurchases($0, next: $1) }
        let expected: [(Int, Double, Double)] = [
            (1411, 0.22545087915677034, 0.23671155209071582), (439, 0.5231761316444271, 0.6970387243735763), (214, 1.0441697201702336, 1.3925233644859814),
            (100, 1.5202926798122156, 1.56), (62, 2.16387473315474, 2.532258064516129), (38, 2.6538316690901276, 2.9473684210526314),
            (29, 3.5039906544377204, 3.8620689655172415), (64, 6.15707176677934, 6.359375),
        ]
        #expect(check.groups.count == 8 && check.groups.last?.orMore == true)
        for (group, (customers, predicted, actual)) in zip(check.groups, expected) {
            #expect(group.customers == customers && abs(group.predicted - predicted) < 1e-9 && abs(group.actual - actual) < 1e-12, "\(group)")
        }
        #expect(abs(check.meanAbsoluteError - 0.22443573222383767) < 1e-9)
    }

    /// A year (52 weeks) discounted at 10 % a year, with the published BG/NBD and Gamma-Gamma parameters: SciPy 1.17.1
    /// on the same sum (`hyp2f1` for each week's expected purchases) gives 36.752834 for the customer with x = 2,
    /// t_x = 30.43, T = 38.86 and a mean repeat value of 22.345, and 8.478459 for one who never came back.
    @Test("Discounted lifetime value, and its interval from the fits' uncertainty")
    func value() throws {
        let discount = pow(1.1, 1.0 / 52) - 1
        let purchases = BGNBD(r: 0.243, alpha: 4.414, a: 0.793, b: 2.426), spend = GammaGamma(p: 6.25, q: 3.74, gamma: 15.44)
        let one = PurchaseSummary(frequency: 2, recency: 30.43, age: 38.86)
        #expect(abs(CustomerValue.discounted(purchases, spend, customer: one, meanValue: 22.345, horizon: 52, discount: discount) - 36.75283426195798) < 1e-6)
        #expect(abs(CustomerValue.discounted(purchases, spend, customer: PurchaseSummary(frequency: 0, recency: 0, age: 38.86), meanValue: 0,
                                             horizon: 52, discount: discount) - 8.478458921693404) < 1e-6)
        // The interval: from the CDNOW fits it holds the point; with four times the customers (the same ones, so
        // the same estimates with half the standard errors) it is about half as wide.
        let customers = try Self.cdnow()
        let bg = BGNBD.fit(customers.map(\.summary)), gg = GammaGamma.fit(customers.map { (transactions: $0.summary.frequency, mean: $0.mean) })
        let interval = CustomerValue.withInterval(bg, gg, customer: one, meanValue: 22.345, horizon: 52, discount: discount)
        #expect(interval.lower < interval.value && interval.value < interval.upper, "\(interval)")
        var quartered = bg, quarteredSpend = gg
        quartered.covariance = bg.covariance?.map { $0.map { $0 / 4 } }
        quarteredSpend.covariance = gg.covariance?.map { $0.map { $0 / 4 } }
        let narrower = CustomerValue.withInterval(quartered, quarteredSpend, customer: one, meanValue: 22.345, horizon: 52, discount: discount)
        let ratio = (narrower.upper - narrower.lower) / (interval.upper - interval.lower)
        #expect(ratio > 0.4 && ratio < 0.6, "\(interval) against \(narrower)")
        print("CLV of customer 1 over a year: \(interval.value) (\(interval.lower)–\(interval.upper)); with 4× the data \(narrower.lower)–\(narrower.upper)")
    }
}
