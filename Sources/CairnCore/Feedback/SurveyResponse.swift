public import Foundation

public struct SurveyInvitationID: EntityID { public let rawValue: String; public init(rawValue: String) { self.rawValue = rawValue } }
public struct SurveyResponseID: EntityID { public let rawValue: String; public init(rawValue: String) { self.rawValue = rawValue } }

/// A personal link to a survey: bound to one profile, answered once, valid until it expires.
public struct SurveyInvitation: Sendable, Hashable, Codable {
    public var id: SurveyInvitationID
    public var workspaceID: WorkspaceID
    public var surveyID: SurveyID
    public var profileID: ProfileID
    public var createdAt: Date
    public var expiresAt: Date
    public var answeredAt: Date?
    /// Where the customer was asked about: the event that triggered the invitation (e.g. `Order Delivered`).
    public var touchpoint: String?
    /// The order the invitation is about, when the triggering event named one.
    public var orderReference: String?
    /// The service case the invitation asks about (a solved case's CSAT or CES).
    public var caseID: CaseID?

    public init(id: SurveyInvitationID, workspaceID: WorkspaceID, surveyID: SurveyID, profileID: ProfileID, createdAt: Date, expiresAt: Date, answeredAt: Date? = nil,
                touchpoint: String? = nil, orderReference: String? = nil, caseID: CaseID? = nil) {
        self.touchpoint = touchpoint
        self.caseID = caseID
        self.orderReference = orderReference
        self.id = id
        self.workspaceID = workspaceID
        self.surveyID = surveyID
        self.profileID = profileID
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.answeredAt = answeredAt
    }
}

/// Someone's answers to a survey, kept from the first answer on: `complete` once the last question shown was
/// answered; otherwise partial.
public struct SurveyResponse: Sendable, Hashable, Codable {
    public var id: SurveyResponseID
    public var workspaceID: WorkspaceID
    public var surveyID: SurveyID
    public var profileID: ProfileID?
    public var invitationID: SurveyInvitationID?
    /// en, de, zh or he: the language the questions were shown in.
    public var language: String
    public var answers: [String: SurveyAnswer]
    /// Where it was answered: `web` for the public page, or what the widget's site says (`app`, `store`…).
    public var channel: Channel
    public var complete: Bool
    public var startedAt: Date
    public var updatedAt: Date
    public var completedAt: Date?
    /// What was read in each free-text answer, by question id (filled in when the response is stored).
    public var insights: [String: TextInsight]
    /// The moment of the journey asked about (a trigger's event, or what the widget's site says, e.g. `checkout`).
    public var touchpoint: String?
    /// The order the response is about, when known: its products are the response's products.
    public var orderReference: String?

    public init(id: SurveyResponseID, workspaceID: WorkspaceID, surveyID: SurveyID, profileID: ProfileID?, invitationID: SurveyInvitationID?, language: String,
                answers: [String: SurveyAnswer], channel: Channel = .web, complete: Bool, startedAt: Date, updatedAt: Date, completedAt: Date?,
                insights: [String: TextInsight] = [:], touchpoint: String? = nil, orderReference: String? = nil) {
        self.touchpoint = touchpoint
        self.orderReference = orderReference
        self.id = id
        self.workspaceID = workspaceID
        self.surveyID = surveyID
        self.profileID = profileID
        self.invitationID = invitationID
        self.language = language
        self.answers = answers
        self.channel = channel
        self.complete = complete
        self.startedAt = startedAt
        self.updatedAt = updatedAt
        self.completedAt = completedAt
        self.insights = insights
    }
}

extension SurveyAnswer {
    /// As JSON people read: a number, a list of choice ids, text, or true/false.
    public var json: JSONValue {
        switch self {
        case .number(let value): .integer(Int64(value))
        case .choices(let ids): .array(ids.map(JSONValue.string))
        case .text(let text): .string(text)
        case .consent(let yes): .bool(yes)
        }
    }

    public init?(json: JSONValue) {
        switch json {
        case .integer(let value) where abs(value) <= 1_000: self = .number(Int(value))
        case .array(let items):
            let ids = items.compactMap(\.stringValue)
            guard ids.count == items.count else { return nil }
            self = .choices(ids)
        case .string(let text): self = .text(text)
        case .bool(let yes): self = .consent(yes)
        default: return nil
        }
    }
}

/// What Cairn read in one free-text answer: its language, sentiment (English, German and Chinese), topics and keywords.
public struct TextInsight: Sendable, Hashable, Codable {
    /// en, de, he or zh; nil when the text is none of them or too short to tell.
    public var language: String?
    /// −1 to 1; nil when the language has no sentiment model.
    public var sentiment: Double?
    /// positive, neutral or negative; nil with `sentiment`.
    public var label: String?
    /// Each sentence's sentiment, in order (empty without `sentiment`).
    public var sentences: [Double]
    public var topics: [String]
    /// Each topic's sentiment (−1 to 1) from the clauses that name it; nil when read before version 28 or without
    /// sentiment.
    public var topicSentiment: [String: Double]?
    public var keywords: [String]

    public init(language: String?, sentiment: Double?, label: String?, sentences: [Double], topics: [String], topicSentiment: [String: Double]? = nil,
                keywords: [String]) {
        self.language = language
        self.sentiment = sentiment
        self.label = label
        self.sentences = sentences
        self.topics = topics
        self.topicSentiment = topicSentiment
        self.keywords = keywords
    }
}

extension SurveyResponse {
    /// The response's sentiment: the mean over its free-text answers that have one.
    public var sentiment: Double? {
        let scores = insights.values.compactMap(\.sentiment)
        return scores.isEmpty ? nil : scores.reduce(0, +) / Double(scores.count)
    }

    /// positive (≥ 0.05), negative (≤ −0.05) or neutral, from `sentiment`.
    public var sentimentLabel: String? {
        sentiment.map { $0 >= 0.05 ? "positive" : $0 <= -0.05 ? "negative" : "neutral" }
    }

    /// positive, negative or neutral for one topic: the mean of what the answers naming it say of it (the clauses
    /// that name it), else the response's label.
    public func sentimentLabel(of topic: String) -> String? {
        let scores = insights.values.compactMap { $0.topics.contains(topic) ? $0.topicSentiment?[topic] : nil }
        guard !scores.isEmpty else { return sentimentLabel }
        let mean = scores.reduce(0, +) / Double(scores.count)
        return mean >= 0.05 ? "positive" : mean <= -0.05 ? "negative" : "neutral"
    }

    /// Every topic its free-text answers mention, sorted.
    public var topics: [String] { Array(Set(insights.values.flatMap(\.topics))).sorted() }

    /// The language its free text is written in (the first answer's that has one, by question id).
    public var textLanguage: String? { insights.sorted { $0.key < $1.key }.lazy.compactMap(\.value.language).first }
}
