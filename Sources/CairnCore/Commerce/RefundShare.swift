/// How money given back on an order (refunds and chargebacks) falls on its lines: in proportion to each line's part
/// of the order's total, exactly. Tax and shipping are part of the total but of no line, so they keep their own share.
public enum RefundShare {
    /// Shares `refunded × Σlines ÷ total` over the lines in proportion to each: floors first (128-bit products, so the
    /// largest figures never overflow), then one minor unit each to the largest remainders, earlier lines first on a tie.
    public static func split(refunded: Int64, total: Int64, lines: [Int64]) -> [Int64] {
        guard total > 0, refunded > 0 else { return lines.map { _ in 0 } }
        func part(_ value: Int64) -> (quotient: Int64, remainder: Int64) {
            let product = value.multipliedFullWidth(by: refunded)
            return total.dividingFullWidth((product.high, product.low))
        }
        let parts = lines.map { part(max(0, $0)) }
        let wanted = part(lines.reduce(0) { $0 + max(0, $1) }).quotient
        var shares = parts.map(\.quotient)
        var left = wanted - shares.reduce(0, +)
        let byRemainder = parts.indices.sorted { (parts[$0].remainder, $1) > (parts[$1].remainder, $0) }
        for index in byRemainder where left > 0 {
            shares[index] += 1
            left -= 1
        }
        return shares
    }
}
