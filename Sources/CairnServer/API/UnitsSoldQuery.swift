import CairnCore
import CairnEngine
import Foundation
import Hummingbird

/// The units-sold report's question as the API and the page both read it: `by` (product, category or channel;
/// default product), `period` (day, week or month; default day), `from` and `until` (ISO 8601 dates or times; the 30
/// days up to now by default; at most three years). Every bad parameter is kept as an issue naming it; an empty one
/// counts as not given. The report counts whole UTC days, which ``days`` says.
struct UnitsSoldQuery {
    var key: UnitsSoldKey = .product
    var period: UnitsSoldPeriod = .day
    var from: Date
    var until: Date
    var issues = ValidationCollector()

    init(_ request: Request, now: Date) {
        let query = request.uri.queryParameters
        var issues = ValidationCollector()
        func given(_ name: String) -> String? { query[name[...]].map(String.init).flatMap { $0.isEmpty ? nil : $0 } }
        if given("by") != nil {
            key = request.queryChoice("by", as: UnitsSoldKey.self, hint: "Use product, category or channel.", collecting: &issues) ?? .product
        }
        if given("period") != nil {
            period = request.queryChoice("period", as: UnitsSoldPeriod.self, hint: "Use day, week or month.", collecting: &issues) ?? .day
        }
        (from, until) = request.reportWindow(defaultDays: 30, now: now, collecting: &issues)
        self.issues = issues
    }

    /// The whole UTC days counted: from the start of `from`'s day to the next midnight at or after `until`.
    var days: (from: Date, until: Date) {
        let days = Date.utcDays(from: from, until: until)
        return (Date(utcDay: days.from), Date(utcDay: days.until))
    }

    /// A counted day as `2026-11-01`.
    static func dayText(_ date: Date) -> String { UnitsSoldPeriod.day.label(ofBucket: date.utcDay) }

    func rows(for principal: Principal, report: UnitsSoldReport) async throws -> [UnitsSoldReport.Row] {
        try await report.rows(for: principal, by: key, period: period, from: from, until: until)
    }
}

extension Request {
    /// A report's `from` and `until` (ISO 8601 dates or times; empty counts as not given): `defaultDays` up to `now`
    /// by default, at most three years; every bad one kept as an issue naming it.
    func reportWindow(defaultDays: Int, now: Date, collecting issues: inout ValidationCollector) -> (from: Date, until: Date) {
        func date(_ name: String) -> Date? {
            guard let text = uri.queryParameters[name[...]].map(String.init), !text.isEmpty else { return nil }
            if let date = Timestamp.parse(text) ?? Timestamp.parse(text + "T00:00:00Z") { return date }
            issues.add(FieldIssue(field: name, issue: .invalid, hint: "Use ISO 8601, e.g. 2026-11-01 or 2026-11-01T00:00:00Z."))
            return nil
        }
        var until = date("until") ?? now
        let from = date("from") ?? until.addingTimeInterval(-Double(defaultDays) * 86_400)
        // from = until on a day's start (2026-12-01 to 2026-12-01) asks for that one whole day.
        if from == until, until == Date(utcDay: until.utcDay) { until = until.addingTimeInterval(86_400) }
        if from >= until { issues.add(FieldIssue(field: "from", issue: .invalid, hint: "from must be before until.")) }
        if until.timeIntervalSince(from) > 3 * 366 * 86_400 { issues.add(FieldIssue(field: "from", issue: .invalid, hint: "Ask for at most three years at once.")) }
        return (from, until)
    }
}
