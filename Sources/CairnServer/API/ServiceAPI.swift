import CairnCore
import CairnEngine
import Foundation
public import Hummingbird
import NIOCore
import NIOFoundationEssentialsCompat

extension Case: ResponseEncodable {}
extension CaseThread: ResponseEncodable {}
extension Team: ResponseEncodable {}
extension SLAPolicy: ResponseEncodable {}
extension CaseStatusDefinition: ResponseEncodable {}
extension CannedReply: ResponseEncodable {}
extension KnowledgeArticle: ResponseEncodable {}
extension Campaign: ResponseEncodable {}
extension AgentAvailability: ResponseEncodable {}
extension Cases.QueueCounts: ResponseEncodable {}
extension CaseEmails.Received: ResponseEncodable {}

/// `/api/v1/cases`, `/api/v1/teams`, `/api/v1/sla-policies`, `/api/v1/case-statuses`: service cases with their
/// conversations, the queues of the agent console, and the setup their deadlines count on.
struct ServiceAPI {
    let cases: Cases
    let setup: ServiceSetup
    let emails: CaseEmails
    let report: ServiceReport
    let spikes: ServiceSpikes
    let chat: LiveChat
    let authenticator: Authenticator

    func addRoutes(to group: RouterGroup<CairnRequestContext>) {
        group.get("cases", use: listCases)
        group.post("cases", use: openCase)
        group.post("cases/bulk", use: bulk)
        group.get("cases/{id}", use: thread)
        group.get("cases/{id}/stream", use: threadStream)
        group.patch("cases/{id}", use: change)
        group.post("cases/{id}/messages", use: reply)
        group.post("cases/{id}/merge", use: merge)
        group.get("cases/{id}/emails", use: caseEmails)
        group.post("email/inbound", use: inboundEmail)
        group.get("case-queues", use: counts)
        group.get("reports/service", use: serviceReport)
        group.get("service-alerts", use: serviceAlerts)
        group.get("campaigns", use: campaigns)
        group.post("campaigns", use: declareCampaign)
        group.get("kb-articles", use: articles)
        group.post("kb-articles", use: createArticle)
        group.put("kb-articles/{id}", use: replaceArticle)
        group.delete("kb-articles/{id}", use: deleteArticle)
        group.get("agent-availability", use: availability)
        group.put("agent-availability", use: setAvailability)
        group.get("chat-settings", use: chatSettings)
        group.get("teams", use: teams)
        group.post("teams", use: createTeam)
        group.patch("teams/{id}", use: updateTeam)
        group.get("sla-policies", use: policies)
        group.post("sla-policies", use: createPolicy)
        group.put("sla-policies/{id}", use: replacePolicy)
        group.delete("sla-policies/{id}", use: deletePolicy)
        group.get("service-settings", use: settings)
        group.put("service-settings", use: setSettings)
        group.get("canned-replies", use: cannedReplies)
        group.post("canned-replies", use: addCannedReply)
        group.delete("canned-replies/{id}", use: deleteCannedReply)
        group.get("case-statuses", use: statuses)
        group.post("case-statuses", use: addStatus)
    }

    // MARK: Cases

    /// `queue=open|mine|team|unassigned|breaching` (open by default), or `profileId` for one customer's cases.
    @Sendable func listCases(_ request: Request, context: CairnRequestContext) async throws -> ListBody<Case> {
        let principal = try context.requirePrincipal()
        try principal.require(.serviceRead)
        let (cursor, limit) = try request.pagination()
        var issues = ValidationCollector()
        let queue = request.queueChoice(issues: &issues)
        let profile = request.queryID("profileId", as: ProfileID.self, kind: "a customer", collecting: &issues)
        try issues.throwIfAny()
        if let profile { return ListBody(try await cases.cases(of: profile, for: principal, after: cursor, limit: limit)) }
        return ListBody(try await cases.queue(queue ?? .open, for: principal, after: cursor, limit: limit))
    }

    @Sendable func counts(_ request: Request, context: CairnRequestContext) async throws -> Cases.QueueCounts {
        try await cases.counts(for: try context.requirePrincipal())
    }

    struct OpenBody: Decodable {
        var input = Cases.CaseInput()
        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            input.profileID = try c.decodeIfPresent(String.self, forKey: .profileId)
            input.contact = try c.decodeIfPresent(String.self, forKey: .contact)
            input.channel = try c.decodeIfPresent(String.self, forKey: .channel)
            input.subject = try c.decodeIfPresent(String.self, forKey: .subject)
            input.message = try c.decodeIfPresent(String.self, forKey: .message)
            input.priority = try c.decodeIfPresent(String.self, forKey: .priority)
            input.teamID = try c.decodeIfPresent(String.self, forKey: .teamId)
            input.assigneeID = try c.decodeIfPresent(String.self, forKey: .assigneeId)
            input.tags = try c.decodeIfPresent([String].self, forKey: .tags)
            input.orderID = try c.decodeIfPresent(String.self, forKey: .orderId)
            input.productID = try c.decodeIfPresent(String.self, forKey: .productId)
            input.shipmentID = try c.decodeIfPresent(String.self, forKey: .shipmentId)
            input.language = try c.decodeIfPresent(String.self, forKey: .language)
        }
        enum CodingKeys: String, CodingKey { case profileId, contact, channel, subject, message, priority, teamId, assigneeId, tags, orderId, productId, shipmentId, language }
    }

    @Sendable func openCase(_ request: Request, context: CairnRequestContext) async throws -> EditedResponse<CaseThread> {
        let principal = try context.requirePrincipal()
        try principal.require(.serviceWork)
        let body = try await request.decodeJSON(OpenBody.self, context: context)
        let thread = try await cases.open(body.input, by: principal)
        return EditedResponse(status: .created, headers: [.location: "/api/v1/cases/\(thread.case.id)"], response: thread)
    }

    @Sendable func thread(_ request: Request, context: CairnRequestContext) async throws -> CaseThread {
        try await cases.thread(try context.parameters.id(as: CaseID.self, kind: "case"), for: try context.requirePrincipal())
    }

    /// `GET /api/v1/cases/{id}/stream`: the case with its conversation as Server-Sent Events (`event: case`, the same
    /// JSON as `GET /api/v1/cases/{id}`), sent again as soon as it changes; access is checked before every read.
    @Sendable func threadStream(_ request: Request, context: CairnRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let id = try context.parameters.id(as: CaseID.self, kind: "case")
        let limit = try LiveStream.limit(request)
        let first = try await cases.thread(id, for: principal)
        let sessionToken = context.identity?.sessionToken, authenticator = self.authenticator, cases = self.cases
        return try LiveStream.response(event: "case", first: first, recheck: .seconds(15), limit: limit, read: {
            guard let current = try await authenticator.current(principal, sessionToken: sessionToken) else { return nil }
            return try await cases.thread(id, for: current)
        }, wait: { await cases.waitForChange(id, upTo: $0) })
    }

    /// A change: a field left out stays as it is; `null` clears it (team, assignee, order, product, shipment).
    struct ChangeBody: Decodable {
        var change = Cases.CaseChange()
        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            func edit<T: Decodable>(_ key: CodingKeys, _ type: T.Type) throws -> Cases.Edit<T> {
                guard c.contains(key) else { return .unchanged }
                return .set(try c.decodeNil(forKey: key) ? nil : try c.decode(T.self, forKey: key))
            }
            change.subject = try edit(.subject, String.self)
            change.status = try edit(.status, String.self)
            change.priority = try edit(.priority, String.self)
            change.teamID = try edit(.teamId, String.self)
            change.assigneeID = try edit(.assigneeId, String.self)
            change.tags = try edit(.tags, [String].self)
            change.orderID = try edit(.orderId, String.self)
            change.productID = try edit(.productId, String.self)
            change.shipmentID = try edit(.shipmentId, String.self)
        }
        enum CodingKeys: String, CodingKey { case subject, status, priority, teamId, assigneeId, tags, orderId, productId, shipmentId }
    }

    @Sendable func change(_ request: Request, context: CairnRequestContext) async throws -> Case {
        let principal = try context.requirePrincipal()
        try principal.require(.serviceWork)
        let id = try context.parameters.id(as: CaseID.self, kind: "case")
        let body = try await request.decodeJSON(ChangeBody.self, context: context)
        return try await cases.change(id, body.change, by: principal)
    }

    struct BulkBody: Decodable {
        var ids: [String]?
        var change: ChangeBody?
    }

    struct BulkResult: ResponseEncodable {
        struct Item: Encodable { var id: String; var changed: Bool; var error: String? }
        var data: [Item]
    }

    /// `{"ids":[…],"change":{…}}`: every id must name a case of the workspace, else nothing changes.
    @Sendable func bulk(_ request: Request, context: CairnRequestContext) async throws -> BulkResult {
        let principal = try context.requirePrincipal()
        try principal.require(.serviceWork)
        let body = try await request.decodeJSON(BulkBody.self, context: context)
        var issues = ValidationCollector()
        var ids: [CaseID] = []
        for (index, text) in (body.ids ?? []).enumerated() {
            if let id = CaseID(text.lowercased()) { ids.append(id) }
            else { issues.add(FieldIssue(field: "ids[\(index)]", issue: .invalid, hint: "Send case ids (UUIDs).")) }
        }
        if body.change == nil { issues.add(FieldIssue(field: "change", issue: .missing, hint: "Say what to change, e.g. {\"assigneeId\":\"…\"} or {\"status\":\"solved\"}.")) }
        try issues.throwIfAny()
        let results = try await cases.change(ids, body.change!.change, by: principal)
        return BulkResult(data: results.map { .init(id: $0.id.rawValue, changed: $0.error == nil, error: $0.error) })
    }

    struct ReplyBody: Decodable {
        var body: String?
        var `internal`: Bool?
        var attachments: [CaseMessage.Attachment]?
    }

    /// `{"body":"…"}` answers the customer; `"internal":true` adds a note only agents see.
    @Sendable func reply(_ request: Request, context: CairnRequestContext) async throws -> EditedResponse<CaseThread> {
        let principal = try context.requirePrincipal()
        try principal.require(.serviceWork)
        let id = try context.parameters.id(as: CaseID.self, kind: "case")
        let body = try await request.decodeJSON(ReplyBody.self, context: context)
        let attachments = body.attachments ?? []
        var issues = ValidationCollector()
        if attachments.count > 20 { issues.add(FieldIssue(field: "attachments", issue: .tooLong(limit: 20), hint: "Attach at most 20 files to one message.")) }
        for (index, file) in attachments.enumerated() where file.name.isEmpty || file.name.count > 200 || file.size < 0 || file.contentType.count > 100 {
            issues.add(FieldIssue(field: "attachments[\(index)]", issue: .invalid, hint: "Describe each file with a name (1–200 characters), contentType and size in bytes."))
        }
        try issues.throwIfAny()
        let thread = try await cases.reply(to: id, body: body.body, note: body.internal ?? false, attachments: attachments, by: principal)
        return EditedResponse(status: .created, response: thread)
    }

    struct MergeBody: Decodable { var into: String? }

    @Sendable func merge(_ request: Request, context: CairnRequestContext) async throws -> CaseThread {
        let principal = try context.requirePrincipal()
        try principal.require(.serviceWork)
        let id = try context.parameters.id(as: CaseID.self, kind: "case")
        let body = try await request.decodeJSON(MergeBody.self, context: context)
        guard let text = body.into else { throw ValidationError(field: "into", issue: .missing, hint: "Give the id of the case to merge this one into.") }
        guard let target = CaseID(text.lowercased()) else { throw ValidationError(field: "into", issue: .invalid, hint: "Send a case id (a UUID).") }
        return try await cases.merge(id, into: target, by: principal)
    }

    // MARK: Report

    /// `by=channel|topic|product|team|agent|priority` (default channel), `from`/`until` (ISO 8601; the last 30 days by
    /// default, at most three years), `format=csv` for a download.
    @Sendable func serviceReport(_ request: Request, context: CairnRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        try principal.require(.serviceRead)
        var issues = ValidationCollector()
        let by = request.queryChoice("by", as: ServiceReport.Dimension.self, hint: "Use channel, topic, product, team, agent or priority.", collecting: &issues) ?? .channel
        let format = request.queryChoice("format", as: CommerceAPI.ReportFormat.self, hint: "Use json or csv.", collecting: &issues)
        let window = request.reportWindow(defaultDays: 30, now: report.clock.now(), collecting: &issues)
        try issues.throwIfAny()
        let result = try await report.report(by: by, from: window.from, until: window.until, for: principal)
        if format == .csv {
            return Response(status: .ok, headers: [.contentType: "text/csv; charset=utf-8", .contentDisposition: "attachment; filename=\"service-\(by.rawValue).csv\""],
                            body: .init(byteBuffer: ByteBuffer(string: ServiceReport.csv(result))))
        }
        return try ReportBody(report: result).response(from: request, context: context)
    }

    /// Spikes of cases and negative comments, newest first (everyone in the workspace).
    @Sendable func serviceAlerts(_ request: Request, context: CairnRequestContext) async throws -> ListBody<ServiceAlert> {
        let (cursor, limit) = try request.pagination()
        return ListBody(try await spikes.alerts(for: try context.requirePrincipal(), after: cursor, limit: limit))
    }

    struct CampaignList: ResponseEncodable { var data: [Campaign] }
    struct CampaignBody: Decodable { var name: String?; var startedAt: String? }

    @Sendable func campaigns(_ request: Request, context: CairnRequestContext) async throws -> CampaignList {
        CampaignList(data: try await spikes.campaigns(for: try context.requirePrincipal()))
    }

    /// `{"name":"Spring","startedAt":"2026-03-20T08:00:00Z"}`.
    @Sendable func declareCampaign(_ request: Request, context: CairnRequestContext) async throws -> EditedResponse<Campaign> {
        let principal = try context.requirePrincipal()
        try principal.require(.journeysManage)
        let body = try await request.decodeJSON(CampaignBody.self, context: context)
        return EditedResponse(status: .ok, response: try await spikes.declareCampaign(name: body.name, startedAt: body.startedAt, by: principal))
    }

    // MARK: Chat

    struct ArticleList: ResponseEncodable { var data: [KnowledgeArticle] }
    struct ArticleBody: Decodable { var language: String?; var title: String?; var body: String? }

    @Sendable func articles(_ request: Request, context: CairnRequestContext) async throws -> ArticleList {
        ArticleList(data: try await chat.articles(for: try context.requirePrincipal()))
    }

    /// `{"language":"de","title":"Rücksendung","body":"Markdown…"}`.
    @Sendable func createArticle(_ request: Request, context: CairnRequestContext) async throws -> EditedResponse<KnowledgeArticle> {
        let principal = try context.requirePrincipal()
        try principal.require(.serviceManage)
        let body = try await request.decodeJSON(ArticleBody.self, context: context)
        let article = try await chat.saveArticle(nil, language: body.language, title: body.title, body: body.body, by: principal)
        return EditedResponse(status: .created, headers: [.location: "/api/v1/kb-articles/\(article.id)"], response: article)
    }

    @Sendable func replaceArticle(_ request: Request, context: CairnRequestContext) async throws -> KnowledgeArticle {
        let principal = try context.requirePrincipal()
        try principal.require(.serviceManage)
        let id = try context.parameters.id(as: KnowledgeArticleID.self, kind: "article")
        let body = try await request.decodeJSON(ArticleBody.self, context: context)
        return try await chat.saveArticle(id, language: body.language, title: body.title, body: body.body, by: principal)
    }

    @Sendable func deleteArticle(_ request: Request, context: CairnRequestContext) async throws -> HTTPResponse.Status {
        let principal = try context.requirePrincipal()
        try principal.require(.serviceManage)
        try await chat.deleteArticle(try context.parameters.id(as: KnowledgeArticleID.self, kind: "article"), by: principal)
        return .noContent
    }

    struct AvailabilityList: ResponseEncodable { var data: [AgentAvailability] }
    struct AvailabilityBody: Decodable { var status: String?; var languages: [String]?; var skills: [String]?; var userId: String? }

    @Sendable func availability(_ request: Request, context: CairnRequestContext) async throws -> AvailabilityList {
        AvailabilityList(data: try await chat.availability(for: try context.requirePrincipal()))
    }

    /// An agent's availability: `{"status":"online","languages":["de","en"]}` for the signed-in agent, with `userId` for another
    /// (a key must name one).
    @Sendable func setAvailability(_ request: Request, context: CairnRequestContext) async throws -> AgentAvailability {
        let principal = try context.requirePrincipal()
        try principal.require(.serviceWork)
        let body = try await request.decodeJSON(AvailabilityBody.self, context: context)
        var user: UserID?
        if let text = body.userId {
            guard let id = UserID(text.lowercased()) else { throw ValidationError(field: "userId", issue: .invalid, hint: "Send a user id (a UUID).") }
            user = id
        }
        return try await chat.setAvailability(body.status, languages: body.languages, skills: body.skills, user: user, for: principal)
    }

    struct ChatSettingsBody: ResponseEncodable { var identitySecret: String; var algorithm = "HS256"; var claims = "sub (the customer's user id), exp" }

    /// The secret the site's server signs visitors' identity tokens with (workspace.manage).
    @Sendable func chatSettings(_ request: Request, context: CairnRequestContext) async throws -> ChatSettingsBody {
        ChatSettingsBody(identitySecret: try await chat.identitySecret(for: try context.requirePrincipal()))
    }

    struct ReportBody: ResponseEncodable { var report: ServiceReport.Report
        func encode(to encoder: any Encoder) throws { try report.encode(to: encoder) }
    }

    // MARK: Email

    /// An email as the mail server received it (RFC 5322 text, any content type, at most 10 MB): a reply threads onto
    /// its case, anything else opens one. `{"outcome":"opened|threaded|duplicate","caseId":…}`.
    @Sendable func inboundEmail(_ request: Request, context: CairnRequestContext) async throws -> EditedResponse<CaseEmails.Received> {
        let principal = try context.requirePrincipal()
        try principal.require(.serviceWork)
        let buffer = try await request.body.collect(upTo: InboundEmail.maximumSize)
        guard buffer.readableBytes > 0 else {
            throw ValidationError(field: "body", issue: .missing, hint: "Send the email as the mail server received it: headers, a blank line, the body.")
        }
        let received = try await emails.receive(Data(buffer: buffer), in: principal.workspaceID)
        return EditedResponse(status: received.outcome == .opened ? .created : .ok, response: received)
    }

    struct EmailList: ResponseEncodable {
        struct Item: Encodable { var id: String; var to: String; var subject: String; var messageId: String; var status: String; var attempts: Int; var sentAt: Date?; var lastError: String? }
        var data: [Item]
    }

    /// A case's outgoing emails with where each stands.
    @Sendable func caseEmails(_ request: Request, context: CairnRequestContext) async throws -> EmailList {
        let principal = try context.requirePrincipal()
        let id = try context.parameters.id(as: CaseID.self, kind: "case")
        _ = try await cases.thread(id, for: principal)
        return EmailList(data: try await emails.emails(of: id, for: principal).map {
            .init(id: $0.id.rawValue, to: $0.to, subject: $0.subject, messageId: $0.messageID, status: $0.status.rawValue, attempts: $0.attempts, sentAt: $0.sentAt,
                  lastError: $0.lastError)
        })
    }

    // MARK: Setup

    struct TeamBody: Decodable {
        struct Calendar: Decodable {
            var timeZone: String?
            var hours: [String: [[String]]]?
            var holidays: [String]?
        }
        var name: String?
        var calendar: Calendar?
        var members: [String]?

        var input: ServiceSetup.TeamInput {
            .init(name: name, calendar: calendar.map { .init(timeZone: $0.timeZone, hours: $0.hours, holidays: $0.holidays) }, members: members)
        }
    }

    struct TeamList: ResponseEncodable { var data: [Team] }

    @Sendable func teams(_ request: Request, context: CairnRequestContext) async throws -> TeamList {
        TeamList(data: try await setup.teams(for: try context.requirePrincipal()))
    }

    @Sendable func createTeam(_ request: Request, context: CairnRequestContext) async throws -> EditedResponse<Team> {
        let principal = try context.requirePrincipal()
        try principal.require(.serviceManage)
        let body = try await request.decodeJSON(TeamBody.self, context: context)
        let team = try await setup.createTeam(body.input, by: principal)
        return EditedResponse(status: .created, headers: [.location: "/api/v1/teams/\(team.id)"], response: team)
    }

    @Sendable func updateTeam(_ request: Request, context: CairnRequestContext) async throws -> Team {
        let principal = try context.requirePrincipal()
        try principal.require(.serviceManage)
        let id = try context.parameters.id(as: TeamID.self, kind: "team")
        let body = try await request.decodeJSON(TeamBody.self, context: context)
        return try await setup.updateTeam(id, body.input, by: principal)
    }

    struct PolicyBody: Decodable {
        var name: String?
        var position: Int?
        var priorities: [String]?
        var channels: [String]?
        var tiers: [String]?
        var valueTiers: [String]?
        var firstResponseMinutes: Int?
        var nextResponseMinutes: Int?
        var resolutionMinutes: Int?
        var warnBeforeMinutes: Int?
        var escalation: Escalation?
        struct Escalation: Decodable {
            var raisePriority: Bool?
            var reassignTeamId: String?
            var reassignUserId: String?
            var notify: Bool?
        }

        var input: ServiceSetup.PolicyInput {
            var input = ServiceSetup.PolicyInput()
            input.name = name
            input.position = position
            input.priorities = priorities
            input.channels = channels
            input.tiers = tiers
            input.valueTiers = valueTiers
            input.firstResponseMinutes = firstResponseMinutes
            input.nextResponseMinutes = nextResponseMinutes
            input.resolutionMinutes = resolutionMinutes
            input.warnBeforeMinutes = warnBeforeMinutes
            input.raisePriority = escalation?.raisePriority
            input.reassignTeamID = escalation?.reassignTeamId
            input.reassignUserID = escalation?.reassignUserId
            input.notify = escalation?.notify
            return input
        }
    }

    struct PolicyList: ResponseEncodable { var data: [SLAPolicy] }

    @Sendable func policies(_ request: Request, context: CairnRequestContext) async throws -> PolicyList {
        PolicyList(data: try await setup.policies(for: try context.requirePrincipal()))
    }

    @Sendable func createPolicy(_ request: Request, context: CairnRequestContext) async throws -> EditedResponse<SLAPolicy> {
        let principal = try context.requirePrincipal()
        try principal.require(.serviceManage)
        let body = try await request.decodeJSON(PolicyBody.self, context: context)
        let policy = try await setup.savePolicy(nil, body.input, by: principal)
        return EditedResponse(status: .created, headers: [.location: "/api/v1/sla-policies/\(policy.id)"], response: policy)
    }

    @Sendable func replacePolicy(_ request: Request, context: CairnRequestContext) async throws -> SLAPolicy {
        let principal = try context.requirePrincipal()
        try principal.require(.serviceManage)
        let id = try context.parameters.id(as: SLAPolicyID.self, kind: "SLA policy")
        let body = try await request.decodeJSON(PolicyBody.self, context: context)
        return try await setup.savePolicy(id, body.input, by: principal)
    }

    @Sendable func deletePolicy(_ request: Request, context: CairnRequestContext) async throws -> HTTPResponse.Status {
        let principal = try context.requirePrincipal()
        try principal.require(.serviceManage)
        try await setup.deletePolicy(try context.parameters.id(as: SLAPolicyID.self, kind: "SLA policy"), by: principal)
        return .noContent
    }

    struct SettingsBody: ResponseEncodable, Decodable {
        struct FollowUp: Codable {
            var enabled: Bool?
            var kinds: [String]?
            var priority: String?
            var teamId: String?
            var assigneeId: String?
            var consentPurpose: String?
            var since: Date?
        }
        var followUp: FollowUp?
        var costPerContact: [String: String]?
        var currency: String?

        init(_ settings: ServiceSettings) {
            if let rule = settings.followUp {
                followUp = FollowUp(enabled: true, kinds: rule.kinds.map(\.rawValue), priority: rule.priority.rawValue, teamId: rule.teamID?.rawValue,
                                    assigneeId: rule.assigneeID?.rawValue, consentPurpose: rule.consentPurpose.rawValue, since: rule.since)
            } else {
                followUp = FollowUp(enabled: false)
            }
            costPerContact = settings.costPerContact.mapValues(\.decimalText)
            currency = settings.costPerContact.values.first?.currency.code
        }
    }

    @Sendable func settings(_ request: Request, context: CairnRequestContext) async throws -> SettingsBody {
        SettingsBody(try await setup.settings(for: try context.requirePrincipal()))
    }

    /// `{"followUp":{"enabled":true,"kinds":["detractor"],"priority":"high","teamId":…},"costPerContact":{"email":"2.50"},"currency":"EUR"}`.
    @Sendable func setSettings(_ request: Request, context: CairnRequestContext) async throws -> SettingsBody {
        let principal = try context.requirePrincipal()
        try principal.require(.serviceManage)
        let body = try await request.decodeJSON(SettingsBody.self, context: context)
        let followUp = body.followUp.map {
            ServiceSetup.FollowUpInput(enabled: $0.enabled, kinds: $0.kinds, priority: $0.priority, teamID: $0.teamId, assigneeID: $0.assigneeId, consentPurpose: $0.consentPurpose)
        }
        return SettingsBody(try await setup.setSettings(followUp: followUp, costPerContact: body.costPerContact, currency: body.currency, by: principal))
    }

    struct CannedList: ResponseEncodable { var data: [CannedReply] }
    struct CannedBody: Decodable { var title: String?; var bodies: [String: String]? }

    @Sendable func cannedReplies(_ request: Request, context: CairnRequestContext) async throws -> CannedList {
        CannedList(data: try await setup.cannedReplies(for: try context.requirePrincipal()))
    }

    /// `{"title":"Refund on its way","bodies":{"en":"Hello {name}, …","de":"…","zh":"…","he":"…"}}`.
    @Sendable func addCannedReply(_ request: Request, context: CairnRequestContext) async throws -> EditedResponse<CannedReply> {
        let principal = try context.requirePrincipal()
        try principal.require(.serviceManage)
        let body = try await request.decodeJSON(CannedBody.self, context: context)
        return EditedResponse(status: .created, response: try await setup.addCannedReply(title: body.title, bodies: body.bodies, by: principal))
    }

    @Sendable func deleteCannedReply(_ request: Request, context: CairnRequestContext) async throws -> HTTPResponse.Status {
        let principal = try context.requirePrincipal()
        try principal.require(.serviceManage)
        try await setup.deleteCannedReply(try context.parameters.id(as: CannedReplyID.self, kind: "canned reply"), by: principal)
        return .noContent
    }

    struct StatusList: ResponseEncodable { var data: [CaseStatusDefinition] }
    struct StatusBody: Decodable { var name: String?; var behavesLike: String? }

    @Sendable func statuses(_ request: Request, context: CairnRequestContext) async throws -> StatusList {
        StatusList(data: try await setup.statuses(for: try context.requirePrincipal()))
    }

    @Sendable func addStatus(_ request: Request, context: CairnRequestContext) async throws -> EditedResponse<CaseStatusDefinition> {
        let principal = try context.requirePrincipal()
        try principal.require(.serviceManage)
        let body = try await request.decodeJSON(StatusBody.self, context: context)
        return EditedResponse(status: .created, response: try await setup.addStatus(name: body.name, behavesLike: body.behavesLike, by: principal))
    }
}

extension Request {
    func queueChoice(issues: inout ValidationCollector) -> Cases.QueueName? {
        queryChoice("queue", as: Cases.QueueName.self, hint: "Use open, mine, team, unassigned or breaching.", collecting: &issues)
    }
}
