import CairnAnalytics
import CairnCore
import CairnStore
import Foundation

/// Personal invitations (only to customers who consented to surveys), responses, and each scale question's figure
/// with its interval.
public struct SurveyResults: Sendable {
    public let store: Store
    public let clock: DateSource

    public init(store: Store, clock: DateSource = .system) {
        self.store = store
        self.clock = clock
    }

    /// A personal link for one customer, valid for `days` (1–90; default 14). Refused unless the customer consented
    /// to the `surveys` purpose, and unless the survey is published. The link's token is returned once.
    public func invite(_ profile: ProfileID, to surveyID: SurveyID, days: Int?, by principal: Principal) async throws -> (invitation: SurveyInvitation, link: String) {
        try principal.require(.feedbackManage)
        let workspace = principal.workspaceID
        guard let survey = try await store.survey(id: surveyID, in: workspace) else { throw NotFoundError(kind: "survey", id: surveyID.rawValue) }
        guard survey.status == .published else {
            throw ValidationError(field: "survey", issue: .invalid, hint: "The survey is \(survey.status.rawValue); publish it before inviting anyone.")
        }
        let days = days ?? 14
        guard (1...90).contains(days) else { throw ValidationError(field: "expiresInDays", issue: .invalid, hint: "A link lasts from 1 to 90 days.") }
        guard try await store.profile(id: profile, in: workspace) != nil else {
            throw ValidationError(field: "profileId", issue: .unknownValue(allowed: []), hint: "No customer with this id in the workspace.")
        }
        guard try await ConsentLedger(store: store, clock: clock).hasConsented(profile, to: .surveys, in: workspace) else {
            throw ValidationError(field: "profileId", issue: .notAllowed, hint: "The customer has not consented to surveys; nobody without that consent is invited.")
        }
        let now = clock.now()
        let token = Secrets.randomToken(byteCount: 24)
        let invitation = SurveyInvitation(id: .generate(), workspaceID: workspace, surveyID: surveyID, profileID: profile, createdAt: now,
                                          expiresAt: now.addingTimeInterval(TimeInterval(days * 86_400)))
        try await store.insert(invitation, tokenHash: Secrets.tokenHash(token))
        return (invitation, "/s/\(token)")
    }

    public func responses(of surveyID: SurveyID, for principal: Principal, after cursor: Cursor?, limit: PageSize) async throws -> Page<SurveyResponse> {
        try principal.require(.feedbackRead)
        guard try await store.survey(id: surveyID, in: principal.workspaceID) != nil else { throw NotFoundError(kind: "survey", id: surveyID.rawValue) }
        return try await store.responses(of: surveyID, in: principal.workspaceID, after: cursor, limit: limit.value)
    }

    /// One scale question's figure over the answers given (complete and partial responses alike).
    public struct Figure: Sendable, Encodable {
        public var question: String
        public var type: SurveyDefinition.QuestionType
        public var nps: NPS?
        public var csat: Proportion?
        public var ces: CES?
        public var rating: Mean?
    }

    public struct Summary: Sendable, Encodable {
        public var responses: Int
        public var complete: Int
        public var partial: Int
        public var figures: [Figure]
    }

    public func summary(of surveyID: SurveyID, for principal: Principal) async throws -> Summary {
        try principal.require(.feedbackRead)
        guard let survey = try await store.survey(id: surveyID, in: principal.workspaceID) else { throw NotFoundError(kind: "survey", id: surveyID.rawValue) }
        let responses = try await store.allResponses(of: surveyID, in: principal.workspaceID)
        let figures = survey.definition.questions.compactMap { question -> Figure? in
            let numbers = responses.compactMap { response -> Int? in
                if case .number(let value)? = response.answers[question.id] { return value }
                return nil
            }
            var figure = Figure(question: question.id, type: question.type)
            switch question.type {
            case .nps: figure.nps = NPS(scores: numbers)
            case .csat: figure.csat = Proportion.csat(scores: numbers)
            case .ces: figure.ces = CES(scores: numbers)
            case .rating: figure.rating = Mean(values: numbers.map(Double.init))
            default: return nil
            }
            return figure
        }
        let complete = responses.filter(\.complete).count
        return Summary(responses: responses.count, complete: complete, partial: responses.count - complete, figures: figures)
    }
}
