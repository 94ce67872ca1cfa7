import CairnCore
import Testing

/// Expected shares are worked by hand: each line gets ⌊refunded × line ÷ total⌋, and the minor units still missing from
/// ⌊refunded × Σlines ÷ total⌋ go one each to the largest remainders, the earlier line first on a tie.
@Suite("How money given back falls on an order's lines")
struct RefundShareTests {
    @Test("Hand-worked splits", arguments: [
        // 1000 × 1000 ÷ 3000 = 333⅓ each: floors 999, one cent left, to the first line (all remainders tie).
        (Int64(1000), Int64(3000), [Int64(1000), 1000, 1000], [Int64(334), 333, 333]),
        // 700 × 1000 ÷ 1100 = 636 r 400; 300 × 1000 ÷ 1100 = 272 r 800; Σ ⌊1000 × 1000 ÷ 1100⌋ = 909: the cent goes to line 2.
        (1000, 1100, [700, 300], [636, 273]),
        // 7 × 3 ÷ 10 = 2.1, 2.1; 7 × 4 ÷ 10 = 2.8: floors 6 of 7, the cent to the last line.
        (7, 10, [3, 3, 4], [2, 2, 3]),
        // Tax and shipping are part of the total but of no line: a full refund gives each line its whole value back.
        (1290, 1290, [500, 400, 100], [500, 400, 100]),
        // Nothing given back, nothing shared.
        (0, 100, [100], [0]),
        // The largest figures do not overflow (the products need 128 bits).
        (1_000_000_000_000_000, 1_000_000_000_000_000, [999_999_999_999_999, 1], [999_999_999_999_999, 1]),
    ])
    func handWorked(refunded: Int64, total: Int64, lines: [Int64], expected: [Int64]) {
        #expect(RefundShare.split(refunded: refunded, total: total, lines: lines) == expected)
    }

    @Test("The shares never exceed a line and add up to the lines' part of what was given back")
    func invariants() {
        var state: UInt64 = 0x5eed
        func next(_ bound: Int64) -> Int64 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int64((state >> 33) % UInt64(bound))
        }
        for _ in 0..<500 {
            let lines = (0..<(1 + next(5))).map { _ in 1 + next(10_000) }
            let extra = next(2_000)
            let total = lines.reduce(0, +) + extra
            let refunded = next(total + 1)
            let shares = RefundShare.split(refunded: refunded, total: total, lines: lines)
            #expect(zip(shares, lines).allSatisfy { $0 >= 0 && $0 <= $1 })
            #expect(shares.reduce(0, +) == refunded * lines.reduce(0, +) / total)
        }
    }
}
