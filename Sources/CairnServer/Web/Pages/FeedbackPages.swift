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

    func addRoutes(to router: Router<CairnRequestContext>) {
        router.get("feedback", use: scorecard)
        router.get("feedback/surveys", use: surveyList)
        router.post("feedback/surveys", use: createSurvey)
        router.get("feedback/surveys/{id}", use: survey)
        router.post("feedback/surveys/{id}", use: saveSurvey)
        router.post("feedback/surveys/{id}/status", use: moveSurvey)
        router.get("feedback/surveys/{id}/preview", use: preview)
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
    private func cells(_ figure: SurveyResults.Figure, texts: [String: String]) -> [String: Any] {
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
                    "extra": (texts["feedback_top2"] ?? "") + " " + (ces.topTwoBox.percent.map { Self.number($0) + " %" } ?? "–")]
        }
        if let rating = figure.rating {
            return ["metric": texts["feedback_rating"] ?? "Rating", "value": Self.number(rating.mean, digits: 2),
                    "interval": rating.interval.map { "\(Self.number($0.lower, digits: 2)) … \(Self.number($0.upper, digits: 2))" } ?? "–",
                    "n": rating.n, "warning": warning(rating.warning)]
        }
        return [:]
    }

    /// The period asked for (`days`: 7–730, default 90), ending at the next UTC midnight.
    private func period(_ request: Request) -> (from: Date, until: Date, days: Int) {
        let days = request.uri.queryParameters["days"].flatMap { Int(String($0)) }.map { min(730, max(7, $0)) } ?? 90
        let until = Date(utcDay: Date().utcDay + 1)
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
            return ["text": "\(sign)\(Self.number(abs(change.difference))) (p = \(String(format: "%.3f", change.pValue)))", "significant": change.isSignificant,
                    "direction": change.difference >= 0 ? "up" : "down"]
        }
        let combinedChange = FeedbackMetrics.change(from: card.previousCombinedNPS, to: card.combinedNPS)
        // The trend: weekly NPS of the first survey with an NPS question.
        var chart = ""
        if let line = card.lines.first(where: { $0.current.nps != nil }) {
            let weeks = try await results.weeklyNPS(of: line.survey.id, question: line.question.id, for: principal, from: window.from, until: window.until)
            if !weeks.isEmpty {
                chart = SVGChart(kind: .line, title: (texts["feedback_trend_title"] ?? "") + " · " + line.survey.name, summary: texts["feedback_trend_summary"] ?? "",
                                 xAxisLabel: texts["feedback_week"] ?? "", yAxisLabel: "NPS",
                                 points: weeks.map { .init(label: String($0.week.dropFirst(5)), value: $0.nps.score ?? 0) }, idPrefix: "nps-trend").render()
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
            "combinedChange": changeText(combinedChange),
            "chart": chart,
        ])
    }

    // MARK: Surveys

    @Sendable func surveyList(_ request: Request, context: CairnRequestContext) async throws -> Response {
        try await surveyListPage(request, context: context)
    }

    private func surveyListPage(_ request: Request, context: CairnRequestContext, errors: [String: Any]? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        let (principal, _) = try context.requireUser()
        try principal.require(.feedbackRead)
        let texts = renderer.catalogue.texts(for: context.language)
        let page = try await surveys.surveys(for: principal, status: nil, after: nil, limit: try PageSize(200))
        return try renderer.page("feedback_surveys", titleKey: "feedback_surveys", section: "feedback", context: context, values: [
            "feedbackNav": Self.nav("surveys", texts: texts),
            "errors": errors as Any,
            "canManage": principal.can(.feedbackManage),
            "templates": SurveyTemplate.allCases.map { ["value": $0.rawValue, "label": texts["template_\($0.rawValue)"] ?? $0.name] },
            "hasSurveys": !page.items.isEmpty,
            "surveys": page.items.map { survey -> [String: Any] in
                ["id": survey.id.rawValue, "name": survey.name, "status": survey.status.rawValue, "statusLabel": texts["survey_status_\(survey.status.rawValue)"] ?? survey.status.rawValue,
                 "questions": survey.definition.questions.count, "link": "/s/\(survey.token)", "published": survey.status == .published,
                 "updated": displayDate(survey.updatedAt)]
            },
        ], status: status)
    }

    @Sendable func createSurvey(_ request: Request, context: CairnRequestContext) async throws -> Response {
        let (principal, _) = try context.requireUser()
        try principal.require(.feedbackManage)
        let form = try await request.form()
        do {
            let name = form["name"].flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 }
            let survey = try await surveys.create(.init(name: name, template: form["template"] ?? ""), by: principal)
            return WebRenderer.redirect(to: "/feedback/surveys/\(survey.id)?done=saved")
        } catch let error as ValidationError {
            return try await surveyListPage(request, context: context, errors: fieldErrors(error, texts: renderer.catalogue, language: context.language), status: .badRequest)
        }
    }

    @Sendable func survey(_ request: Request, context: CairnRequestContext) async throws -> Response {
        try await surveyPage(try context.parameters.id(as: SurveyID.self, kind: "survey"), request: request, context: context)
    }

    private func surveyPage(_ id: SurveyID, request: Request, context: CairnRequestContext, draft: String? = nil, errors: [String: Any]? = nil,
                            status: HTTPResponse.Status = .ok, triggerDraft: String? = nil, inviteOutcome: [String: Any]? = nil) async throws -> Response {
        let (principal, _) = try context.requireUser()
        let survey = try await surveys.survey(id, for: principal)
        let texts = renderer.catalogue.texts(for: context.language)
        let summary = try await results.summary(of: id, for: principal)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var chart = ""
        if let question = survey.definition.questions.first(where: { $0.type == .nps }) {
            let until = Date().addingTimeInterval(86_400)
            let weeks = try await results.weeklyNPS(of: id, question: question.id, for: principal, from: until.addingTimeInterval(-182 * 86_400), until: until)
            if !weeks.isEmpty {
                chart = SVGChart(kind: .line, title: texts["feedback_trend_title"] ?? "", summary: texts["feedback_trend_summary"] ?? "",
                                 xAxisLabel: texts["feedback_week"] ?? "", yAxisLabel: "NPS",
                                 points: weeks.map { .init(label: String($0.week.dropFirst(5)), value: $0.nps.score ?? 0) }, idPrefix: "survey-trend").render()
            }
        }
        let manage = principal.can(.feedbackManage)
        // Distribution: triggers, the recontact limit, the email log and what the triggers did.
        let triggerList = try await triggers.triggers(of: id, for: principal)
        let triggerJSON = try encoder.encode(triggerList.map { ["event": $0.event, "action": $0.action.rawValue, "delayMinutes": String($0.delayMinutes),
                                                                "samplePercent": String($0.samplePercent)] })
        let triggerText = triggerDraft ?? String(decoding: triggerJSON, as: UTF8.self)
            .replacingOccurrences(of: #""delayMinutes" : "(\d+)""#, with: #""delayMinutes" : $1"#, options: .regularExpression)
            .replacingOccurrences(of: #""samplePercent" : "(\d+)""#, with: #""samplePercent" : $1"#, options: .regularExpression)
        let emailLog = try await emails.emails(of: id, for: principal, after: nil, limit: try PageSize(20)).items
        let firingLog = try await triggers.firings(of: id, for: principal, after: nil, limit: try PageSize(20)).items
        // A breakdown of one scale question, when asked for (`by`, `question`).
        let scaleQuestions = survey.definition.questions.filter { $0.range != nil }.map(\.id)
        let traitName = request.uri.queryParameters["trait"].map { $0.trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 }
        let byText = traitName.map { "trait:\($0)" } ?? request.uri.queryParameters["by"].map(String.init)
        let breakdownQuestion = request.uri.queryParameters["question"].map(String.init).flatMap { scaleQuestions.contains($0) ? $0 : nil } ?? scaleQuestions.first
        var breakdownRows: [[String: Any]] = []
        if let byText, let by = SurveyResults.Breakdown(byText), let breakdownQuestion {
            let until = Date().addingTimeInterval(86_400)
            breakdownRows = try await results.breakdown(of: id, question: breakdownQuestion, by: by, from: until.addingTimeInterval(-365 * 86_400), until: until, for: principal)
                .map { group in cells(group.figure, texts: texts).merging(["key": group.key]) { a, _ in a } }
        }
        return try renderer.page("feedback_survey", titleKey: "feedback_survey", section: "feedback", context: context, values: [
            "canDistribute": manage && survey.status == .published,
            "emailReady": emails.mailer != nil,
            "triggers": triggerText,
            "recontactDays": try await triggers.recontactDays(for: principal),
            "inviteOutcome": inviteOutcome as Any,
            "hasEmails": !emailLog.isEmpty,
            "emails": emailLog.map { email -> [String: Any] in
                ["kind": texts["email_kind_\(email.kind.rawValue)"] ?? email.kind.rawValue, "status": email.status.rawValue,
                 "statusLabel": texts["email_status_\(email.status.rawValue)"] ?? email.status.rawValue, "reason": email.lastError ?? "",
                 "when": displayDate(email.sentAt ?? email.sendAt), "attempts": email.attempts, "profile": email.profileID.rawValue]
            },
            "hasFirings": !firingLog.isEmpty,
            "firings": firingLog.map { firing -> [String: Any] in
                ["touchpoint": firing.touchpoint ?? "", "action": firing.action.rawValue, "status": firing.status.rawValue,
                 "statusLabel": texts["firing_status_\(firing.status.rawValue)"] ?? firing.status.rawValue, "reason": firing.reason ?? "",
                 "when": displayDate(firing.dueAt), "profile": firing.profileID.rawValue]
            },
            "breakdownOptions": ["touchpoint", "product", "channel"].map { ["value": $0, "name": texts["breakdown_\($0)"] ?? $0, "selected": $0 == byText] },
            "breakdownTrait": byText.flatMap { $0.hasPrefix("trait:") ? String($0.dropFirst(6)) : nil } ?? "",
            "scaleQuestions": scaleQuestions.map { ["value": $0, "selected": $0 == breakdownQuestion] },
            "hasBreakdown": !breakdownRows.isEmpty,
            "askedBreakdown": byText != nil,
            "breakdown": breakdownRows,
            "feedbackNav": Self.nav("surveys", texts: texts),
            "flash": request.uri.queryParameters["done"].flatMap { texts["flash_\($0)"] } as Any,
            "errors": errors as Any,
            "survey": ["id": survey.id.rawValue, "name": survey.name, "status": survey.status.rawValue,
                       "statusLabel": texts["survey_status_\(survey.status.rawValue)"] ?? survey.status.rawValue, "link": "/s/\(survey.token)"] as [String: Any],
            "canEdit": manage && survey.status == .draft,
            "canRename": manage,
            "canPublish": manage && survey.status != .published,
            "canClose": manage && survey.status == .published,
            "definition": draft ?? String(decoding: try encoder.encode(survey.definition), as: UTF8.self),
            "responses": summary.responses, "complete": summary.complete, "partial": summary.partial,
            "figures": summary.figures.map { cells($0, texts: texts).merging(["question": $0.question]) { a, _ in a } },
            "hasFigures": !summary.figures.isEmpty,
            "chart": chart,
        ], status: status)
    }

    @Sendable func saveSurvey(_ request: Request, context: CairnRequestContext) async throws -> Response {
        let (principal, _) = try context.requireUser()
        try principal.require(.feedbackManage)
        let id = try context.parameters.id(as: SurveyID.self, kind: "survey")
        let form = try await request.form()
        let text = form["definition"]
        do {
            var definition: SurveyDefinition?
            if let text, !text.isEmpty {
                do {
                    definition = try JSONDecoder().decode(SurveyDefinition.self, from: Data(text.utf8))
                } catch {
                    throw ValidationError(field: "definition", issue: .invalid, hint: "The definition is not valid JSON of a survey: \(Self.describe(error))")
                }
            }
            _ = try await surveys.update(id, name: form["name"], definition: definition, by: principal)
            return WebRenderer.redirect(to: "/feedback/surveys/\(id)?done=saved")
        } catch let error as ValidationError {
            return try await surveyPage(id, request: request, context: context, draft: text,
                                        errors: fieldErrors(error, texts: renderer.catalogue, language: context.language), status: .badRequest)
        } catch let error as ConflictError {
            return try await surveyPage(id, request: request, context: context, draft: text,
                                        errors: ["items": [["field": error.field, "hint": error.detail]]], status: .conflict)
        }
    }

    /// A decoding error in words: where, and what was wrong.
    static func describe(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return "check the brackets and quotes." }
        func path(_ codingPath: [any CodingKey]) -> String {
            codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined().trimmingCharacters(in: CharacterSet(charactersIn: "."))
        }
        switch error {
        case .keyNotFound(let key, let context): return "\(path(context.codingPath + [key])) is missing."
        case .typeMismatch(_, let context), .valueNotFound(_, let context): return "\(path(context.codingPath)) has the wrong kind of value."
        case .dataCorrupted(let context): return context.codingPath.isEmpty ? "check the brackets and quotes." : "\(path(context.codingPath)): \(context.debugDescription)"
        @unknown default: return "check the brackets and quotes."
        }
    }

    @Sendable func moveSurvey(_ request: Request, context: CairnRequestContext) async throws -> Response {
        let (principal, _) = try context.requireUser()
        try principal.require(.feedbackManage)
        let id = try context.parameters.id(as: SurveyID.self, kind: "survey")
        let form = try await request.form()
        do {
            guard let status = Survey.Status(rawValue: form["status"] ?? "") else {
                throw ValidationError(field: "status", issue: .unknownValue(allowed: ["published", "closed"]), hint: "Publish or close the survey.")
            }
            _ = try await surveys.move(id, to: status, by: principal)
            return WebRenderer.redirect(to: "/feedback/surveys/\(id)?done=saved")
        } catch let error as ValidationError {
            return try await surveyPage(id, request: request, context: context, errors: fieldErrors(error, texts: renderer.catalogue, language: context.language),
                                        status: .badRequest)
        }
    }

    /// Every question as the customer sees it, in a phone-wide frame, in each language the survey speaks.
    @Sendable func preview(_ request: Request, context: CairnRequestContext) async throws -> Response {
        let (principal, _) = try context.requireUser()
        let survey = try await surveys.survey(try context.parameters.id(as: SurveyID.self, kind: "survey"), for: principal)
        let texts = renderer.catalogue.texts(for: context.language)
        let definition = survey.definition
        let asked = request.uri.queryParameters["lang"].map(String.init).flatMap { SurveyDefinition.languages.contains($0) ? $0 : nil } ?? definition.defaultLanguage
        let interface = SurveyPages.surveyLanguages[asked] ?? .english
        let surveyTexts = renderer.catalogue.texts(for: interface)
        return try renderer.page("feedback_preview", titleKey: "feedback_preview", section: "feedback", context: context, values: [
            "feedbackNav": Self.nav("surveys", texts: texts),
            "survey": ["id": survey.id.rawValue, "name": survey.name] as [String: Any],
            "languages": SurveyDefinition.languages.map { ["code": $0, "current": $0 == asked, "name": (SurveyPages.surveyLanguages[$0] ?? .english).endonym] },
            "previewLang": interface.rawValue, "previewDir": interface.isRightToLeft ? "rtl" : "ltr",
            "title": definition.title.text(in: asked, fallback: definition.defaultLanguage),
            "questions": definition.questions.enumerated().map { index, question -> [String: Any] in
                var values: [String: Any] = ["number": index + 1, "id": question.id, "text": question.text.text(in: asked, fallback: definition.defaultLanguage),
                                             "required": question.required, "type": texts["question_type_\(question.type.rawValue)"] ?? question.type.rawValue]
                if let range = question.range { values["scale"] = range.map { ["value": $0] }; values["hasScale"] = true }
                values["options"] = (question.options ?? []).map { ["text": $0.text.text(in: asked, fallback: definition.defaultLanguage)] }
                if let condition = question.showIf {
                    values["condition"] = "\(condition.question)" + (condition.values.map { " ∈ {\($0.joined(separator: ", "))}" } ?? "")
                        + (condition.atLeast.map { " ≥ \($0)" } ?? "") + (condition.atMost.map { " ≤ \($0)" } ?? "")
                }
                return values
            },
            "t_survey": surveyTexts,
        ])
    }

    // MARK: Distribution

    /// Invites the customers named in the form (one per line: an email address, a user id, or a profile id) by email.
    @Sendable func inviteByEmail(_ request: Request, context: CairnRequestContext) async throws -> Response {
        let (principal, _) = try context.requireUser()
        try principal.require(.feedbackManage)
        let id = try context.parameters.id(as: SurveyID.self, kind: "survey")
        let form = try await request.form()
        let texts = renderer.catalogue.texts(for: context.language)
        var profiles: [String] = []
        var unknown: [String] = []
        for line in (form["customers"] ?? "").split(whereSeparator: \.isNewline).map({ $0.trimmingCharacters(in: .whitespaces) }) where !line.isEmpty {
            if let profile = ProfileID(line) { profiles.append(profile.rawValue); continue }
            let kind: Identifier.Kind = line.contains("@") ? .email : .userID
            if let identifier = Identifier.normalised(kind: kind, line), let profile = try await emails.store.profileID(for: identifier, in: principal.workspaceID) {
                profiles.append(profile.rawValue)
            } else {
                unknown.append(line)
            }
        }
        do {
            guard !profiles.isEmpty else {
                throw ValidationError(field: "customers", issue: .missing, hint: "Name at least one known customer: an email address, user id or profile id per line.")
            }
            let outcome = try await emails.invite(.init(profileIds: Array(profiles.prefix(500)), expiresInDays: form["expiresInDays"].flatMap { Int($0) },
                                                        reminderAfterHours: form["reminderAfterHours"].flatMap { Int($0) }),
                                                  to: id, by: principal)
            var reasons: [String: Int] = [:]
            for skip in outcome.skipped { reasons[skip.reason, default: 0] += 1 }
            let summary: [String: Any] = [
                "invited": outcome.invited.count,
                "skipped": reasons.sorted { $0.key < $1.key }.map { ["reason": texts["skip_\($0.key)"] ?? $0.key, "count": $0.value] },
                "unknown": unknown.joined(separator: ", "), "hasUnknown": !unknown.isEmpty,
            ]
            return try await surveyPage(id, request: request, context: context, inviteOutcome: summary)
        } catch let error as ValidationError {
            return try await surveyPage(id, request: request, context: context, errors: fieldErrors(error, texts: renderer.catalogue, language: context.language),
                                        status: .badRequest)
        }
    }

    @Sendable func remindNow(_ request: Request, context: CairnRequestContext) async throws -> Response {
        let (principal, _) = try context.requireUser()
        let id = try context.parameters.id(as: SurveyID.self, kind: "survey")
        _ = try await emails.remindNow(id, by: principal)
        return WebRenderer.redirect(to: "/feedback/surveys/\(id)?done=reminders")
    }

    /// Saves the survey's triggers from their JSON (a list of {event, action, delayMinutes, samplePercent}).
    @Sendable func saveTriggers(_ request: Request, context: CairnRequestContext) async throws -> Response {
        let (principal, _) = try context.requireUser()
        try principal.require(.feedbackManage)
        let id = try context.parameters.id(as: SurveyID.self, kind: "survey")
        let text = try await request.form()["triggers"] ?? ""
        do {
            let inputs: [SurveyTriggers.Input]
            do {
                inputs = text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? [] : try JSONDecoder().decode([SurveyTriggers.Input].self, from: Data(text.utf8))
            } catch {
                throw ValidationError(field: "triggers", issue: .invalid, hint: "The triggers are not a valid JSON list: \(Self.describe(error))")
            }
            _ = try await triggers.setTriggers(inputs, of: id, by: principal)
            return WebRenderer.redirect(to: "/feedback/surveys/\(id)?done=saved")
        } catch let error as ValidationError {
            return try await surveyPage(id, request: request, context: context, errors: fieldErrors(error, texts: renderer.catalogue, language: context.language),
                                        status: .badRequest, triggerDraft: text)
        }
    }

    @Sendable func saveContactSettings(_ request: Request, context: CairnRequestContext) async throws -> Response {
        let (principal, _) = try context.requireUser()
        let form = try await request.form()
        let back = form["survey"].flatMap { SurveyID($0) }
        do {
            _ = try await triggers.setRecontactDays(form["recontactDays"].flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }, by: principal)
            return WebRenderer.redirect(to: back.map { "/feedback/surveys/\($0)?done=saved" } ?? "/feedback/surveys")
        } catch let error as ValidationError {
            guard let back else { throw error }
            return try await surveyPage(back, request: request, context: context, errors: fieldErrors(error, texts: renderer.catalogue, language: context.language),
                                        status: .badRequest)
        }
    }

    // MARK: Responses

    /// The list's filters: survey, complete only, sentiment label, topic (values outside the choices offered are not applied).
    private struct ResponseFilter {
        var survey: SurveyID?
        var completeOnly: Bool
        var sentiment: String?
        var topic: String?

        init(_ request: Request) {
            let query = request.uri.queryParameters
            survey = query["survey"].flatMap { SurveyID(String($0)) }
            completeOnly = query["complete"] == "1"
            sentiment = query["sentiment"].map(String.init).flatMap { SentimentLabel(rawValue: $0)?.rawValue }
            // A standard topic or a workspace's own (lower-case letters, digits, hyphens: nothing LIKE treats specially).
            topic = query["topic"].map(String.init).flatMap { name in
                !name.isEmpty && name.count <= 40 && name.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }) ? name : nil
            }
        }

        var queryItems: [URLQueryItem] {
            [survey.map { URLQueryItem(name: "survey", value: $0.rawValue) }, completeOnly ? URLQueryItem(name: "complete", value: "1") : nil,
             sentiment.map { URLQueryItem(name: "sentiment", value: $0) }, topic.map { URLQueryItem(name: "topic", value: $0) }].compactMap { $0 }
        }
    }

    @Sendable func responseList(_ request: Request, context: CairnRequestContext) async throws -> Response {
        let (principal, _) = try context.requireUser()
        try principal.require(.feedbackRead)
        let texts = renderer.catalogue.texts(for: context.language)
        let filter = ResponseFilter(request)
        let rows = try await results.responses(for: principal, survey: filter.survey, completeOnly: filter.completeOnly, sentiment: filter.sentiment,
                                               topic: filter.topic, limit: 200)
        let topicNames = try await self.topicNames(for: principal, texts: texts)
        let nameOf = Dictionary(uniqueKeysWithValues: topicNames.map { ($0.id, $0.name) })
        let all = try await surveys.surveys(for: principal, status: nil, after: nil, limit: try PageSize(200)).items
        var csv = URLComponents()
        csv.path = "/feedback/responses.csv"
        csv.queryItems = filter.queryItems
        return try renderer.page("feedback_responses", titleKey: "feedback_responses", section: "feedback", context: context, values: [
            "feedbackNav": Self.nav("responses", texts: texts),
            "surveys": all.map { ["id": $0.id.rawValue, "name": $0.name, "selected": $0.id == filter.survey] },
            "sentiments": SentimentLabel.allCases.map { ["value": $0.rawValue, "name": texts["feedback_sentiment_\($0.rawValue)"] ?? $0.rawValue, "selected": $0.rawValue == filter.sentiment] },
            "topics": topicNames.map { ["value": $0.id, "name": $0.name, "selected": $0.id == filter.topic] },
            "completeOnly": filter.completeOnly,
            "csvLink": (csv.queryItems?.isEmpty ?? true) ? "/feedback/responses.csv" : (csv.string ?? "/feedback/responses.csv"),
            "hasResponses": !rows.isEmpty,
            "responses": rows.map { survey, response -> [String: Any] in
                var values: [String: Any] = [
                    "survey": survey.name, "when": displayDate(response.startedAt), "language": response.language, "complete": response.complete,
                    "state": response.complete ? (texts["feedback_complete"] ?? "") : (texts["feedback_partial"] ?? ""),
                    "profile": response.profileID?.rawValue as Any,
                    "answers": survey.definition.questions.compactMap { question -> String? in
                        response.answers[question.id].map { "\(question.id): \(Self.display($0))" }
                    }.joined(separator: " · "),
                    "topics": response.topics.map { nameOf[$0] ?? $0 }.joined(separator: ", "),
                ]
                if let textLanguage = response.textLanguage { values["textLanguage"] = textLanguage }
                if let label = response.sentimentLabel, let score = response.sentiment {
                    values["sentiment"] = ["label": label, "name": texts["feedback_sentiment_\(label)"] ?? label, "score": String(format: "%+.2f", score)]
                } else if !response.insights.isEmpty {
                    values["sentimentUnsupported"] = true
                }
                return values
            },
        ])
    }

    /// Every topic's id and name in the reader's language: the standard ones, then the workspace's own.
    private func topicNames(for principal: Principal, texts: [String: String]) async throws -> [(id: String, name: String)] {
        Topic.standard.map { ($0.id, texts["topic_\($0.id)"] ?? $0.id) } + (try await results.customTopics(for: principal)).map { ($0.id, $0.name) }
    }

    static func display(_ answer: SurveyAnswer) -> String {
        switch answer {
        case .number(let value): String(value)
        case .choices(let ids): ids.joined(separator: ", ")
        case .text(let text): text
        case .consent(let yes): yes ? "yes" : "no"
        }
    }

    /// The responses as CSV: one row each, a column per question, what the free text says (language, sentiment,
    /// topics, keywords), and — for those who may read customers — the customer's email, name, tags (the `tags` trait)
    /// and every trait as JSON.
    @Sendable func responsesCSV(_ request: Request, context: CairnRequestContext) async throws -> Response {
        let (principal, _) = try context.requireUser()
        try principal.require(.feedbackRead)
        let filter = ResponseFilter(request)
        let rows = try await results.responses(for: principal, survey: filter.survey, completeOnly: filter.completeOnly, sentiment: filter.sentiment,
                                               topic: filter.topic, limit: 100_000)
        var questions: [String] = []
        for (survey, _) in rows { for question in survey.definition.questions where !questions.contains(question.id) { questions.append(question.id) } }
        struct Person { var email: String; var name: String; var tags: String; var traits: String }
        var people: [ProfileID: Person] = [:]
        if principal.can(.customersRead) {
            for id in Set(rows.compactMap(\.response.profileID)).prefix(5_000) {
                guard let record = try? await records.record(id, for: principal) else { continue }
                let profile = record.profile
                let tags: String
                switch profile.traits["tags"]?.value {
                case .array(let items)?: tags = items.compactMap(\.stringValue).joined(separator: ";")
                case .string(let text)?: tags = text
                default: tags = ""
                }
                people[id] = Person(email: profile.identifiers.first { $0.kind == .email }?.value ?? profile.traits["email"]?.value.stringValue ?? "",
                                    name: profile.traits["name"]?.value.stringValue ?? "", tags: tags,
                                    traits: JSONValue.object(profile.traits.mapValues(\.value)).jsonText())
            }
        }
        var text = CSVWriter.line(["response_id", "survey", "started_at", "completed_at", "complete", "language", "channel", "profile_id", "email", "name", "tags",
                                   "traits", "text_language", "sentiment", "sentiment_label", "topics", "keywords"] + questions) + "\n"
        for (survey, response) in rows {
            let person = response.profileID.flatMap { people[$0] }
            let completed: String = response.completedAt.map { $0.formatted(.iso8601) } ?? ""
            var fields: [String] = [response.id.rawValue, survey.name, response.startedAt.formatted(.iso8601), completed, response.complete ? "true" : "false"]
            fields += [response.language, response.channel.rawValue, response.profileID?.rawValue ?? "", person?.email ?? "", person?.name ?? "", person?.tags ?? "",
                       person?.traits ?? ""]
            fields += [response.textLanguage ?? "", response.sentiment.map { String(format: "%.3f", $0) } ?? "", response.sentimentLabel ?? "",
                       response.topics.joined(separator: ";"),
                       Array(Set(response.insights.values.flatMap(\.keywords))).sorted().joined(separator: ";")]
            for question in questions { fields.append(response.answers[question].map(Self.display) ?? "") }
            text += CSVWriter.line(fields) + "\n"
        }
        return Response(status: .ok, headers: [.contentType: "text/csv; charset=utf-8", .contentDisposition: "attachment; filename=\"responses.csv\""],
                        body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
