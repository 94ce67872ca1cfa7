public import Foundation

/// Counts failed sign-ins per account and per client address and refuses further attempts for a while when
/// either passes its limit. Kept in memory: a restart forgets, which errs towards letting people in.
public actor LoginThrottle {
    public struct Policy: Sendable {
        /// Failures per account inside `window` before the account is locked for `lockout`.
        public var accountLimit: Int
        /// Failures per client address inside `window` before the address is locked for `lockout`.
        public var addressLimit: Int
        public var window: Duration
        public var lockout: Duration

        public init(accountLimit: Int = 5, addressLimit: Int = 20, window: Duration = .seconds(15 * 60), lockout: Duration = .seconds(15 * 60)) {
            self.accountLimit = accountLimit
            self.addressLimit = addressLimit
            self.window = window
            self.lockout = lockout
        }
    }

    private struct Record {
        var failures: [Date] = []
        var lockedUntil: Date?
    }

    public let policy: Policy
    private var records: [String: Record] = [:]

    public init(policy: Policy = Policy()) {
        self.policy = policy
    }

    /// Seconds to wait before another attempt, or `nil` when the attempt may go ahead.
    public func retryAfter(account: String, address: String?, now: Date) -> Int? {
        prune(now: now)
        let waits = keys(account: account, address: address).compactMap { records[$0]?.lockedUntil }.filter { $0 > now }
        guard let until = waits.max() else { return nil }
        return max(1, Int(until.timeIntervalSince(now).rounded(.up)))
    }

    /// Records a failure; returns the seconds to wait if this failure triggered a lockout.
    @discardableResult
    public func recordFailure(account: String, address: String?, now: Date) -> Int? {
        var triggered: Int?
        for (key, limit) in zip(keys(account: account, address: address), [policy.accountLimit, policy.addressLimit]) {
            var record = records[key] ?? Record()
            record.failures = record.failures.filter { now.timeIntervalSince($0) < policy.window.seconds }
            record.failures.append(now)
            if record.failures.count >= limit {
                record.lockedUntil = now.addingTimeInterval(policy.lockout.seconds)
                record.failures.removeAll()
                triggered = Int(policy.lockout.seconds)
            }
            records[key] = record
        }
        return triggered
    }

    /// Forgets the account's failures after a successful sign-in (the address keeps its count).
    public func recordSuccess(account: String) {
        records["account:\(account)"] = nil
    }

    private func keys(account: String, address: String?) -> [String] {
        ["account:\(account)"] + (address.map { ["address:\($0)"] } ?? [])
    }

    private func prune(now: Date) {
        guard records.count > 10_000 else { return }
        records = records.filter { _, record in
            (record.lockedUntil.map { $0 > now } ?? false) || record.failures.contains { now.timeIntervalSince($0) < policy.window.seconds }
        }
    }
}

extension Duration {
    var seconds: TimeInterval {
        let (seconds, attoseconds) = components
        return TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18
    }
}
