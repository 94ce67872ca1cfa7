import CairnAnalytics
import Foundation

/// The offers part of `cairn bench --offers-only`: a simulated shop whose purchases come from a model that knows nothing
/// of co-purchase (each customer's taste over categories, each category's items by Zipf popularity), over two years;
/// the offers are fitted on all but the last 90 days and measured on them (hit rate and NDCG at 1, 5 and 10, against
/// the most bought items), and the time to fit and to rank one customer is taken.
extension Bench {
    func measureOffers() {
        let customers = max(1_000, offerCustomers)
        let categories = 12, perCategory = 60
        var random = SplitMix64(seed: 33)
        func uniform() -> Double { Double(random.next() >> 11) / Double(1 << 53) }
        // Zipf weights (s = 1.1) within each category; categories themselves unequal (weights 1 … 1/12).
        let zipf = (1...perCategory).map { 1 / pow(Double($0), 1.1) }
        func draw(_ weights: [Double]) -> Int {
            var target = uniform() * weights.reduce(0, +)
            for (index, weight) in weights.enumerated() { target -= weight; if target <= 0 { return index } }
            return weights.count - 1
        }
        let day: Int64 = 86_400_000, span = 730 * day, cutoff = span - 90 * day
        var purchases: [OfferEvaluation.Purchase] = []
        for customer in 0..<customers {
            // Taste: two or three favourite categories (Dirichlet-like: a few large weights), the rest small.
            var taste = (0..<categories).map { _ in 0.05 * uniform() }
            for _ in 0..<(2 + Int(random.next() % 2)) { taste[Int(random.next() % UInt64(categories))] += 0.5 + uniform() }
            let orders = 1 + Int(-log(max(1e-12, uniform())) * 4)
            for _ in 0..<min(orders, 40) {
                let at = Int64(uniform() * Double(span))
                for _ in 0..<(1 + Int(random.next() % 3)) {
                    let category = draw(taste.enumerated().map { $0.element / Double($0.offset + 1).squareRoot() })
                    purchases.append(.init(customer: "c\(customer)", item: "cat\(category)-item\(draw(zipf))", at: at))
                }
            }
        }
        say("  offers: \(customers) simulated customers, \(purchases.count) items bought over two years; held out: the last 90 days")
        let fitStart = ContinuousClock.now
        var baskets: [String: Set<String>] = [:]
        for purchase in purchases where purchase.at < cutoff { baskets[purchase.customer, default: []].insert(purchase.item) }
        let model = CoPurchase(baskets: Array(baskets.values.map { Array($0) }))
        let fitted = seconds(ContinuousClock.now - fitStart)
        let owned = Array(baskets.values.prefix(1_000))
        let rankStart = ContinuousClock.now
        for bought in owned { _ = OfferRanking.rank(model: model, bought: bought, k: 5) }
        let perDecision = seconds(ContinuousClock.now - rankStart) / Double(owned.count)
        say(String(format: "    fitted on %d customers' baskets in %.2f s; one customer ranked in %.3f ms", baskets.count, fitted, perDecision * 1_000))
        say("    | k | customers | offers: hit rate (95 % interval) | NDCG | most bought: hit rate (95 % interval) | NDCG |")
        for k in [1, 5, 10] {
            let result = OfferEvaluation.evaluate(purchases, cutoff: cutoff, k: k)
            func rate(_ p: Proportion) -> String {
                String(format: "%.1f %% (%.1f–%.1f)", p.percent ?? 0, p.interval?.lower ?? 0, p.interval?.upper ?? 0)
            }
            say("    | \(k) | \(result.evaluatedCustomers) | \(rate(result.method.hitRate)) | \(String(format: "%.3f", result.method.ndcg)) | "
                + "\(rate(result.popularity.hitRate)) | \(String(format: "%.3f", result.popularity.ndcg)) |")
        }
    }
}
