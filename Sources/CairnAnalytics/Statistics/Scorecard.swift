/// A touchpoint × segment scorecard: each cell's NPS, CSAT or CES with its interval and n, and whether the cell differs
/// from the rest of its touchpoint's row more than chance would make it, after controlling the false discovery rate
/// over every cell of the page (Benjamini–Hochberg).
public enum ScorecardMetric: String, Sendable, Hashable, Codable, CaseIterable {
    case nps
    case csat
    case ces
}

public struct ScorecardCell: Sendable, Hashable, Codable {
    public var row: String
    public var column: String
    public var n: Int
    /// NPS −100…100, CSAT per cent satisfied (4–5), CES mean 1–7.
    public var score: Double?
    public var lower: Double?
    public var upper: Double?
    /// The cell against the rest of its row: χ² on promoters/passives/detractors (NPS), Fisher's exact test on
    /// satisfied/not (CSAT), Kruskal–Wallis on the scores (CES); nil when either side has fewer than 5 answers.
    public var pValue: Double?
    /// Benjamini–Hochberg adjusted over every tested cell of the scorecard.
    public var qValue: Double?
    /// `higher` or `lower` than the rest of the row when q < 0.05; nil otherwise.
    public var gap: String?
}

public enum Scorecard {
    public static let minimumPerSide = 5

    public static func cells(_ groups: [(row: String, column: String, scores: [Int])], metric: ScorecardMetric) -> [ScorecardCell] {
        var cells: [ScorecardCell] = []
        var tested: [(index: Int, p: Double)] = []
        let byRow = Dictionary(grouping: groups, by: \.row)
        for (row, members) in byRow.sorted(by: { $0.key < $1.key }) {
            for member in members.sorted(by: { $0.column < $1.column }) {
                let rest = members.filter { $0.column != member.column }.flatMap(\.scores)
                var cell = figure(member.scores, metric: metric)
                cell.row = row
                cell.column = member.column
                if member.scores.count >= minimumPerSide && rest.count >= minimumPerSide {
                    cell.pValue = pValue(member.scores, rest, metric: metric)
                    if let p = cell.pValue { tested.append((cells.count, p)) }
                    let restScore = figure(rest, metric: metric).score
                    if let score = cell.score, let restScore { cell.gap = score >= restScore ? "higher" : "lower" }
                }
                cells.append(cell)
            }
        }
        let adjusted = GroupTests.benjaminiHochberg(tested.map(\.p))
        for (position, entry) in tested.enumerated() { cells[entry.index].qValue = adjusted[position] }
        for index in cells.indices where (cells[index].qValue ?? 1) >= 0.05 { cells[index].gap = nil }
        return cells
    }

    static func figure(_ scores: [Int], metric: ScorecardMetric) -> ScorecardCell {
        var cell = ScorecardCell(row: "", column: "", n: 0)
        switch metric {
        case .nps:
            let nps = NPS(scores: scores)
            cell.n = nps.n
            cell.score = nps.score
            cell.lower = nps.interval?.lower
            cell.upper = nps.interval?.upper
        case .csat:
            let csat = Proportion.csat(scores: scores)
            cell.n = csat.n
            cell.score = csat.percent
            cell.lower = csat.interval?.lower
            cell.upper = csat.interval?.upper
        case .ces:
            let ces = CES(scores: scores)
            cell.n = ces.mean.n
            cell.score = ces.mean.mean
            cell.lower = ces.mean.interval?.lower
            cell.upper = ces.mean.interval?.upper
        }
        return cell
    }

    static func pValue(_ cell: [Int], _ rest: [Int], metric: ScorecardMetric) -> Double? {
        switch metric {
        case .nps:
            func categories(_ scores: [Int]) -> [Int] {
                [scores.filter { $0 >= 9 }.count, scores.filter { (7...8).contains($0) }.count, scores.filter { $0 <= 6 }.count]
            }
            return GroupTests.chiSquared([categories(cell), categories(rest)])?.pValue
        case .csat:
            let satisfied = cell.filter { $0 >= 4 }.count, others = rest.filter { $0 >= 4 }.count
            return GroupTests.fisherExact(satisfied, cell.count - satisfied, others, rest.count - others)
        case .ces:
            return GroupTests.kruskalWallis([cell.map(Double.init), rest.map(Double.init)])?.pValue
        }
    }
}
