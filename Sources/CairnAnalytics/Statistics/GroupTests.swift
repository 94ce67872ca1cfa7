import Foundation

/// Whether several groups differ at all (a breakdown by touchpoint, product, channel or segment), with how much.
public struct GroupDifference: Sendable, Hashable, Codable {
    public enum Test: String, Sendable, Hashable, Codable {
        /// Pearson's χ² test of independence on the groups × categories table.
        case chiSquared = "chi_squared"
        /// The Kruskal–Wallis H test on the groups' values (ties corrected).
        case kruskalWallis = "kruskal_wallis"
    }

    public var test: Test
    public var statistic: Double
    public var degreesOfFreedom: Double
    public var pValue: Double
    /// Cramér's V for χ² (0 … 1); ε² = H / (n − 1) for Kruskal–Wallis (0 … 1).
    public var effectSize: Double
    /// Expected counts below 5 in more than a fifth of the cells (χ²): the p-value is only approximate.
    public var isApproximate: Bool
    public var isSignificant: Bool { pValue < 0.05 }
}

/// Tests across groups and over several comparisons at once. Each is checked against SciPy in the tests.
public enum GroupTests {
    /// Pearson's χ² test of independence for an r × c table of counts (rows: groups, columns: categories such as
    /// promoters, passives, detractors), as `scipy.stats.chi2_contingency(table, correction=False)`; rows and columns
    /// without any count are left out. Nil when fewer than two rows or columns remain.
    public static func chiSquared(_ table: [[Int]]) -> GroupDifference? {
        let columns = table.first.map { $0.indices.filter { column in table.contains { $0[column] > 0 } } } ?? []
        let rows = table.map { row in columns.map { row[$0] } }.filter { $0.reduce(0, +) > 0 }
        guard rows.count >= 2, columns.count >= 2 else { return nil }
        let rowTotals = rows.map { Double($0.reduce(0, +)) }
        let columnTotals = columns.indices.map { column in Double(rows.reduce(0) { $0 + $1[column] }) }
        let total = rowTotals.reduce(0, +)
        var statistic = 0.0, small = 0
        for (r, row) in rows.enumerated() {
            for (c, observed) in row.enumerated() {
                let expected = rowTotals[r] * columnTotals[c] / total
                if expected < 5 { small += 1 }
                statistic += (Double(observed) - expected) * (Double(observed) - expected) / expected
            }
        }
        let df = Double((rows.count - 1) * (columns.count - 1))
        let smaller = Double(min(rows.count, columns.count) - 1)
        return GroupDifference(test: .chiSquared, statistic: statistic, degreesOfFreedom: df, pValue: Distributions.chiSquaredSurvival(statistic, df: df),
                               effectSize: (statistic / (total * smaller)).squareRoot(), isApproximate: Double(small) > 0.2 * Double(rows.count * columns.count))
    }

    /// The Kruskal–Wallis H test with the tie correction, as `scipy.stats.kruskal(*groups)`; empty groups are left
    /// out. Nil when fewer than two groups remain or every value is the same.
    public static func kruskalWallis(_ groups: [[Double]]) -> GroupDifference? {
        let groups = groups.filter { !$0.isEmpty }
        guard groups.count >= 2 else { return nil }
        let all = groups.enumerated().flatMap { index, values in values.map { (value: $0, group: index) } }.sorted { $0.value < $1.value }
        let n = Double(all.count)
        var rankSums = Array(repeating: 0.0, count: groups.count)
        var ties = 0.0
        var start = 0
        while start < all.count {
            var end = start
            while end + 1 < all.count && all[end + 1].value == all[start].value { end += 1 }
            let rank = Double(start + end) / 2 + 1
            for index in start...end { rankSums[all[index].group] += rank }
            let tied = Double(end - start + 1)
            ties += tied * tied * tied - tied
            start = end + 1
        }
        let correction = 1 - ties / (n * n * n - n)
        guard correction > 0 else { return nil }
        let h = (12 / (n * (n + 1)) * zip(rankSums, groups).reduce(0) { $0 + $1.0 * $1.0 / Double($1.1.count) } - 3 * (n + 1)) / correction
        let df = Double(groups.count - 1)
        return GroupDifference(test: .kruskalWallis, statistic: h, degreesOfFreedom: df, pValue: Distributions.chiSquaredSurvival(h, df: df),
                               effectSize: h / (n - 1), isApproximate: groups.contains { $0.count < 5 })
    }

    /// Benjamini–Hochberg adjusted p-values (the false discovery rate over a page's comparisons), in the order given,
    /// as `scipy.stats.false_discovery_control(p, method="bh")`.
    public static func benjaminiHochberg(_ pValues: [Double]) -> [Double] {
        let m = Double(pValues.count)
        let order = pValues.indices.sorted { pValues[$0] > pValues[$1] }
        var adjusted = Array(repeating: 1.0, count: pValues.count)
        var running = 1.0
        for (position, index) in order.enumerated() {
            let rank = m - Double(position)
            running = min(running, pValues[index] * m / rank)
            adjusted[index] = min(1, running)
        }
        return adjusted
    }

    /// The two-sided p-value of Fisher's exact test on a 2 × 2 table [[a, b], [c, d]]: the probability of every table
    /// with the same margins that is no more likely than the one seen, as `scipy.stats.fisher_exact`.
    public static func fisherExact(_ a: Int, _ b: Int, _ c: Int, _ d: Int) -> Double {
        let row1 = a + b, row2 = c + d, column1 = a + c, n = a + b + c + d
        guard n > 0 else { return 1 }
        func logChoose(_ n: Int, _ k: Int) -> Double { lgamma(Double(n + 1)) - lgamma(Double(k + 1)) - lgamma(Double(n - k + 1)) }
        func logProbability(_ x: Int) -> Double { logChoose(row1, x) + logChoose(row2, column1 - x) - logChoose(n, column1) }
        let observed = logProbability(a)
        var p = 0.0
        for x in max(0, column1 - row2)...min(row1, column1) {
            let log = logProbability(x)
            // SciPy's relative tolerance (a table up to 1 + 10⁻⁷ times as likely counts), so ties survive rounding.
            if log <= observed + 1e-7 { p += exp(log) }
        }
        return min(1, p)
    }
}
