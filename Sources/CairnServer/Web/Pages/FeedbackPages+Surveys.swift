import CairnAnalytics
import CairnCore
import CairnEngine
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

extension FeedbackPages {
    @Sendable func surveyList(_ request: Request, context: CairnRequestContext) async throws -> Response {
        try await surveyListPage(request, context: context)
    }

    func surveyListPage(_ request: Request, context: CairnRequestContext, errors: [String: Any]? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
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

    func surveyPage(_ id: SurveyID, request: Request, context: CairnRequestContext, draft: String? = nil, errors: [String: Any]? = nil,
                            status: HTTPResponse.Status = .ok, triggerDraft: String? = nil, triggerRows: [SurveyTriggers.Input]? = nil,
                    inviteOutcome: [String: Any]? = nil) async throws -> Response {
        let (principal, _) = try context.requireUser()
        let survey = try await surveys.survey(id, for: principal)
        let texts = renderer.catalogue.texts(for: context.language)
        let summary = try await results.summary(of: id, for: principal)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var chart = ""
        if let question = survey.definition.questions.first(where: { $0.type == .nps }) {
            let until = clock.now().addingTimeInterval(86_400)
            let weeks = try await results.weeklyNPS(of: id, question: question.id, for: principal, from: until.addingTimeInterval(-182 * 86_400), until: until)
            if !weeks.isEmpty {
                chart = SVGChart(kind: .line, title: texts["feedback_trend_title"] ?? "", summary: texts["feedback_trend_summary"] ?? "",
                                 xAxisLabel: texts["feedback_week"] ?? "", yAxisLabel: "NPS",
                                 points: weeks.map { .init(label: String($0.week.dropFirst(5)), value: $0.nps.score ?? 0) }, idPrefix: "survey-trend", yDomain: -100...100).render()
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
        let rows = (triggerRows ?? triggerList.map { .init(event: $0.event, action: $0.action.rawValue, delayMinutes: $0.delayMinutes, samplePercent: $0.samplePercent) })
            + [.init(event: "")]
        let triggerRowValues = rows.enumerated().map { index, row -> [String: Any] in
            ["index": index, "event": row.event, "removable": !row.event.isEmpty, "delay": row.delayMinutes.map(String.init) ?? "0",
             "sample": row.samplePercent.map(String.init) ?? "100",
             "actions": SurveyTrigger.Action.allCases.map { ["value": $0.rawValue, "label": texts["trigger_action_\($0.rawValue)"] ?? $0.rawValue,
                                                            "selected": $0.rawValue == (row.action ?? "email")] }]
        }
        let emailLog = try await emails.emails(of: id, for: principal, after: nil, limit: try PageSize(20)).items
        let firingLog = try await triggers.firings(of: id, for: principal, after: nil, limit: try PageSize(20)).items
        // A breakdown of one scale question, when asked for (`by`, `question`).
        let scaleQuestions = survey.definition.questions.filter { $0.range != nil }.map(\.id)
        let traitName = request.uri.queryParameters["trait"].map { $0.trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 }
        let byText = traitName.map { "trait:\($0)" } ?? request.uri.queryParameters["by"].map(String.init)
        let breakdownQuestion = request.uri.queryParameters["question"].map(String.init).flatMap { scaleQuestions.contains($0) ? $0 : nil } ?? scaleQuestions.first
        let breakdownSegment = request.uri.queryParameters["segment"].map(String.init) ?? ""
        var breakdownRows: [[String: Any]] = []
        var breakdownTest = ""
        if let byText, let by = SurveyResults.Breakdown(byText), let breakdownQuestion {
            let until = clock.now().addingTimeInterval(86_400)
            let result = try await results.breakdown(of: id, question: breakdownQuestion, by: by, from: until.addingTimeInterval(-365 * 86_400), until: until,
                                                     segment: breakdownSegment, for: principal)
            breakdownRows = result.groups.map { group in cells(group.figure, texts: texts).merging(["key": group.key]) { a, _ in a } }
            breakdownTest = result.difference.map { Self.differenceText($0, texts: texts) } ?? ""
        }
        return try renderer.page("feedback_survey", titleKey: "feedback_survey", section: "feedback", context: context, values: [
            "canDistribute": manage && survey.status == .published,
            "emailReady": emails.mailer != nil,
            "triggers": triggerText,
            "triggerRows": triggerRowValues,
            "canBuild": manage && survey.status == .draft,
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
            "segmentOptions": try await segments.options(for: principal).map { ["value": $0.id.rawValue, "label": $0.name, "selected": $0.id.rawValue == breakdownSegment] },
            "breakdownOptions": ["touchpoint", "product", "channel"].map { ["value": $0, "name": texts["breakdown_\($0)"] ?? $0, "selected": $0 == byText] },
            "breakdownTrait": byText.flatMap { $0.hasPrefix("trait:") ? String($0.dropFirst(6)) : nil } ?? "",
            "scaleQuestions": scaleQuestions.map { ["value": $0, "selected": $0 == breakdownQuestion] },
            "hasBreakdown": !breakdownRows.isEmpty,
            "hasBreakdownTest": !breakdownTest.isEmpty,
            "breakdownTest": breakdownTest,
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
        // The survey's language is `language`; `lang` stays the interface's (an older link's `lang` still picks the survey's).
        let asked = (request.uri.queryParameters["language"] ?? request.uri.queryParameters["lang"]).map(String.init)
            .flatMap { SurveyDefinition.languages.contains($0) ? $0 : nil } ?? definition.defaultLanguage
        let interface = SurveyPages.surveyLanguages[asked] ?? .english
        let surveyTexts = renderer.catalogue.texts(for: interface)
        let desktop = request.uri.queryParameters["width"] == "desktop"
        return try renderer.page("feedback_preview", titleKey: "feedback_preview", section: "feedback", context: context, values: [
            "feedbackNav": Self.nav("surveys", texts: texts),
            "survey": ["id": survey.id.rawValue, "name": survey.name] as [String: Any],
            "languages": SurveyDefinition.languages.map { ["code": $0, "current": $0 == asked, "name": (SurveyPages.surveyLanguages[$0] ?? .english).endonym,
                                                           "width": desktop ? "desktop" : "phone"] },
            "widths": [("phone", "preview_phone"), ("desktop", "preview_desktop")].map { ["value": $0.0, "label": texts[$0.1] ?? $0.0, "lang": asked,
                                                                                       "current": ($0.0 == "desktop") == desktop] },
            "frame": desktop ? "desktop-frame" : "phone-frame", "canBuild": survey.status == .draft && principal.can(.feedbackManage),
            "colour": definition.theme.colour,
            "previewLang": interface.rawValue, "previewDir": interface.isRightToLeft ? "rtl" : "ltr",
            "title": definition.title.text(in: asked, fallback: definition.defaultLanguage),
            "questions": definition.questions.enumerated().map { index, question -> [String: Any] in
                var values: [String: Any] = ["number": index + 1, "id": question.id, "text": question.text.text(in: asked, fallback: definition.defaultLanguage),
                                             "required": question.required, "type": texts["question_type_\(question.type.rawValue)"] ?? question.type.rawValue]
                if let range = question.range { values["scale"] = range.map { ["value": $0] }; values["hasScale"] = true }
                values["options"] = (question.options ?? []).map { ["text": $0.text.text(in: asked, fallback: definition.defaultLanguage)] }
                if let condition = question.showIf { values["condition"] = Self.conditionText(condition) }
                return values
            },
            "t_survey": surveyTexts,
        ])
    }

    /// "Do the groups differ?" in words: the test, its statistic and p, the effect size, and a caution when approximate.
    static func differenceText(_ difference: GroupDifference, texts: [String: String]) -> String {
        let statistic = difference.test == .chiSquared ? "χ²" : "H"
        let effect = difference.test == .chiSquared ? "Cramér V" : "ε²"
        let key = difference.isSignificant ? "breakdown_differ" : "breakdown_same"
        var text = (texts[key] ?? "")
            .replacingOccurrences(of: "{test}", with: "\(statistic)(\(Int(difference.degreesOfFreedom))) = \(number(difference.statistic, digits: 2))")
            .replacingOccurrences(of: "{p}", with: String(format: "%.3f", difference.pValue))
            .replacingOccurrences(of: "{effect}", with: "\(effect) = \(number(difference.effectSize, digits: 2))")
        if difference.isApproximate { text += " " + (texts["breakdown_approximate"] ?? "") }
        return text
    }
}
