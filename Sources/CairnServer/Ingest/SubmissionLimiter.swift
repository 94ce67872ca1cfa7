import Foundation
import Synchronization

/// At most `limit` answers per address and link in a sliding `window`; the rest are refused until it passes.
final class SubmissionLimiter: Sendable {
    let limit: Int
    let window: TimeInterval
    private let seen = Mutex<[String: [Date]]>([:])

    init(limit: Int = 60, window: TimeInterval = 600) {
        self.limit = limit
        self.window = window
    }

    func allow(key: String, at now: Date) -> Bool {
        seen.withLock { seen in
            if seen.count > 100_000 { seen = seen.filter { $0.value.last.map { now.timeIntervalSince($0) < window } ?? false } }
            var times = (seen[key] ?? []).filter { now.timeIntervalSince($0) < window }
            guard times.count < limit else { seen[key] = times; return false }
            times.append(now)
            seen[key] = times
            return true
        }
    }
}
