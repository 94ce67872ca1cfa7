import CairnCore
public import CairnStore
public import Foundation

/// Slows down guessing without letting anyone lock someone else out. Failed sign-ins are counted per account *and*
/// client address together, and per address alone: after a few free failures each further attempt from that pair (or
/// that address) must wait, and the wait doubles with each failure up to a ceiling. Someone guessing at a colleague's
/// account from their own machine slows down only themselves — the colleague, signing in from their address, is never
/// held back. Behind a reverse proxy the address is the client's only when the proxy is trusted (`--trusted-proxy`).
/// Kept in the database, so every server on it applies the same waits.
public struct LoginThrottle: Sendable {
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

    struct Record: Sendable {
        var failures: [Date] = []
        var waitUntil: Date?

        var counter: SharedCounter {
            SharedCounter(value: Double(waitUntil?.storageMillis ?? 0), at: failures.last?.storageMillis ?? 0,
                          note: failures.map { String($0.storageMillis) }.joined(separator: ","))
        }

        init() {}

        init(_ counter: SharedCounter) {
            failures = counter.note.split(separator: ",").compactMap { Int64($0) }.map(Date.init(storageMillis:))
            waitUntil = counter.value > 0 ? Date(storageMillis: Int64(counter.value)) : nil
        }
    }

    public let policy: Policy
    /// The counts live in the database (`shared_counters`), so every server on it sees the same waits.
    private let store: Store

    public init(policy: Policy = Policy(), store: Store) {
        self.policy = policy
        self.store = store
    }

    /// Seconds to wait before another attempt, or `nil` when the attempt may go ahead.
    public func retryAfter(account: String, address: String?, now: Date) async throws -> Int? {
        var waits: [Date] = []
        for (key, _) in keys(account: account, address: address) {
            if let until = try await record(key)?.waitUntil, until > now { waits.append(until) }
        }
        guard let until = waits.max() else { return nil }
        // Times are kept to the millisecond: a hair over a whole second is not another second.
        return max(1, Int((until.timeIntervalSince(now) - 0.002).rounded(.up)))
    }

    /// Records a failure; returns the seconds the next attempt must wait, if it must.
    @discardableResult
    public func recordFailure(account: String, address: String?, now: Date) async throws -> Int? {
        var longest: TimeInterval?
        let policy = self.policy
        for (key, free) in keys(account: account, address: address) {
            let delay = try await change(key) { record in
                var record = record ?? Record()
                record.failures = record.failures.filter { now.timeIntervalSince($0) < policy.window.seconds }
                record.failures.append(now)
                let over = record.failures.count - free
                var delay: TimeInterval?
                if over > 0 {
                    delay = min(policy.firstDelay.seconds * pow(2, Double(min(over - 1, 30))), policy.maximumDelay.seconds)
                    record.waitUntil = now.addingTimeInterval(delay!)
                }
                return (record, delay)
            }
            if let delay { longest = max(longest ?? 0, delay) }
        }
        if Int.random(in: 0..<200) == 0 {
            try await store.pruneSharedCounters(olderThan: now.addingTimeInterval(-policy.window.seconds - policy.maximumDelay.seconds).storageMillis)
        }
        return longest.map { max(1, Int($0.rounded(.up))) }
    }

    /// Forgets the failures of this account from this address after a successful sign-in (the address keeps its own
    /// count).
    public func recordSuccess(account: String, address: String?) async throws {
        _ = try await change(Self.pairKey(account: account, address: address)) { _ in (nil, ()) }
    }

    static func pairKey(account: String, address: String?) -> String { "signin.pair:\(account)|\(address ?? "?")" }

    private func keys(account: String, address: String?) -> [(key: String, free: Int)] {
        [(Self.pairKey(account: account, address: address), policy.freeFailures)] + (address.map { [("signin.address:\($0)", policy.addressFreeFailures)] } ?? [])
    }

    private func record(_ key: String) async throws -> Record? {
        try await store.sharedCounter(key).map(Record.init)
    }

    private func change<T: Sendable>(_ key: String, _ body: @escaping @Sendable (Record?) -> (Record?, T)) async throws -> T {
        try await store.updateSharedCounter(key) { counter in
            let (record, result) = body(counter.map(Record.init))
            return (record?.counter, result)
        }
    }
}

extension Duration {
    var seconds: TimeInterval {
        let (seconds, attoseconds) = components
        return TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18
    }
}
