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
}
