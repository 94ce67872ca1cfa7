/// Relative weights (J. W. Johnson, "A heuristic method for estimating the relative weight of predictor variables in
/// multiple regression", Multivariate Behavioral Research 35(1), 2000): how much of the variance an outcome (NPS,
/// spend) shares with each driver, even when the drivers are correlated with each other. The drivers are replaced by
/// their closest orthogonal counterparts (`Z = X R^{-1/2}`), the outcome is regressed on those, and each driver gets
/// back its share through `Λ = R^{1/2}`: `ε_j = Σ_k Λ_jk² β_k²`, with `Σ ε_j = R²`.
public struct RelativeWeights: Sendable, Hashable {
    /// Raw weights (each driver's share of R², summing to R²).
    public var raw: [Double]
    public var rSquared: Double

    /// Weights as per cent of R².
    public var percent: [Double] { rSquared > 0 ? raw.map { 100 * $0 / rSquared } : raw.map { _ in 0 } }

    /// Rows are observations, columns drivers; `outcome` one value per row. Nil when there are fewer rows than
    /// drivers + 2, or a driver (or the outcome) does not vary, or the drivers are perfectly collinear.
    public static func compute(drivers rows: [[Double]], outcome: [Double]) -> RelativeWeights? {
        let n = rows.count, p = rows.first?.count ?? 0
        guard p > 0, n >= p + 2, outcome.count == n, rows.allSatisfy({ $0.count == p }) else { return nil }
        // Correlations of the drivers with each other and with the outcome.
        var means = [Double](repeating: 0, count: p), deviations = [Double](repeating: 0, count: p)
        for j in 0..<p {
            means[j] = rows.reduce(0) { $0 + $1[j] } / Double(n)
            deviations[j] = (rows.reduce(0) { $0 + ($1[j] - means[j]) * ($1[j] - means[j]) }).squareRoot()
            if deviations[j] == 0 { return nil }
        }
        let yMean = outcome.reduce(0, +) / Double(n)
        let yDeviation = outcome.reduce(0) { $0 + ($1 - yMean) * ($1 - yMean) }.squareRoot()
        guard yDeviation > 0 else { return nil }
        var r = [[Double]](repeating: [Double](repeating: 0, count: p), count: p)
        var rxy = [Double](repeating: 0, count: p)
        for j in 0..<p {
            for k in j..<p {
                var sum = 0.0
                for row in rows { sum += (row[j] - means[j]) * (row[k] - means[k]) }
                r[j][k] = sum / (deviations[j] * deviations[k])
                r[k][j] = r[j][k]
            }
            var sum = 0.0
            for (index, row) in rows.enumerated() { sum += (row[j] - means[j]) * (outcome[index] - yMean) }
            rxy[j] = sum / (deviations[j] * yDeviation)
        }
        guard let (values, vectors) = symmetricEigen(r), values.allSatisfy({ $0 > 1e-10 }) else { return nil }
        // Λ = V diag(√λ) Vᵀ and its inverse V diag(1/√λ) Vᵀ.
        var lambda = [[Double]](repeating: [Double](repeating: 0, count: p), count: p)
        var inverse = lambda
        for j in 0..<p {
            for k in 0..<p {
                var a = 0.0, b = 0.0
                for m in 0..<p {
                    a += vectors[j][m] * values[m].squareRoot() * vectors[k][m]
                    b += vectors[j][m] / values[m].squareRoot() * vectors[k][m]
                }
                lambda[j][k] = a
                inverse[j][k] = b
            }
        }
        var beta = [Double](repeating: 0, count: p)
        for k in 0..<p { for m in 0..<p { beta[k] += inverse[k][m] * rxy[m] } }
        var raw = [Double](repeating: 0, count: p)
        for j in 0..<p {
            for k in 0..<p {
                let loading: Double = lambda[j][k] * lambda[j][k]
                raw[j] += loading * beta[k] * beta[k]
            }
        }
        return RelativeWeights(raw: raw, rSquared: raw.reduce(0, +))
    }

    /// Percentile intervals of each driver's share (per cent of R²) from `rounds` bootstrap resamples of the rows.
    public static func bootstrap(drivers rows: [[Double]], outcome: [Double], rounds: Int = 500, level: Double = 0.95, seed: UInt64 = 2000)
        -> [(lower: Double, upper: Double)]? {
        let n = rows.count
        guard n > 0, let first = compute(drivers: rows, outcome: outcome) else { return nil }
        var random = SplitMix64(seed: seed)
        var samples = [[Double]](repeating: [], count: first.raw.count)
        for _ in 0..<rounds {
            var pickedRows: [[Double]] = [], pickedOutcome: [Double] = []
            pickedRows.reserveCapacity(n)
            for _ in 0..<n {
                let index = Int(random.next() % UInt64(n))
                pickedRows.append(rows[index])
                pickedOutcome.append(outcome[index])
            }
            // A resample where a driver does not vary is left out (it has no weight to give).
            guard let weights = compute(drivers: pickedRows, outcome: pickedOutcome) else { continue }
            for (j, value) in weights.percent.enumerated() { samples[j].append(value) }
        }
        return samples.map { values in
            guard !values.isEmpty else { return (0, 100) }
            let sorted = values.sorted()
            let low = sorted[Int(((1 - level) / 2 * Double(sorted.count - 1)).rounded())]
            let high = sorted[Int(((1 + level) / 2 * Double(sorted.count - 1)).rounded())]
            return (low, high)
        }
    }

    /// Eigenvalues and eigenvectors (columns of the second result) of a symmetric matrix, by cyclic Jacobi rotations.
    static func symmetricEigen(_ matrix: [[Double]]) -> ([Double], [[Double]])? {
        let p = matrix.count
        var a = matrix
        var v = (0..<p).map { j in (0..<p).map { $0 == j ? 1.0 : 0.0 } }
        for _ in 0..<100 {
            var off = 0.0
            for j in 0..<p { for k in 0..<p where j != k { off += a[j][k] * a[j][k] } }
            if off < 1e-22 { return ((0..<p).map { a[$0][$0] }, v) }
            for j in 0..<(p - 1) {
                for k in (j + 1)..<p where abs(a[j][k]) > 1e-300 {
                    let theta = (a[k][k] - a[j][j]) / (2 * a[j][k])
                    let t = (theta >= 0 ? 1.0 : -1.0) / (abs(theta) + (theta * theta + 1).squareRoot())
                    let c = 1 / (t * t + 1).squareRoot(), s = t * c
                    for m in 0..<p {
                        let amj = a[m][j], amk = a[m][k]
                        a[m][j] = c * amj - s * amk
                        a[m][k] = s * amj + c * amk
                    }
                    for m in 0..<p {
                        let ajm = a[j][m], akm = a[k][m]
                        a[j][m] = c * ajm - s * akm
                        a[k][m] = s * ajm + c * akm
                    }
                    for m in 0..<p {
                        let vmj = v[m][j], vmk = v[m][k]
                        v[m][j] = c * vmj - s * vmk
                        v[m][k] = s * vmj + c * vmk
                    }
                }
            }
        }
        return nil
    }
}
