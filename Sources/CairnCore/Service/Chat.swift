public import Foundation

public struct KnowledgeArticleID: EntityID { public let rawValue: String; public init(rawValue: String) { self.rawValue = rawValue } }

/// An article of the knowledge base, in one language; the bot answers from it.
public struct KnowledgeArticle: Sendable, Hashable, Codable {
    public static let languages = ["en", "de", "zh", "he"]
    public var id: KnowledgeArticleID
    public var language: String
    public var title: String
    /// Markdown.
    public var body: String
    public var updatedAt: Date

    public init(id: KnowledgeArticleID, language: String, title: String, body: String, updatedAt: Date) {
        self.id = id
        self.language = language
        self.title = title
        self.body = body
        self.updatedAt = updatedAt
    }

    /// The first paragraph as plain text (Markdown marks left out), for the bot's answer.
    public var summary: String {
        let paragraph = body.components(separatedBy: "\n\n").first { !$0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty && !$0.hasPrefix("#") } ?? body
        return paragraph.replacingOccurrences(of: "**", with: "").replacingOccurrences(of: "__", with: "").replacingOccurrences(of: "`", with: "")
            .replacingOccurrences(of: "\n", with: " ").trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// Why the bot handed a chat to a person.
public enum HandoverReason: String, Sendable, Hashable, Codable, CaseIterable {
    /// The customer asked for a person.
    case asked
    /// The bot was not sure enough of any answer.
    case lowConfidence = "low_confidence"
    /// The customer was upset.
    case sentiment
    /// The question is about a topic that always goes to a person.
    case topic
    /// The bot could not help (e.g. an order question from a customer it cannot verify).
    case cannotHelp = "cannot_help"
}

/// A chat's visitor side.
public struct ChatSession: Sendable, Hashable {
    public var caseID: CaseID
    public var language: String
    public var botActive: Bool
    public var botFailures: Int
    public var handoverReason: HandoverReason?
    public var handedOverAt: Date?
    public var visitorEmail: String?
    /// The visitor was tied to a customer by a signed identity token.
    public var verified: Bool
    public var createdAt: Date
    /// What the bot did on each turn ("answered with the article …", "order status of …"), for the hand-over note.
    public var tried: [String] = []

    public init(caseID: CaseID, language: String, botActive: Bool, botFailures: Int, handoverReason: HandoverReason?, handedOverAt: Date?, visitorEmail: String?,
                verified: Bool, createdAt: Date) {
        self.caseID = caseID
        self.language = language
        self.botActive = botActive
        self.botFailures = botFailures
        self.handoverReason = handoverReason
        self.handedOverAt = handedOverAt
        self.visitorEmail = visitorEmail
        self.verified = verified
        self.createdAt = createdAt
    }
}

/// An agent's availability for chats.
public struct AgentAvailability: Sendable, Hashable, Codable {
    public enum Status: String, Sendable, Hashable, Codable, CaseIterable { case online, away }
    public var userID: UserID
    public var status: Status
    public var languages: [String]
    public var skills: [String]
    public var updatedAt: Date

    public init(userID: UserID, status: Status, languages: [String], skills: [String], updatedAt: Date) {
        self.userID = userID
        self.status = status
        self.languages = languages
        self.skills = skills
        self.updatedAt = updatedAt
    }
}
