import CairnAnalytics
import Foundation
import Testing

@Suite("Clustering for personas: k-means++, the silhouette, the adjusted Rand index, the choice of k and its stability")
struct ClusteringTests {
    @Test("The adjusted Rand index equals scikit-learn's adjusted_rand_score (1.9.1)")
    func adjustedRand() {
        // adjusted_rand_score([0,0,0,1,1,1,2,2,2,2], [0,0,1,1,1,2,2,2,2,0]) = 0.20454545454545456
        #expect(abs(ClusterQuality.adjustedRandIndex([0, 0, 0, 1, 1, 1, 2, 2, 2, 2], [0, 0, 1, 1, 1, 2, 2, 2, 2, 0]) - 0.20454545454545456) < 1e-12)
        // Names do not matter; chance-level agreement can go below zero: -0.21621621621621623.
        #expect(ClusterQuality.adjustedRandIndex([0, 0, 1, 1], [1, 1, 0, 0]) == 1)
        #expect(abs(ClusterQuality.adjustedRandIndex([0, 0, 0, 0, 1, 1], [0, 1, 0, 1, 0, 1]) - -0.21621621621621623) < 1e-12)
    }

    @Test("The mean silhouette equals scikit-learn's silhouette_score on a worked set of ten points")
    func silhouette() {
        let points: [[Double]] = [[0, 0], [0, 1], [1, 0], [5, 5], [5, 6], [6, 5], [10, 0], [10, 1], [11, 0.5], [3, 3]]
        let labels = [0, 0, 0, 1, 1, 1, 2, 2, 2, 1]
        // silhouette_score(X, labels) = 0.7289181750583635
        #expect(abs((ClusterQuality.silhouette(points, labels: labels) ?? 0) - 0.7289181750583635) < 1e-12)
        #expect(ClusterQuality.silhouette(points, labels: Array(repeating: 0, count: 10)) == nil)
    }

    /// People of four planted personas, as the persona computation sees them: scores of a values ranking (price,
    /// sustainability, speed, quality, service; 1 ranked first … 0 last; half the people swap one neighbouring pair),
    /// the share of their orders in each of four channels and of their units in four categories (a fifth of their
    /// orders go to another persona's), log(1 + orders a year) and log(1 + spend per order).
    static func planted(people: Int, seed: UInt64) -> (points: [[Double]], truth: [Int]) {
        let values = ["price", "sustainability", "speed", "quality", "service"]
        let rankings = [["price", "speed", "quality", "service", "sustainability"], ["sustainability", "quality", "service", "speed", "price"],
                        ["speed", "price", "service", "quality", "sustainability"], ["quality", "service", "sustainability", "speed", "price"]]
        let ordersPerYear = [6, 3, 9, 2], quantities = [1.0, 2, 1, 3], prices = [10.0, 40, 70, 100]
        var random = SplitMix64(seed: seed)
        var points: [[Double]] = [], truth: [Int] = []
        for n in 0..<people {
            let persona = n % 4
            var ranking = rankings[persona]
            if random.next() % 2 == 0 { let i = Int(random.next() % 4); ranking.swapAt(i, i + 1) }
            var row = values.map { Double(4 - ranking.firstIndex(of: $0)!) / 4 }
            let orders = max(1, ordersPerYear[persona] + Int(random.next() % 3) - 1)
            var channels = [Double](repeating: 0, count: 4), categories = [Double](repeating: 0, count: 4)
            for _ in 0..<orders {
                let other = random.next() % 5 == 0 ? Int(random.next() % 4) : persona
                channels[other] += 1
                categories[other] += quantities[persona]
            }
            row += channels.map { $0 / Double(orders) } + categories.map { $0 / (Double(orders) * quantities[persona]) }
            row += [log1p(Double(orders)), log1p(prices[persona] * quantities[persona])]
            points.append(row)
            truth.append(persona)
        }
        return (points, truth)
    }

    @Test("Four planted personas: the silhouette chooses four, the clusters recover them (adjusted Rand ≥ 0.8), and bootstrap resamples agree")
    func plantedPersonas() throws {
        let (raw, truth) = Self.planted(people: 1_200, seed: 42)
        let scale = Standardiser(raw)
        let points = raw.map(scale.apply)
        let found = try #require(PersonaClustering.run(points, ks: 2...7, bootstrap: 20, seed: 5))
        #expect(found.k == 4, "silhouettes: \(found.candidates)")
        let recovered = ClusterQuality.adjustedRandIndex(truth, found.model.labels)
        #expect(recovered >= 0.8, "adjusted Rand \(recovered)")
        #expect(found.stability.mean >= 0.8 && found.stability.lower >= 0.7, "stability \(found.stability)")
        // A second draw of people from the same personas, not used to fit: assigned to the fitted centres, still recovered.
        let (fresh, freshTruth) = Self.planted(people: 400, seed: 43)
        #expect(ClusterQuality.adjustedRandIndex(freshTruth, fresh.map { found.model.assign(scale.apply($0)) }) >= 0.8)
    }
}
