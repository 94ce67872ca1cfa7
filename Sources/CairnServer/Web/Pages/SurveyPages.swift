import CairnCore
import CairnEngine
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Synchronization

/// The public survey page, `/s/{token}`: one question at a time (so branching needs no script), mobile first, in the
/// respondent's language (`?lang=` en, de, zh or he; else the browser's; else the survey's), right to left in Hebrew.
/// Anonymous links and personal links; a honeypot field and a limit per address and link refuse bots and floods.
struct SurveyPages {
    let renderer: WebRenderer
    let answering: SurveyAnswering
    let ledger: ConsentLedger
    let limiter: SubmissionLimiter
    let clock: DateSource

    func addRoutes(to router: Router<CairnRequestContext>) {
        router.get("s/{token}", use: show)
        router.post("s/{token}", use: submit)
        router.get("s/{token}/theme.css", use: theme)
        router.get("s/{token}/withdraw", use: withdrawPage)
        router.post("s/{token}/withdraw", use: withdraw)
    }

    static let surveyLanguages: [String: InterfaceLanguage] = ["en": .english, "de": .german, "zh": .chineseSimplified, "he": .hebrew]

    /// The survey language that is this interface language, if any.
    static func surveyCode(of language: InterfaceLanguage) -> String? { surveyLanguages.first { $0.value == language }?.key }

    /// The language to show: `lang` when the survey speaks it, else the browser's, else the survey's default.
    func language(_ request: Request, context: CairnRequestContext, survey: Survey?) -> String {
        if let asked = request.uri.queryParameters["lang"].map(String.init), Self.surveyLanguages[asked] != nil { return asked }
        let browser = InterfaceLanguage.negotiate(acceptLanguage: request.headers[.acceptLanguage])
        if let browser, let code = Self.surveyCode(of: browser) { return code }
        return survey?.definition.defaultLanguage ?? "en"
    }

    private func token(_ context: CairnRequestContext) throws -> String {
        guard let token = context.parameters.get("token"), token.count <= 100 else { throw NotFoundError(kind: "survey", id: "") }
        return token
    }

    /// A page of the survey layout (not the signed-in app's).
    private func render(_ template: String, language: String, survey: Survey?, token: String, values: [String: Any], status: HTTPResponse.Status = .ok) throws -> Response {
        let interface = Self.surveyLanguages[language] ?? .english
        var all = values
        all["lang"] = language == "zh" ? "zh-Hans" : language
        all["dir"] = interface.isRightToLeft ? "rtl" : "ltr"
        all["t"] = renderer.catalogue.texts(for: interface)
        all["token"] = token
        if let survey {
            all["surveyTitle"] = survey.definition.title.text(in: language, fallback: survey.definition.defaultLanguage)
            all["logo"] = survey.definition.theme.logoURL as Any
        }
        let languages = ["en", "de", "zh", "he"].filter { code in
            survey.map { $0.definition.title.values[code] != nil || $0.definition.questions.first?.text.values[code] != nil } ?? false
        }
        all["languages"] = languages.map { code in ["code": code, "name": (Self.surveyLanguages[code] ?? .english).endonym, "current": code == language] }
        all["manyLanguages"] = languages.count > 1
        return try renderer.standalone(template, values: all, status: status)
    }

    private func refusalPage(_ refusal: SurveyAnswering.Refusal, language: String, token: String) throws -> Response {
        let (key, status): (String, HTTPResponse.Status) = switch refusal {
        case .unknownLink: ("survey_unknown", .notFound)
        case .closed: ("survey_closed", .gone)
        case .expired: ("survey_expired", .gone)
        case .alreadyAnswered: ("survey_answered", .conflict)
        }
        let texts = renderer.catalogue.texts(for: Self.surveyLanguages[language] ?? .english)
        return try render("survey_message", language: language, survey: nil, token: token, values: ["message": texts[key] ?? key, "id": key], status: status)
    }

    /// The values of one question's page.
    private func questionValues(_ question: SurveyDefinition.Question, survey: Survey, language: String, answers: [String: SurveyAnswer]) -> [String: Any] {
        let definition = survey.definition
        let texts = renderer.catalogue.texts(for: Self.surveyLanguages[language] ?? .english)
        let position = (definition.questions.firstIndex { $0.id == question.id } ?? 0) + 1
        var values: [String: Any] = [
            "id": question.id, "text": question.text.text(in: language, fallback: definition.defaultLanguage), "required": question.required,
            "position": position, "count": definition.questions.count,
        ]
        let current = answers[question.id]
        if let range = question.range {
            let chosen: Int? = if case .number(let value)? = current { value } else { nil }
            values["scale"] = range.map { ["value": $0, "checked": $0 == chosen] }
            let anchors: (String, String)? = switch question.type {
            case .nps: ("survey_nps_low", "survey_nps_high")
            case .csat: ("survey_csat_low", "survey_csat_high")
            case .ces: ("survey_ces_low", "survey_ces_high")
            default: nil
            }
            if let anchors { values["low"] = texts[anchors.0] ?? ""; values["high"] = texts[anchors.1] ?? "" }
            values["wide"] = range.count > 7
            values["hasScale"] = true
        }
        let chosen: [String] = if case .choices(let ids)? = current { ids } else { [] }
        if question.type.hasOptions {
            values["options"] = (question.options ?? []).enumerated().map { index, option -> [String: Any] in
                ["id": option.id, "text": option.text.text(in: language, fallback: definition.defaultLanguage), "checked": chosen.contains(option.id),
                 "rank": chosen.firstIndex(of: option.id).map { $0 + 1 } as Any, "index": index]
            }
        }
        values["single"] = question.type == .singleChoice
        values["multiple"] = question.type == .multipleChoice
        values["ranking"] = question.type == .ranking
        values["rankMax"] = question.options?.count ?? 0
        values["isText"] = question.type == .text
        values["isConsent"] = question.type == .consent
        if case .text(let text)? = current { values["textValue"] = text }
        return values
    }

    private func questionPage(_ question: SurveyDefinition.Question, visit: SurveyAnswering.Visit, language: String, token: String, responseToken: String?,
                              answers: [String: SurveyAnswer], errors: [String: Any]? = nil, status: HTTPResponse.Status = .ok) throws -> Response {
        try render("survey", language: language, survey: visit.survey, token: token, values: [
            "question": questionValues(question, survey: visit.survey, language: language, answers: answers),
            "responseToken": responseToken ?? "", "formLanguage": language, "errors": errors as Any,
            "personal": visit.invitation != nil,
        ], status: status)
    }

    @Sendable func show(_ request: Request, context: CairnRequestContext) async throws -> Response {
        let token = try token(context)
        let visit: SurveyAnswering.Visit
        do { visit = try await answering.visit(token) } catch { return try refusalPage(error, language: language(request, context: context, survey: nil), token: token) }
        let language = language(request, context: context, survey: visit.survey)
        let answers = visit.response?.answers ?? [:]
        guard let question = SurveyAnswering.nextQuestion(of: visit.survey.definition, after: answers) else {
            return try render("survey_thanks", language: language, survey: visit.survey, token: token, values: ["personal": visit.invitation != nil])
        }
        // A new respondent gets their hold with the first question, so a retried first answer joins what it made.
        return try questionPage(question, visit: visit, language: language, token: token,
                                responseToken: visit.response == nil ? SurveyAnswering.newResponseToken() : nil, answers: answers)
    }

    @Sendable func submit(_ request: Request, context: CairnRequestContext) async throws -> Response {
        let token = try token(context)
        let form = try await request.form()
        let asked = form["lang"].flatMap { Self.surveyLanguages[$0] != nil ? $0 : nil }
        guard limiter.allow(key: "\(context.remoteAddress ?? "?")|\(token)", at: clock.now()) else {
            let texts = renderer.catalogue.texts(for: Self.surveyLanguages[asked ?? "en"] ?? .english)
            var response = try render("survey_message", language: asked ?? "en", survey: nil, token: token,
                                      values: ["message": texts["survey_too_many"] ?? "", "id": "survey_too_many"], status: .tooManyRequests)
            response.headers[.retryAfter] = "60"
            return response
        }
        if !(form["website"] ?? "").isEmpty {
            let texts = renderer.catalogue.texts(for: Self.surveyLanguages[asked ?? "en"] ?? .english)
            return try render("survey_message", language: asked ?? "en", survey: nil, token: token,
                              values: ["message": texts["survey_refused"] ?? "", "id": "survey_refused"], status: .badRequest)
        }
        let visit: SurveyAnswering.Visit
        do { visit = try await answering.visit(token) } catch { return try refusalPage(error, language: asked ?? "en", token: token) }
        let language = asked ?? visit.survey.definition.defaultLanguage
        guard let questionID = form["question"], let question = visit.survey.definition.questions.first(where: { $0.id == questionID }) else {
            return try await show(request, context: context)
        }
        let responseToken = form["r"].flatMap { $0.isEmpty || $0.count > 100 ? nil : $0 }
        var answers = visit.response?.answers ?? [:]
        do {
            let ranks = form.firstValues(prefixed: "rank.")
            let answer = try SurveyAnswering.answer(to: question, values: form.values(named: "answer"), ranks: ranks)
            let (response, heldToken, next) = try await answering.answer(answer, to: question.id, in: visit, responseToken: responseToken, language: language)
            answers = response.answers
            guard let next else {
                return try render("survey_thanks", language: language, survey: visit.survey, token: token, values: ["personal": visit.invitation != nil])
            }
            return try questionPage(next, visit: visit, language: language, token: token, responseToken: heldToken, answers: answers)
        } catch let error as ValidationError {
            let interface = Self.surveyLanguages[language] ?? .english
            let texts = renderer.catalogue.texts(for: interface)
            let message = error.issues.first?.issue == FieldIssue.Issue.missing.code ? (texts["survey_required"] ?? "") : (error.issues.first?.hint ?? "")
            return try questionPage(question, visit: visit, language: language, token: token, responseToken: responseToken, answers: answers,
                                    errors: ["message": message], status: .badRequest)
        }
    }

    @Sendable func theme(_ request: Request, context: CairnRequestContext) async throws -> Response {
        let token = try token(context)
        let colour = (try? await answering.visit(token))?.survey.definition.theme.colour ?? "#1f5f8b"
        // The colour was checked to be #rrggbb when the survey was saved.
        let css = colour.range(of: #"^#[0-9a-fA-F]{6}$"#, options: .regularExpression) != nil ? colour : "#1f5f8b"
        return Response(status: .ok, headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "private, max-age=300"],
                        body: .init(byteBuffer: ByteBuffer(string: ":root { --survey-accent: \(css); }\n")))
    }

    @Sendable func withdrawPage(_ request: Request, context: CairnRequestContext) async throws -> Response {
        let token = try token(context)
        let language = language(request, context: context, survey: nil)
        guard try await answering.invitation(token) != nil else { return try refusalPage(.unknownLink, language: language, token: token) }
        return try render("survey_withdraw", language: language, survey: nil, token: token, values: ["formLanguage": language])
    }

    @Sendable func withdraw(_ request: Request, context: CairnRequestContext) async throws -> Response {
        let token = try token(context)
        let form = try await request.form()
        let language = form["lang"].flatMap { Self.surveyLanguages[$0] != nil ? $0 : nil } ?? "en"
        guard let invitation = try await answering.invitation(token) else { return try refusalPage(.unknownLink, language: language, token: token) }
        try await answering.withdrawSurveyConsent(for: invitation)
        return try render("survey_withdraw", language: language, survey: nil, token: token, values: ["done": true])
    }
}
