public import Foundation

public struct SurveyTriggerID: EntityID { public let rawValue: String; public init(rawValue: String) { self.rawValue = rawValue } }

/// When an event happens to a customer, invite them to a survey by email, or have the widget show it to them — after
/// a delay, for a sample of the events.
public struct SurveyTrigger: Sendable, Hashable, Codable {
    public enum Action: String, Sendable, Hashable, Codable, CaseIterable {
        /// An email invitation (with its one reminder).
        case email
        /// The web widget shows the survey the next time the customer is on the site (asked with their user id).
        case show
    }

    public var id: SurveyTriggerID
    public var workspaceID: WorkspaceID
    public var surveyID: SurveyID
    /// The track event's name, e.g. `Order Delivered`.
    public var event: String
    public var action: Action
    public var delayMinutes: Int
    /// 1–100: the share of events acted on.
    public var samplePercent: Int
    public var createdAt: Date

    public init(id: SurveyTriggerID, workspaceID: WorkspaceID, surveyID: SurveyID, event: String, action: Action, delayMinutes: Int, samplePercent: Int, createdAt: Date) {
        self.id = id
        self.workspaceID = workspaceID
        self.surveyID = surveyID
        self.event = event
        self.action = action
        self.delayMinutes = delayMinutes
        self.samplePercent = samplePercent
        self.createdAt = createdAt
    }
}

public struct SurveyTriggerFiringID: EntityID { public let rawValue: String; public init(rawValue: String) { self.rawValue = rawValue } }

/// One event that met a trigger, and what became of it.
public struct SurveyTriggerFiring: Sendable, Hashable, Codable {
    public enum Status: String, Sendable, Hashable, Codable, CaseIterable {
        /// Waiting for its delay.
        case pending
        /// For `show`: waiting for the customer to come by the widget.
        case ready
        /// Invited (email) or shown (widget).
        case done
        /// Not acted on; `reason` says why.
        case skipped
    }

    public var id: SurveyTriggerFiringID
    public var workspaceID: WorkspaceID
    public var triggerID: SurveyTriggerID
    public var surveyID: SurveyID
    public var profileID: ProfileID
    public var eventID: EventID
    public var action: SurveyTrigger.Action
    public var dueAt: Date
    public var status: Status
    /// not_sampled, survey_closed, no_consent, recontact_limit, no_email, already_invited, expired.
    public var reason: String?
    public var createdAt: Date
    /// The order the event named (`properties.order_id`), carried to the invitation and the response.
    public var orderReference: String?
    /// The event's name: the touchpoint of the invitation and the response.
    public var touchpoint: String?
    /// The service case the event was about (`properties.case_id`, e.g. of `Support Case Solved`), carried to the
    /// invitation so the answer counts as the case's CSAT or CES.
    public var caseID: CaseID?

    public init(id: SurveyTriggerFiringID, workspaceID: WorkspaceID, triggerID: SurveyTriggerID, surveyID: SurveyID, profileID: ProfileID, eventID: EventID,
                action: SurveyTrigger.Action, dueAt: Date, status: Status, reason: String? = nil, createdAt: Date, orderReference: String? = nil, touchpoint: String? = nil,
                caseID: CaseID? = nil) {
        self.orderReference = orderReference
        self.caseID = caseID
        self.touchpoint = touchpoint
        self.id = id
        self.workspaceID = workspaceID
        self.triggerID = triggerID
        self.surveyID = surveyID
        self.profileID = profileID
        self.eventID = eventID
        self.action = action
        self.dueAt = dueAt
        self.status = status
        self.reason = reason
        self.createdAt = createdAt
    }

    /// Whether a trigger acts on this event: a fixed draw from the trigger's and the event's ids, so the same event
    /// always gets the same answer, and over many events the share approaches `percent`.
    public static func sampled(trigger: SurveyTriggerID, event: EventID, percent: Int) -> Bool {
        guard percent < 100 else { return true }
        // FNV-1a over both ids: stable across runs and machines.
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in (trigger.rawValue + "|" + event.rawValue).utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return Int(hash % 100) < percent
    }
}
