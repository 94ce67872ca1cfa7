public import Foundation

/// When a team works: a time zone, blocks of opening hours per weekday (several per day, e.g. a lunch break between
/// two), and holidays (local dates on which it does not work). Service-level targets count only the time inside these
/// hours. Hours are local wall-clock times, so a block 09:00–17:00 stays 09:00–17:00 across a daylight-saving change
/// (that day's blocks are one hour longer or shorter only when they span the change itself).
public struct BusinessCalendar: Sendable, Hashable, Codable {
    /// An opening block of one weekday, in minutes after local midnight; `end` may be 1440 (midnight at the day's end).
    public struct Block: Sendable, Hashable, Codable, Comparable {
        public var start: Int
        public var end: Int

        public init(start: Int, end: Int) {
            self.start = start
            self.end = end
        }

        public static func < (a: Block, b: Block) -> Bool { (a.start, a.end) < (b.start, b.end) }

        /// `"09:00"`–`"17:30"` as minutes.
        public init?(from start: String, to end: String) {
            guard let s = Self.minutes(start), let e = Self.minutes(end), s < e else { return nil }
            self.init(start: s, end: e)
        }

        static func minutes(_ text: String) -> Int? {
            let parts = text.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 2, parts[0].count == 2, parts[1].count == 2, let h = Int(parts[0]), let m = Int(parts[1]),
                  (0...24).contains(h), (0..<60).contains(m), h < 24 || m == 0 else { return nil }
            return h * 60 + m
        }

        public var startText: String { Self.text(start) }
        public var endText: String { Self.text(end) }
        static func text(_ minutes: Int) -> String {
            let h = minutes / 60, m = minutes % 60
            return (h < 10 ? "0" : "") + "\(h):" + (m < 10 ? "0" : "") + "\(m)"
        }
    }

    /// Weekdays as the API names them, Monday first (ISO 8601 order).
    public static let weekdayNames = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]

    /// An IANA time zone identifier, e.g. `Europe/Berlin`.
    public var timeZone: String
    /// Seven lists of blocks, Monday first; each list sorted and without overlaps.
    public var week: [[Block]]
    /// Local dates (`YYYY-MM-DD`) on which the team does not work.
    public var holidays: Set<String>

    public init(timeZone: String, week: [[Block]], holidays: Set<String> = []) {
        self.timeZone = timeZone
        self.week = week
        self.holidays = holidays
    }

    /// Every hour of every day, in UTC: the calendar of a team that never closes (and of cases with no team).
    public static let alwaysOpen = BusinessCalendar(timeZone: "UTC", week: Array(repeating: [Block(start: 0, end: 1440)], count: 7))

    /// Checks the calendar and says what is wrong with it, field by field (`field` prefixes the paths).
    public static func validated(timeZone: String, week: [[Block]], holidays: [String], field: String) throws(ValidationError) -> BusinessCalendar {
        var issues = ValidationCollector()
        if TimeZone(identifier: timeZone) == nil {
            issues.add(FieldIssue(field: "\(field).timeZone", issue: .invalid, hint: "Use an IANA time zone name, e.g. Europe/Berlin or Asia/Jerusalem."))
        }
        if week.count != 7 { issues.add(FieldIssue(field: "\(field).hours", issue: .invalid, hint: "Give the hours of seven days, Monday first.")) }
        for (day, blocks) in week.enumerated() {
            let sorted = blocks.sorted()
            for (a, b) in zip(sorted, sorted.dropFirst()) where b.start < a.end {
                issues.add(FieldIssue(field: "\(field).hours.\(weekdayNames[min(day, 6)])", issue: .invalid,
                                      hint: "The blocks \(a.startText)–\(a.endText) and \(b.startText)–\(b.endText) overlap; give each time once."))
            }
        }
        if week.allSatisfy(\.isEmpty) {
            issues.add(FieldIssue(field: "\(field).hours", issue: .missing, hint: "Give at least one block of opening hours, e.g. mon: [[\"09:00\",\"17:00\"]]."))
        }
        for day in holidays where localDate(day) == nil {
            issues.add(FieldIssue(field: "\(field).holidays", issue: .invalid, hint: "Write holidays as YYYY-MM-DD, e.g. 2026-12-25 (\"\(day.prefix(20))\" is not one)."))
        }
        try issues.throwIfAny()
        return BusinessCalendar(timeZone: timeZone, week: week.map { $0.sorted() }, holidays: Set(holidays))
    }

    static func localDate(_ text: String) -> DateComponents? {
        let parts = text.split(separator: "-")
        guard text.count == 10, parts.count == 3, let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]),
              (1...12).contains(m), (1...31).contains(d) else { return nil }
        return DateComponents(year: y, month: m, day: d)
    }

    private var calendar: Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: timeZone) ?? TimeZone(identifier: "UTC")!
        return calendar
    }

    /// The open intervals of the local day that starts at `dayStart`, in order.
    private func openIntervals(ofDayStarting dayStart: Date, calendar: Calendar) -> [DateInterval] {
        let parts = calendar.dateComponents([.year, .month, .day, .weekday], from: dayStart)
        guard let y = parts.year, let m = parts.month, let d = parts.day, let weekday = parts.weekday else { return [] }
        let key = String(format: "%04d-%02d-%02d", y, m, d)
        if holidays.contains(key) { return [] }
        // Foundation counts Sunday as 1; the week here starts on Monday.
        let blocks = week[(weekday + 5) % 7]
        guard !blocks.isEmpty, let nextDay = calendar.date(byAdding: .day, value: 1, to: dayStart) else { return [] }
        func instant(_ minutes: Int) -> Date {
            if minutes >= 1440 { return nextDay }
            if minutes == 0 { return dayStart }
            // A local time that a daylight-saving change skips is taken as the first time after it.
            return calendar.date(from: DateComponents(year: y, month: m, day: d, hour: minutes / 60, minute: minutes % 60)) ?? dayStart
        }
        return blocks.compactMap { block in
            let start = instant(block.start), end = instant(block.end)
            return end > start ? DateInterval(start: start, end: end) : nil
        }
    }

    /// Walks the open intervals from the local day of `from` on, handing each (clipped to start at `from`) to `body`
    /// until it answers false; at most ten years of days, so a calendar without any hours cannot loop for ever.
    private func forEachOpenInterval(from: Date, _ body: (DateInterval) -> Bool) {
        let calendar = calendar
        var day = calendar.startOfDay(for: from)
        for _ in 0..<3660 {
            for interval in openIntervals(ofDayStarting: day, calendar: calendar) where interval.end > from {
                let clipped = DateInterval(start: max(interval.start, from), end: interval.end)
                if !body(clipped) { return }
            }
            guard let next = calendar.date(byAdding: .day, value: 1, to: day) else { return }
            day = next
        }
    }

    /// The business time between two instants: only the time inside opening hours counts.
    public func businessSeconds(from start: Date, to end: Date) -> TimeInterval {
        guard end > start else { return 0 }
        var total: TimeInterval = 0
        forEachOpenInterval(from: start) { interval in
            if interval.start >= end { return false }
            total += min(interval.end, end).timeIntervalSince(interval.start)
            return interval.end < end
        }
        return total
    }

    /// The instant at which `seconds` of business time have passed since `start`; nil when the calendar has no
    /// opening hours in the next ten years.
    public func adding(_ seconds: TimeInterval, to start: Date) -> Date? {
        var left = max(0, seconds), answer: Date?
        forEachOpenInterval(from: start) { interval in
            if left <= interval.duration {
                answer = interval.start.addingTimeInterval(left)
                return false
            }
            left -= interval.duration
            return true
        }
        return answer
    }

    /// Whether `instant` falls inside opening hours.
    public func isOpen(at instant: Date) -> Bool {
        var open = false
        forEachOpenInterval(from: instant) { interval in
            open = interval.start <= instant && instant < interval.end
            return false
        }
        return open
    }
}
