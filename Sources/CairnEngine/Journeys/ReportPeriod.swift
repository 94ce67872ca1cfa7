public import CairnCore
public import Foundation

/// The period a journeys or insights figure covers, as clients send it: whole UTC days `from` … `until` (not
/// included), by default the `defaultDays` up to and including today; one place checks it for every such figure.
public enum ReportPeriod {
    /// `2026-11-01` as the start of that UTC day; nil for anything else.
    public static func day(_ text: String) -> Date? {
        guard text.count == 10, let date = Timestamp.parse(text + "T00:00:00Z") else { return nil }
        return date
    }

    /// The period, or nil with the issues added (`from`, `until`, naming each).
    public static func parse(from fromText: String?, until untilText: String?, now: Date, defaultDays: Int, maximumDays: Int? = 400,
                             collecting issues: inout ValidationCollector) -> (from: Date, until: Date)? {
        var until: Date? = Date(utcDay: now.utcDay + 1)
        if let untilText { until = day(untilText) }
        var from: Date? = until?.addingTimeInterval(-Double(defaultDays) * 86_400)
        if let fromText { from = day(fromText) }
        if until == nil { issues.add(FieldIssue(field: "until", issue: .invalid, hint: "Use a date like 2026-12-01 (not included).")) }
        if from == nil { issues.add(FieldIssue(field: "from", issue: .invalid, hint: "Use a date like 2026-11-01.")) }
        guard let from, let until else { return nil }
        if from >= until || maximumDays.map({ until.timeIntervalSince(from) > Double($0) * 86_400 }) == true {
            issues.add(FieldIssue(field: "from", issue: .invalid,
                                  hint: "The period runs from before until" + (maximumDays.map { ", at most \($0) days." } ?? ".")))
            return nil
        }
        return (from, until)
    }
}
