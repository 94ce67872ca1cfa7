import Foundation

/// Round axis bounds and tick steps for a data range: Heckbert's "nice numbers" algorithm
/// (Paul S. Heckbert, "Nice Numbers for Graph Labels", Graphics Gems, Academic Press, 1990, pp. 61–63).
public struct NiceScale: Sendable, Hashable {
    /// The lowest tick, at or below the data minimum.
    public let lowerBound: Double
    /// The highest tick, at or above the data maximum.
    public let upperBound: Double
    /// The distance between ticks: 1, 2 or 5 times a power of ten.
    public let step: Double

    /// - Parameters:
    ///   - minimum: smallest data value.
    ///   - maximum: largest data value.
    ///   - maximumTicks: how many ticks the axis has room for (at least 2).
    ///   - wholeNumbers: for counts: never step below 1, so no tick reads 0.5.
    public init(minimum: Double, maximum: Double, maximumTicks: Int = 5, wholeNumbers: Bool = false) {
        precondition(minimum.isFinite && maximum.isFinite, "NiceScale needs finite bounds")
        var low = Swift.min(minimum, maximum)
        var high = Swift.max(minimum, maximum)
        if low == high {
            // A flat series still gets an axis: widen around the value (or 0…1 for zero).
            if low == 0 { high = 1 } else { low = Swift.min(0, low); high = Swift.max(0, high) }
        }
        let range = Self.nice(high - low, round: false)
        var step = Self.nice(range / Double(Swift.max(1, maximumTicks - 1)), round: true)
        if wholeNumbers { step = Swift.max(step, 1) }
        self.step = step
        self.lowerBound = (low / step).rounded(.down) * step
        self.upperBound = (high / step).rounded(.up) * step
    }

    /// The tick values from `lowerBound` to `upperBound`.
    public var ticks: [Double] {
        let count = Int(((upperBound - lowerBound) / step).rounded()) + 1
        return (0..<count).map { lowerBound + Double($0) * step }
    }

    /// Digits after the decimal point that show every tick exactly.
    public var fractionDigits: Int {
        Swift.max(0, -Int((log10(step)).rounded(.down)))
    }

    /// Heckbert's `nicenum`: a number of the form 1, 2 or 5 (or 10) × 10ⁿ near `x`.
    static func nice(_ x: Double, round: Bool) -> Double {
        let exponent = (log10(x)).rounded(.down)
        let fraction = x / pow(10, exponent)
        let niceFraction: Double
        if round {
            niceFraction = fraction < 1.5 ? 1 : fraction < 3 ? 2 : fraction < 7 ? 5 : 10
        } else {
            niceFraction = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10
        }
        return niceFraction * pow(10, exponent)
    }
}
