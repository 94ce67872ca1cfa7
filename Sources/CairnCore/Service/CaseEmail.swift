public import Foundation

/// An agent's reply on an email case as it goes out: to whom, with which subject and text, and the Message-ID,
/// In-Reply-To and References that let the customer's mail program (and Cairn, when they answer) thread it.
public struct CaseEmail: Sendable, Hashable {
    public enum Status: String, Sendable, Hashable, Codable { case pending, sent, failed }

    public var id: CaseMessageID
    public var workspaceID: WorkspaceID
    public var caseID: CaseID
    public var to: String
    public var subject: String
    public var body: String
    public var messageID: String
    public var inReplyTo: String?
    public var references: [String]
    public var status: Status
    public var attempts: Int
    public var sendAt: Date
    public var lastError: String?
    public var sentAt: Date?

    public init(id: CaseMessageID, workspaceID: WorkspaceID, caseID: CaseID, to: String, subject: String, body: String, messageID: String, inReplyTo: String?,
                references: [String], status: Status = .pending, attempts: Int = 0, sendAt: Date, lastError: String? = nil, sentAt: Date? = nil) {
        self.id = id
        self.workspaceID = workspaceID
        self.caseID = caseID
        self.to = to
        self.subject = subject
        self.body = body
        self.messageID = messageID
        self.inReplyTo = inReplyTo
        self.references = references
        self.status = status
        self.attempts = attempts
        self.sendAt = sendAt
        self.lastError = lastError
        self.sentAt = sentAt
    }
}
