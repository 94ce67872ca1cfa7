import CairnCore
import CairnEngine
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import NIOFoundationEssentialsCompat

/// The web widget's public API, called from customers' own sites with the source's write key (public by nature, like
/// every tracking key): `GET /v1/surveys/{token}` (the questions in the visitor's language; nothing for a known
/// customer without consent to surveys) and `POST /v1/surveys/{token}/responses` (a whole response). Both answer any
/// origin (PublicCORSMiddleware), and accept the key in the query, the body or HTTP Basic, so a page needs no preflight.
struct WidgetController {
    let writeKeys: WriteKeyAuthentication
    let answering: SurveyAnswering
    let limiter: SubmissionLimiter
    let triggers: SurveyTriggers
    let clock: DateSource

    func addRoutes(to router: Router<CairnRequestContext>) {
        router.get("v1/survey-prompt", use: prompt)
        router.get("v1/surveys/{token}", use: survey)
        router.post("v1/surveys/{token}/responses", use: respond)
    }

    private func json(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: value.jsonText())))
    }

    /// `GET /v1/survey-prompt?userId=…`: the survey a trigger readied for this customer (`{"show":true,"survey":"<token>"}`),
    /// or `{"show":false}`. Showing it counts as asking the customer (the recontact limit).
    @Sendable func prompt(_ request: Request, context: CairnRequestContext) async throws -> Response {
        let query = request.uri.queryParameters
        let key = try await writeKeys.key(request, body: query["writeKey"].map { ["writeKey": .string(String($0))] } ?? [:])
        guard let userID = query["userId"].map(String.init), !userID.isEmpty, userID.count <= 200 else {
            throw ValidationError(field: "userId", issue: .missing, hint: "Send the signed-in customer's user id, as the site's tracking does.")
        }
        guard let prompt = try await triggers.prompt(userID: userID, in: key.workspaceID) else { return json(.object(["show": .bool(false)])) }
        var fields: [String: JSONValue] = ["show": .bool(true), "survey": .string(prompt.survey.token)]
        if let touchpoint = prompt.touchpoint { fields["touchpoint"] = .string(touchpoint) }
        if let order = prompt.orderReference { fields["orderId"] = .string(order) }
        if let caseID = prompt.caseID { fields["caseId"] = .string(caseID.rawValue) }
        return json(.object(fields))
    }

    @Sendable func survey(_ request: Request, context: CairnRequestContext) async throws -> Response {
        let query = request.uri.queryParameters
        let key = try await writeKeys.key(request, body: query["writeKey"].map { ["writeKey": .string(String($0))] } ?? [:])
        guard let token = context.parameters.get("token"), token.count <= 100 else { throw NotFoundError(kind: "survey", id: "") }
        let userID = query["userId"].map(String.init)
        guard let survey = try await answering.mayShow(token: token, workspace: key.workspaceID, userID: userID) else {
            // Unknown, not published, another workspace's, or a customer without consent: the widget shows nothing.
            return json(.object(["show": .bool(false)]))
        }
        let definition = survey.definition
        let asked = query["lang"].map(String.init).flatMap { SurveyDefinition.languages.contains($0) ? $0 : nil } ?? definition.defaultLanguage
        func text(_ value: LocalizedText) -> JSONValue { .string(value.text(in: asked, fallback: definition.defaultLanguage)) }
        let questions: [JSONValue] = definition.questions.map { question in
            var fields: [String: JSONValue] = ["id": .string(question.id), "type": .string(question.type.rawValue), "required": .bool(question.required),
                                               "text": text(question.text)]
            if let range = question.range { fields["min"] = .integer(Int64(range.lowerBound)); fields["max"] = .integer(Int64(range.upperBound)) }
            if let options = question.options { fields["options"] = .array(options.map { .object(["id": .string($0.id), "text": text($0.text)]) }) }
            if let condition = question.showIf {
                var rule: [String: JSONValue] = ["question": .string(condition.question)]
                if let values = condition.values { rule["values"] = .array(values.map(JSONValue.string)) }
                if let atLeast = condition.atLeast { rule["atLeast"] = .integer(Int64(atLeast)) }
                if let atMost = condition.atMost { rule["atMost"] = .integer(Int64(atMost)) }
                fields["showIf"] = .object(rule)
            }
            return .object(fields)
        }
        return json(.object(["show": .bool(true), "language": .string(asked), "rtl": .bool(asked == "he"), "title": text(definition.title),
                             "colour": .string(definition.theme.colour), "questions": .array(questions)]))
    }

    @Sendable func respond(_ request: Request, context: CairnRequestContext) async throws -> Response {
        let buffer = try await request.body.collect(upTo: 64 * 1024)
        let parsed: JSONValue
        do { parsed = try JSONValue.parse(Data(buffer: buffer)) } catch { throw TrackingController.malformed(error) }
        guard let body = parsed.objectValue else { throw TrackingController.malformed }
        let key = try await writeKeys.key(request, body: body)
        guard let token = context.parameters.get("token"), token.count <= 100 else { throw NotFoundError(kind: "survey", id: "") }
        guard limiter.allow(key: "\(context.remoteAddress ?? "?")|\(token)", at: clock.now()) else {
            throw Problem(slug: "rate-limited", title: "Too many answers", status: .tooManyRequests, detail: "Too many answers from here in a short time; wait a minute.",
                          headers: ["Retry-After": "60"])
        }
        if let trap = body["website"]?.stringValue, !trap.isEmpty {
            throw Problem(slug: "refused", title: "Refused", status: .badRequest, detail: "The answer was not accepted.")
        }
        guard case .object(let answers)? = body["answers"] else {
            throw ValidationError(field: "answers", issue: .missing, hint: "Send the answers as an object by question id, e.g. {\"nps\": 9}.")
        }
        // A retry after a time-out must not store the answer twice: the client's own response id, or its Idempotency-Key.
        var idempotencyKey: String?
        if let given = body["responseId"] {
            guard let text = given.stringValue, SurveyResponseID(text.lowercased()) != nil else {
                throw ValidationError(field: "responseId", issue: .invalid, hint: "Send a UUID you made for this response, e.g. from crypto.randomUUID(), or leave it out.")
            }
            idempotencyKey = text
        } else if let header = request.headers[.idempotencyKey] {
            guard !header.isEmpty, header.count <= 200 else {
                throw ValidationError(field: "Idempotency-Key", issue: .invalid, hint: "Send 1 to 200 characters that you keep for this submission's retries.")
            }
            idempotencyKey = header
        }
        let (response, isReplay) = try await answering.submitWhole(token: token, workspace: key.workspaceID, answers: answers, userID: body["userId"]?.stringValue,
                                                                   anonymousID: body["anonymousId"]?.stringValue, language: body["language"]?.stringValue ?? "en",
                                                                   channel: body["channel"]?.stringValue, touchpoint: body["touchpoint"]?.stringValue,
                                                                   orderReference: body["orderId"].flatMap { CommerceEventsText.text($0) },
                                                                   caseID: try caseID(body["caseId"]),
                                                                   idempotencyKey: idempotencyKey)
        return json(.object(["success": .bool(true), "id": .string(response.id.rawValue), "replayed": .bool(isReplay)]), status: isReplay ? .ok : .created)
    }
}

extension WidgetController {
    /// The case a prompted survey is about (`caseId`, as the prompt handed it out).
    func caseID(_ value: JSONValue?) throws -> CaseID? {
        guard let value, value != .null else { return nil }
        guard let text = value.stringValue, let id = CaseID(text.lowercased()) else {
            throw ValidationError(field: "caseId", issue: .invalid, hint: "Send back the caseId that /v1/survey-prompt gave, or leave it out.")
        }
        return id
    }
}

extension HTTPField.Name {
    static let idempotencyKey = HTTPField.Name("Idempotency-Key")!
}
