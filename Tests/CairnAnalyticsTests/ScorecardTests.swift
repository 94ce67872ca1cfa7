@testable import CairnAnalytics
import Testing

/// Expected p-values from SciPy 1.17.1 (`scipy.stats.chi2_contingency(table, correction=False)` on each cell's
/// promoters/passives/detractors against the rest of its row, all-zero columns dropped) and q-values from
/// `scipy.stats.false_discovery_control(p, method="bh")`; NPS scores by hand.
@Suite("Touchpoint × segment scorecard against SciPy")
struct ScorecardTests {
    static let groups: [(row: String, column: String, scores: [Int])] = [
        ("delivery", "gold", [10, 10, 9, 9, 9, 10, 8, 9, 10, 9, 10, 9]),
        ("delivery", "silver", [9, 8, 7, 10, 6, 8, 9, 7, 8, 9]),
        ("delivery", "bronze", [2, 3, 6, 5, 7, 4, 1, 6, 8, 3, 5, 2]),
        ("store", "gold", [9, 8, 9, 7, 10, 8]),
        ("store", "silver", [8, 9, 7, 9, 8, 10, 6]),
        ("store", "bronze", [9, 7, 8]),
    ]

    @Test("Scores, p-values against the rest of the row, BH q-values, and gaps only where q < 0.05")
    func nps() throws {
        let cells = Scorecard.cells(Self.groups, metric: .nps)
        func cell(_ row: String, _ column: String) throws -> ScorecardCell { try #require(cells.first { $0.row == row && $0.column == column }) }
        let expected: [(String, String, Int, Double, Double?, Double?, String?)] = [
            ("delivery", "bronze", 12, -83.3333, 8.08458849001943e-06, 0.0000404229, "lower"),
            ("delivery", "gold", 12, 91.6667, 0.00017302783493892518, 0.0004325696, "higher"),
            ("delivery", "silver", 10, 30.0, 0.039536277289644595, 0.0658937955, nil),
            ("store", "bronze", 3, 33.3333, nil, nil, nil),
            ("store", "gold", 6, 50.0, 0.7097395956891255, 0.7097395957, nil),
            ("store", "silver", 7, 28.5714, 0.4928832279204022, 0.6161040349, nil),
        ]
        for (row, column, n, score, p, q, gap) in expected {
            let found = try cell(row, column)
            #expect(found.n == n && abs((found.score ?? .nan) - score) < 1e-3, "\(row) \(column) score")
            if let p { #expect(abs((found.pValue ?? .nan) - p) < 1e-9 * max(1, p * 1e3), "\(row) \(column) p") } else { #expect(found.pValue == nil, "fewer than 5: not tested") }
            if let q { #expect(abs((found.qValue ?? .nan) - q) < 1e-9, "\(row) \(column) q") }
            #expect(found.gap == gap, "\(row) \(column) gap: p 0.04 alone is not enough after the correction")
        }
    }
}
