import CairnAnalytics
import CairnCore
import CairnEngine
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

extension FeedbackPages {
    /// The list's filters: survey, complete only, sentiment label, topic (values outside the choices offered are not applied).
    struct ResponseFilter {
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
                    "answers": survey.definition.questions.compactMap { question -> [String: String]? in
                        response.answers[question.id].map { ["question": question.id, "value": Self.display($0)] }
                    },
                    // Each topic with what the answer said of it (its own clauses), as a coloured badge that also says it in words.
                    "topics": response.topics.map { topic -> [String: Any] in
                        let label = response.sentimentLabel(of: topic)
                        return ["name": nameOf[topic] ?? topic, "label": label ?? "none",
                                "labelName": label.map { texts["feedback_sentiment_\($0)"] ?? $0 } ?? ""]
                    },
                ]
                if let textLanguage = response.textLanguage, textLanguage != response.language { values["textLanguage"] = textLanguage }
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
    func topicNames(for principal: Principal, texts: [String: String]) async throws -> [(id: String, name: String)] {
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
