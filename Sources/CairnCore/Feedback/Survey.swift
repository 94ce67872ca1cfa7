public import Foundation

public struct SurveyID: EntityID { public let rawValue: String; public init(rawValue: String) { self.rawValue = rawValue } }

/// A survey: its definition (questions, texts per language, theme) is data, kept as JSON with the survey. A draft can
/// be edited; a published one takes answers and keeps its questions (so answers always mean what was asked); a
/// closed one takes none.
public struct Survey: Sendable, Hashable, Codable {
    public enum Status: String, Sendable, Hashable, Codable, CaseIterable { case draft, published, closed }

    public var id: SurveyID
    public var workspaceID: WorkspaceID
    public var name: String
    public var status: Status
    public var definition: SurveyDefinition
    /// The anonymous link's token: `/s/{token}`.
    public var token: String
    public var createdAt: Date
    public var updatedAt: Date
    public var publishedAt: Date?
    public var closedAt: Date?

    public init(id: SurveyID, workspaceID: WorkspaceID, name: String, status: Status, definition: SurveyDefinition, token: String, createdAt: Date,
                updatedAt: Date, publishedAt: Date? = nil, closedAt: Date? = nil) {
        self.id = id
        self.workspaceID = workspaceID
        self.name = name
        self.status = status
        self.definition = definition
        self.token = token
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.publishedAt = publishedAt
        self.closedAt = closedAt
    }
}

/// Text in several languages (`en`, `de`, `zh`, `he`), shown in the reader's language, else the survey's default
/// language, else any.
public struct LocalizedText: Sendable, Hashable, Codable {
    public var values: [String: String]

    public init(_ values: [String: String]) { self.values = values }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let text = try? container.decode(String.self) { values = ["en": text] } else { values = try container.decode([String: String].self) }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(values)
    }

    public func text(in language: String, fallback: String) -> String {
        values[language] ?? values[fallback] ?? values["en"] ?? values.sorted { $0.key < $1.key }.first?.value ?? ""
    }
}

public struct SurveyDefinition: Sendable, Hashable, Codable {
    public static let languages = ["en", "de", "zh", "he"]

    public enum QuestionType: String, Sendable, Hashable, Codable, CaseIterable {
        /// 0–10, "How likely are you to recommend …".
        case nps
        /// 1–5 satisfaction.
        case csat
        /// 1–7 agreement with "The company made it easy to handle my issue".
        case ces
        /// A scale from `scale.min` to `scale.max`.
        case rating
        case singleChoice = "single_choice"
        case multipleChoice = "multiple_choice"
        case text
        /// The options in the order that matters most to the customer (values questions).
        case ranking
        /// Yes or no to a consent purpose (`purpose`).
        case consent

        /// The answers' range for scales.
        public var fixedScale: ClosedRange<Int>? {
            switch self {
            case .nps: 0...10
            case .csat: 1...5
            case .ces: 1...7
            default: nil
            }
        }

        public var hasOptions: Bool { [.singleChoice, .multipleChoice, .ranking].contains(self) }
    }

    public struct Option: Sendable, Hashable, Codable {
        public var id: String
        public var text: LocalizedText

        public init(id: String, text: LocalizedText) {
            self.id = id
            self.text = text
        }
    }

    public struct Scale: Sendable, Hashable, Codable {
        public var min: Int
        public var max: Int

        public init(min: Int, max: Int) {
            self.min = min
            self.max = max
        }
    }

    /// Show the question only when an earlier one's answer matches: one of `values` (choices, or scale answers as
    /// text), or within `atLeast` … `atMost` for scales.
    public struct Condition: Sendable, Hashable, Codable {
        public var question: String
        public var values: [String]?
        public var atLeast: Int?
        public var atMost: Int?

        public init(question: String, values: [String]? = nil, atLeast: Int? = nil, atMost: Int? = nil) {
            self.question = question
            self.values = values
            self.atLeast = atLeast
            self.atMost = atMost
        }
    }

    public struct Question: Sendable, Hashable, Codable {
        public var id: String
        public var type: QuestionType
        public var required: Bool
        public var text: LocalizedText
        public var options: [Option]?
        public var scale: Scale?
        public var showIf: Condition?
        /// For consent questions: the purpose answered.
        public var purpose: String?

        public init(id: String, type: QuestionType, required: Bool = true, text: LocalizedText, options: [Option]? = nil, scale: Scale? = nil,
                    showIf: Condition? = nil, purpose: String? = nil) {
            self.id = id
            self.type = type
            self.required = required
            self.text = text
            self.options = options
            self.scale = scale
            self.showIf = showIf
            self.purpose = purpose
        }

        enum CodingKeys: String, CodingKey { case id, type, required, text, options, scale, showIf, purpose }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            id = try container.decode(String.self, forKey: .id)
            type = try container.decode(QuestionType.self, forKey: .type)
            required = try container.decodeIfPresent(Bool.self, forKey: .required) ?? true
            text = try container.decode(LocalizedText.self, forKey: .text)
            options = try container.decodeIfPresent([Option].self, forKey: .options)
            scale = try container.decodeIfPresent(Scale.self, forKey: .scale)
            showIf = try container.decodeIfPresent(Condition.self, forKey: .showIf)
            purpose = try container.decodeIfPresent(String.self, forKey: .purpose)
        }

        /// The range of a scale question's answers.
        public var range: ClosedRange<Int>? {
            if let fixed = type.fixedScale { return fixed }
            guard type == .rating, let scale, scale.min <= scale.max else { return nil }
            return scale.min...scale.max
        }
    }

    public struct Theme: Sendable, Hashable, Codable {
        /// `#rrggbb`.
        public var colour: String
        /// An https address of the logo, or nil.
        public var logoURL: String?

        public init(colour: String = "#1f5f8b", logoURL: String? = nil) {
            self.colour = colour
            self.logoURL = logoURL
        }
    }

    /// Who answers: customers (the default) or employees. Employee surveys (eNPS) are another population: their
    /// figures stand on their own lines and never join the customers' pooled NPS.
    public enum Audience: String, Sendable, Hashable, Codable, CaseIterable {
        case customers, employees
    }

    public var defaultLanguage: String
    public var title: LocalizedText
    public var questions: [Question]
    public var theme: Theme
    public var audience: Audience
    /// An audience given that is none of ``Audience`` (kept so ``validate()`` can name it).
    var unknownAudience: String?

    public init(defaultLanguage: String = "en", title: LocalizedText, questions: [Question], theme: Theme = Theme(), audience: Audience = .customers) {
        self.defaultLanguage = defaultLanguage
        self.title = title
        self.questions = questions
        self.theme = theme
        self.audience = audience
    }

    /// `unknownAudience` is left out: the synthesised encoding writes these keys only.
    enum CodingKeys: String, CodingKey { case defaultLanguage, title, questions, theme, audience }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        defaultLanguage = try container.decodeIfPresent(String.self, forKey: .defaultLanguage) ?? "en"
        title = try container.decodeIfPresent(LocalizedText.self, forKey: .title) ?? LocalizedText([:])
        questions = try container.decodeIfPresent([Question].self, forKey: .questions) ?? []
        theme = try container.decodeIfPresent(Theme.self, forKey: .theme) ?? Theme()
        let audienceText = try container.decodeIfPresent(String.self, forKey: .audience)
        audience = audienceText.flatMap(Audience.init(rawValue:)) ?? .customers
        if let audienceText, Audience(rawValue: audienceText) == nil { unknownAudience = audienceText }
    }

    /// Every problem of the definition at once, each naming its field (`questions[2].options`) and the fix.
    public func validate() throws(ValidationError) {
        var issues = ValidationCollector()
        if !Self.languages.contains(defaultLanguage) {
            issues.add(FieldIssue(field: "definition.defaultLanguage", issue: .unknownValue(allowed: Self.languages), hint: "Use en, de, zh or he."))
        }
        func checkText(_ text: LocalizedText, field: String, limit: Int) {
            for language in text.values.keys where !Self.languages.contains(language) {
                issues.add(FieldIssue(field: "\(field).\(language)", issue: .unknownValue(allowed: Self.languages), hint: "Texts are in en, de, zh or he."))
            }
            if (text.values[defaultLanguage] ?? "").trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                issues.add(FieldIssue(field: "\(field).\(defaultLanguage)", issue: .missing, hint: "Give the text in the survey's default language (\(defaultLanguage)); others fall back to it."))
            }
            for (language, value) in text.values where value.count > limit {
                issues.add(FieldIssue(field: "\(field).\(language)", issue: .tooLong(limit: limit), hint: "Use at most \(limit) characters."))
            }
        }
        if unknownAudience != nil {
            issues.add(FieldIssue(field: "definition.audience", issue: .unknownValue(allowed: Audience.allCases.map(\.rawValue)),
                                  hint: "Use customers, or employees for an employee survey such as eNPS."))
        }
        checkText(title, field: "definition.title", limit: 200)
        if questions.isEmpty { issues.add(FieldIssue(field: "definition.questions", issue: .missing, hint: "A survey asks at least one question.")) }
        if questions.count > 50 { issues.add(FieldIssue(field: "definition.questions", issue: .tooLong(limit: 50), hint: "Ask at most 50 questions.")) }
        var seen: [String: Question] = [:]
        for (index, question) in questions.enumerated() {
            let field = "definition.questions[\(index)]"
            if question.id.range(of: #"^[a-z][a-z0-9_]{0,39}$"#, options: .regularExpression) == nil {
                issues.add(FieldIssue(field: "\(field).id", issue: .invalid, hint: "Use lowercase letters, digits and _, starting with a letter (up to 40), e.g. nps or why."))
            } else if seen[question.id] != nil {
                issues.add(FieldIssue(field: "\(field).id", issue: .alreadyTaken, hint: "Each question of a survey has its own id."))
            }
            checkText(question.text, field: "\(field).text", limit: 500)
            if question.type.hasOptions {
                let options = question.options ?? []
                if options.count < 2 || options.count > 20 {
                    issues.add(FieldIssue(field: "\(field).options", issue: .invalid, hint: "Give from 2 to 20 options."))
                }
                var optionIDs: Set<String> = []
                for (position, option) in options.enumerated() {
                    if option.id.range(of: #"^[a-z0-9][a-z0-9_-]{0,39}$"#, options: .regularExpression) == nil || !optionIDs.insert(option.id).inserted {
                        issues.add(FieldIssue(field: "\(field).options[\(position)].id", issue: .invalid, hint: "Give each option its own id: lowercase letters, digits, _ or -."))
                    }
                    checkText(option.text, field: "\(field).options[\(position)].text", limit: 200)
                }
            } else if question.options != nil {
                issues.add(FieldIssue(field: "\(field).options", issue: .notAllowed, hint: "Only choice and ranking questions have options."))
            }
            if question.type == .rating {
                if let scale = question.scale, scale.min >= 0, scale.max <= 10, scale.max > scale.min {} else {
                    issues.add(FieldIssue(field: "\(field).scale", issue: .invalid, hint: "A rating needs a scale like {\"min\":1,\"max\":5}, within 0 to 10."))
                }
            } else if question.scale != nil {
                issues.add(FieldIssue(field: "\(field).scale", issue: .notAllowed, hint: "Only rating questions have a scale of their own."))
            }
            if question.type == .consent, (question.purpose ?? "").range(of: #"^[a-z][a-z0-9_]{0,39}$"#, options: .regularExpression) == nil {
                issues.add(FieldIssue(field: "\(field).purpose", issue: .missing, hint: "Name the consent purpose the question asks about, e.g. surveys."))
            }
            if let condition = question.showIf {
                if let earlier = seen[condition.question] {
                    if earlier.range == nil, condition.atLeast != nil || condition.atMost != nil {
                        issues.add(FieldIssue(field: "\(field).showIf", issue: .invalid, hint: "atLeast and atMost apply to scale questions; use values for \(condition.question)."))
                    }
                    if (condition.values ?? []).isEmpty, condition.atLeast == nil, condition.atMost == nil {
                        issues.add(FieldIssue(field: "\(field).showIf", issue: .missing, hint: "Say which answers show the question: values, atLeast or atMost."))
                    }
                } else {
                    issues.add(FieldIssue(field: "\(field).showIf.question", issue: .unknownValue(allowed: Array(seen.keys).sorted()),
                                          hint: "Branch on an earlier question of this survey."))
                }
            }
            seen[question.id] = seen[question.id] ?? question
        }
        if theme.colour.range(of: #"^#[0-9a-fA-F]{6}$"#, options: .regularExpression) == nil {
            issues.add(FieldIssue(field: "definition.theme.colour", issue: .invalid, hint: "Use a colour like #1f5f8b."))
        }
        if let logo = theme.logoURL, !(logo.hasPrefix("https://") && logo.count <= 500 && URL(string: logo) != nil) {
            issues.add(FieldIssue(field: "definition.theme.logoURL", issue: .invalid, hint: "Use an https:// address of at most 500 characters."))
        }
        try issues.throwIfAny()
    }

    /// Whether a question is shown, given the answers so far (choices as their ids, scales as numbers).
    public func isShown(_ question: Question, answers: [String: SurveyAnswer]) -> Bool {
        guard let condition = question.showIf else { return true }
        guard let answer = answers[condition.question] else { return false }
        switch answer {
        case .number(let value):
            if let atLeast = condition.atLeast, value < atLeast { return false }
            if let atMost = condition.atMost, value > atMost { return false }
            if let values = condition.values, !values.isEmpty { return values.contains(String(value)) }
            return true
        case .choices(let chosen):
            return !(condition.values ?? []).filter(chosen.contains).isEmpty
        case .text, .consent:
            return false
        }
    }
}

/// One answer to one question; as JSON a number, a list of option ids, text, or true/false.
public enum SurveyAnswer: Sendable, Hashable, Codable {
    case number(Int)
    /// Single choice (one id), multiple choice (the chosen ids), ranking (all ids, most important first).
    case choices([String])
    case text(String)
    case consent(Bool)

    public init(from decoder: any Decoder) throws {
        let value = try JSONValue(from: decoder)
        guard let answer = SurveyAnswer(json: value) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "An answer is a number, a list of option ids, text, or true/false."))
        }
        self = answer
    }

    public func encode(to encoder: any Encoder) throws {
        try json.encode(to: encoder)
    }
}
