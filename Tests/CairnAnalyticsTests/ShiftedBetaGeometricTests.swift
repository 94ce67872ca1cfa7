@testable import CairnAnalytics
import Foundation
import Testing

/// Fader & Hardie, "How to project customer retention" (Journal of Interactive Marketing 21(1), 2007): two cohorts of
/// 1,000 customers, the number still active at the end of years 1–12; the model fitted to years 1–7.
@Suite("Shifted-beta-geometric retention against the published fits")
struct ShiftedBetaGeometricTests {
    static let highEnd = [1000, 869, 743, 653, 593, 551, 517, 491, 468, 445, 427, 409, 394]
    static let regular = [1000, 631, 468, 382, 326, 289, 262, 241, 223, 207, 194, 183, 173]

    @Test("Fitted to years 1–7: High End α 0.668, β 3.806; Regular α 0.704, β 1.182 (the paper's estimates)")
    func fits() {
        func rounded(_ value: Double) -> Double { (value * 1000).rounded() / 1000 }
        let high = ShiftedBetaGeometric.fit(active: Array(Self.highEnd.prefix(8)))
        #expect(rounded(high.model.alpha) == 0.668 && rounded(high.model.beta) == 3.806, "\(high.model)")
        let regular = ShiftedBetaGeometric.fit(active: Array(Self.regular.prefix(8)))
        #expect(rounded(regular.model.alpha) == 0.704 && rounded(regular.model.beta) == 1.182, "\(regular.model)")
        #expect(high.standardErrors?.count == 2 && regular.standardErrors?.count == 2)
        // Projected beyond the fit: the survivors of years 8–12 against the actual counts, within a few per cent.
        for (fit, actual) in [(high, Self.highEnd), (regular, Self.regular)] {
            for year in 8...12 {
                let projected = 1000 * fit.model.survival(after: year)
                #expect(abs(projected - Double(actual[year])) / Double(actual[year]) < 0.06, "year \(year): \(projected) against \(actual[year])")
            }
        }
        print("sBG High End \(high.model) SE \(high.standardErrors ?? []); Regular \(regular.model) SE \(regular.standardErrors ?? [])")
    }

    /// Three cohorts observed for 7, 4 and 2 periods (the High End counts, and two younger cohorts): SciPy 1.17 (Nelder–Mead
    /// then BFGS on the summed likelihood, `scipy.special.betaln`) gives α 0.781252, β 4.651445, log-likelihood −2944.6162.
    @Test("Several cohorts of different ages fitted together, as SciPy fits them")
    func cohorts() {
        let fit = ShiftedBetaGeometric.fit(cohorts: [[1000, 869, 743, 653, 593, 551, 517, 491], [800, 690, 600, 530, 478], [500, 440, 381]])
        #expect(abs(fit.model.alpha - 0.7812524114296876) < 1e-5 && abs(fit.model.beta - 4.651444951286271) < 1e-4, "\(fit.model)")
        #expect(abs(fit.logLikelihood + 2944.616245211079) < 1e-6)
        // From purchases: customers 0–9 first buy in month 100 and renew 0…9 times; 10–19 in month 101, renewing 2 months each
        // with a gap after; the current month 106 caps what is observed.
        var months: [Set<Int>] = (0..<10).map { i in Set((0...i).map { 100 + $0 }) }
        months += (0..<10).map { _ in [101, 102, 103, 105] }
        let found = SubscriptionCohorts.cohorts(months, current: 106)
        #expect(found.map(\.month) == [100, 101])
        #expect(found[0].active == [10, 9, 8, 7, 6, 5] && found[1].active == [10, 10, 10, 0, 0])
    }
}
