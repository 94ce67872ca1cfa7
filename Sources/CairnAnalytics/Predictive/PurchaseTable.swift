import Dispatch
import Foundation

/// Customers' summaries held for fitting at scale: each distinct (x, t_x, T) once with how many customers share it,
/// and the distinct x, t_x and T values once each, so that one likelihood evaluation takes each log-gamma once per
/// distinct x and each logarithm once per distinct t_x or T — not once per customer. A million customers observed in
/// whole days come to a few hundred thousand groups over a few hundred distinct days.
public struct PurchaseTable: Sendable {
    public let frequencies: [Double]
    public let recencies: [Double]
    public let ages: [Double]
    /// Per group: indices into the three value lists, and the group's size.
    let frequency: [Int32]
    let recency: [Int32]
    let age: [Int32]
    let count: [Double]
    public let customers: Int

    public var groups: Int { count.count }

    public init(_ customers: [PurchaseSummary]) {
        var groups: [PurchaseSummary: Int] = [:]
        groups.reserveCapacity(min(customers.count, 1 << 20))
        for customer in customers { groups[customer, default: 0] += 1 }
        // In a fixed order, so that sums (and the fit) come out the same in every run.
        self.init(groups: groups.map { ($0.key, $0.value) }.sorted { ($0.0.frequency, $0.0.recency, $0.0.age) < ($1.0.frequency, $1.0.recency, $1.0.age) })
    }

    init(groups: [(PurchaseSummary, Int)]) {
        func index(_ values: [Double]) -> (list: [Double], position: [Double: Int32]) {
            let list = Array(Set(values)).sorted()
            return (list, Dictionary(uniqueKeysWithValues: list.enumerated().map { ($0.element, Int32($0.offset)) }))
        }
        let xs = index(groups.map { Double($0.0.frequency) }), ts = index(groups.map(\.0.recency)), ages = index(groups.map(\.0.age))
        frequencies = xs.list
        recencies = ts.list
        self.ages = ages.list
        frequency = groups.map { xs.position[Double($0.0.frequency)]! }
        recency = groups.map { ts.position[$0.0.recency]! }
        age = groups.map { ages.position[$0.0.age]! }
        count = groups.map { Double($0.1) }
        customers = groups.reduce(0) { $0 + $1.1 }
    }

    /// Every k-th group with its count, k chosen to keep about `limit`: the weighted log-likelihood of the sample is,
    /// in expectation, k⁻¹ times the whole's, so its maximum lies near the whole's — a start for Newton on the whole.
    public func sample(atMost limit: Int) -> PurchaseTable {
        guard groups > limit else { return self }
        let step = (groups + limit - 1) / limit
        let kept = stride(from: 0, to: groups, by: step).map { g in
            (PurchaseSummary(frequency: Int(frequencies[Int(frequency[g])]), recency: recencies[Int(recency[g])], age: ages[Int(age[g])]), Int(count[g]))
        }
        return PurchaseTable(groups: kept)
    }

    /// Σ over groups of count · term(group), the groups split between the cores for large tables.
    func sum(_ term: (_ group: Int) -> Double) -> Double {
        let chunks = groups >= 50_000 ? ProcessInfo.processInfo.activeProcessorCount : 1
        guard chunks > 1 else {
            var total = 0.0
            for g in 0..<groups { total += count[g] * term(g) }
            return total
        }
        let partials = Partials(chunks)
        let size = (groups + chunks - 1) / chunks
        withoutActuallyEscaping(term) { term in
            let shared = UncheckedTerm(term: term)
            DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                var total = 0.0
                for g in (chunk * size)..<min(groups, (chunk + 1) * size) { total += count[g] * shared.term(g) }
                partials.set(chunk, total)
            }
        }
        return partials.total
    }
}

/// The per-chunk sums of a parallel evaluation; each chunk writes only its own slot.
private final class Partials: @unchecked Sendable {
    private var values: [Double]
    init(_ count: Int) { values = [Double](repeating: 0, count: count) }
    func set(_ index: Int, _ value: Double) { values[index] = value }
    var total: Double { values.reduce(0, +) }
}

/// A term read concurrently: it only reads tables computed before the evaluation starts.
private struct UncheckedTerm: @unchecked Sendable {
    let term: (Int) -> Double
}

/// The BG/NBD family's likelihood on a ``PurchaseTable``: BG/NBD (`offset` 0) and MBG/NBD (`offset` 1, where a customer
/// may also drop out at the first purchase). Per customer
/// log L = log Γ(r+x) − log Γ(r) + r log α + log B(a, b+x+o) − log B(a, b) + log[(α+T)^−(r+x) + δ · a/(b+x−1+o) · (α+t_x)^−(r+x)],
/// δ = 1 if x > 0 or o = 1.
enum BetaGeometricLikelihood {
    static func logLikelihood(_ table: PurchaseTable, r: Double, alpha: Double, a: Double, b: Double, offset: Double) -> Double {
        let o = offset
        let common = -lgamma(r) + r * log(alpha) + lgamma(a + b) - lgamma(b)
        let perX = table.frequencies.map { x in common + lgamma(r + x) + lgamma(b + x + o) - lgamma(a + b + x + o) }
        let dropout = table.frequencies.map { x in x > 0 || o > 0 ? log(a) - log(b + x - 1 + o) : -Double.infinity }
        let logAge = table.ages.map { log(alpha + $0) }, logRecency = table.recencies.map { log(alpha + $0) }
        return table.sum { g in
            let i = Int(table.frequency[g])
            let rx = r + table.frequencies[i]
            let alive = -rx * logAge[Int(table.age[g])]
            let gone = dropout[i] - rx * logRecency[Int(table.recency[g])]
            guard gone > -.infinity else { return perX[i] + alive }
            let top = max(alive, gone)
            return perX[i] + top + log1p(exp(min(alive, gone) - top))
        }
    }
}

extension BetaGeometricLikelihood {
    /// Groups the simplex searches on before Newton finishes on the whole table.
    static let sampleLimit = 20_000

    static func fit(_ table: PurchaseTable, offset: Double) -> MaximumLikelihood.Estimate {
        let sample = table.sample(atMost: sampleLimit)
        func negative(_ table: PurchaseTable) -> ([Double]) -> Double {
            { p in -logLikelihood(table, r: p[0], alpha: p[1], a: p[2], b: p[3], offset: offset) }
        }
        return MaximumLikelihood.fit(parameters: 4, tolerance: 1e-11, sample: sample.groups < table.groups ? negative(sample) : nil,
                                     negativeLogLikelihood: negative(table))
    }
}

/// Repeat customers' (x, m_x) held for the Gamma-Gamma likelihood: log m_x once per customer, the log-gamma terms
/// once per distinct x per evaluation.
struct SpendTable: Sendable {
    let frequencies: [Double]
    let frequency: [Int32]
    let mean: [Double]
    let logMean: [Double]
    var count: Int { mean.count }

    init(_ customers: [(transactions: Int, mean: Double)]) {
        frequencies = Array(Set(customers.map { Double($0.transactions) })).sorted()
        let position = Dictionary(uniqueKeysWithValues: frequencies.enumerated().map { ($0.element, Int32($0.offset)) })
        frequency = customers.map { position[Double($0.transactions)]! }
        mean = customers.map(\.mean)
        logMean = mean.map { log($0) }
    }

    func sample(atMost limit: Int) -> SpendTable {
        guard count > limit else { return self }
        let step = (count + limit - 1) / limit
        return SpendTable(stride(from: 0, to: count, by: step).map { (Int(frequencies[Int(frequency[$0])]), mean[$0]) })
    }

    /// Σ log Γ(px+q) − log Γ(px) − log Γ(q) + q log γ + (px−1) log m + px log x − (px+q) log(γ + x m).
    func logLikelihood(_ model: GammaGamma) -> Double {
        let p = model.p, q = model.q, gamma = model.gamma
        let perX = frequencies.map { x in lgamma(p * x + q) - lgamma(p * x) + p * x * log(x) }
        var total = Double(count) * (q * log(gamma) - lgamma(q))
        for c in 0..<count {
            let i = Int(frequency[c]), x = frequencies[i], px = p * x
            total += perX[i] + (px - 1) * logMean[c] - (px + q) * log(gamma + x * mean[c])
        }
        return total
    }
}
