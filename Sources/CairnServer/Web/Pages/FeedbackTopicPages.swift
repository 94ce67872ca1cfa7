import CairnAnalytics
import CairnCore
import CairnEngine
import Foundation
import Hummingbird

/// Feedback › Topics: the standard topics free text is read for, with their keywords per language, and the workspace's
/// own — which managers add, change and remove here (the same rules as `PUT /api/v1/feedback-topics`). Answers stored
/// before are read again in the background; the page says how far that has come.
struct FeedbackTopicPages {
    let renderer: WebRenderer
    let results: SurveyResults

    func addRoutes(to router: Router<CairnRequestContext>) {
        router.get("feedback/topics", use: page)
        router.post("feedback/topics", use: save)
    }

    /// One row of the form as typed: keywords comma-separated per language.
    struct Row {
        var id = ""
        var name = ""
        var keywords: [TextLanguage: String] = [:]

        var isBlank: Bool { id.isEmpty && name.isEmpty && keywords.values.allSatisfy(\.isEmpty) }

        func values(index: Int, texts: [String: String]) -> [String: Any] {
            ["index": index, "id": id, "name": name, "row": index + 1,
             "keywords": TextLanguage.allCases.map { language in
                 ["language": language.rawValue, "label": texts["language_\(language.rawValue)"] ?? language.rawValue, "value": keywords[language] ?? "",
                  "rtl": language == .he] as [String: Any]
             }]
        }
    }

    /// Keywords as typed: separated by commas (also the Chinese ， and 、), semicolons or line breaks.
    static func keywords(_ text: String) -> [String] {
        text.split(whereSeparator: { ",，、;\n\r".contains($0) }).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    @Sendable func page(_ request: Request, context: CairnRequestContext) async throws -> Response {
        let (principal, _) = try context.requireUser()
        let own = try await results.customTopics(for: principal).map { topic in
            Row(id: topic.id, name: topic.name, keywords: Dictionary(uniqueKeysWithValues: TextLanguage.allCases.map { ($0, (topic.keywords[$0.rawValue] ?? []).joined(separator: ", ")) }))
        }
        let flash = request.uri.queryParameters["done"].flatMap { renderer.catalogue.texts(for: context.language)["flash_\($0)"] }
        return try await render(rows: own, principal: principal, context: context, flash: flash)
    }

    private func render(rows: [Row], principal: Principal, context: CairnRequestContext, flash: String? = nil, errors: [String: Any]? = nil,
                        status: HTTPResponse.Status = .ok) async throws -> Response {
        let texts = renderer.catalogue.texts(for: context.language)
        let standard = Topic.standard.map { topic in
            ["id": topic.id, "name": texts["topic_\(topic.id)"] ?? topic.id,
             "keywords": TextLanguage.allCases.map { language in
                 ["language": language.rawValue, "label": texts["language_\(language.rawValue)"] ?? language.rawValue,
                  "words": (topic.keywords[language] ?? []).joined(separator: ", "), "rtl": language == .he] as [String: Any]
             }] as [String: Any]
        }
        let editable = rows + [Row()]
        let progress = try await results.reanalysis(for: principal)
        return try renderer.page("feedback_topics", titleKey: "feedback_topics_page", section: "feedback", context: context, values: [
            "feedbackNav": FeedbackPages.nav("topics", texts: texts),
            "languages": TextLanguage.allCases.map { ["language": $0.rawValue, "label": texts["language_\($0.rawValue)"] ?? $0.rawValue] },
            "standard": standard,
            "own": rows.enumerated().map { $0.element.values(index: $0.offset, texts: texts) },
            "hasOwn": !rows.isEmpty,
            "rows": editable.enumerated().map { $0.element.values(index: $0.offset, texts: texts) },
            "canManage": principal.can(.feedbackManage),
            "rereading": progress.map {
                renderer.catalogue.text("feedback_topics_rereading", context.language, ["count": String($0.reread), "since": displayDate($0.requestedAt)])
            } as Any,
            "flash": flash as Any,
            "errors": errors as Any,
        ], status: status)
    }

    @Sendable func save(_ request: Request, context: CairnRequestContext) async throws -> Response {
        let (principal, _) = try context.requireUser()
        try principal.require(.feedbackManage)
        let form = try await request.form()
        let ids = form.values(named: "id"), names = form.values(named: "name")
        let typed = Dictionary(uniqueKeysWithValues: TextLanguage.allCases.map { ($0, form.values(named: $0.rawValue)) })
        let removed = Set(form.values(named: "remove").compactMap { Int($0) })
        var rows: [Row] = []
        for index in ids.indices {
            var row = Row(id: ids[index].trimmingCharacters(in: .whitespaces), name: index < names.count ? names[index].trimmingCharacters(in: .whitespaces) : "")
            for (language, values) in typed { row.keywords[language] = index < values.count ? values[index] : "" }
            if !row.isBlank && !removed.contains(index) { rows.append(row) }
        }
        let inputs = rows.map { row in
            SurveyResults.TopicInput(id: row.id, name: row.name.isEmpty ? nil : row.name,
                                     keywords: Dictionary(uniqueKeysWithValues: row.keywords.compactMap { language, text in
                                         let words = Self.keywords(text)
                                         return words.isEmpty ? nil : (language.rawValue, words)
                                     }))
        }
        do {
            _ = try await results.setCustomTopics(inputs, by: principal)
            return WebRenderer.redirect(to: "/feedback/topics?done=saved")
        } catch var error as ValidationError {
            // The engine names fields as the API does (topics[2].keywords.de); people see the row they typed in.
            let texts = renderer.catalogue.texts(for: context.language)
            error.issues = error.issues.map { issue in
                var issue = issue
                if let match = issue.field.firstMatch(of: /^topics\[(\d+)\]\.?(.*)$/), let index = Int(match.1) {
                    let column = String(match.2)
                    issue.field = "\(texts["feedback_topic_row"] ?? "Row") \(index + 1)" + (column.isEmpty ? "" : " · \(column)")
                }
                return issue
            }
            return try await render(rows: rows, principal: principal, context: context,
                                    errors: fieldErrors(error, texts: renderer.catalogue, language: context.language), status: .badRequest)
        }
    }
}
