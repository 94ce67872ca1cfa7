import CairnAnalytics
import Testing

@Suite("Offers: co-purchase similarity, ranking and its offline evaluation")
struct OfferRankingTests {
    // Four customers worked by hand: x is bought by A, B, C; y by A, B, D; z by B, C.
    // x and y together: A, B (2) → cosine 2 / √(3 · 3) = 0.6667; x and z: B, C (2) → 2 / √(3 · 2) = 0.8165;
    // y and z: only B (1) → below the two customers a pair needs, so not neighbours.
    let baskets = [["x", "y"], ["x", "y", "z", "z"], ["x", "z"], ["y"]]

    @Test("Cosine of buyer sets, worked by hand")
    func cosine() {
        let model = CoPurchase(baskets: baskets)
        #expect(abs(model.similarity("x", "y") - 2.0 / 3.0) < 1e-12)
        #expect(abs(model.similarity("x", "z") - 0.816_496_580_927_726) < 1e-12)
        #expect(model.similarity("y", "z") == 0)
        #expect(model.buyers[model.position(of: "z")!] == 2, "a customer buying z twice counts once")
        #expect(model.popular(excluding: [], limit: 3) == ["x", "y", "z"], "by buyers, ties by key")
    }

    @Test("A customer is offered what others bought with their items, strongest first, never what they own")
    func recommend() {
        let model = CoPurchase(baskets: baskets)
        let forX = model.recommend(bought: ["x"], limit: 5)
        #expect(forX.map(\.item) == ["z", "y"])
        #expect(forX.first?.because == ["x"])
        #expect(model.recommend(bought: ["y"], limit: 5).map(\.item) == ["x"])
        // Owning x and y: z scores 0.8165 from x alone (y–z is too rare).
        let both = model.recommend(bought: ["x", "y"], limit: 5)
        #expect(both.map(\.item) == ["z"])
        #expect(abs(both[0].score - 0.816_496_580_927_726) < 1e-12)
        // The ranking fills with what everyone buys, skipping what is owned.
        let ranked = OfferRanking.rank(model: model, bought: ["z"], k: 3)
        #expect(ranked.map(\.item) == ["x", "y"])
        #expect(ranked.map(\.basis) == [.boughtTogether, .popular])
    }

    @Test("NDCG at k equals scikit-learn's ndcg_score (1.9.1)")
    func ndcg() {
        // y_true [0,1,0,0,1,1] over items a…f ranked a, b, c, d, e, f: sklearn.metrics.ndcg_score gives 0.4776237035032179
        // at k = 5 and 0.2960819109658652 at k = 3.
        let ranked = ["a", "b", "c", "d", "e", "f"], relevant: Set<String> = ["b", "e", "f"]
        #expect(abs(RankingQuality.ndcg(ranked: ranked, relevant: relevant, k: 5) - 0.4776237035032179) < 1e-12)
        #expect(abs(RankingQuality.ndcg(ranked: ranked, relevant: relevant, k: 3) - 0.2960819109658652) < 1e-12)
        #expect(RankingQuality.ndcg(ranked: ["a", "b"], relevant: ["a"], k: 3) == 1)
        #expect(RankingQuality.hit(ranked: ranked, relevant: ["d"], k: 3) == false)
        #expect(RankingQuality.hit(ranked: ranked, relevant: ["c"], k: 3))
    }

    @Test("On a shop with planted bundles, the method beats the most-bought baseline on a time holdout")
    func holdout() {
        // 40 items in 8 bundles of 5; each of 2,000 customers keeps to one bundle: two of its items before the cut-off,
        // a third after it. Bundle 0 is bought twice as often (so its items lead the popularity list).
        var random = SplitMix64(seed: 7)
        var purchases: [OfferEvaluation.Purchase] = []
        for customer in 0..<2_000 {
            let bundle = customer % 10 < 2 ? 0 : Int(random.next() % 8)
            var items = Array(0..<5).map { "b\(bundle)-i\($0)" }
            for index in stride(from: items.count - 1, to: 0, by: -1) { items.swapAt(index, Int(random.next() % UInt64(index + 1))) }
            purchases.append(.init(customer: "c\(customer)", item: items[0], at: 100))
            purchases.append(.init(customer: "c\(customer)", item: items[1], at: 200))
            purchases.append(.init(customer: "c\(customer)", item: items[2], at: 1_000))
        }
        let result = OfferEvaluation.evaluate(purchases, cutoff: 500, k: 3)
        #expect(result.evaluatedCustomers == 2_000)
        #expect(result.trainingCustomers == 2_000)
        // Each customer's three other bundle items are the offers, one of which they bought: every one a hit.
        #expect(result.method.hitRate.successes == 2_000)
        // The baseline hits only bundle-0 customers (the most bought items) — about 30 % of customers.
        let baseline = result.popularity.hitRate.percent ?? 100
        #expect(baseline < 40)
        #expect((result.popularity.hitRate.interval?.upper ?? 100) < (result.method.hitRate.interval?.lower ?? 0))
        #expect(result.method.ndcg > result.popularity.ndcg + 0.3)
    }
}
