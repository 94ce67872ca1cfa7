public import Foundation

public struct WebhookID: EntityID { public let rawValue: String; public init(rawValue: String) { self.rawValue = rawValue } }
public struct WebhookDeliveryID: EntityID { public let rawValue: String; public init(rawValue: String) { self.rawValue = rawValue } }
public struct FeedbackAlertID: EntityID { public let rawValue: String; public init(rawValue: String) { self.rawValue = rawValue } }

/// A low score worth someone's attention: a detractor (NPS 0–6), or CSAT or CES at or below the workspace's line.
public struct FeedbackAlert: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable { case detractor, lowCSAT = "low_csat", lowCES = "low_ces" }

    public var id: FeedbackAlertID
    public var workspaceID: WorkspaceID
    public var kind: Kind
    public var surveyID: SurveyID
    public var surveyName: String
    public var responseID: SurveyResponseID
    public var profileID: ProfileID?
    public var question: String
    public var score: Int
    public var comment: String?
    public var at: Date

    public init(id: FeedbackAlertID, workspaceID: WorkspaceID, kind: Kind, surveyID: SurveyID, surveyName: String, responseID: SurveyResponseID, profileID: ProfileID?,
                question: String, score: Int, comment: String?, at: Date) {
        self.id = id
        self.workspaceID = workspaceID
        self.kind = kind
        self.surveyID = surveyID
        self.surveyName = surveyName
        self.responseID = responseID
        self.profileID = profileID
        self.question = question
        self.score = score
        self.comment = comment
        self.at = at
    }
}

/// The lines under which a score raises an alert; NPS detractors (0–6) always do.
public struct AlertThresholds: Sendable, Hashable, Codable {
    /// CSAT answers (1–5) at or below this raise an alert.
    public var csatAtMost: Int
    /// CES answers (1–7) at or below this raise an alert.
    public var cesAtMost: Int

    public static let standard = AlertThresholds(csatAtMost: 2, cesAtMost: 3)

    public init(csatAtMost: Int, cesAtMost: Int) {
        self.csatAtMost = csatAtMost
        self.cesAtMost = cesAtMost
    }
}

/// Where the workspace wants events posted, signed with the endpoint's secret.
public struct WebhookEndpoint: Sendable, Hashable, Codable {
    public var id: WebhookID
    public var workspaceID: WorkspaceID
    public var url: String
    public var events: [String]
    /// The first characters of the secret, to tell endpoints apart; the whole secret is shown once.
    public var secretPrefix: String
    public var createdAt: Date

    public init(id: WebhookID, workspaceID: WorkspaceID, url: String, events: [String], secretPrefix: String, createdAt: Date) {
        self.id = id
        self.workspaceID = workspaceID
        self.url = url
        self.events = events
        self.secretPrefix = secretPrefix
        self.createdAt = createdAt
    }
}

/// One event on its way to one endpoint: tried until it succeeds, with growing pauses, then given up.
public struct WebhookDelivery: Sendable, Hashable, Codable {
    public enum Status: String, Sendable, Hashable, Codable { case pending, succeeded, failed }

    public var id: WebhookDeliveryID
    public var endpointID: WebhookID
    public var event: String
    public var payload: String
    public var status: Status
    public var attempts: Int
    public var nextAttemptAt: Date?
    public var lastStatusCode: Int?
    public var lastError: String?
    public var createdAt: Date
    public var deliveredAt: Date?

    public init(id: WebhookDeliveryID, endpointID: WebhookID, event: String, payload: String, status: Status, attempts: Int, nextAttemptAt: Date?,
                lastStatusCode: Int?, lastError: String?, createdAt: Date, deliveredAt: Date?) {
        self.id = id
        self.endpointID = endpointID
        self.event = event
        self.payload = payload
        self.status = status
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.lastStatusCode = lastStatusCode
        self.lastError = lastError
        self.createdAt = createdAt
        self.deliveredAt = deliveredAt
    }
}
