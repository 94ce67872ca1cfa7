import Foundation

/// Item-to-item recommendation from who bought what: two items are alike when the same customers buy both. The
/// similarity is the cosine of the items' buyer sets, |A ∩ B| / √(|A| · |B|) (Sarwar et al. 2001; Linden, Smith & York
/// 2003), counted over distinct customers (a customer buying an item twice counts once). Each item keeps its most
/// similar neighbours; a customer's candidates are scored by the summed similarity to what they bought, and each
/// score remembers which bought items contributed (the reason shown with the offer).
public struct CoPurchase: Sendable {
    /// Items by index; `buyers[i]` is how many distinct customers bought item i.
    public let items: [String]
    public let buyers: [Int]
    /// Each item's neighbours, most similar first: (item index, cosine, customers who bought both).
    public let neighbours: [[(item: Int, similarity: Double, together: Int)]]
    /// Items by distinct buyers, most bought first (ties by item key): the popularity baseline.
    public let popular: [Int]
    let index: [String: Int]

    /// Fits on each customer's set of bought items. Pairs bought together by fewer than `minimumTogether` customers are
    /// ignored (one shared basket is chance); each item keeps at most `keep` neighbours.
    public init(baskets: [[String]], minimumTogether: Int = 2, keep: Int = 50) {
        var index: [String: Int] = [:], items: [String] = []
        var sets: [[Int]] = []
        sets.reserveCapacity(baskets.count)
        for basket in baskets {
            var set = Set<Int>()
            for item in basket {
                let i: Int
                if let known = index[item] { i = known } else { i = items.count; index[item] = i; items.append(item) }
                set.insert(i)
            }
            if !set.isEmpty { sets.append(set.sorted()) }
        }
        var buyers = [Int](repeating: 0, count: items.count)
        var pairs: [Int: [Int: Int]] = [:]
        for set in sets {
            for i in set { buyers[i] += 1 }
            guard set.count > 1 else { continue }
            for a in 0..<(set.count - 1) {
                for b in (a + 1)..<set.count { pairs[set[a], default: [:]][set[b], default: 0] += 1 }
            }
        }
        var neighbours = [[(item: Int, similarity: Double, together: Int)]](repeating: [], count: items.count)
        for (a, row) in pairs {
            for (b, together) in row where together >= minimumTogether {
                let similarity = Double(together) / (Double(buyers[a]) * Double(buyers[b])).squareRoot()
                neighbours[a].append((b, similarity, together))
                neighbours[b].append((a, similarity, together))
            }
        }
        for i in neighbours.indices {
            neighbours[i].sort { ($0.similarity, $0.together, items[$1.item]) > ($1.similarity, $1.together, items[$0.item]) }
            if neighbours[i].count > keep { neighbours[i].removeLast(neighbours[i].count - keep) }
        }
        self.items = items
        self.buyers = buyers
        self.neighbours = neighbours
        self.index = index
        self.popular = items.indices.sorted { (buyers[$0], items[$1]) > (buyers[$1], items[$0]) }
    }

    public func position(of item: String) -> Int? { index[item] }

    /// The cosine similarity of two items (0 when never bought together often enough).
    public func similarity(_ a: String, _ b: String) -> Double {
        guard let i = index[a], let j = index[b] else { return 0 }
        return neighbours[i].first { $0.item == j }?.similarity ?? 0
    }

    /// One candidate for a customer: its summed similarity to what they bought and the bought items that contributed,
    /// strongest first.
    public struct Scored: Sendable, Hashable {
        public var item: String
        public var score: Double
        public var because: [String]
    }

    /// Candidates for a customer who bought `bought` (and, optionally, is looking at `context` items, which weigh as
    /// much as a purchase): items they have not bought, by summed similarity, best first.
    public func recommend(bought: some Collection<String>, context: [String] = [], limit: Int) -> [Scored] {
        let owned = Set(bought)
        var score: [Int: Double] = [:], because: [Int: [(String, Double)]] = [:]
        for item in Set(owned).union(context) {
            guard let i = index[item] else { continue }
            for neighbour in neighbours[i] where !owned.contains(items[neighbour.item]) && !context.contains(items[neighbour.item]) {
                score[neighbour.item, default: 0] += neighbour.similarity
                because[neighbour.item, default: []].append((item, neighbour.similarity))
            }
        }
        let ranked = score.sorted { ($0.value, buyers[$0.key], items[$1.key]) > ($1.value, buyers[$1.key], items[$0.key]) }
        return ranked.prefix(limit).map { entry in
            Scored(item: items[entry.key], score: entry.value,
                   because: (because[entry.key] ?? []).sorted { ($0.1, $1.0) > ($1.1, $0.0) }.map(\.0))
        }
    }

    /// The most bought items the customer does not own, best first (the baseline every method is measured against).
    public func popular(excluding owned: Set<String>, limit: Int) -> [String] {
        var found: [String] = []
        for i in popular where !owned.contains(items[i]) {
            found.append(items[i])
            if found.count == limit { break }
        }
        return found
    }
}

/// Ranking quality of recommendations against what customers went on to buy.
public enum RankingQuality {
    /// Discounted cumulative gain at k with binary relevance, normalised by the best possible ordering of the relevant
    /// items (Järvelin & Kekäläinen 2002): Σ rel_i / log2(i + 1) over the first k, divided by the same sum for
    /// min(k, |relevant|) hits at the top. 0 when nothing is relevant.
    public static func ndcg(ranked: [String], relevant: Set<String>, k: Int) -> Double {
        guard !relevant.isEmpty, k > 0 else { return 0 }
        var dcg = 0.0
        for (position, item) in ranked.prefix(k).enumerated() where relevant.contains(item) { dcg += 1 / log2(Double(position + 2)) }
        var ideal = 0.0
        for position in 0..<min(k, relevant.count) { ideal += 1 / log2(Double(position + 2)) }
        return dcg / ideal
    }

    /// Whether any of the first k is relevant.
    public static func hit(ranked: [String], relevant: Set<String>, k: Int) -> Bool {
        ranked.prefix(k).contains { relevant.contains($0) }
    }
}
