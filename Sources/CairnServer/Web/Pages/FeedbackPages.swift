import CairnAnalytics
import CairnCore
import CairnEngine
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Feedback: the scorecard (every survey's NPS, CSAT, CES and ratings with their 95 % intervals and n, against the
/// period before, and NPS pooled over all surveys), the surveys (made from templates, edited as drafts, previewed at
/// phone width, published and closed, with a weekly NPS chart), and the responses with a CSV export.
struct FeedbackPages {
    let renderer: WebRenderer
    let surveys: Surveys
    let results: SurveyResults
    let records: CustomerRecords
    let emails: SurveyEmails
    let triggers: SurveyTriggers
    let segments: Segments
    let clock: DateSource

    func addRoutes(to router: Router<CairnRequestContext>) {
        router.get("feedback", use: scorecard)
        router.get("feedback/surveys", use: surveyList)
        router.post("feedback/surveys", use: createSurvey)
        router.get("feedback/surveys/{id}", use: survey)
        router.post("feedback/surveys/{id}", use: saveSurvey)
        router.post("feedback/surveys/{id}/status", use: moveSurvey)
        router.get("feedback/surveys/{id}/preview", use: preview)
        router.get("feedback/surveys/{id}/build", use: builder)
        router.post("feedback/surveys/{id}/build", use: build)
        router.post("feedback/surveys/{id}/email-invitations", use: inviteByEmail)
        router.post("feedback/surveys/{id}/reminders", use: remindNow)
        router.post("feedback/surveys/{id}/triggers", use: saveTriggers)
        router.post("feedback/contact-settings", use: saveContactSettings)
        router.get("feedback/responses", use: responseList)
        router.get("feedback/responses.csv", use: responsesCSV)
    }

    static func nav(_ current: String, texts: [String: String]) -> [[String: Any]] {
        [("scorecard", "/feedback", "feedback_scorecard"), ("surveys", "/feedback/surveys", "feedback_surveys"),
         ("responses", "/feedback/responses", "feedback_responses"), ("topics", "/feedback/topics", "feedback_topics_page")].map {
            ["id": $0.0, "href": $0.1, "label": texts[$0.2] ?? $0.2, "current": $0.0 == current]
        }
    }

    static func number(_ value: Double?, digits: Int = 1) -> String {
        value.map { String(format: "%.\(digits)f", $0) } ?? "–"
    }

    /// A figure as the scorecard shows it: the value, its interval, n and any warning.
    func cells(_ figure: SurveyResults.Figure, texts: [String: String]) -> [String: Any] {
        func warning(_ value: SampleWarning?) -> String { value.map { texts["feedback_warning_\($0.rawValue)"] ?? $0.rawValue } ?? "" }
        if let nps = figure.nps {
            return ["metric": "NPS", "value": Self.number(nps.score, digits: 0), "interval": nps.interval.map { "\(Self.number($0.lower, digits: 0)) … \(Self.number($0.upper, digits: 0))" } ?? "–",
                    "n": nps.n, "warning": warning(nps.warning)]
        }
        if let csat = figure.csat {
            return ["metric": "CSAT", "value": csat.percent.map { Self.number($0) + " %" } ?? "–",
                    "interval": csat.interval.map { "\(Self.number($0.lower)) … \(Self.number($0.upper)) %" } ?? "–", "n": csat.n, "warning": warning(csat.warning)]
        }
        if let ces = figure.ces {
            return ["metric": "CES", "value": Self.number(ces.mean.mean, digits: 2),
                    "interval": ces.mean.interval.map { "\(Self.number($0.lower, digits: 2)) … \(Self.number($0.upper, digits: 2))" } ?? "–",
                    "n": ces.mean.n, "warning": warning(ces.mean.warning),
                    "extra": (texts["feedback_top2"] ?? "") + " " + (ces.topTwoBox.percent.map { Self.number($0) + " %" } ?? "–")
                        + " · " + (texts["feedback_agree"] ?? "") + " " + (ces.agree.percent.map { Self.number($0) + " %" } ?? "–")]
        }
        if let rating = figure.rating {
            return ["metric": texts["feedback_rating"] ?? "Rating", "value": Self.number(rating.mean, digits: 2),
                    "interval": rating.interval.map { "\(Self.number($0.lower, digits: 2)) … \(Self.number($0.upper, digits: 2))" } ?? "–",
                    "n": rating.n, "warning": warning(rating.warning)]
        }
        return [:]
    }

    /// The period asked for (`days`: 7–730, default 90), ending at the next UTC midnight.
    func period(_ request: Request) -> (from: Date, until: Date, days: Int) {
        let days = request.uri.queryParameters["days"].flatMap { Int(String($0)) }.map { min(730, max(7, $0)) } ?? 90
        let until = Date(utcDay: clock.now().utcDay + 1)
        return (until.addingTimeInterval(-Double(days) * 86_400), until, days)
    }

    @Sendable func scorecard(_ request: Request, context: CairnRequestContext) async throws -> Response {
        let (principal, _) = try context.requireUser()
        try principal.require(.feedbackRead)
        let texts = renderer.catalogue.texts(for: context.language)
        let window = period(request)
        let card = try await results.scorecard(for: principal, from: window.from, until: window.until)
        func changeText(_ change: Change?) -> [String: Any] {
            guard let change else { return ["text": texts["feedback_no_comparison"] ?? "–", "significant": false] }
            let sign = change.difference >= 0 ? "+" : "−"
            let p = change.adjustedPValue ?? change.pValue
            return ["text": "\(sign)\(Self.number(abs(change.difference))) (p = \(String(format: "%.3f", p)))", "significant": change.isSignificant,
                    "direction": change.difference >= 0 ? "up" : "down"]
        }
        // The trend: weekly NPS of the first survey with an NPS question.
        var chart = ""
        if let line = card.lines.first(where: { $0.current.nps != nil }) {
            let weeks = try await results.weeklyNPS(of: line.survey.id, question: line.question.id, for: principal, from: window.from, until: window.until)
            if !weeks.isEmpty {
                chart = SVGChart(kind: .line, title: (texts["feedback_trend_title"] ?? "") + " · " + line.survey.name, summary: texts["feedback_trend_summary"] ?? "",
                                 xAxisLabel: texts["feedback_week"] ?? "", yAxisLabel: "NPS",
                                 points: weeks.map { .init(label: String($0.week.dropFirst(5)), value: $0.nps.score ?? 0) }, idPrefix: "nps-trend", yDomain: -100...100).render()
            }
        }
        // What customers write about: responses per topic over the period (all surveys), by week.
        let topicPoints = try await results.topicTrend(of: nil, period: .week, from: window.from, until: window.until, for: principal)
        var topicTotals: [String: (responses: Int64, negative: Int64, positive: Int64, weeks: [String: Int64])] = [:]
        for point in topicPoints {
            var total = topicTotals[point.topic] ?? (0, 0, 0, [:])
            total.responses += point.responses
            total.negative += point.negative
            total.positive += point.positive
            total.weeks[point.period, default: 0] += point.responses
            topicTotals[point.topic] = total
        }
        let weeks = Array(Set(topicPoints.map(\.period))).sorted()
        let topicNameOf = Dictionary(uniqueKeysWithValues: try await topicNames(for: principal, texts: texts).map { ($0.id, $0.name) })
        let topicRows = topicTotals.sorted { $0.value.responses != $1.value.responses ? $0.value.responses > $1.value.responses : $0.key < $1.key }
        let topicChart = topicRows.isEmpty ? "" : SVGChart(kind: .bar, title: texts["feedback_topics_title"] ?? "", summary: texts["feedback_topics_summary"] ?? "",
                                                           xAxisLabel: texts["feedback_topic"] ?? "", yAxisLabel: texts["feedback_mentions"] ?? "",
                                                           points: topicRows.map { .init(label: topicNameOf[$0.key] ?? $0.key, value: Double($0.value.responses)) },
                                                           idPrefix: "topics", wholeNumbers: true).render()
        return try renderer.page("feedback_scorecard", titleKey: "feedback_scorecard", section: "feedback", context: context, values: [
            "hasTopics": !topicRows.isEmpty,
            "topicChart": topicChart,
            "topicRows": topicRows.map { topic, total -> [String: Any] in
                ["id": topic, "name": topicNameOf[topic] ?? topic, "responses": total.responses, "negative": total.negative, "positive": total.positive,
                 "weekly": weeks.map { String(total.weeks[$0] ?? 0) }.joined(separator: " · ")]
            },
            "feedbackNav": Self.nav("scorecard", texts: texts),
            "days": [30, 90, 180, 365].map { ["value": $0, "selected": $0 == window.days] },
            "from": UnitsSoldQuery.dayText(window.from), "until": UnitsSoldQuery.dayText(window.until),
            "hasLines": !card.lines.isEmpty,
            "lines": card.lines.map { line -> [String: Any] in
                var values = cells(line.current, texts: texts)
                values["survey"] = line.survey.name
                values["surveyID"] = line.survey.id.rawValue
                values["question"] = line.question.id
                values["change"] = changeText(line.change)
                values["previous"] = cells(line.previous, texts: texts)["value"] ?? "–"
                return values
            },
            "combined": cells(SurveyResults.Figure(question: "all", type: .nps, nps: card.combinedNPS), texts: texts),
            "combinedChange": changeText(card.combinedChange),
            "hasAdjustment": card.comparisons > 1,
            "adjustment": (texts["feedback_adjusted"] ?? "").replacingOccurrences(of: "{count}", with: String(card.comparisons)),
            "chart": chart,
        ])
    }
}
