import Foundation

/// Why an item is offered, in the order the ranking used them.
public enum OfferBasis: String, Sendable, Hashable, Codable, CaseIterable {
    /// Bought by the same customers as something this customer bought (or is looking at).
    case boughtTogether = "bought_together"
    /// Bought more by customers of this customer's persona than by everyone.
    case persona
    /// Among the most bought by everyone (the only basis without consent to personalisation).
    case popular
}

/// One ranked offer: the item, its score and basis, and the items or persona behind it.
public struct RankedOffer: Sendable, Hashable {
    public var item: String
    public var score: Double
    public var basis: OfferBasis
    /// For `boughtTogether`: the customer's items that made it (strongest first).
    public var because: [String]
}

/// The ranking the offer API uses, and the offline evaluation runs: items bought together with the customer's own
/// (by summed cosine), lifted a little when the customer's persona buys them more than everyone does, then the
/// persona's favourites, then what everyone buys — never something the customer already bought.
public enum OfferRanking {
    /// How much a persona's favourite adds to a bought-together score (a persona's top item adds the full weight,
    /// its tenth a tenth of it).
    public static let personaWeight = 0.25

    public static func rank(model: CoPurchase, bought: Set<String>, context: [String] = [], personaFavourites: [String] = [], k: Int) -> [RankedOffer] {
        guard k > 0 else { return [] }
        let favourites = personaFavourites.prefix(10)
        var lift: [String: Double] = [:]
        for (rank, item) in favourites.enumerated() { lift[item] = personaWeight * Double(favourites.count - rank) / Double(favourites.count) }
        var offers: [RankedOffer] = model.recommend(bought: bought, context: context, limit: max(3 * k, 30)).map { scored in
            RankedOffer(item: scored.item, score: scored.score + (lift[scored.item] ?? 0), basis: .boughtTogether, because: scored.because)
        }
        offers.sort { ($0.score, $1.item) > ($1.score, $0.item) }
        offers = Array(offers.prefix(k))
        var taken = Set(offers.map(\.item)).union(bought).union(context)
        for item in favourites where offers.count < k && !taken.contains(item) {
            offers.append(RankedOffer(item: item, score: lift[item] ?? 0, basis: .persona, because: []))
            taken.insert(item)
        }
        if offers.count < k {
            for item in model.popular(excluding: taken, limit: k - offers.count) {
                offers.append(RankedOffer(item: item, score: 0, basis: .popular, because: []))
            }
        }
        return offers
    }

    /// Without consent to personalisation: what everyone buys, nothing of the customer's own.
    public static func popular(model: CoPurchase, context: [String] = [], k: Int) -> [RankedOffer] {
        model.popular(excluding: Set(context), limit: k).map { RankedOffer(item: $0, score: 0, basis: .popular, because: []) }
    }
}

/// Offline evaluation on a time holdout: the model is fitted on purchases before a cut-off; each customer who bought
/// before it and bought something new after it is offered k items from what they bought before; a hit is any offered
/// item bought after the cut-off. The popularity baseline offers the most bought items they do not own.
public enum OfferEvaluation {
    public struct Purchase: Sendable, Hashable {
        public var customer: String
        public var item: String
        /// Milliseconds.
        public var at: Int64
        public init(customer: String, item: String, at: Int64) {
            self.customer = customer
            self.item = item
            self.at = at
        }
    }

    public struct Figures: Sendable, Hashable, Codable {
        /// Share of customers with at least one hit in the first k, with its Wilson interval (per cent).
        public var hitRate: Proportion
        /// Mean NDCG at k.
        public var ndcg: Double
    }

    public struct Result: Sendable, Hashable, Codable {
        public var k: Int
        public var cutoff: Int64
        public var trainingCustomers: Int
        public var evaluatedCustomers: Int
        public var method: Figures
        public var popularity: Figures
    }

    /// `favourites` gives a customer's persona favourites (fitted on the training purchases by the caller), if any.
    public static func evaluate(_ purchases: [Purchase], cutoff: Int64, k: Int,
                                favourites: (String, [String: Set<String>]) -> [String] = { _, _ in [] }) -> Result {
        var before: [String: Set<String>] = [:], after: [String: Set<String>] = [:]
        for purchase in purchases {
            if purchase.at < cutoff { before[purchase.customer, default: []].insert(purchase.item) } else { after[purchase.customer, default: []].insert(purchase.item) }
        }
        let model = CoPurchase(baskets: before.keys.sorted().map { Array(before[$0]!) })
        var hits = 0, baselineHits = 0, n = 0, ndcg = 0.0, baselineNDCG = 0.0
        for customer in after.keys.sorted() {
            guard let owned = before[customer] else { continue }
            let relevant = after[customer]!.subtracting(owned)
            guard !relevant.isEmpty else { continue }
            n += 1
            let offered = OfferRanking.rank(model: model, bought: owned, personaFavourites: favourites(customer, before), k: k).map(\.item)
            let baseline = model.popular(excluding: owned, limit: k)
            if RankingQuality.hit(ranked: offered, relevant: relevant, k: k) { hits += 1 }
            if RankingQuality.hit(ranked: baseline, relevant: relevant, k: k) { baselineHits += 1 }
            ndcg += RankingQuality.ndcg(ranked: offered, relevant: relevant, k: k)
            baselineNDCG += RankingQuality.ndcg(ranked: baseline, relevant: relevant, k: k)
        }
        return Result(k: k, cutoff: cutoff, trainingCustomers: before.count, evaluatedCustomers: n,
                      method: Figures(hitRate: Proportion(successes: hits, n: n), ndcg: n > 0 ? ndcg / Double(n) : 0),
                      popularity: Figures(hitRate: Proportion(successes: baselineHits, n: n), ndcg: n > 0 ? baselineNDCG / Double(n) : 0))
    }
}
