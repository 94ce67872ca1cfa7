import CairnAnalytics
import CairnCore
import CairnEngine
import Foundation
import Hummingbird

/// `/api/v1/surveys`: surveys as data — made from a template or a definition, edited while drafts, published, closed.
struct SurveysAPI {
    let surveys: Surveys
    let results: SurveyResults
    let emails: SurveyEmails
    let triggers: SurveyTriggers

    func addRoutes(to group: RouterGroup<CairnRequestContext>) {
        group.get("survey-templates", use: templates)
        group.get("surveys", use: list)
        group.post("surveys", use: create)
        group.get("surveys/{id}", use: survey)
        group.patch("surveys/{id}", use: update)
        group.post("surveys/{id}/status", use: move)
        group.post("surveys/{id}/invitations", use: invite)
        group.get("surveys/{id}/responses", use: responses)
        group.get("surveys/{id}/summary", use: summary)
        group.get("surveys/{id}/trend", use: trend)
        group.get("surveys/{id}/topics", use: topics)
        group.get("surveys/{id}/breakdown", use: breakdown)
        group.post("surveys/{id}/email-invitations", use: emailInvitations)
        group.post("surveys/{id}/reminders", use: remindNow)
        group.get("surveys/{id}/emails", use: emailLog)
        group.get("surveys/{id}/triggers", use: listTriggers)
        group.put("surveys/{id}/triggers", use: replaceTriggers)
        group.get("surveys/{id}/trigger-firings", use: firings)
        group.get("feedback-topics", use: feedbackTopics)
        group.put("feedback-topics", use: setFeedbackTopics)
        group.get("survey-contact-settings", use: contactSettings)
        group.put("survey-contact-settings", use: setContactSettings)
    }

    struct TriggerBody: Encodable, Sendable {
        var trigger: SurveyTrigger
        enum CodingKeys: String, CodingKey { case id, event, action, delayMinutes, samplePercent, createdAt }
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(trigger.id, forKey: .id)
            try container.encode(trigger.event, forKey: .event)
            try container.encode(trigger.action, forKey: .action)
            try container.encode(trigger.delayMinutes, forKey: .delayMinutes)
            try container.encode(trigger.samplePercent, forKey: .samplePercent)
            try container.encode(trigger.createdAt, forKey: .createdAt)
        }
    }

    struct TriggersBody: ResponseEncodable {
        var data: [TriggerBody]
    }

    struct TriggersInput: Decodable {
        var triggers: [SurveyTriggers.Input]
    }

    @Sendable func listTriggers(_ request: Request, context: CairnRequestContext) async throws -> TriggersBody {
        let principal = try context.requirePrincipal()
        let id = try context.parameters.id(as: SurveyID.self, kind: "survey")
        return TriggersBody(data: try await triggers.triggers(of: id, for: principal).map(TriggerBody.init))
    }

    /// Replaces the survey's triggers: `{"triggers":[{"event":"Order Delivered","action":"email","delayMinutes":1440,"samplePercent":50}]}`.
    @Sendable func replaceTriggers(_ request: Request, context: CairnRequestContext) async throws -> TriggersBody {
        let principal = try context.requirePrincipal()
        let id = try context.parameters.id(as: SurveyID.self, kind: "survey")
        let body = try await request.decodeJSON(TriggersInput.self, context: context)
        return TriggersBody(data: try await triggers.setTriggers(body.triggers, of: id, by: principal).map(TriggerBody.init))
    }

    struct FiringBody: Encodable, Sendable {
        var firing: SurveyTriggerFiring
        enum CodingKeys: String, CodingKey { case id, triggerId, profileId, eventId, action, dueAt, status, reason, createdAt }
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(firing.id, forKey: .id)
            try container.encode(firing.triggerID, forKey: .triggerId)
            try container.encode(firing.profileID, forKey: .profileId)
            try container.encode(firing.eventID, forKey: .eventId)
            try container.encode(firing.action, forKey: .action)
            try container.encode(firing.dueAt, forKey: .dueAt)
            try container.encode(firing.status, forKey: .status)
            try container.encodeIfPresent(firing.reason, forKey: .reason)
            try container.encode(firing.createdAt, forKey: .createdAt)
        }
    }

    /// What the survey's triggers did, newest first: pending, ready (for the widget), done, or skipped with the reason.
    @Sendable func firings(_ request: Request, context: CairnRequestContext) async throws -> ListBody<FiringBody> {
        let principal = try context.requirePrincipal()
        let id = try context.parameters.id(as: SurveyID.self, kind: "survey")
        let (cursor, limit) = try request.pagination()
        let page = try await triggers.firings(of: id, for: principal, after: cursor, limit: limit)
        return ListBody(Page(items: page.items.map(FiringBody.init), nextCursor: page.nextCursor))
    }

    struct TopicBody: Encodable, Sendable {
        var id: String
        var name: String?
        var standard: Bool
        var keywords: [String: [String]]
    }

    struct TopicsListBody: ResponseEncodable {
        var data: [TopicBody]
        /// The stored answers being read again with these topics: since when and how many so far; null when done.
        var rereading: Rereading?

        struct Rereading: Encodable, Sendable {
            var reason: String
            var since: Date
            var responsesRead: Int64
        }

        enum CodingKeys: String, CodingKey { case data, rereading }
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(data, forKey: .data)
            try container.encode(rereading, forKey: .rereading)
        }
    }

    struct TopicsInput: Decodable {
        var topics: [SurveyResults.TopicInput]
    }

    func body(standard: [Topic], custom: [CustomTopic], for principal: Principal) async throws -> TopicsListBody {
        let progress = try await results.reanalysis(for: principal)
        return TopicsListBody(data: standard.map { topic in
            TopicBody(id: topic.id, name: nil, standard: true, keywords: Dictionary(uniqueKeysWithValues: topic.keywords.map { ($0.key.rawValue, $0.value) }))
        } + custom.map { TopicBody(id: $0.id, name: $0.name, standard: false, keywords: $0.keywords) },
        rereading: progress.map { .init(reason: $0.reason, since: $0.requestedAt, responsesRead: $0.reread) })
    }

    /// The topics free text is read for: the standard ones and the workspace's own.
    @Sendable func feedbackTopics(_ request: Request, context: CairnRequestContext) async throws -> TopicsListBody {
        let principal = try context.requirePrincipal()
        return try await body(standard: Topic.standard, custom: try await results.customTopics(for: principal), for: principal)
    }

    /// Replaces the workspace's own topics: `{"topics":[{"id":"parking","name":"Parking","keywords":{"en":["parking","car park"],"de":["parkplatz"]}}]}`.
    /// Answers stored before are read again with them in the background (`rereading` says how far that is).
    @Sendable func setFeedbackTopics(_ request: Request, context: CairnRequestContext) async throws -> TopicsListBody {
        let principal = try context.requirePrincipal()
        let input = try await request.decodeJSON(TopicsInput.self, context: context)
        return try await body(standard: Topic.standard, custom: try await results.setCustomTopics(input.topics, by: principal), for: principal)
    }

    struct ContactSettings: ResponseEncodable, Decodable {
        var recontactDays: Int?
    }

    @Sendable func contactSettings(_ request: Request, context: CairnRequestContext) async throws -> ContactSettings {
        let principal = try context.requirePrincipal()
        return ContactSettings(recontactDays: try await triggers.recontactDays(for: principal))
    }

    /// `{"recontactDays": 30}`: within so many days a customer asked once (by email or the widget, any survey) is not
    /// asked again; 0 turns the limit off.
    @Sendable func setContactSettings(_ request: Request, context: CairnRequestContext) async throws -> ContactSettings {
        let principal = try context.requirePrincipal()
        let body = try await request.decodeJSON(ContactSettings.self, context: context)
        return ContactSettings(recontactDays: try await triggers.setRecontactDays(body.recontactDays, by: principal))
    }

    struct EmailOutcomeBody: ResponseEncodable {
        var outcome: SurveyEmails.Outcome
        func encode(to encoder: any Encoder) throws { try outcome.encode(to: encoder) }
    }

    /// Invites customers by email (each with one reminder unless `reminder` is false); those without consent to
    /// surveys, without an address, or already holding an open invitation are skipped and listed with the reason.
    @Sendable func emailInvitations(_ request: Request, context: CairnRequestContext) async throws -> EditedResponse<EmailOutcomeBody> {
        let principal = try context.requirePrincipal()
        let id = try context.parameters.id(as: SurveyID.self, kind: "survey")
        let body = try await request.decodeJSON(SurveyEmails.Request.self, context: context)
        let outcome = try await emails.invite(body, to: id, by: principal)
        return EditedResponse(status: outcome.invited.isEmpty ? .ok : .created, response: EmailOutcomeBody(outcome: outcome))
    }

    struct RemindBody: ResponseEncodable {
        var remindersDue: Int
    }

    /// Sends the survey's scheduled reminders now (to those who have not answered; once each).
    @Sendable func remindNow(_ request: Request, context: CairnRequestContext) async throws -> RemindBody {
        let principal = try context.requirePrincipal()
        let id = try context.parameters.id(as: SurveyID.self, kind: "survey")
        return RemindBody(remindersDue: try await emails.remindNow(id, by: principal))
    }

    struct EmailBody: Encodable, Sendable {
        var email: SurveyEmail
        enum CodingKeys: String, CodingKey { case id, invitationId, profileId, kind, status, language, sendAt, attempts, lastError, sentAt, createdAt }
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(email.id, forKey: .id)
            try container.encode(email.invitationID, forKey: .invitationId)
            try container.encode(email.profileID, forKey: .profileId)
            try container.encode(email.kind, forKey: .kind)
            try container.encode(email.status, forKey: .status)
            try container.encode(email.language, forKey: .language)
            try container.encode(email.sendAt, forKey: .sendAt)
            try container.encode(email.attempts, forKey: .attempts)
            try container.encodeIfPresent(email.lastError, forKey: .lastError)
            try container.encodeIfPresent(email.sentAt, forKey: .sentAt)
            try container.encode(email.createdAt, forKey: .createdAt)
        }
    }

    /// The survey's emails, newest first: sent, scheduled, skipped (and why) or failed.
    @Sendable func emailLog(_ request: Request, context: CairnRequestContext) async throws -> ListBody<EmailBody> {
        let principal = try context.requirePrincipal()
        let id = try context.parameters.id(as: SurveyID.self, kind: "survey")
        let (cursor, limit) = try request.pagination()
        let page = try await emails.emails(of: id, for: principal, after: cursor, limit: limit)
        return ListBody(Page(items: page.items.map(EmailBody.init), nextCursor: page.nextCursor))
    }

    struct BreakdownBody: ResponseEncodable {
        var question: String
        var by: String
        var from: Date
        var until: Date
        var data: [SurveyResults.BreakdownGroup]
        /// Whether the groups differ at all (χ² or Kruskal–Wallis, with the effect size); null with fewer than two.
        var difference: GroupDifference?
    }

    /// A scale question's figure per `by` = touchpoint, product, channel or trait:NAME (a segment), over `from`/`until`
    /// (the last 90 days by default).
    @Sendable func breakdown(_ request: Request, context: CairnRequestContext) async throws -> BreakdownBody {
        let principal = try context.requirePrincipal()
        let id = try context.parameters.id(as: SurveyID.self, kind: "survey")
        let query = request.uri.queryParameters
        var issues = ValidationCollector()
        let question = query["question"].map(String.init) ?? ""
        if question.isEmpty { issues.add(FieldIssue(field: "question", issue: .missing, hint: "Name the scale question, e.g. question=nps.")) }
        let byText = query["by"].map(String.init) ?? ""
        let by = SurveyResults.Breakdown(byText)
        if by == nil {
            issues.add(FieldIssue(field: "by", issue: .invalid, hint: "Use touchpoint, product, channel, or trait:NAME for a segment (e.g. trait:tier)."))
        }
        let (from, until) = request.reportWindow(defaultDays: 90, now: results.clock.now(), collecting: &issues)
        try issues.throwIfAny()
        let result = try await results.breakdown(of: id, question: question, by: by!, from: from, until: until, segment: query["segment"].map(String.init), for: principal)
        let days = Date.utcDays(from: from, until: until)
        return BreakdownBody(question: question, by: byText, from: Date(utcDay: days.from), until: Date(utcDay: days.until), data: result.groups,
                             difference: result.difference)
    }

    struct TopicsBody: ResponseEncodable {
        var period: String
        var from: Date
        var until: Date
        var data: [SurveyResults.TopicPoint]
    }

    /// How many responses mentioned each topic per period, with their sentiment: `period=day|week|month` (default
    /// week), `from`/`until` as for the trend.
    @Sendable func topics(_ request: Request, context: CairnRequestContext) async throws -> TopicsBody {
        let principal = try context.requirePrincipal()
        let id = try context.parameters.id(as: SurveyID.self, kind: "survey")
        var issues = ValidationCollector()
        let period = request.queryChoice("period", as: UnitsSoldPeriod.self, hint: "Use day, week or month.", collecting: &issues) ?? .week
        let (from, until) = request.reportWindow(defaultDays: 90, now: results.clock.now(), collecting: &issues)
        try issues.throwIfAny()
        let points = try await results.topicTrend(of: id, period: period, from: from, until: until, for: principal)
        let days = Date.utcDays(from: from, until: until)
        return TopicsBody(period: period.rawValue, from: Date(utcDay: days.from), until: Date(utcDay: days.until), data: points)
    }

    struct TrendBody: ResponseEncodable {
        var question: String
        var period: String
        var from: Date
        var until: Date
        var data: [SurveyResults.TrendPoint]
    }

    /// `question` (a scale question's id), `period=day|week|month` (default week), `by=channel` (optional), `from`/`until`
    /// (ISO 8601; the last 90 days by default; whole UTC days; at most three years).
    @Sendable func trend(_ request: Request, context: CairnRequestContext) async throws -> TrendBody {
        let principal = try context.requirePrincipal()
        let id = try context.parameters.id(as: SurveyID.self, kind: "survey")
        let query = request.uri.queryParameters
        var issues = ValidationCollector()
        let period = request.queryChoice("period", as: UnitsSoldPeriod.self, hint: "Use day, week or month.", collecting: &issues) ?? .week
        enum By: String, CaseIterable { case channel }
        let by = request.queryChoice("by", as: By.self, hint: "Use channel, or leave it out.", collecting: &issues)
        let question = query["question"].map(String.init) ?? ""
        if question.isEmpty { issues.add(FieldIssue(field: "question", issue: .missing, hint: "Name the scale question, e.g. question=nps.")) }
        let (from, until) = request.reportWindow(defaultDays: 90, now: results.clock.now(), collecting: &issues)
        try issues.throwIfAny()
        let points = try await results.trend(of: id, question: question, period: period, byChannel: by == .channel, from: from, until: until, for: principal)
        let days = Date.utcDays(from: from, until: until)
        return TrendBody(question: question, period: period.rawValue, from: Date(utcDay: days.from), until: Date(utcDay: days.until), data: points)
    }

    struct InvitationBody: Decodable {
        var profileId: String
        var expiresInDays: Int?
    }

    struct InvitationAnswer: ResponseEncodable {
        var id: SurveyInvitationID
        var profileId: ProfileID
        var link: String
        var expiresAt: Date
    }

    /// A personal link for one customer who consented to surveys; the link is shown once.
    @Sendable func invite(_ request: Request, context: CairnRequestContext) async throws -> EditedResponse<InvitationAnswer> {
        let principal = try context.requirePrincipal()
        try principal.require(.feedbackManage)
        let id = try context.parameters.id(as: SurveyID.self, kind: "survey")
        let body = try await request.decodeJSON(InvitationBody.self, context: context)
        guard let profile = ProfileID(body.profileId) else {
            throw ValidationError(field: "profileId", issue: .invalid, hint: "Send the customer's profile id (a UUID).")
        }
        let (invitation, link) = try await results.invite(profile, to: id, days: body.expiresInDays, by: principal)
        return EditedResponse(status: .created, response: InvitationAnswer(id: invitation.id, profileId: profile, link: link, expiresAt: invitation.expiresAt))
    }

    struct ResponseBody: Encodable, Sendable {
        var response: SurveyResponse
        enum CodingKeys: String, CodingKey { case id, profileId, language, channel, answers, complete, startedAt, completedAt, sentiment, sentimentLabel, topics, insights }
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(response.id, forKey: .id)
            try container.encodeIfPresent(response.profileID, forKey: .profileId)
            try container.encode(response.language, forKey: .language)
            try container.encode(response.answers, forKey: .answers)
            try container.encode(response.complete, forKey: .complete)
            try container.encode(response.startedAt, forKey: .startedAt)
            try container.encodeIfPresent(response.completedAt, forKey: .completedAt)
            try container.encode(response.channel.rawValue, forKey: .channel)
            try container.encodeIfPresent(response.sentiment.map { ($0 * 1_000).rounded() / 1_000 }, forKey: .sentiment)
            try container.encodeIfPresent(response.sentimentLabel, forKey: .sentimentLabel)
            try container.encode(response.topics, forKey: .topics)
            try container.encode(response.insights, forKey: .insights)
        }
    }

    @Sendable func responses(_ request: Request, context: CairnRequestContext) async throws -> ListBody<ResponseBody> {
        let principal = try context.requirePrincipal()
        let id = try context.parameters.id(as: SurveyID.self, kind: "survey")
        let (cursor, limit) = try request.pagination()
        let page = try await results.responses(of: id, for: principal, after: cursor, limit: limit)
        return ListBody(Page(items: page.items.map(ResponseBody.init), nextCursor: page.nextCursor))
    }

    struct SummaryBody: ResponseEncodable {
        var summary: SurveyResults.Summary
        func encode(to encoder: any Encoder) throws { try summary.encode(to: encoder) }
    }

    @Sendable func summary(_ request: Request, context: CairnRequestContext) async throws -> SummaryBody {
        let principal = try context.requirePrincipal()
        return SummaryBody(summary: try await results.summary(of: try context.parameters.id(as: SurveyID.self, kind: "survey"), for: principal))
    }

    /// A survey as the API shows it, with its public link.
    struct SurveyBody: ResponseEncodable {
        var survey: Survey

        enum CodingKeys: String, CodingKey { case id, name, status, definition, link, createdAt, updatedAt, publishedAt, closedAt }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(survey.id, forKey: .id)
            try container.encode(survey.name, forKey: .name)
            try container.encode(survey.status, forKey: .status)
            try container.encode(survey.definition, forKey: .definition)
            try container.encode("/s/\(survey.token)", forKey: .link)
            try container.encode(survey.createdAt, forKey: .createdAt)
            try container.encode(survey.updatedAt, forKey: .updatedAt)
            try container.encodeIfPresent(survey.publishedAt, forKey: .publishedAt)
            try container.encodeIfPresent(survey.closedAt, forKey: .closedAt)
        }
    }

    struct TemplateBody: Encodable {
        var id: String
        var name: String
        var definition: SurveyDefinition
    }

    @Sendable func templates(_ request: Request, context: CairnRequestContext) async throws -> ListBody<TemplateBody> {
        try context.requirePrincipal().require(.feedbackRead)
        return ListBody(Page(items: SurveyTemplate.allCases.map { TemplateBody(id: $0.rawValue, name: $0.name, definition: $0.definition) }, nextCursor: nil))
    }

    @Sendable func list(_ request: Request, context: CairnRequestContext) async throws -> ListBody<SurveyBody> {
        let principal = try context.requirePrincipal()
        let (cursor, limit) = try request.pagination()
        var issues = ValidationCollector()
        let status = request.queryChoice("status", as: Survey.Status.self, hint: "Use draft, published or closed.", collecting: &issues)
        try issues.throwIfAny()
        let page = try await surveys.surveys(for: principal, status: status, after: cursor, limit: limit)
        return ListBody(Page(items: page.items.map(SurveyBody.init), nextCursor: page.nextCursor))
    }

    struct CreateBody: Decodable {
        var name: String?
        var template: String?
        var definition: SurveyDefinition?
    }

    @Sendable func create(_ request: Request, context: CairnRequestContext) async throws -> EditedResponse<SurveyBody> {
        let principal = try context.requirePrincipal()
        try principal.require(.feedbackManage)
        let body = try await request.decodeJSON(CreateBody.self, context: context)
        let survey = try await surveys.create(.init(name: body.name, template: body.template, definition: body.definition), by: principal)
        return EditedResponse(status: .created, headers: [.location: "/api/v1/surveys/\(survey.id)"], response: SurveyBody(survey: survey))
    }

    @Sendable func survey(_ request: Request, context: CairnRequestContext) async throws -> SurveyBody {
        SurveyBody(survey: try await surveys.survey(try context.parameters.id(as: SurveyID.self, kind: "survey"), for: try context.requirePrincipal()))
    }

    struct UpdateBody: Decodable {
        var name: String?
        var definition: SurveyDefinition?
    }

    @Sendable func update(_ request: Request, context: CairnRequestContext) async throws -> SurveyBody {
        let principal = try context.requirePrincipal()
        try principal.require(.feedbackManage)
        let id = try context.parameters.id(as: SurveyID.self, kind: "survey")
        let body = try await request.decodeJSON(UpdateBody.self, context: context)
        return SurveyBody(survey: try await surveys.update(id, name: body.name, definition: body.definition, by: principal))
    }

    struct StatusBody: Decodable {
        var status: String
    }

    @Sendable func move(_ request: Request, context: CairnRequestContext) async throws -> SurveyBody {
        let principal = try context.requirePrincipal()
        try principal.require(.feedbackManage)
        let id = try context.parameters.id(as: SurveyID.self, kind: "survey")
        let body = try await request.decodeJSON(StatusBody.self, context: context)
        guard let status = Survey.Status(rawValue: body.status) else {
            throw ValidationError(field: "status", issue: .unknownValue(allowed: Survey.Status.allCases.map(\.rawValue)), hint: "Use published or closed.")
        }
        return SurveyBody(survey: try await surveys.move(id, to: status, by: principal))
    }
}
