import CairnCore
import CairnEngine
import Foundation
import HTTPTypes
import Hummingbird

/// The survey builder: a draft's questions made, reordered and removed by form, one action per post (no script and
/// no JSON needed), with every text in the four survey languages side by side, branching (`showIf`) and the theme.
/// Each post changes the stored definition through the same checks as the API; a refused change comes back with
/// the fields still as typed, the wrong ones marked and named.
extension FeedbackPages {
    typealias Definition = SurveyDefinition
    typealias Question = SurveyDefinition.Question

    @Sendable func builder(_ request: Request, context: CairnRequestContext) async throws -> Response {
        let (principal, _) = try context.requireUser()
        let survey = try await surveys.survey(try context.parameters.id(as: SurveyID.self, kind: "survey"), for: principal)
        return try builderPage(survey, draft: nil, focus: request.uri.queryParameters["open"].map(String.init), request: request, context: context)
    }

    /// Renders the builder for `survey`, showing `draft` (a refused change, as typed) in place of the stored definition.
    func builderPage(_ survey: Survey, draft: Definition?, name: String? = nil, error: (any Error)? = nil, focus: String? = nil,
                     request: Request, context: CairnRequestContext, status: HTTPResponse.Status = .ok) throws -> Response {
        let (principal, _) = try context.requireUser()
        let texts = renderer.catalogue.texts(for: context.language)
        let definition = draft ?? survey.definition
        let editable = principal.can(.feedbackManage) && survey.status == .draft
        let issues = error.map { Problem($0).errors } ?? []
        let invalid = Set(issues.map(\.field))
        func bad(_ field: String) -> Bool { invalid.contains(field) || invalid.contains { $0.hasPrefix(field + ".") || $0.hasPrefix(field + "[") } }
        func languageFields(_ text: LocalizedText?, prefix: String, field: String) -> [[String: Any]] {
            Definition.languages.map { code in
                let language = SurveyPages.surveyLanguages[code] ?? .english
                return ["code": code, "name": language.endonym, "dir": language.isRightToLeft ? "rtl" : "ltr", "input": "\(prefix)_\(code)",
                        "value": text?.values[code] ?? "", "invalid": invalid.contains("\(field).\(code)"),
                        "isDefault": code == definition.defaultLanguage]
            }
        }
        let typeLabel = { (type: Definition.QuestionType) in texts["question_type_\(type.rawValue)"] ?? type.rawValue }
        let questions = definition.questions.enumerated().map { index, question -> [String: Any] in
            let field = "definition.questions[\(index)]"
            let earlier = definition.questions.prefix(index)
            var values: [String: Any] = [
                "index": index, "number": index + 1, "id": question.id, "type": question.type.rawValue, "typeLabel": typeLabel(question.type),
                "summary": question.text.text(in: SurveyPages.surveyCode(of: context.language) ?? "en", fallback: definition.defaultLanguage),
                "required": question.required, "invalidID": bad("\(field).id"), "invalid": bad(field), "open": bad(field) || focus == question.id,
                "types": Definition.QuestionType.allCases.map { ["value": $0.rawValue, "label": typeLabel($0), "selected": $0 == question.type] },
                "texts": languageFields(question.text, prefix: "text", field: "\(field).text"),
                "hasOptions": question.type.hasOptions || question.options != nil, "invalidOptions": invalid.contains("\(field).options"),
                "options": ((question.options ?? []).enumerated().map { position, option in
                    ["position": position, "id": option.id, "invalidID": invalid.contains("\(field).options[\(position)].id"),
                     "texts": languageFields(option.text, prefix: "option", field: "\(field).options[\(position)].text"), "removable": true]
                } + [["position": question.options?.count ?? 0, "id": "", "invalidID": false, "removable": false,
                      "texts": languageFields(nil, prefix: "option", field: "-")]]) as [[String: Any]],
                "isRating": question.type == .rating || question.scale != nil, "invalidScale": bad("\(field).scale"),
                "scaleMin": question.scale.map { String($0.min) } ?? "1", "scaleMax": question.scale.map { String($0.max) } ?? "5",
                "isConsent": question.type == .consent || question.purpose != nil, "purpose": question.purpose ?? "surveys", "invalidPurpose": bad("\(field).purpose"),
                "canBranch": !earlier.isEmpty, "invalidShow": bad("\(field).showIf"),
                "showOptions": earlier.map { ["value": $0.id, "label": "\($0.id) · \(typeLabel($0.type))", "selected": $0.id == question.showIf?.question] },
                "showValues": question.showIf?.values?.joined(separator: ", ") ?? "",
                "showAtLeast": question.showIf?.atLeast.map(String.init) ?? "", "showAtMost": question.showIf?.atMost.map(String.init) ?? "",
                "canUp": index > 0, "canDown": index < definition.questions.count - 1,
            ]
            if let condition = question.showIf { values["condition"] = Self.conditionText(condition) }
            return values
        }
        return try renderer.page("feedback_builder", titleKey: "builder_title", section: "feedback", context: context, values: [
            "feedbackNav": Self.nav("surveys", texts: texts),
            "survey": ["id": survey.id.rawValue, "name": name ?? survey.name, "status": survey.status.rawValue,
                       "statusLabel": texts["survey_status_\(survey.status.rawValue)"] ?? survey.status.rawValue] as [String: Any],
            "editable": editable, "locked": survey.status != .draft, "canCopy": principal.can(.feedbackManage),
            "errors": error.map { fieldErrors($0, texts: renderer.catalogue, language: context.language) { field, texts in
                Self.builderFieldLabel(field, definition: definition, texts: texts)
            } } as Any,
            "flash": request.uri.queryParameters["done"].flatMap { texts["flash_\($0)"] } as Any,
            "titles": languageFields(definition.title, prefix: "title", field: "definition.title"),
            "defaultLanguages": Definition.languages.map { ["value": $0, "label": (SurveyPages.surveyLanguages[$0] ?? .english).endonym, "selected": $0 == definition.defaultLanguage] },
            "audiences": Definition.Audience.allCases.map { ["value": $0.rawValue, "label": texts["audience_\($0.rawValue)"] ?? $0.rawValue, "selected": $0 == definition.audience] },
            "colour": definition.theme.colour, "invalidColour": invalid.contains("definition.theme.colour"),
            "logoURL": definition.theme.logoURL ?? "", "invalidLogo": invalid.contains("definition.theme.logoURL"),
            "hasQuestions": !questions.isEmpty,
            "questions": questions,
            "addTypes": Definition.QuestionType.allCases.map { ["value": $0.rawValue, "label": typeLabel($0)] },
            "previews": Definition.languages.map { ["code": $0, "name": (SurveyPages.surveyLanguages[$0] ?? .english).endonym] },
        ], status: status)
    }

    /// One builder action: `settings`, `add`, `save`, `up`, `down`, `remove` (of `question`, its id before the
    /// change), or `copy` (a published survey's questions into a new draft).
    @Sendable func build(_ request: Request, context: CairnRequestContext) async throws -> Response {
        let (principal, _) = try context.requireUser()
        try principal.require(.feedbackManage)
        let id = try context.parameters.id(as: SurveyID.self, kind: "survey")
        let survey = try await surveys.survey(id, for: principal)
        let form = try await request.form()
        let action = form["do"] ?? ""
        var definition = survey.definition
        var name: String?
        var focus: String?
        do {
            switch action {
            case "copy":
                let texts = renderer.catalogue.texts(for: context.language)
                let copyName = String("\(survey.name) (\(texts["builder_copy_suffix"] ?? "copy"))".prefix(120))
                let copy = try await surveys.create(.init(name: copyName, definition: survey.definition), by: principal)
                return WebRenderer.redirect(to: "/feedback/surveys/\(copy.id)/build?done=saved")
            case "settings":
                name = form["name"]
                Self.applySettings(form, to: &definition)
            case "add":
                let question = try Self.newQuestion(form, in: definition)
                let position = form["position"].flatMap { Int($0) }.map { min(max($0, 0), definition.questions.count) } ?? definition.questions.count
                definition.questions.insert(question, at: position)
                focus = question.id
            case "save", "up", "down", "remove":
                guard let index = definition.questions.firstIndex(where: { $0.id == form["question"] }) else {
                    throw ValidationError(field: "question", issue: .unknownValue(allowed: definition.questions.map(\.id)),
                                          hint: "That question is no longer in the survey; reload the page.")
                }
                if action == "remove" {
                    let removed = definition.questions[index].id
                    if let dependent = definition.questions.first(where: { $0.showIf?.question == removed }) {
                        throw ValidationError(field: "definition.questions[\(index)]", issue: .invalid,
                                              hint: "Question \(dependent.id) is shown only after an answer to \(removed); change its condition first.")
                    }
                    definition.questions.remove(at: index)
                } else {
                    let before = definition.questions[index].id
                    definition.questions[index] = Self.applyQuestion(form, to: definition.questions[index])
                    let after = definition.questions[index].id
                    if after != before {
                        for other in definition.questions.indices where definition.questions[other].showIf?.question == before {
                            definition.questions[other].showIf?.question = after
                        }
                    }
                    focus = after
                    let target = action == "up" ? index - 1 : action == "down" ? index + 1 : index
                    if target != index, definition.questions.indices.contains(target) { definition.questions.swapAt(index, target) }
                }
            default:
                throw ValidationError(field: "do", issue: .unknownValue(allowed: ["settings", "add", "save", "up", "down", "remove", "copy"]),
                                      hint: "Use one of the builder's buttons.")
            }
            _ = try await surveys.update(id, name: name, definition: definition, by: principal)
            return WebRenderer.redirect(to: "/feedback/surveys/\(id)/build?done=saved" + (focus.map { "&open=\($0)#question-\($0)" } ?? ""))
        } catch let error as ValidationError {
            return try builderPage(survey, draft: definition, name: name, error: error, focus: focus, request: request, context: context, status: .badRequest)
        } catch let error as ConflictError {
            return try builderPage(survey, draft: nil, error: error, request: request, context: context, status: .conflict)
        }
    }

    /// The title in each language, the default language, the audience and the theme.
    static func applySettings(_ form: FormFields, to definition: inout Definition) {
        definition.title = localized(form, prefix: "title", keeping: definition.title)
        if let language = form["defaultLanguage"] { definition.defaultLanguage = language }
        if let audience = form["audience"].flatMap(Definition.Audience.init(rawValue:)) { definition.audience = audience }
        if let colour = form["colour"]?.trimmingCharacters(in: .whitespaces) { definition.theme.colour = colour }
        if let logo = form["logoURL"]?.trimmingCharacters(in: .whitespaces) { definition.theme.logoURL = logo.isEmpty ? nil : logo }
    }

    /// Text in the four languages from `{prefix}_{code}` fields; a field not sent keeps its text, an empty one clears it.
    static func localized(_ form: FormFields, prefix: String, keeping old: LocalizedText) -> LocalizedText {
        var values = old.values
        for code in Definition.languages {
            guard let value = form["\(prefix)_\(code)"] else { continue }
            let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
            values[code] = trimmed.isEmpty ? nil : trimmed
        }
        return LocalizedText(values)
    }

    /// A question's fields as the form sent them; what was not sent stays as it was.
    static func applyQuestion(_ form: FormFields, to old: Question) -> Question {
        var question = old
        if let id = form["id"] { question.id = id.trimmingCharacters(in: .whitespaces) }
        if let type = form["type"].flatMap(Definition.QuestionType.init(rawValue:)) { question.type = type }
        if form["id"] != nil { question.required = form["required"] != nil }
        question.text = localized(form, prefix: "text", keeping: old.text)
        if question.type.hasOptions {
            let ids = form.values(named: "option_id")
            if !ids.isEmpty {
                let removed = Set(form.values(named: "remove_option").compactMap { Int($0) })
                var options: [Definition.Option] = []
                var taken = Set<String>()
                for (position, rawID) in ids.enumerated() where !removed.contains(position) {
                    var values: [String: String] = [:]
                    for code in Definition.languages {
                        let list = form.values(named: "option_\(code)")
                        let text = position < list.count ? list[position].trimmingCharacters(in: .whitespacesAndNewlines) : ""
                        if !text.isEmpty { values[code] = text }
                    }
                    var optionID = rawID.trimmingCharacters(in: .whitespaces)
                    if values.isEmpty && optionID.isEmpty { continue }
                    if optionID.isEmpty { optionID = uniqueID(slug(values["en"] ?? values.sorted { $0.key < $1.key }.first?.value ?? ""), prefix: "o", taken: taken) }
                    taken.insert(optionID)
                    options.append(.init(id: optionID, text: LocalizedText(values)))
                }
                question.options = options
            }
        } else {
            question.options = nil
        }
        if question.type == .rating {
            let low = form["scale_min"].flatMap { Int($0.trimmingCharacters(in: .whitespaces)) } ?? old.scale?.min ?? 1
            let high = form["scale_max"].flatMap { Int($0.trimmingCharacters(in: .whitespaces)) } ?? old.scale?.max ?? 5
            question.scale = .init(min: low, max: high)
        } else {
            question.scale = nil
        }
        question.purpose = question.type == .consent ? (form["purpose"]?.trimmingCharacters(in: .whitespaces) ?? old.purpose ?? "surveys") : nil
        if let asked = form["show_question"] {
            if asked.isEmpty {
                question.showIf = nil
            } else {
                let values = (form["show_values"] ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
                question.showIf = .init(question: asked, values: values.isEmpty ? nil : values,
                                        atLeast: form["show_at_least"].flatMap { Int($0.trimmingCharacters(in: .whitespaces)) },
                                        atMost: form["show_at_most"].flatMap { Int($0.trimmingCharacters(in: .whitespaces)) })
            }
        }
        return question
    }

    /// A new question of the type asked: the standard wording in four languages for NPS, CSAT and CES when no text
    /// is given, two options to start a choice, a 1–5 scale for a rating.
    static func newQuestion(_ form: FormFields, in definition: Definition) throws(ValidationError) -> Question {
        guard let type = form["type"].flatMap(Definition.QuestionType.init(rawValue:)) else {
            throw ValidationError(field: "type", issue: .unknownValue(allowed: Definition.QuestionType.allCases.map(\.rawValue)), hint: "Choose the kind of question.")
        }
        let typed = (form["text"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let text: LocalizedText
        if typed.isEmpty {
            guard let standard = SurveyTemplate.standardText(of: type) else {
                throw ValidationError(field: "text", issue: .missing, hint: "Write the question, in \(definition.defaultLanguage); add other languages after.")
            }
            text = standard
        } else {
            text = LocalizedText([definition.defaultLanguage: typed])
        }
        let taken = Set(definition.questions.map(\.id))
        let id = [.nps, .csat, .ces].contains(type) && !taken.contains(type.rawValue) ? type.rawValue : uniqueID("", prefix: "q", taken: taken)
        var question = Question(id: id, type: type, required: type != .text, text: text)
        if type.hasOptions {
            let lines = (form["options"] ?? "").split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            guard lines.count >= 2 else {
                throw ValidationError(field: "options", issue: .missing, hint: "Give at least two options, one per line.")
            }
            var ids = Set<String>()
            question.options = lines.prefix(20).map { line in
                let optionID = uniqueID(slug(line), prefix: "o", taken: ids)
                ids.insert(optionID)
                return .init(id: optionID, text: LocalizedText([definition.defaultLanguage: line]))
            }
        }
        if type == .rating { question.scale = .init(min: 1, max: 5) }
        if type == .consent { question.purpose = "surveys" }
        return question
    }

    /// Lowercase letters, digits and _ from Latin text (other scripts give nothing, and a numbered id is used).
    static func slug(_ text: String) -> String {
        let folded = text.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: nil).lowercased()
        var slug = ""
        for scalar in folded.unicodeScalars {
            if ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) { slug.unicodeScalars.append(scalar) }
            else if !slug.isEmpty, !slug.hasSuffix("_") { slug += "_" }
        }
        slug = String(slug.trimmingCharacters(in: CharacterSet(charactersIn: "_")).prefix(30))
        return slug.first.map { ("a"..."z").contains($0) } == true ? slug : ""
    }

    /// `base` when free, else `{prefix}{n}` for the first n that is.
    static func uniqueID(_ base: String, prefix: String, taken: Set<String>) -> String {
        if !base.isEmpty, !taken.contains(base) { return base }
        var number = 1
        while taken.contains("\(base.isEmpty ? prefix : base + "_")\(number)") { number += 1 }
        return "\(base.isEmpty ? prefix : base + "_")\(number)"
    }

    /// `nps ≤ 6`, `reason ∈ {price, delivery}`.
    static func conditionText(_ condition: Definition.Condition) -> String {
        condition.question + (condition.values.map { " ∈ {\($0.joined(separator: ", "))}" } ?? "")
            + (condition.atLeast.map { " ≥ \($0)" } ?? "") + (condition.atMost.map { " ≤ \($0)" } ?? "")
    }

    /// `definition.questions[2].text.de` as people read it: "Question 3 (why) · text · Deutsch".
    static func builderFieldLabel(_ field: String, definition: Definition, texts: [String: String]) -> String {
        var rest = field.hasPrefix("definition.") ? String(field.dropFirst("definition.".count)) : field
        var parts: [String] = []
        if let match = rest.firstMatch(of: #/^questions\[(\d+)\]\.?/#), let index = Int(match.1) {
            let id = definition.questions.indices.contains(index) ? " (\(definition.questions[index].id))" : ""
            parts.append("\(texts["builder_question"] ?? "Question") \(index + 1)\(id)")
            rest = String(rest[match.range.upperBound...])
        }
        if let match = rest.firstMatch(of: #/^options\[(\d+)\]\.?/#), let index = Int(match.1) {
            parts.append("\(texts["builder_option"] ?? "Option") \(index + 1)")
            rest = String(rest[match.range.upperBound...])
        }
        for piece in rest.split(separator: ".") {
            let key = String(piece)
            if let language = SurveyPages.surveyLanguages[key] { parts.append(language.endonym) } else { parts.append(texts["builder_field_\(key)"] ?? key) }
        }
        return parts.joined(separator: " · ")
    }
}
