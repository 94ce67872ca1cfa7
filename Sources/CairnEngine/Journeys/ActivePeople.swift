public import CairnCore
public import CairnStore
public import Foundation

/// Active people: how many different customers did anything (any event tied to them: a track, page, screen or
/// identify call, on any channel) in each day, week (from Monday, UTC) or month of a period, and in the whole
/// period. Read from the event columns (the event table without them). Needs `journeys.read`.
public struct ActivePeople: Sendable {
    let store: Store
    public let clock: DateSource
    let columns: EventColumns?

    public init(store: Store, clock: DateSource = .system, columns: EventColumns? = nil) {
        self.store = store
        self.clock = clock
        self.columns = columns
    }

    public enum Period: String, Sendable, CaseIterable { case day, week, month }

    public struct Point: Sendable, Encodable {
        public var start: Date
        public var people: Int
    }

    public struct Result: Sendable, Encodable {
        public var period: String
        public var from: Date
        public var until: Date
        /// Every bucket of the period, empty ones too, oldest first.
        public var points: [Point]
        /// Different people active at any time in the period.
        public var people: Int
    }

    /// The bucket (its start, milliseconds) of a time.
    static func bucket(_ time: Int64, _ period: Period) -> Int64 {
        let day = Int64(86_400_000)
        switch period {
        case .day: return floorDiv(time, day) * day
        case .week: return floorDiv(time - 4 * day, 7 * day) * 7 * day + 4 * day
        case .month:
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: "UTC")!
            let date = Date(timeIntervalSince1970: Double(time) / 1000)
            return Int64((calendar.date(from: calendar.dateComponents([.year, .month], from: date))!.timeIntervalSince1970 * 1000).rounded())
        }
    }

    static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 { a >= 0 ? a / b : -((-a + b - 1) / b) }

    public func run(period text: String?, from fromText: String?, until untilText: String?, for principal: Principal) async throws -> Result {
        try principal.require(.journeysRead)
        var issues = ValidationCollector()
        let period = Period(rawValue: text ?? "day")
        if period == nil { issues.add(FieldIssue(field: "period", issue: .unknownValue(allowed: Period.allCases.map(\.rawValue)), hint: "Use day, week or month.")) }
        let span = ReportPeriod.parse(from: fromText, until: untilText, now: clock.now(), defaultDays: 30, collecting: &issues)
        try issues.throwIfAny()
        let (from, until) = span!
        let chosen = period!
        // Month buckets are found per event (calendar months); days and weeks by arithmetic.
        struct Counts: Sendable { var buckets: [Int64: Int] = [:]; var people = 0 }
        let lower = from.storageMillis, upper = until.storageMillis
        let add: @Sendable (inout Counts, UnsafeBufferPointer<ColumnEvent>) -> Void = { counts, events in
            var last = Int64.min, lastMonthKey = Int64.min, any = false
            for event in events where event.time >= lower && event.time < upper {
                any = true
                let bucket: Int64
                if chosen == .month {
                    // Cheap guard: within the same UTC day the month cannot change.
                    let dayKey = Self.floorDiv(event.time, 86_400_000)
                    if dayKey == lastMonthKey { continue }
                    lastMonthKey = dayKey
                    bucket = Self.bucket(event.time, .month)
                } else {
                    bucket = Self.bucket(event.time, chosen)
                }
                if bucket != last { counts.buckets[bucket, default: 0] += 1; last = bucket }
            }
            if any { counts.people += 1 }
        }
        var counts = Counts()
        if let columns, case let snapshot = try await columns.snapshot(of: principal.workspaceID), !snapshot.overflow {
            counts = await snapshot.reduce(from: lower, until: upper, wanted: nil, initial: { Counts() }) { counts, _, events in add(&counts, events) }
                merge: { total, part in total.buckets.merge(part.buckets, uniquingKeysWith: +); total.people += part.people }
        } else {
            var current: (profile: String, events: [ColumnEvent])?
            func close() {
                guard let held = current else { return }
                held.events.withUnsafeBufferPointer { add(&counts, $0) }
            }
            try await store.funnelEvents(in: principal.workspaceID, names: [], everything: true, from: from, until: until, properties: false) { rows in
                for row in rows {
                    if current?.profile != row.profile { close(); current = (row.profile, []) }
                    current!.events.append(ColumnEvent(time: row.time, name: 0, channel: 0))
                }
            }
            close()
        }
        var points: [Point] = []
        var start = Self.bucket(lower, chosen)
        while start < upper {
            points.append(Point(start: Date(storageMillis: start), people: counts.buckets[start] ?? 0))
            start = chosen == .month ? Self.bucket(start + 32 * 86_400_000, .month) : start + (chosen == .week ? 7 : 1) * 86_400_000
        }
        return Result(period: chosen.rawValue, from: from, until: until, points: points, people: counts.people)
    }
}
