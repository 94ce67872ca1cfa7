import Foundation

/// k-means (Lloyd's iterations) seeded by k-means++ (Arthur & Vassilvitskii 2007), from several seeded starts; the
/// start with the lowest within-cluster sum of squares is kept.
public struct KMeans: Sendable, Hashable {
    public var centroids: [[Double]]
    public var labels: [Int]
    /// The within-cluster sum of squared distances.
    public var inertia: Double

    public init(centroids: [[Double]], labels: [Int], inertia: Double) {
        self.centroids = centroids
        self.labels = labels
        self.inertia = inertia
    }

    public static func fit(_ points: [[Double]], k: Int, starts: Int = 8, iterations: Int = 100, seed: UInt64) -> KMeans {
        precondition(k >= 1 && !points.isEmpty)
        var random = SplitMix64(seed: seed)
        var best: KMeans?
        for _ in 0..<max(1, starts) {
            let run = lloyd(points, centroids: plusPlus(points, k: min(k, points.count), random: &random), iterations: iterations)
            if best == nil || run.inertia < best!.inertia { best = run }
        }
        return best!
    }

    /// The centroid nearest to `point`.
    public func assign(_ point: [Double]) -> Int {
        Self.nearest(point, centroids).index
    }

    static func squaredDistance(_ a: [Double], _ b: [Double]) -> Double {
        var total = 0.0
        for i in a.indices { let d = a[i] - b[i]; total += d * d }
        return total
    }

    static func nearest(_ point: [Double], _ centroids: [[Double]]) -> (index: Int, distance: Double) {
        var best = (index: 0, distance: Double.infinity)
        for (index, centroid) in centroids.enumerated() {
            let distance = squaredDistance(point, centroid)
            if distance < best.distance { best = (index, distance) }
        }
        return best
    }

    /// k-means++: the first centre uniformly, each next one with probability proportional to the squared distance to
    /// the nearest centre chosen so far.
    static func plusPlus(_ points: [[Double]], k: Int, random: inout SplitMix64) -> [[Double]] {
        var centroids = [points[Int(random.next() % UInt64(points.count))]]
        var distances = points.map { squaredDistance($0, centroids[0]) }
        while centroids.count < k {
            let total = distances.reduce(0, +)
            var chosen = Int(random.next() % UInt64(points.count))
            if total > 0 {
                var target = random.uniform() * total
                for (index, distance) in distances.enumerated() {
                    target -= distance
                    if target <= 0 { chosen = index; break }
                }
            }
            centroids.append(points[chosen])
            for index in points.indices { distances[index] = min(distances[index], squaredDistance(points[index], points[chosen])) }
        }
        return centroids
    }

    static func lloyd(_ points: [[Double]], centroids start: [[Double]], iterations: Int) -> KMeans {
        var centroids = start
        let k = centroids.count, d = points[0].count
        var labels = [Int](repeating: -1, count: points.count)
        for _ in 0..<iterations {
            var changed = false
            for (index, point) in points.enumerated() {
                let label = nearest(point, centroids).index
                if label != labels[index] { labels[index] = label; changed = true }
            }
            var sums = [[Double]](repeating: [Double](repeating: 0, count: d), count: k), counts = [Int](repeating: 0, count: k)
            for (index, point) in points.enumerated() {
                counts[labels[index]] += 1
                for j in 0..<d { sums[labels[index]][j] += point[j] }
            }
            for c in 0..<k where counts[c] > 0 { centroids[c] = sums[c].map { $0 / Double(counts[c]) } }
            if !changed { break }
        }
        let inertia = points.enumerated().reduce(0.0) { $0 + squaredDistance($1.element, centroids[labels[$1.offset]]) }
        return KMeans(centroids: centroids, labels: labels, inertia: inertia)
    }
}

/// How good and how stable a clustering is.
public enum ClusterQuality {
    /// The mean silhouette width (Rousseeuw 1987) with Euclidean distances: for each point, a = its mean distance to the
    /// rest of its cluster, b = the least mean distance to another cluster, s = (b − a) / max(a, b), 0 for a point
    /// alone in its cluster. Over at most `sample` points drawn without replacement (seeded), distances among those
    /// only — as scikit-learn's `silhouette_score(sample_size=)`. Nil with fewer than two clusters.
    public static func silhouette(_ points: [[Double]], labels: [Int], sample: Int = 2_000, seed: UInt64 = 1) -> Double? {
        var indices = Array(points.indices)
        if indices.count > sample {
            var random = SplitMix64(seed: seed)
            for i in 0..<sample {
                let j = i + Int(random.next() % UInt64(indices.count - i))
                indices.swapAt(i, j)
            }
            indices = Array(indices.prefix(sample))
        }
        let clusters = Set(indices.map { labels[$0] })
        guard clusters.count >= 2 else { return nil }
        var sizes: [Int: Int] = [:]
        for i in indices { sizes[labels[i], default: 0] += 1 }
        var total = 0.0
        for i in indices {
            var sums: [Int: Double] = [:]
            for j in indices where j != i { sums[labels[j], default: 0] += sqrt(KMeans.squaredDistance(points[i], points[j])) }
            let own = labels[i], ownSize = sizes[own]!
            guard ownSize > 1 else { continue }
            let a = (sums[own] ?? 0) / Double(ownSize - 1)
            var b = Double.infinity
            for (label, size) in sizes where label != own { b = min(b, (sums[label] ?? 0) / Double(size)) }
            let s = max(a, b) > 0 ? (b - a) / max(a, b) : 0
            total += s
        }
        return total / Double(indices.count)
    }

    /// The adjusted Rand index of two labellings of the same items (Hubert & Arabie 1985): 1 when they agree up to the
    /// names of the clusters, about 0 for chance agreement.
    public static func adjustedRandIndex(_ a: [Int], _ b: [Int]) -> Double {
        precondition(a.count == b.count)
        func pairs(_ n: Int) -> Double { Double(n) * Double(n - 1) / 2 }
        var table: [Int: [Int: Int]] = [:], rows: [Int: Int] = [:], columns: [Int: Int] = [:]
        for (x, y) in zip(a, b) {
            table[x, default: [:]][y, default: 0] += 1
            rows[x, default: 0] += 1
            columns[y, default: 0] += 1
        }
        let index = table.values.reduce(0.0) { $0 + $1.values.reduce(0.0) { $0 + pairs($1) } }
        let sumRows = rows.values.reduce(0.0) { $0 + pairs($1) }, sumColumns = columns.values.reduce(0.0) { $0 + pairs($1) }
        let total = pairs(a.count)
        guard total > 0 else { return 1 }
        let expected = sumRows * sumColumns / total
        let maximum = (sumRows + sumColumns) / 2
        guard maximum != expected else { return 1 }
        return (index - expected) / (maximum - expected)
    }
}

/// Clusters chosen the way a reader can check: k from a range by the highest mean silhouette, the chosen clustering's
/// stability by bootstrap (each resample clustered again with the same k, every original point assigned to the
/// resample's nearest centre, compared with the full clustering by the adjusted Rand index).
public struct PersonaClustering: Sendable {
    public var k: Int
    /// Each k tried with its mean silhouette.
    public var candidates: [(k: Int, silhouette: Double)]
    public var model: KMeans
    /// Mean adjusted Rand index over the resamples, with the 2.5th and 97.5th percentiles.
    public var stability: (mean: Double, lower: Double, upper: Double)

    public static func run(_ points: [[Double]], ks: ClosedRange<Int> = 2...8, bootstrap: Int = 20, seed: UInt64 = 7) -> PersonaClustering? {
        guard points.count >= 2 * ks.lowerBound else { return nil }
        var candidates: [(k: Int, silhouette: Double, model: KMeans)] = []
        for k in ks where k < points.count {
            let model = KMeans.fit(points, k: k, seed: seed &+ UInt64(k))
            if let width = ClusterQuality.silhouette(points, labels: model.labels, seed: seed) { candidates.append((k, width, model)) }
        }
        guard let best = candidates.max(by: { $0.silhouette < $1.silhouette || ($0.silhouette == $1.silhouette && $0.k > $1.k) }) else { return nil }
        var random = SplitMix64(seed: seed &+ 1_000)
        var agreements: [Double] = []
        for round in 0..<max(1, bootstrap) {
            let resample = (0..<points.count).map { _ in points[Int(random.next() % UInt64(points.count))] }
            let again = KMeans.fit(resample, k: best.k, starts: 4, seed: seed &+ 2_000 &+ UInt64(round))
            agreements.append(ClusterQuality.adjustedRandIndex(best.model.labels, points.map(again.assign)))
        }
        agreements.sort()
        func percentile(_ q: Double) -> Double { agreements[min(agreements.count - 1, max(0, Int((q * Double(agreements.count)).rounded(.down))))] }
        return PersonaClustering(k: best.k, candidates: candidates.map { ($0.k, $0.silhouette) }, model: best.model,
                                 stability: (agreements.reduce(0, +) / Double(agreements.count), percentile(0.025), percentile(0.975)))
    }
}

/// Features on one scale: each column centred on its mean and divided by its standard deviation (a constant column
/// becomes zeros). Kept so new points are put on the same scale.
public struct Standardiser: Sendable, Hashable {
    public var means: [Double]
    public var deviations: [Double]

    public init(_ rows: [[Double]]) {
        let d = rows.first?.count ?? 0, n = Double(max(1, rows.count))
        means = (0..<d).map { j in rows.reduce(0) { $0 + $1[j] } / n }
        let centre = means
        deviations = (0..<d).map { j in sqrt(rows.reduce(0) { $0 + ($1[j] - centre[j]) * ($1[j] - centre[j]) } / n) }
    }

    public func apply(_ row: [Double]) -> [Double] {
        row.indices.map { deviations[$0] > 0 ? (row[$0] - means[$0]) / deviations[$0] : 0 }
    }
}
