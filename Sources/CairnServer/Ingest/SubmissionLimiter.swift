import Foundation
import Synchronization

/// At most `limit` answers per address and link in a sliding `window`; the rest are refused until it passes.
final class SubmissionLimiter: Sendable {
    let limit: Int
    let window: TimeInterval
    /// Per key, the times answers were let through, oldest first; `start` skips those already out of the window, so
    /// each call costs the same however high the limit is set.
    private struct Times { var times: [Date] = []; var start = 0 }
    private let seen = Mutex<[String: Times]>([:])

    init(limit: Int = 60, window: TimeInterval = 600) {
        self.limit = limit
        self.window = window
    }

    func allow(key: String, at now: Date) -> Bool {
        seen.withLock { seen in
            if seen.count > 100_000 { seen = seen.filter { $0.value.times.last.map { now.timeIntervalSince($0) < window } ?? false } }
            var entry = seen.removeValue(forKey: key) ?? Times()
            defer { seen[key] = entry }
            while entry.start < entry.times.count, now.timeIntervalSince(entry.times[entry.start]) >= window { entry.start += 1 }
            if entry.start > 64, entry.start * 2 > entry.times.count {
                entry.times.removeFirst(entry.start)
                entry.start = 0
            }
            guard entry.times.count - entry.start < limit else { return false }
            entry.times.append(now)
            return true
        }
    }
}
