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

    init(_ request: Request, now: Date = Date()) {
        let query = request.uri.queryParameters
        var issues = ValidationCollector()
        func given(_ name: String) -> String? { query[name[...]].map(String.init).flatMap { $0.isEmpty ? nil : $0 } }
        func date(_ name: String) -> Date? {
            guard let text = given(name) else { return nil }
            if let date = Timestamp.parse(text) ?? Timestamp.parse(text + "T00:00:00Z") { return date }
            issues.add(FieldIssue(field: name, issue: .invalid, hint: "Use ISO 8601, e.g. 2026-11-01 or 2026-11-01T00:00:00Z."))
            return nil
        }
        if given("by") != nil {
            key = request.queryChoice("by", as: UnitsSoldKey.self, hint: "Use product, category or channel.", collecting: &issues) ?? .product
        }
        if given("period") != nil {
            period = request.queryChoice("period", as: UnitsSoldPeriod.self, hint: "Use day, week or month.", collecting: &issues) ?? .day
        }
        let until = date("until") ?? now
        let from = date("from") ?? until.addingTimeInterval(-30 * 86_400)
        if from >= until { issues.add(FieldIssue(field: "from", issue: .invalid, hint: "from must be before until.")) }
        if until.timeIntervalSince(from) > 3 * 366 * 86_400 { issues.add(FieldIssue(field: "from", issue: .invalid, hint: "Ask for at most three years at once.")) }
        self.from = from
        self.until = until
        self.issues = issues
    }

    /// The whole UTC days counted: from the start of `from`'s day to the next midnight at or after `until`.
    var days: (from: Date, until: Date) {
        let days = UnitsSoldReport.days(from: from, until: until)
        return (Date(timeIntervalSince1970: TimeInterval(days.from * 86_400)), Date(timeIntervalSince1970: TimeInterval(days.until * 86_400)))
    }

    /// A counted day as `2026-11-01`.
    static func dayText(_ date: Date) -> String { UnitsSoldPeriod.day.label(ofBucket: UnitsSoldReport.days(from: date, until: date.addingTimeInterval(1)).from) }

    func rows(for principal: Principal, report: UnitsSoldReport) async throws -> [UnitsSoldReport.Row] {
        try await report.rows(for: principal, by: key, period: period, from: from, until: until)
    }
}
