import Foundation

/// A small, fast random number generator with a seed (SplitMix64): the same seed gives the same numbers, so
/// simulations, resampling and generated workloads repeat exactly.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension SplitMix64 {
    /// Uniform on (0, 1), never 0 or 1 (53 bits).
    public mutating func uniform() -> Double { (Double(next() >> 11) + 0.5) / Double(1 << 53) }

    /// Standard normal by Box–Muller (two uniforms a draw).
    public mutating func normal() -> Double {
        let u = uniform(), v = uniform()
        return (-2 * log(u)).squareRoot() * cos(2 * Double.pi * v)
    }

    /// Gamma(shape, scale) by Marsaglia & Tsang (ACM TOMS 26(3), 2000), with the boost U^(1/shape) below shape 1.
    public mutating func gamma(_ shape: Double, _ scale: Double) -> Double {
        if shape < 1 { return gamma(shape + 1, scale) * pow(uniform(), 1 / shape) }
        let d = shape - 1.0 / 3, c = 1 / (9 * d).squareRoot()
        while true {
            let z = (-2 * log(uniform())).squareRoot() * cos(2 * .pi * uniform()), v = pow(1 + c * z, 3)
            if v > 0 && log(uniform()) < 0.5 * z * z + d - d * v + d * log(v) { return d * v * scale }
        }
    }
}
