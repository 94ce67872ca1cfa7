public import Foundation

/// How a workspace runs service beyond teams and policies: the rule that turns low feedback into follow-up cases, and
/// what a contact costs by channel (for the cost to serve).
public struct ServiceSettings: Sendable, Hashable, Codable {
    /// A detractor or a low CSAT/CES answer opens a follow-up case when the customer consented to `consentPurpose`.
    public struct FollowUp: Sendable, Hashable, Codable {
        public var kinds: [FeedbackAlert.Kind]
        public var priority: Case.Priority
        public var teamID: TeamID?
        public var assigneeID: UserID?
        public var consentPurpose: ConsentPurpose
        /// Alerts raised from this moment on are followed up (not those from before the rule).
        public var since: Date

        public init(kinds: [FeedbackAlert.Kind], priority: Case.Priority, teamID: TeamID?, assigneeID: UserID?, consentPurpose: ConsentPurpose, since: Date) {
            self.kinds = kinds
            self.priority = priority
            self.teamID = teamID
            self.assigneeID = assigneeID
            self.consentPurpose = consentPurpose
            self.since = since
        }
    }

    public var followUp: FollowUp?
    /// What one contact costs, by channel (`Case.Channel` raw values).
    public var costPerContact: [String: Money]

    /// Topics (ids of the text analysis' topics) whose chats the bot always hands to a person.
    public var botHandoverTopics: [String]

    public init(followUp: FollowUp? = nil, costPerContact: [String: Money] = [:], botHandoverTopics: [String] = []) {
        self.followUp = followUp
        self.costPerContact = costPerContact
        self.botHandoverTopics = botHandoverTopics
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        followUp = try container.decodeIfPresent(FollowUp.self, forKey: .followUp)
        costPerContact = try container.decodeIfPresent([String: Money].self, forKey: .costPerContact) ?? [:]
        botHandoverTopics = try container.decodeIfPresent([String].self, forKey: .botHandoverTopics) ?? []
    }

    public static let standard = ServiceSettings()
}

/// What the service report groups cases by.
public enum ServiceDimension: String, Sendable, Hashable, CaseIterable {
    case channel, topic, product, team, agent, priority
}
