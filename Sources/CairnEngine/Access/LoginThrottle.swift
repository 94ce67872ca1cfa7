public import Foundation

/// Slows down guessing without letting anyone lock someone else out. Failed sign-ins are counted per account *and*
/// client address together, and per address alone: after a few free failures each further attempt from that pair (or
/// that address) must wait, and the wait doubles with each failure up to a ceiling. Someone guessing at a colleague's
/// account from their own machine slows down only themselves — the colleague, signing in from their address, is never
/// held back. Behind a reverse proxy the address is the client's only when the proxy is trusted (`--trusted-proxy`).
/// Kept in memory: a restart forgets, which errs towards letting people in.
public actor LoginThrottle {
    public struct Policy: Sendable {
        /// Failures of one account from one address that cost nothing.
        public var freeFailures: Int
        /// Failures from one address, over any accounts, that cost nothing (one address trying many accounts).
        public var addressFreeFailures: Int
        /// The first wait; each further failure doubles it.
        public var firstDelay: Duration
        /// The longest wait.
        public var maximumDelay: Duration
        /// Failures older than this are forgotten.
        public var window: Duration

        public init(freeFailures: Int = 3, addressFreeFailures: Int = 20, firstDelay: Duration = .seconds(2), maximumDelay: Duration = .seconds(15 * 60),
                    window: Duration = .seconds(15 * 60)) {
            self.freeFailures = freeFailures
            self.addressFreeFailures = addressFreeFailures
            self.firstDelay = firstDelay
            self.maximumDelay = maximumDelay
            self.window = window
        }
    }

    private struct Record {
        var failures: [Date] = []
        var waitUntil: Date?
    }

    public let policy: Policy
    private var records: [String: Record] = [:]

    public init(policy: Policy = Policy()) {
        self.policy = policy
    }

    /// Seconds to wait before another attempt, or `nil` when the attempt may go ahead.
    public func retryAfter(account: String, address: String?, now: Date) -> Int? {
        prune(now: now)
        let waits = keys(account: account, address: address).compactMap { records[$0.key]?.waitUntil }.filter { $0 > now }
        guard let until = waits.max() else { return nil }
        return max(1, Int(until.timeIntervalSince(now).rounded(.up)))
    }

    /// Records a failure; returns the seconds the next attempt must wait, if it must.
    @discardableResult
    public func recordFailure(account: String, address: String?, now: Date) -> Int? {
        var longest: TimeInterval?
        for (key, free) in keys(account: account, address: address) {
            var record = records[key] ?? Record()
            record.failures = record.failures.filter { now.timeIntervalSince($0) < policy.window.seconds }
            record.failures.append(now)
            let over = record.failures.count - free
            if over > 0 {
                let delay = min(policy.firstDelay.seconds * pow(2, Double(min(over - 1, 30))), policy.maximumDelay.seconds)
                record.waitUntil = now.addingTimeInterval(delay)
                longest = max(longest ?? 0, delay)
            }
            records[key] = record
        }
        return longest.map { max(1, Int($0.rounded(.up))) }
    }

    /// Forgets the failures of this account from this address after a successful sign-in (the address keeps its own
    /// count).
    public func recordSuccess(account: String, address: String?) {
        records[Self.pairKey(account: account, address: address)] = nil
    }

    static func pairKey(account: String, address: String?) -> String { "pair:\(account)|\(address ?? "?")" }

    private func keys(account: String, address: String?) -> [(key: String, free: Int)] {
        [(Self.pairKey(account: account, address: address), policy.freeFailures)] + (address.map { [("address:\($0)", policy.addressFreeFailures)] } ?? [])
    }

    private func prune(now: Date) {
        guard records.count > 10_000 else { return }
        records = records.filter { _, record in
            (record.waitUntil.map { $0 > now } ?? false) || record.failures.contains { now.timeIntervalSince($0) < policy.window.seconds }
        }
    }
}

extension Duration {
    var seconds: TimeInterval {
        let (seconds, attoseconds) = components
        return TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18
    }
}
