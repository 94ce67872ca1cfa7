import CairnCore
import CairnEngine
import Foundation
import Hummingbird

/// *Service › Setup*: teams with their business hours and holidays, service-level policies, the workspace's own
/// statuses, canned replies in four languages, the knowledge base the bot answers from, the follow-up rule and the
/// cost per contact, and how to put the chat on a site. Everyone who reads service sees it; `service.manage` changes it.
struct ServiceSetupPages {
    let renderer: WebRenderer
    let cases: Cases
    let setup: ServiceSetup
    let chat: LiveChat

    func addRoutes(to router: Router<CairnRequestContext>) {
        router.get("service/setup", use: page)
        router.post("service/setup/teams", use: createTeam)
        router.get("service/setup/teams/{id}", use: editTeam)
        router.post("service/setup/teams/{id}", use: updateTeam)
        router.post("service/setup/policies", use: createPolicy)
        router.get("service/setup/policies/{id}", use: editPolicy)
        router.post("service/setup/policies/{id}", use: updatePolicy)
        router.post("service/setup/policies/{id}/delete", use: deletePolicy)
        router.post("service/setup/statuses", use: addStatus)
        router.post("service/setup/canned-replies", use: addCannedReply)
        router.post("service/setup/canned-replies/{id}/delete", use: deleteCannedReply)
        router.post("service/setup/articles", use: createArticle)
        router.get("service/setup/articles/{id}", use: editArticle)
        router.post("service/setup/articles/{id}", use: updateArticle)
        router.post("service/setup/articles/{id}/delete", use: deleteArticle)
        router.post("service/setup/settings", use: saveSettings)
    }

    /// What a form being edited (or sent back with errors) shows instead of the empty "add" form.
    struct Editing {
        var team: [String: Any]?
        var policy: [String: Any]?
        var article: [String: Any]?
        var statusName: String?
    }

    static let timeZones = ["UTC", "Europe/Berlin", "Europe/London", "Europe/Paris", "Europe/Zurich", "Europe/Vienna", "America/New_York", "America/Chicago",
                            "America/Los_Angeles", "Asia/Shanghai", "Asia/Tokyo", "Asia/Jerusalem", "Asia/Singapore", "Australia/Sydney"]

    @Sendable func page(_ request: Request, context: CairnRequestContext) async throws -> Response {
        try await page(request, context: context, editing: Editing(), errors: nil)
    }

    func page(_ request: Request, context: CairnRequestContext, editing: Editing, errors: [String: Any]?, status: HTTPResponse.Status = .ok) async throws -> Response {
        let (principal, _) = try context.requireUser()
        try principal.require(.serviceRead)
        let texts = renderer.catalogue.texts(for: context.language)
        let canManage = principal.can(.serviceManage)
        async let teamsFound = setup.teams(for: principal)
        async let policiesFound = setup.policies(for: principal)
        async let statusesFound = setup.statuses(for: principal)
        async let cannedFound = setup.cannedReplies(for: principal)
        async let articlesFound = chat.articles(for: principal)
        async let settingsFound = setup.settings(for: principal)
        let agents = try await cases.agents(for: principal)
        let (teams, policies, statuses, canned, articles, settings) = try await (teamsFound, policiesFound, statusesFound, cannedFound, articlesFound, settingsFound)
        let names = Dictionary(agents.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        func label(_ prefix: String, _ value: String) -> String { ServicePages.label(texts, prefix, value) }
        func minutes(_ value: Int?) -> String {
            guard let value else { return "—" }
            return value % 60 == 0 ? "\(value / 60) h" : value > 60 ? "\(value / 60) h \(value % 60) min" : "\(value) min"
        }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm 'UTC'"
        var values: [String: Any] = [
            "serviceNav": try await ServicePages.serviceNav("setup", cases: cases, principal: principal, texts: texts),
            "canManage": canManage,
            "hasTeams": !teams.isEmpty,
            "teams": teams.map { team -> [String: Any] in
                ["id": team.id.rawValue, "name": team.name, "zone": team.calendar.timeZone, "hours": Self.hoursLines(team.calendar, texts: texts),
                 "holidays": team.calendar.holidays.sorted().joined(separator: ", "), "members": team.members.compactMap { names[$0] }.joined(separator: ", ")]
            },
            "teamForm": editing.team ?? Self.teamForm(nil, agents: agents, texts: texts),
            "zones": Self.timeZones,
            "hasPolicies": !policies.isEmpty,
            "policies": policies.map { policy -> [String: Any] in
                var applies: [String] = policy.conditions.priorities.map { label("case_priority", $0.rawValue) } + policy.conditions.channels.map { label("case_channel", $0.rawValue) }
                applies += policy.conditions.tiers
                applies += policy.conditions.valueTiers.map { texts["value_tier_\($0.rawValue)"] ?? $0.rawValue }
                var escalation: [String] = []
                if policy.escalation.raisePriority { escalation.append(texts["setup_raise_priority"] ?? "raise priority") }
                if let team = policy.escalation.reassignTeamID { escalation.append("→ " + (teams.first { $0.id == team }?.name ?? "?")) }
                if let user = policy.escalation.reassignUserID { escalation.append("→ " + (names[user] ?? "?")) }
                if policy.escalation.notify { escalation.append(texts["setup_notify"] ?? "notify") }
                return ["id": policy.id.rawValue, "name": policy.name, "appliesTo": applies.isEmpty ? (texts["setup_all_cases"] ?? "all cases") : applies.joined(separator: ", "),
                        "first": minutes(policy.targets.firstResponseMinutes), "next": minutes(policy.targets.nextResponseMinutes),
                        "resolution": minutes(policy.targets.resolutionMinutes), "escalation": escalation.joined(separator: "; ")]
            },
            "policyForm": editing.policy ?? Self.policyForm(nil, teams: teams, agents: agents, texts: texts),
            "statuses": statuses.map { ["name": $0.name, "behaves": label("case_status", $0.behavesLike.rawValue)] },
            "statusName": editing.statusName ?? "",
            "behaviours": Case.Status.allCases.filter { $0 != .new }.map { ["value": $0.rawValue, "label": label("case_status", $0.rawValue)] },
            "canned": canned.map { reply -> [String: Any] in
                ["id": reply.id.rawValue, "title": reply.title, "languages": CannedReply.languages.filter { reply.bodies[$0] != nil }.joined(separator: ", "),
                 "preview": String((reply.bodies["en"] ?? "").prefix(80))]
            },
            "hasArticles": !articles.isEmpty,
            "articles": articles.map { ["id": $0.id.rawValue, "language": $0.language, "title": $0.title, "updated": formatter.string(from: $0.updatedAt)] },
            "articleForm": editing.article ?? Self.articleForm(nil, texts: texts),
            "settings": Self.settingsForm(settings, teams: teams, agents: agents, texts: texts),
            "flash": request.uri.queryParameters["done"].flatMap { texts["flash_\($0)"] } as Any,
        ]
        if let errors { values["errors"] = errors }
        return try renderer.page("service_setup", titleKey: "service_setup", section: "service", context: context, values: values, status: status)
    }

    /// "Mon 09:00–12:00, 13:00–17:00" per open weekday; "closed" when none.
    static func hoursLines(_ calendar: BusinessCalendar, texts: [String: String]) -> [String] {
        let lines = BusinessCalendar.weekdayNames.enumerated().compactMap { index, day -> String? in
            let blocks = calendar.week[index]
            guard !blocks.isEmpty else { return nil }
            return (texts["weekday_short_\(day)"] ?? day) + " " + blocks.map { "\($0.startText)–\($0.endText)" }.joined(separator: ", ")
        }
        return lines.isEmpty ? [texts["setup_closed"] ?? "closed"] : lines
    }

    static func dayLabels(_ texts: [String: String]) -> [(day: String, label: String)] {
        BusinessCalendar.weekdayNames.enumerated().map { index, day in (day, texts["weekday_\(index)"] ?? day) }
    }

    static func teamForm(_ team: Team?, agents: [(id: UserID, name: String)], texts: [String: String]) -> [String: Any] {
        let calendar = team?.calendar
        return ["action": team.map { "/service/setup/teams/\($0.id)" } ?? "/service/setup/teams", "editing": team != nil, "name": team?.name ?? "",
                "zone": calendar?.timeZone ?? "Europe/Berlin",
                "days": dayLabels(texts).enumerated().map { index, day -> [String: Any] in
                    let blocks = calendar?.week[index] ?? (index < 5 ? [BusinessCalendar.Block(from: "09:00", to: "17:00")!] : [])
                    return ["day": day.day, "label": day.label, "value": blocks.map { "\($0.startText)-\($0.endText)" }.joined(separator: ", ")]
                },
                "holidays": calendar?.holidays.sorted().joined(separator: ", ") ?? "",
                "members": agents.map { ["id": $0.id.rawValue, "name": $0.name, "checked": team?.members.contains($0.id) ?? false] }]
    }

    /// The team form as it was sent (after an error), so nothing typed is lost.
    static func teamForm(sent form: FormFields, action: String, editing: Bool, agents: [(id: UserID, name: String)], texts: [String: String]) -> [String: Any] {
        let members = Set(form.values(named: "members"))
        return ["action": action, "editing": editing, "name": form["name"] ?? "", "zone": form["timeZone"] ?? "",
                "days": dayLabels(texts).map { ["day": $0.day, "label": $0.label, "value": form["hours_\($0.day)"] ?? ""] },
                "holidays": form["holidays"] ?? "",
                "members": agents.map { ["id": $0.id.rawValue, "name": $0.name, "checked": members.contains($0.id.rawValue)] }]
    }

    /// "09:00-12:00, 13:00-17:00" → [["09:00","12:00"],["13:00","17:00"]]; a piece without a dash is passed on as it
    /// is, for the calendar's check to name.
    static func blocks(_ text: String) -> [[String]] {
        text.split(whereSeparator: { $0 == "," || $0 == ";" }).map { piece in
            let parts = piece.split(whereSeparator: { $0 == "-" || $0 == "–" }).map { $0.trimmingCharacters(in: .whitespaces) }
            return parts.count == 2 ? parts : [piece.trimmingCharacters(in: .whitespaces)]
        }.filter { !($0.count == 1 && $0[0].isEmpty) }
    }

    static func teamInput(_ form: FormFields) -> ServiceSetup.TeamInput {
        var hours: [String: [[String]]] = [:]
        for day in BusinessCalendar.weekdayNames {
            let blocks = Self.blocks(form["hours_\(day)"] ?? "")
            if !blocks.isEmpty { hours[day] = blocks }
        }
        let holidays = (form["holidays"] ?? "").split(whereSeparator: { $0 == "," || $0 == ";" || $0.isWhitespace }).map(String.init)
        let zone = (form["timeZone"] ?? "").trimmingCharacters(in: .whitespaces)
        return .init(name: form["name"], calendar: .init(timeZone: zone.isEmpty ? "UTC" : zone, hours: hours, holidays: holidays),
                     members: form.values(named: "members").filter { !$0.isEmpty })
    }

    static func policyForm(_ policy: SLAPolicy?, teams: [Team], agents: [(id: UserID, name: String)], texts: [String: String]) -> [String: Any] {
        func number(_ value: Int?) -> String { value.map(String.init) ?? "" }
        return ["action": policy.map { "/service/setup/policies/\($0.id)" } ?? "/service/setup/policies", "editing": policy != nil, "name": policy?.name ?? "",
                "priorities": Case.Priority.allCases.map { ["value": $0.rawValue, "label": ServicePages.label(texts, "case_priority", $0.rawValue),
                                                            "checked": policy?.conditions.priorities.contains($0) ?? false] },
                "channels": Case.Channel.allCases.map { ["value": $0.rawValue, "label": ServicePages.label(texts, "case_channel", $0.rawValue),
                                                         "checked": policy?.conditions.channels.contains($0) ?? false] },
                "tiers": policy?.conditions.tiers.joined(separator: ", ") ?? "",
                "valueTiers": ValueTier.allCases.map { ["value": $0.rawValue, "label": texts["value_tier_\($0.rawValue)"] ?? $0.rawValue,
                                                        "checked": policy?.conditions.valueTiers.contains($0) ?? false] },
                "first": number(policy?.targets.firstResponseMinutes ?? (policy == nil ? 60 : nil)), "next": number(policy?.targets.nextResponseMinutes),
                "resolution": number(policy?.targets.resolutionMinutes ?? (policy == nil ? 480 : nil)), "warn": String(policy?.warnBeforeMinutes ?? 30),
                "raise": policy?.escalation.raisePriority ?? false, "notify": policy?.escalation.notify ?? true,
                "teamChoices": teams.map { ["id": $0.id.rawValue, "name": $0.name, "selected": $0.id == policy?.escalation.reassignTeamID] },
                "agentChoices": agents.map { ["id": $0.id.rawValue, "name": $0.name, "selected": $0.id == policy?.escalation.reassignUserID] }]
    }

    static func policyForm(sent form: FormFields, action: String, editing: Bool, teams: [Team], agents: [(id: UserID, name: String)], texts: [String: String]) -> [String: Any] {
        let priorities = Set(form.values(named: "priorities")), channels = Set(form.values(named: "channels")), valueTiers = Set(form.values(named: "valueTiers"))
        return ["action": action, "editing": editing, "name": form["name"] ?? "",
                "valueTiers": ValueTier.allCases.map { ["value": $0.rawValue, "label": texts["value_tier_\($0.rawValue)"] ?? $0.rawValue, "checked": valueTiers.contains($0.rawValue)] },
                "priorities": Case.Priority.allCases.map { ["value": $0.rawValue, "label": ServicePages.label(texts, "case_priority", $0.rawValue), "checked": priorities.contains($0.rawValue)] },
                "channels": Case.Channel.allCases.map { ["value": $0.rawValue, "label": ServicePages.label(texts, "case_channel", $0.rawValue), "checked": channels.contains($0.rawValue)] },
                "tiers": form["tiers"] ?? "", "first": form["firstResponseMinutes"] ?? "", "next": form["nextResponseMinutes"] ?? "",
                "resolution": form["resolutionMinutes"] ?? "", "warn": form["warnBeforeMinutes"] ?? "", "raise": form["raisePriority"] != nil, "notify": form["notify"] != nil,
                "teamChoices": teams.map { ["id": $0.id.rawValue, "name": $0.name, "selected": $0.id.rawValue == form["reassignTeamId"]] },
                "agentChoices": agents.map { ["id": $0.id.rawValue, "name": $0.name, "selected": $0.id.rawValue == form["reassignUserId"]] }]
    }

    /// Minutes fields: empty is "no such target"; anything else that is not a whole number is sent on as -1, which
    /// the policy's check names.
    static func policyInput(_ form: FormFields) -> ServiceSetup.PolicyInput {
        func minutes(_ name: String) -> Int? {
            guard let text = form[name]?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
            return Int(text) ?? -1
        }
        var input = ServiceSetup.PolicyInput()
        input.name = form["name"]
        input.priorities = form.values(named: "priorities").filter { !$0.isEmpty }
        input.channels = form.values(named: "channels").filter { !$0.isEmpty }
        input.tiers = (form["tiers"] ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        input.valueTiers = form.values(named: "valueTiers").filter { !$0.isEmpty }
        input.firstResponseMinutes = minutes("firstResponseMinutes")
        input.nextResponseMinutes = minutes("nextResponseMinutes")
        input.resolutionMinutes = minutes("resolutionMinutes")
        input.warnBeforeMinutes = minutes("warnBeforeMinutes")
        input.raisePriority = form["raisePriority"] != nil
        input.notify = form["notify"] != nil
        input.reassignTeamID = form["reassignTeamId"].flatMap { $0.isEmpty ? nil : $0 }
        input.reassignUserID = form["reassignUserId"].flatMap { $0.isEmpty ? nil : $0 }
        return input
    }

    static func articleForm(_ article: KnowledgeArticle?, texts: [String: String], sent form: FormFields? = nil, action: String? = nil) -> [String: Any] {
        let language = form?["language"] ?? article?.language ?? "en"
        return ["action": action ?? article.map { "/service/setup/articles/\($0.id)" } ?? "/service/setup/articles", "editing": article != nil || (action != nil && action != "/service/setup/articles"),
                "title": form?["title"] ?? article?.title ?? "", "body": form?["body"] ?? article?.body ?? "",
                "languages": [("en", "English"), ("de", "Deutsch"), ("zh", "中文"), ("he", "עברית")].map { ["value": $0.0, "label": $0.1, "selected": $0.0 == language] }]
    }

    static func settingsForm(_ settings: ServiceSettings, teams: [Team], agents: [(id: UserID, name: String)], texts: [String: String]) -> [String: Any] {
        let follow = settings.followUp
        let kinds = Set((follow?.kinds ?? [.detractor, .lowCSAT, .lowCES]).map(\.rawValue))
        let currency = settings.costPerContact.values.first?.currency.code ?? ""
        return ["followUpOn": follow != nil,
                "kinds": ["detractor", "low_csat", "low_ces"].map { ["value": $0, "label": texts["setup_kind_\($0)"] ?? $0, "checked": kinds.contains($0)] },
                "followPriorities": Case.Priority.allCases.map { ["value": $0.rawValue, "label": ServicePages.label(texts, "case_priority", $0.rawValue),
                                                                  "selected": $0 == (follow?.priority ?? .normal)] },
                "followTeams": teams.map { ["id": $0.id.rawValue, "name": $0.name, "selected": $0.id == follow?.teamID] },
                "followAgents": agents.map { ["id": $0.id.rawValue, "name": $0.name, "selected": $0.id == follow?.assigneeID] },
                "costs": Case.Channel.allCases.map { ["channel": $0.rawValue, "label": ServicePages.label(texts, "case_channel", $0.rawValue),
                                                      "amount": settings.costPerContact[$0.rawValue]?.decimalText ?? ""] },
                "currency": currency]
    }

    // MARK: Changes

    /// Runs a change; a bad input shows the page again with the errors and what was typed.
    func change(_ request: Request, context: CairnRequestContext, done: String, anchor: String, keep: (FormFields, [String: Any]) async throws -> Editing = { _, _ in Editing() },
                _ body: (Principal, FormFields) async throws -> Void) async throws -> Response {
        let (principal, _) = try context.requireUser()
        try principal.require(.serviceManage)
        let form = try await request.form()
        do {
            try await body(principal, form)
            return WebRenderer.redirect(to: "/service/setup?done=\(done)#\(anchor)")
        } catch let error as ValidationError {
            let errors = fieldErrors(error, texts: renderer.catalogue, language: context.language)
            return try await page(request, context: context, editing: try await keep(form, errors), errors: errors, status: .badRequest)
        }
    }

    func agentsAndTeams(_ context: CairnRequestContext) async throws -> (agents: [(id: UserID, name: String)], teams: [Team]) {
        let (principal, _) = try context.requireUser()
        return (try await cases.agents(for: principal), try await setup.teams(for: principal))
    }

    @Sendable func createTeam(_ request: Request, context: CairnRequestContext) async throws -> Response {
        let texts = renderer.catalogue.texts(for: context.language)
        return try await change(request, context: context, done: "saved", anchor: "teams", keep: { form, _ in
            Editing(team: Self.teamForm(sent: form, action: "/service/setup/teams", editing: false, agents: try await agentsAndTeams(context).agents, texts: texts))
        }) { principal, form in _ = try await setup.createTeam(Self.teamInput(form), by: principal) }
    }

    @Sendable func editTeam(_ request: Request, context: CairnRequestContext) async throws -> Response {
        let (principal, _) = try context.requireUser()
        try principal.require(.serviceManage)
        let id = try context.parameters.require("id")
        guard let teamID = TeamID(id.lowercased()), let team = try await setup.teams(for: principal).first(where: { $0.id == teamID }) else { throw NotFoundError(kind: "team", id: id) }
        let texts = renderer.catalogue.texts(for: context.language)
        return try await page(request, context: context, editing: Editing(team: Self.teamForm(team, agents: try await cases.agents(for: principal), texts: texts)), errors: nil)
    }

    @Sendable func updateTeam(_ request: Request, context: CairnRequestContext) async throws -> Response {
        let id = try context.parameters.require("id")
        guard let teamID = TeamID(id.lowercased()) else { throw NotFoundError(kind: "team", id: id) }
        let texts = renderer.catalogue.texts(for: context.language)
        return try await change(request, context: context, done: "saved", anchor: "teams", keep: { form, _ in
            Editing(team: Self.teamForm(sent: form, action: "/service/setup/teams/\(teamID)", editing: true, agents: try await agentsAndTeams(context).agents, texts: texts))
        }) { principal, form in _ = try await setup.updateTeam(teamID, Self.teamInput(form), by: principal) }
    }

    @Sendable func createPolicy(_ request: Request, context: CairnRequestContext) async throws -> Response {
        let texts = renderer.catalogue.texts(for: context.language)
        return try await change(request, context: context, done: "saved", anchor: "policies", keep: { form, _ in
            let (agents, teams) = try await agentsAndTeams(context)
            return Editing(policy: Self.policyForm(sent: form, action: "/service/setup/policies", editing: false, teams: teams, agents: agents, texts: texts))
        }) { principal, form in _ = try await setup.savePolicy(nil, Self.policyInput(form), by: principal) }
    }

    @Sendable func editPolicy(_ request: Request, context: CairnRequestContext) async throws -> Response {
        let (principal, _) = try context.requireUser()
        try principal.require(.serviceManage)
        let id = try context.parameters.require("id")
        guard let policyID = SLAPolicyID(id.lowercased()), let policy = try await setup.policies(for: principal).first(where: { $0.id == policyID }) else {
            throw NotFoundError(kind: "SLA policy", id: id)
        }
        let texts = renderer.catalogue.texts(for: context.language)
        let (agents, teams) = try await agentsAndTeams(context)
        return try await page(request, context: context, editing: Editing(policy: Self.policyForm(policy, teams: teams, agents: agents, texts: texts)), errors: nil)
    }

    @Sendable func updatePolicy(_ request: Request, context: CairnRequestContext) async throws -> Response {
        let id = try context.parameters.require("id")
        guard let policyID = SLAPolicyID(id.lowercased()) else { throw NotFoundError(kind: "SLA policy", id: id) }
        let texts = renderer.catalogue.texts(for: context.language)
        return try await change(request, context: context, done: "saved", anchor: "policies", keep: { form, _ in
            let (agents, teams) = try await agentsAndTeams(context)
            return Editing(policy: Self.policyForm(sent: form, action: "/service/setup/policies/\(policyID)", editing: true, teams: teams, agents: agents, texts: texts))
        }) { principal, form in _ = try await setup.savePolicy(policyID, Self.policyInput(form), by: principal) }
    }

    @Sendable func deletePolicy(_ request: Request, context: CairnRequestContext) async throws -> Response {
        let id = try context.parameters.require("id")
        guard let policyID = SLAPolicyID(id.lowercased()) else { throw NotFoundError(kind: "SLA policy", id: id) }
        return try await change(request, context: context, done: "deleted", anchor: "policies") { principal, _ in try await setup.deletePolicy(policyID, by: principal) }
    }

    @Sendable func addStatus(_ request: Request, context: CairnRequestContext) async throws -> Response {
        try await change(request, context: context, done: "saved", anchor: "statuses", keep: { form, _ in Editing(statusName: form["name"]) }) { principal, form in
            _ = try await setup.addStatus(name: form["name"], behavesLike: form["behavesLike"], by: principal)
        }
    }

    @Sendable func addCannedReply(_ request: Request, context: CairnRequestContext) async throws -> Response {
        try await change(request, context: context, done: "saved", anchor: "canned") { principal, form in
            var bodies: [String: String] = [:]
            for language in CannedReply.languages { if let text = form["body_\(language)"], !text.isEmpty { bodies[language] = text } }
            _ = try await setup.addCannedReply(title: form["title"], bodies: bodies, by: principal)
        }
    }

    @Sendable func deleteCannedReply(_ request: Request, context: CairnRequestContext) async throws -> Response {
        let id = try context.parameters.require("id")
        guard let replyID = CannedReplyID(id.lowercased()) else { throw NotFoundError(kind: "canned reply", id: id) }
        return try await change(request, context: context, done: "deleted", anchor: "canned") { principal, _ in try await setup.deleteCannedReply(replyID, by: principal) }
    }

    @Sendable func createArticle(_ request: Request, context: CairnRequestContext) async throws -> Response {
        let texts = renderer.catalogue.texts(for: context.language)
        return try await change(request, context: context, done: "saved", anchor: "articles", keep: { form, _ in
            Editing(article: Self.articleForm(nil, texts: texts, sent: form, action: "/service/setup/articles"))
        }) { principal, form in _ = try await chat.saveArticle(nil, language: form["language"], title: form["title"], body: form["body"], by: principal) }
    }

    @Sendable func editArticle(_ request: Request, context: CairnRequestContext) async throws -> Response {
        let (principal, _) = try context.requireUser()
        try principal.require(.serviceManage)
        let id = try context.parameters.require("id")
        guard let articleID = KnowledgeArticleID(id.lowercased()), let article = try await chat.articles(for: principal).first(where: { $0.id == articleID }) else {
            throw NotFoundError(kind: "article", id: id)
        }
        let texts = renderer.catalogue.texts(for: context.language)
        return try await page(request, context: context, editing: Editing(article: Self.articleForm(article, texts: texts)), errors: nil)
    }

    @Sendable func updateArticle(_ request: Request, context: CairnRequestContext) async throws -> Response {
        let id = try context.parameters.require("id")
        guard let articleID = KnowledgeArticleID(id.lowercased()) else { throw NotFoundError(kind: "article", id: id) }
        let texts = renderer.catalogue.texts(for: context.language)
        return try await change(request, context: context, done: "saved", anchor: "articles", keep: { form, _ in
            Editing(article: Self.articleForm(nil, texts: texts, sent: form, action: "/service/setup/articles/\(articleID)"))
        }) { principal, form in _ = try await chat.saveArticle(articleID, language: form["language"], title: form["title"], body: form["body"], by: principal) }
    }

    @Sendable func deleteArticle(_ request: Request, context: CairnRequestContext) async throws -> Response {
        let id = try context.parameters.require("id")
        guard let articleID = KnowledgeArticleID(id.lowercased()) else { throw NotFoundError(kind: "article", id: id) }
        return try await change(request, context: context, done: "deleted", anchor: "articles") { principal, _ in try await chat.deleteArticle(articleID, by: principal) }
    }

    @Sendable func saveSettings(_ request: Request, context: CairnRequestContext) async throws -> Response {
        try await change(request, context: context, done: "saved", anchor: "settings") { principal, form in
            let followUp = ServiceSetup.FollowUpInput(enabled: form["followUp"] != nil, kinds: form.values(named: "kinds").filter { !$0.isEmpty },
                                                      priority: form["priority"], teamID: form["teamId"].flatMap { $0.isEmpty ? nil : $0 },
                                                      assigneeID: form["assigneeId"].flatMap { $0.isEmpty ? nil : $0 })
            var costs: [String: String] = [:]
            for channel in Case.Channel.allCases {
                if let amount = form["cost_\(channel.rawValue)"]?.trimmingCharacters(in: .whitespaces), !amount.isEmpty { costs[channel.rawValue] = amount }
            }
            let currency = (form["currency"] ?? "").trimmingCharacters(in: .whitespaces).uppercased()
            // No costs and no currency: none kept (a currency alone changes nothing).
            _ = try await setup.setSettings(followUp: followUp, costPerContact: costs.isEmpty && currency.isEmpty ? [:] : costs,
                                            currency: costs.isEmpty && currency.isEmpty ? "EUR" : currency, by: principal)
        }
    }
}
