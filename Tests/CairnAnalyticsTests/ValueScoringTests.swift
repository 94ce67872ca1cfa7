@testable import CairnAnalytics
import Foundation
import Testing

/// MBG/NBD, the fit at scale (simplex on a sample, Newton on the whole) and the scoring of a whole customer base.
@Suite("MBG/NBD, fitting at scale and scoring every customer")
struct ValueScoringTests {
    /// BTYDplus (M. Platzer's R package, `mbgcnbd` with k = 1) on the same CDNOW summaries: r 0.525, α 6.183, a 0.891,
    /// b 1.614 — the values the lifetimes package also tests its MBG/NBD against.
    @Test("MBG/NBD on CDNOW gives BTYDplus's r, α, a, b")
    func modified() throws {
        let fit = ModifiedBGNBD.fit(try BGNBDTests.cdnow().map(\.summary))
        let m = fit.model
        func rounded(_ value: Double) -> Double { (value * 1000).rounded() / 1000 }
        #expect(rounded(m.r) == 0.525 && rounded(m.alpha) == 6.183 && rounded(m.a) == 0.891 && rounded(m.b) == 1.614,
                "r \(m.r) α \(m.alpha) a \(m.a) b \(m.b)")
        #expect(fit.standardErrors?.count == 4)
        // lifetimes 0.11.3's MBG/NBD likelihood at BTYDplus's (rounded) parameters on its CDNOW summary: −9582.1328.
        #expect((fit.logLikelihood * 10).rounded() / 10 == -9582.1, "\(fit.logLikelihood)")
        print("MBG/NBD on CDNOW: r \(m.r) α \(m.alpha) a \(m.a) b \(m.b), LL \(fit.logLikelihood)")
    }

    /// lifetimes 0.11.3 (`ModifiedBetaGeoFitter` with these parameters set) gives the expected purchases in the next
    /// 39 weeks and P(alive): (2, 30.43, 38.86) → 1.2629606, 0.7062023; (0, 0, 38.86) → 0.1540127, 0.3897351;
    /// (7, 35, 38.86) → 4.2283468, 0.8312650.
    @Test("MBG/NBD's expected purchases and P(alive) equal lifetimes' for the same parameters")
    func modifiedPredictions() {
        let model = ModifiedBGNBD(r: 0.525, alpha: 6.183, a: 0.891, b: 1.614)
        for (x, tx, T, expected, alive) in [(2, 30.43, 38.86, 1.2629606232673432, 0.7062022651184873), (0, 0, 38.86, 0.15401274667514553, 0.3897350809187629),
                                            (7, 35.0, 38.86, 4.228346805420796, 0.8312650481020298)] {
            let customer = PurchaseSummary(frequency: x, recency: tx, age: T)
            #expect(abs(model.expectedPurchases(customer, next: 39) - expected) < 1e-8)
            #expect(abs(model.probabilityAlive(customer) - alive) < 1e-10)
        }
    }

    /// 120,000 customers drawn from BG/NBD with CDNOW's parameters, observed 2–52 weeks, times in whole days: far
    /// more distinct summaries than the sample the simplex searches, so Newton finishes on the whole table.
    static func simulated(_ count: Int, seed: UInt64) -> [PurchaseSummary] {
        var random = SplitMix64(seed: seed)
        func uniform() -> Double { random.uniform() }
        func gamma(_ shape: Double, _ scale: Double) -> Double { random.gamma(shape, scale) }
        return (0..<count).map { _ in
            let lambda = gamma(0.243, 1 / 4.414), g1 = gamma(0.793, 1), p = g1 / (g1 + gamma(2.426, 1))
            let T = (Double(2 * 7) + uniform() * Double(50 * 7)).rounded(.down) / 7
            var t = 0.0, x = 0, last = 0.0
            while true {
                t += -log(uniform()) / lambda
                if t > T { break }
                x += 1
                last = (t * 7).rounded(.down) / 7
                if uniform() < p { break }
            }
            return PurchaseSummary(frequency: x, recency: last, age: T)
        }
    }

    @Test("At scale the fit is the whole sample's maximum and recovers the parameters the customers were drawn from")
    func scale() {
        let table = PurchaseTable(Self.simulated(120_000, seed: 7))
        #expect(table.groups > BetaGeometricLikelihood.sampleLimit, "\(table.groups) groups")
        let fit = BGNBD.fit(table)
        let m = fit.model, truth = [0.243, 4.414, 0.793, 2.426], found = [m.r, m.alpha, m.a, m.b]
        let errors = fit.standardErrors ?? []
        #expect(errors.count == 4)
        for i in 0..<4 where i < errors.count { #expect(abs(found[i] - truth[i]) < 4 * errors[i], "\(found) against \(truth), SE \(errors)") }
        // A maximum of the whole: no parameter moved by 0.1 % either way raises the log-likelihood.
        for i in 0..<4 {
            for sign in [-1.0, 1.0] {
                var moved = found
                moved[i] *= 1 + sign * 1e-3
                #expect(BGNBD.logLikelihood(BGNBD(r: moved[0], alpha: moved[1], a: moved[2], b: moved[3]), table) < fit.logLikelihood)
            }
        }
    }

    /// The scoring is the same sum as ``CustomerValue/discounted`` (checked against SciPy in BGNBDTests); on a base this
    /// small its interval comes from the same parameter draws as ``CustomerValue/withInterval``; on a large base (the
    /// covariances a hundredth, as a hundred times the customers would give) the delta method agrees with the draws.
    @Test("Scoring a base: value, expected purchases, P(alive), and an interval that agrees with parameter draws")
    func scoring() throws {
        let customers = try BGNBDTests.cdnow()
        let bg = BGNBD.fit(customers.map(\.summary)), gg = GammaGamma.fit(customers.map { (transactions: $0.summary.frequency, mean: $0.mean) })
        let discount = pow(1.1, 1.0 / 52) - 1
        var scoring = ValueScoring(purchases: bg, spend: gg, periods: 52, periodLength: 1, discount: discount, daysPerUnit: 7)
        scoring.drawBudget = 100_000_000
        // A customer's score does not depend on who else is scored (the draws come from the fits), so five will do.
        let picked = [0, 1, 17, 400, 2_356]
        let input = picked.map { (customers[$0].summary, customers[$0].mean) }
        #expect(scoring.intervalMethod(customers: customers.count, distinct: PurchaseTable(customers.map(\.summary)).groups) == .draws)
        let scores = scoring.score(input)
        #expect(scores.count == input.count)
        var large = scoring
        large.purchases.covariance = bg.covariance?.map { $0.map { $0 / 100 } }
        large.spend.covariance = gg.covariance?.map { $0.map { $0 / 100 } }
        let drawnLarge = large.score(input)
        large.drawBudget = 0
        #expect(large.intervalMethod(customers: input.count, distinct: 2_000) == .delta)
        let deltaLarge = large.score(input)
        for (index, picked) in picked.enumerated() {
            let customer = customers[picked], score = scores[index]
            let direct = CustomerValue.discounted(bg.model, gg.model, customer: customer.summary, meanValue: customer.mean, horizon: 52, discount: discount)
            #expect(abs(score.value - direct) < 1e-9 * max(1, direct))
            #expect(abs(score.expected90 - bg.model.expectedPurchases(customer.summary, next: 90.0 / 7)) < 1e-12)
            #expect(abs(score.probabilityAlive - bg.model.probabilityAlive(customer.summary)) < 1e-12)
            let drawn = CustomerValue.withInterval(bg, gg, customer: customer.summary, meanValue: customer.mean, horizon: 52, discount: discount)
            #expect(score.lower < score.value && score.value < score.upper)
            #expect(abs(score.lower - drawn.lower) < 1e-9 * drawn.value && abs(score.upper - drawn.upper) < 1e-9 * drawn.value,
                    "\(score) against \(drawn)")
            let viaDraws = drawnLarge[index], viaDelta = deltaLarge[index]
            let width = viaDraws.upper - viaDraws.lower
            #expect(abs(viaDelta.lower - viaDraws.lower) < 0.1 * width && abs(viaDelta.upper - viaDraws.upper) < 0.1 * width,
                    "delta \(viaDelta.lower)–\(viaDelta.upper), draws \(viaDraws.lower)–\(viaDraws.upper)")
        }
    }
}
