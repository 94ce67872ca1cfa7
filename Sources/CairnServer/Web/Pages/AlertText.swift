import CairnCore
import CairnEngine
import Foundation

/// An underperformance alert as the pages show it, in the page's language: what (the metric, then the touchpoint,
/// product or funnel in `<bdi>`), "12 since 2026-11-28, against a usual 34 on the same weekdays", whether it lasts,
/// and the link to its data.
enum AlertText {
    static func values(_ alert: UnderperformanceAlert, texts: [String: String]) -> [String: Any] {
        func day(_ date: Date) -> String { date.formatted(.iso8601.year().month().day()) }
        let sentence = (texts["alert_sentence"] ?? "{recent} since {since}, against a usual {normal} on the same weekdays")
            .replacingOccurrences(of: "{recent}", with: Underperformance.figure(alert.metric, alert.recent))
            .replacingOccurrences(of: "{normal}", with: Underperformance.figure(alert.metric, alert.normal))
            .replacingOccurrences(of: "{since}", with: day(alert.since))
        let state = alert.ended.map { (texts["alert_ended"] ?? "back to normal on {day}").replacingOccurrences(of: "{day}", with: day($0)) }
            ?? (texts["alert_lasting"] ?? "lasting; last seen {day}").replacingOccurrences(of: "{day}", with: day(alert.lastDay))
        return ["id": alert.id.rawValue, "metric": alert.metric.rawValue, "what": texts["alert_metric_\(alert.metric.rawValue)"] ?? alert.metric.rawValue,
                "label": alert.label, "hasLabel": !alert.label.isEmpty, "sentence": sentence, "state": state, "open": alert.ended == nil,
                "worse": alert.metric.lowerIsWorse ? "▼" : "▲", "href": alert.link]
    }
}
