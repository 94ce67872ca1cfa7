import CairnCore
import CairnEngine
import Foundation
import HTTPTypes
import CairnAnalytics
import Hummingbird
import NIOCore

/// The agent console: queues (mine, my team, unassigned, about to breach, all open) with bulk actions and a new-case
/// form, and a case beside its customer's whole story (orders, parcels, earlier cases, survey answers, consent), with
/// the conversation, replies and internal notes, status, priority, team and assignee, merging, keyboard shortcuts and
/// new customer messages shown as they arrive. Reading needs `service.read`, working `service.work`.
struct ServicePages {
    let renderer: WebRenderer
    let cases: Cases
    let setup: ServiceSetup
    let report: ServiceReport
    let spikes: ServiceSpikes
    let chat: LiveChat
    let records: CustomerRecords
    let administration: Administration
    let offers: Offers

    func addRoutes(to router: Router<CairnRequestContext>) {
        router.get("service", use: queuePage)
        router.get("service/insights", use: insights)
        router.get("service/notifications", use: notificationsPage)
        router.post("service/notifications/read", use: markNotificationsRead)
        router.get("service/insights.csv", use: insightsCSV)
        router.post("service/cases", use: openCase)
        router.post("service/availability", use: setAvailability)
        router.post("service/bulk", use: bulk)
        router.get("service/cases/{id}", use: casePage)
        router.post("service/cases/{id}", use: changeCase)
        router.post("service/cases/{id}/reply", use: reply)
        router.post("service/cases/{id}/merge", use: merge)
        router.post("service/cases/{id}/offers", use: suggestOffers)
    }

    static func label(_ texts: [String: String], _ prefix: String, _ value: String) -> String { texts["\(prefix)_\(value)"] ?? value }

    // MARK: Queues

    @Sendable func queuePage(_ request: Request, context: CairnRequestContext) async throws -> Response {
        try await queuePage(request, context: context, errors: nil)
    }

    func queuePage(_ request: Request, context: CairnRequestContext, errors: [String: Any]?, status: HTTPResponse.Status = .ok) async throws -> Response {
        let (principal, user) = try context.requireUser()
        try principal.require(.serviceRead)
        let texts = renderer.catalogue.texts(for: context.language)
        let queue = request.uri.queryParameters["queue"].flatMap { Cases.QueueName(rawValue: String($0)) } ?? .mine
        let (cursor, limit) = try request.pagination()
        let page = try await cases.queue(queue, for: principal, after: cursor, limit: limit)
        let counts = try await cases.counts(for: principal)
        let agents = try await cases.agents(for: principal)
        let names = Dictionary(agents.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        let teams = try await setup.teams(for: principal)
        let teamNames = Dictionary(uniqueKeysWithValues: teams.map { ($0.id, $0.name) })
        let count: [Cases.QueueName: Int] = [.mine: counts.mine, .team: counts.team, .unassigned: counts.unassigned, .breaching: counts.breaching, .open: counts.open]
        var next: String?
        if let token = page.nextCursor {
            var components = URLComponents()
            components.path = "/service"
            components.queryItems = [URLQueryItem(name: "queue", value: queue.rawValue), URLQueryItem(name: "cursor", value: token)]
            next = components.string
        }
        let now = cases.clock.now()
        return try renderer.page("service_queue", titleKey: "nav_service", section: "service", context: context, values: [
            "serviceNav": try await Self.serviceNav("queues", cases: cases, principal: principal, texts: texts),
            "queues": Cases.QueueName.allCases.map { name -> [String: Any] in
                ["id": name.rawValue, "href": "/service?queue=\(name.rawValue)", "label": Self.label(texts, "service_queue", name.rawValue),
                 "count": count[name] ?? 0, "current": name == queue]
            },
            "hasCases": !page.items.isEmpty,
            "cases": page.items.map { item -> [String: Any] in
                let due = item.sla?.nextDeadline
                return ["id": item.id.rawValue, "number": item.number, "subject": item.subject, "contact": item.contact ?? "",
                        "channel": Self.label(texts, "case_channel", item.channel.rawValue), "status": item.status.rawValue,
                        "statusLabel": item.statusLabel ?? Self.label(texts, "case_status", item.status.rawValue),
                        "priority": item.priority.rawValue, "priorityLabel": Self.label(texts, "case_priority", item.priority.rawValue),
                        "assignee": item.assigneeID.flatMap { names[$0] } ?? "", "team": item.teamID.flatMap { teamNames[$0] } ?? "",
                        "due": due.map(displayDate) ?? "", "breached": item.sla?.isBreached ?? false, "soon": due.map { $0.timeIntervalSince(now) < Cases.breachHorizon } ?? false,
                        "updated": displayDate(item.updatedAt)]
            },
            "nextLink": next as Any,
            "canWork": principal.can(.serviceWork),
            "agents": agents.map { ["id": $0.id.rawValue, "name": $0.name] },
            "channels": Case.Channel.allCases.map { ["value": $0.rawValue, "label": Self.label(texts, "case_channel", $0.rawValue)] },
            "priorities": Case.Priority.allCases.map { ["value": $0.rawValue, "label": Self.label(texts, "case_priority", $0.rawValue), "selected": $0 == .normal] },
            "statuses": Case.Status.allCases.filter { $0 != .new }.map { ["value": $0.rawValue, "label": Self.label(texts, "case_status", $0.rawValue)] },
            "teams": teams.map { ["id": $0.id.rawValue, "name": $0.name] },
            "flash": request.uri.queryParameters["done"].flatMap { texts["flash_\($0)"] } as Any,
            "errors": errors as Any,
            "queue": queue.rawValue,
            "spikes": try await SpikeText.today(spikes: spikes, principal: principal, texts: texts),
            "online": try await chat.availability(for: principal).contains { $0.userID == user.id && $0.status == .online },
        ], status: status)
    }

    @Sendable func openCase(_ request: Request, context: CairnRequestContext) async throws -> Response {
        let (principal, _) = try context.requireUser()
        try principal.require(.serviceWork)
        let form = try await request.form()
        func value(_ name: String) -> String? { form[name].flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 } }
        do {
            let opened = try await cases.open(.init(contact: value("contact"), channel: value("channel"), subject: form["subject"], message: value("message"),
                                                    priority: value("priority"), teamID: value("teamId"), assigneeID: value("assigneeId")), by: principal)
            return WebRenderer.redirect(to: "/service/cases/\(opened.case.id)?done=saved")
        } catch let error as ValidationError {
            return try await queuePage(request, context: context, errors: fieldErrors(error, texts: renderer.catalogue, language: context.language), status: .badRequest)
        }
    }

    /// The agent sets themself online (for chats, in the interface's language and English) or away.
    @Sendable func setAvailability(_ request: Request, context: CairnRequestContext) async throws -> Response {
        let (principal, _) = try context.requireUser()
        try principal.require(.serviceWork)
        let form = try await request.form()
        let languages = form.values(named: "languages").filter { !$0.isEmpty }
        do {
            _ = try await chat.setAvailability(form["status"], languages: languages.isEmpty ? nil : languages, skills: nil, for: principal)
            return WebRenderer.redirect(to: "/service?done=saved")
        } catch let error as ValidationError {
            return try await queuePage(request, context: context, errors: fieldErrors(error, texts: renderer.catalogue, language: context.language), status: .badRequest)
        }
    }

    /// The queue's checked cases, with one change: assign to someone (or to me), a status, or a priority.
    @Sendable func bulk(_ request: Request, context: CairnRequestContext) async throws -> Response {
        let (principal, user) = try context.requireUser()
        try principal.require(.serviceWork)
        let form = try await request.form()
        let queue = form["queue"].flatMap(Cases.QueueName.init(rawValue:)) ?? .mine
        do {
            let ids = form.values(named: "ids").compactMap { CaseID($0.lowercased()) }
            var change = Cases.CaseChange()
            switch form["action"] ?? "" {
            case "assign_me": change.assigneeID = .set(user.id.rawValue)
            case "assign": change.assigneeID = .set(form["assigneeId"].flatMap { $0.isEmpty ? nil : $0 })
            case "status": change.status = .set(form["status"])
            case "priority": change.priority = .set(form["priority"])
            default: throw ValidationError(field: "action", issue: .missing, hint: "Choose what to do with the checked cases.")
            }
            let results = try await cases.change(ids, change, by: principal)
            let failed = results.filter { $0.error != nil }.count
            return WebRenderer.redirect(to: "/service?queue=\(queue.rawValue)&done=\(failed == 0 ? "bulk" : "bulk_partial")")
        } catch let error as ValidationError {
            return try await queuePage(request, context: context, errors: fieldErrors(error, texts: renderer.catalogue, language: context.language), status: .badRequest)
        }
    }

    // MARK: A case

    @Sendable func casePage(_ request: Request, context: CairnRequestContext) async throws -> Response {
        try await casePage(try context.parameters.id(as: CaseID.self, kind: "case"), request: request, context: context)
    }

    func casePage(_ id: CaseID, request: Request, context: CairnRequestContext, errors: [String: Any]? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        let (principal, _) = try context.requireUser()
        try principal.require(.serviceRead)
        let thread = try await cases.thread(id, for: principal)
        let item = thread.case
        if let target = item.mergedInto { return WebRenderer.redirect(to: "/service/cases/\(target)") }
        let texts = renderer.catalogue.texts(for: context.language)
        let agents = try await cases.agents(for: principal)
        let teams = try await setup.teams(for: principal)
        let custom = try await setup.statuses(for: principal)
        let canned = try await setup.cannedReplies(for: principal)
        let actors = try await administration.actorNames(Set(thread.messages.map(\.by) + item.statusChanges.map(\.by)), for: principal)
        var values: [String: Any] = [
            "case": [
                "id": item.id.rawValue, "number": item.number, "subject": item.subject,
                "contact": item.contact.flatMap { $0.isEmpty ? nil : $0 } as Any,
                "channel": Self.label(texts, "case_channel", item.channel.rawValue), "status": item.status.rawValue,
                "statusLabel": item.statusLabel ?? Self.label(texts, "case_status", item.status.rawValue), "priority": item.priority.rawValue,
                "priorityLabel": Self.label(texts, "case_priority", item.priority.rawValue), "created": displayDate(item.createdAt),
                "tags": (item.tags.isEmpty ? nil : item.tags.joined(separator: ", ")) as Any, "orderID": item.orderID?.rawValue as Any,
                "closed": item.status == .closed,
            ] as [String: Any],
            "sla": slaValues(item.sla, texts: texts),
            "hasSLA": item.sla != nil,
            "messages": thread.messages.map { message -> [String: Any] in
                let who: String = switch message.author {
                case .customer: texts["case_author_customer"] ?? "customer"
                case .bot: texts["case_author_bot"] ?? "bot"
                default: message.by == "sla" ? (texts["case_author_sla"] ?? "SLA") : actorText(message.by, actors, texts: texts)
                }
                return ["id": message.id.rawValue, "author": message.author.rawValue, "who": who, "when": displayDate(message.at), "body": message.body,
                        "note": message.author == .note, "attachments": message.attachments.map { ["name": $0.name, "size": $0.size] }]
            },
            "lastMessageAt": thread.messages.last.map { String($0.at.storageMillis) } ?? "0",
            "messageCount": thread.messages.count,
            "history": item.statusChanges.reversed().map { change -> [String: Any] in
                ["when": displayDate(change.at), "status": change.label ?? Self.label(texts, "case_status", change.status.rawValue), "by": actorText(change.by, actors, texts: texts)]
            },
            "canWork": principal.can(.serviceWork) && item.status != .closed,
            "agents": agents.map { ["id": $0.id.rawValue, "name": $0.name, "selected": $0.id == item.assigneeID] },
            "teams": teams.map { ["id": $0.id.rawValue, "name": $0.name, "selected": $0.id == item.teamID] },
            "statuses": (Case.Status.allCases.filter { $0 == item.status || item.status.next.contains($0) }.map { s -> [String: Any] in
                ["value": s.rawValue, "label": Self.label(texts, "case_status", s.rawValue), "selected": s == item.status && item.statusLabel == nil]
            }) + custom.map { ["value": $0.name, "label": $0.name, "selected": $0.name == item.statusLabel] },
            "priorities": Case.Priority.allCases.map { ["value": $0.rawValue, "label": Self.label(texts, "case_priority", $0.rawValue), "selected": $0 == item.priority] },
            "flash": request.uri.queryParameters["done"].flatMap { texts["flash_\($0)"] } as Any,
            "errors": errors as Any,
        ]
        var customerName: String?
        if let profile = item.profileID, principal.can(.customersRead) {
            let customer = try await customerValues(profile, principal: principal, except: item.id, texts: texts)
            customerName = customer["name"] as? String
            values["customer"] = customer
            values["offers"] = try await offerValues(profile, principal: principal, texts: texts)
            values["canSuggest"] = principal.can(.serviceWork)
        }
        // Canned replies in the case's language, filled in, for the reply box.
        values["canned"] = canned.map { ["id": $0.id.rawValue, "title": $0.title, "text": $0.text(for: item.language, name: customerName, number: item.number)] }
        values["hasCanned"] = !canned.isEmpty
        return try renderer.page("service_case", titleKey: "service_case", section: "service", context: context, values: values, status: status)
    }

    func slaValues(_ sla: SLAStatus?, texts: [String: String]) -> [[String: Any]] {
        guard let sla else { return [] }
        return [("first_response", sla.firstResponse), ("next_response", sla.nextResponse), ("resolution", sla.resolution)].compactMap { name, state in
            guard let state else { return nil }
            let remaining = state.remainingSeconds.map { seconds in "\(Int(seconds / 60)) min" } ?? ""
            return ["target": texts["sla_\(name)"] ?? name, "phase": state.phase.rawValue, "phaseLabel": texts["sla_phase_\(state.phase.rawValue)"] ?? state.phase.rawValue,
                    "due": state.dueAt.map(displayDate) ?? remaining]
        }
    }

    /// The customer's story beside the case: who they are, consent, orders, parcels, earlier cases, survey answers.
    func customerValues(_ profile: ProfileID, principal: Principal, except current: CaseID, texts: [String: String]) async throws -> [String: Any] {
        let record = try await records.record(profile, for: principal)
        let history = try await records.history(of: profile, for: principal, orders: 5, responses: 5)
        let earlier = try await cases.cases(of: profile, for: principal, after: nil, limit: PageSize(10)).items.filter { $0.id != current }
        let traits = record.profile.traits
        let email = Self.email(of: record.profile) ?? ""
        let name = Self.name(of: record.profile)
        return [
            "id": profile.rawValue, "name": name ?? (texts["customer_anonymous"] ?? ""), "email": email,
            "tier": traits["tier"]?.value.stringValue.flatMap { $0.isEmpty ? nil : $0 } as Any,
            "consent": record.consent.map { standing -> [String: Any] in
                ["purpose": texts["purpose_\(standing.purpose.purpose.rawValue)"] ?? standing.purpose.purpose.rawValue, "consented": standing.hasConsented]
            },
            "showCommerce": principal.can(.commerceRead),
            "orders": history.orders.map { order -> [String: Any] in
                ["id": order.id.rawValue, "reference": order.reference, "placed": displayDate(order.placedAt),
                 "status": Self.label(texts, "order_status", order.status.rawValue), "total": order.total.description]
            },
            "shipments": history.shipments.map { shipment -> [String: Any] in
                ["carrier": shipment.carrier, "status": Self.label(texts, "shipment_status", shipment.status.rawValue), "updated": displayDate(shipment.updatedAt),
                 "late": shipment.isLate(at: cases.clock.now())]
            },
            "cases": earlier.map { other -> [String: Any] in
                ["id": other.id.rawValue, "number": other.number, "subject": other.subject, "status": Self.label(texts, "case_status", other.status.rawValue),
                 "created": displayDate(other.createdAt)]
            },
            "showFeedback": principal.can(.feedbackRead),
            "responses": history.responses.map { response -> [String: Any] in
                let scores = response.answers.sorted { $0.key < $1.key }.compactMap { id, answer -> String? in
                    if case .number(let value) = answer { return "\(id.uppercased()) \(value)" }
                    return nil
                }
                let comment = response.answers.values.compactMap { answer -> String? in if case .text(let text) = answer { return text } else { return nil } }.first ?? ""
                return ["survey": history.surveyNames[response.surveyID] ?? "", "scores": scores.joined(separator: " · "), "comment": comment,
                        "when": displayDate(response.completedAt ?? response.updatedAt)]
            },
        ]
    }

    static func email(of profile: Profile) -> String? {
        profile.identifiers.first { $0.kind == .email }?.value ?? profile.traits["email"]?.value.stringValue
    }

    /// The customer as a reply addresses them: their name, else their email address.
    static func name(of profile: Profile) -> String? {
        let name = profile.traits["name"]?.value.stringValue ?? email(of: profile)
        return name?.isEmpty == false ? name : nil
    }

    @Sendable func changeCase(_ request: Request, context: CairnRequestContext) async throws -> Response {
        let (principal, _) = try context.requireUser()
        try principal.require(.serviceWork)
        let id = try context.parameters.id(as: CaseID.self, kind: "case")
        let form = try await request.form()
        var change = Cases.CaseChange()
        if let status = form["status"], !status.isEmpty { change.status = .set(status) }
        if let priority = form["priority"], !priority.isEmpty { change.priority = .set(priority) }
        if let assignee = form["assigneeId"] { change.assigneeID = .set(assignee.isEmpty ? nil : assignee) }
        if let team = form["teamId"] { change.teamID = .set(team.isEmpty ? nil : team) }
        if let tags = form["tags"] { change.tags = .set(tags.split(separator: ",").map { String($0) }.filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }) }
        do {
            _ = try await cases.change(id, change, by: principal)
            return WebRenderer.redirect(to: "/service/cases/\(id)?done=saved")
        } catch let error as ValidationError {
            return try await casePage(id, request: request, context: context, errors: fieldErrors(error, texts: renderer.catalogue, language: context.language), status: .badRequest)
        }
    }

    @Sendable func reply(_ request: Request, context: CairnRequestContext) async throws -> Response {
        let (principal, _) = try context.requireUser()
        try principal.require(.serviceWork)
        let id = try context.parameters.id(as: CaseID.self, kind: "case")
        let form = try await request.form()
        do {
            var body = form["body"]
            // Without the page's script, a chosen canned reply is sent as it is when the box is left empty.
            if (body ?? "").trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, let chosen = form["canned"].flatMap({ CannedReplyID($0) }),
               let reply = try await setup.cannedReplies(for: principal).first(where: { $0.id == chosen }) {
                let thread = try await cases.thread(id, for: principal)
                var name: String?
                if let profile = thread.case.profileID, principal.can(.customersRead) {
                    name = Self.name(of: try await records.record(profile, for: principal).profile)
                }
                body = reply.text(for: thread.case.language, name: name, number: thread.case.number)
            }
            _ = try await cases.reply(to: id, body: body, note: form["internal"] == "1", by: principal)
            if let status = form["then"], !status.isEmpty {
                var change = Cases.CaseChange()
                change.status = .set(status)
                _ = try await cases.change(id, change, by: principal)
            }
            return WebRenderer.redirect(to: "/service/cases/\(id)?done=sent#reply")
        } catch let error as ValidationError {
            return try await casePage(id, request: request, context: context, errors: fieldErrors(error, texts: renderer.catalogue, language: context.language), status: .badRequest)
        }
    }

    /// Merges this case into the case with the number (or id) given.
    @Sendable func merge(_ request: Request, context: CairnRequestContext) async throws -> Response {
        let (principal, _) = try context.requireUser()
        try principal.require(.serviceWork)
        let id = try context.parameters.id(as: CaseID.self, kind: "case")
        let form = try await request.form()
        do {
            let text = (form["into"] ?? "").trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "#"))
            var target: CaseID?
            if let number = Int64(text) { target = try await cases.caseID(number: number, for: principal) } else { target = CaseID(text.lowercased()) }
            guard let target else {
                throw ValidationError(field: "into", issue: .unknownValue(allowed: []), hint: "Give the number of the case to merge this one into, e.g. 42.")
            }
            let merged = try await cases.merge(id, into: target, by: principal)
            return WebRenderer.redirect(to: "/service/cases/\(merged.case.id)?done=merged")
        } catch let error as ValidationError {
            return try await casePage(id, request: request, context: context, errors: fieldErrors(error, texts: renderer.catalogue, language: context.language), status: .badRequest)
        }
    }

    /// The latest offers decided for the customer (on any surface) with why each was shown.
    func offerValues(_ profile: ProfileID, principal: Principal, texts: [String: String]) async throws -> [String: Any] {
        guard let decision = try await offers.decisions(of: profile, by: principal, limit: 1).first else { return ["none": true] }
        func fill(_ key: String, _ name: String, _ value: String) -> String { (texts[key] ?? key).replacingOccurrences(of: "{\(name)}", with: value) }
        return [
            "none": false,
            "when": displayDate(decision.decidedAt),
            "surface": texts["offer_surface_\(decision.surface.rawValue)"] ?? decision.surface.rawValue,
            "personalised": decision.personalised,
            "consent": texts["offer_consent_\(decision.consent)"] ?? decision.consent,
            "items": decision.items.map { item -> [String: Any] in
                let why: String = switch item.basis {
                case OfferBasis.boughtTogether.rawValue: fill("offer_basis_bought_together", "items", item.because.joined(separator: ", "))
                default: texts["offer_basis_\(item.basis)"] ?? item.basis
                }
                return ["name": item.name, "sku": item.sku, "price": item.price?.description ?? "", "why": why]
            },
            "store": decision.store.map { store -> String in
                fill("offer_store", "store", store.name + (store.kilometres.map { String(format: " · %.1f km", $0) } ?? ""))
            } ?? "",
        ]
    }

    /// Decides offers for the case's customer now (as the agent), then shows them on the case.
    @Sendable func suggestOffers(_ request: Request, context: CairnRequestContext) async throws -> Response {
        let (principal, _) = try context.requireUser()
        try principal.require(.serviceWork)
        let id = try context.parameters.id(as: CaseID.self, kind: "case")
        _ = try await request.form()
        let thread = try await cases.thread(id, for: principal)
        guard let profile = thread.case.profileID else {
            throw Problem(slug: "no-customer", title: "No customer", status: .conflict, detail: "This case has no customer to suggest offers for.")
        }
        _ = try await offers.decide(Offers.Request(profile: profile, k: 3, surface: .agent), by: principal)
        return WebRenderer.redirect(to: "/service/cases/\(id)#case-offers")
    }

    // MARK: Insights

    func insightsReport(_ request: Request, principal: Principal) async throws -> ServiceReport.Report {
        var issues = ValidationCollector()
        let by = request.queryChoice("by", as: ServiceReport.Dimension.self, hint: "Use channel, topic, product, team, agent or priority.", collecting: &issues) ?? .channel
        let window = request.reportWindow(defaultDays: 30, now: report.clock.now(), collecting: &issues)
        try issues.throwIfAny()
        return try await report.report(by: by, from: window.from, until: window.until, for: principal)
    }

    /// Service figures by channel, topic, product, team, agent or priority, the daily volume as a chart, and a CSV.
    @Sendable func insights(_ request: Request, context: CairnRequestContext) async throws -> Response {
        let (principal, _) = try context.requireUser()
        try principal.require(.serviceRead)
        let texts = renderer.catalogue.texts(for: context.language)
        let result = try await insightsReport(request, principal: principal)
        func minutes(_ value: Double?) -> String { value.map { String(format: "%.0f min", $0) } ?? "—" }
        func hours(_ value: Double?) -> String { value.map { String(format: "%.1f h", $0) } ?? "—" }
        func share(_ value: Proportion) -> String {
            guard let percent = value.percent, let interval = value.interval else { return "—" }
            return String(format: "%.0f %% (%.0f–%.0f)", percent, interval.lower, interval.upper)
        }
        func label(_ row: ServiceReport.Row) -> String {
            switch result.by {
            case "channel": row.key.map { Self.label(texts, "case_channel", $0) } ?? "—"
            case "priority": row.key.map { Self.label(texts, "case_priority", $0) } ?? "—"
            case "topic": row.key.map { texts["topic_\($0)"] ?? $0 } ?? (texts["service_no_topic"] ?? "—")
            default: row.label
            }
        }
        func values(_ row: ServiceReport.Row, name: String) -> [String: Any] {
            ["key": row.key ?? "", "label": name, "cases": row.cases, "backlog": row.backlog, "frt": minutes(row.firstResponseMinutes), "solved": row.solved,
             "resolution": hours(row.resolutionHours), "sla": share(row.slaAttainment), "fcr": share(row.firstContactResolution), "reopen": share(row.reopenRate),
             "csat": share(row.csatAfterContact), "ces": row.cesAfterContact.map { String(format: "%.1f (n=%d)", $0, row.cesAnswers) } ?? "—",
             "cost": row.cost.map { "\($0.decimalText) \($0.currency.code)" } ?? "—", "small": row.slaAttainment.warning != nil]
        }
        let chart = SVGChart(kind: .bar, title: texts["service_chart_title"] ?? "", summary: texts["service_chart_summary"] ?? "",
                             xAxisLabel: texts["service_chart_x"] ?? "", yAxisLabel: texts["service_chart_y"] ?? "",
                             points: Self.everyDay(result), idPrefix: "service", wholeNumbers: true)
        var csv = URLComponents()
        csv.path = "/service/insights.csv"
        csv.queryItems = request.uri.queryParameters.map { URLQueryItem(name: String($0.key), value: String($0.value)) }.sorted { $0.name < $1.name }
        return try renderer.page("service_insights", titleKey: "service_insights", section: "service", context: context, values: [
            "serviceNav": try await Self.serviceNav("insights", cases: cases, principal: principal, texts: texts),
            "dimensions": ServiceReport.Dimension.allCases.map { ["value": $0.rawValue, "label": Self.label(texts, "service_by", $0.rawValue), "selected": $0.rawValue == result.by] },
            "from": UnitsSoldQuery.dayText(result.from), "until": UnitsSoldQuery.dayText(result.until),
            "rows": result.rows.map { values($0, name: label($0)) },
            "hasRows": !result.rows.isEmpty,
            "total": values(result.total, name: texts["service_total"] ?? "Total"),
            "chart": chart.render(),
            "csvLink": csv.string ?? "/service/insights.csv",
            "hasChats": result.chat.chats > 0,
            "chats": result.chat.chats,
            "containment": share(result.chat.containment),
            "handovers": result.chat.handovers.sorted { ($1.value, $0.key) < ($0.value, $1.key) }.map { ["reason": texts["handover_\($0.key)"] ?? $0.key, "count": $0.value] },
        ])
    }

    @Sendable func insightsCSV(_ request: Request, context: CairnRequestContext) async throws -> Response {
        let (principal, _) = try context.requireUser()
        try principal.require(.serviceRead)
        let result = try await insightsReport(request, principal: principal)
        return Response(status: .ok, headers: [.contentType: "text/csv; charset=utf-8", .contentDisposition: "attachment; filename=\"service-\(result.by).csv\""],
                        body: .init(byteBuffer: ByteBuffer(string: ServiceReport.csv(result))))
    }
}

extension ServicePages {
    /// The service sections: queues, insights, my notifications (with the unread count), and setup for those who may
    /// change it.
    static func serviceNav(_ current: String, cases: Cases, principal: Principal, texts: [String: String]) async throws -> [[String: Any]] {
        var items: [[String: Any]] = [
            ["id": "queues", "href": "/service", "label": texts["service_queues"] ?? "Queues"],
            ["id": "insights", "href": "/service/insights", "label": texts["service_insights"] ?? "Insights"],
        ]
        if principal.userID != nil {
            let unread = try await cases.unreadNotifications(for: principal)
            var item: [String: Any] = ["id": "notifications", "href": "/service/notifications", "label": texts["service_notifications"] ?? "Notifications"]
            if unread > 0 { item["count"] = unread }
            items.append(item)
        }
        items.append(["id": "setup", "href": "/service/setup", "label": texts["service_setup"] ?? "Setup"])
        return items.map { item in item.merging(["current": item["id"] as? String == current]) { a, _ in a } }
    }

    /// The signed-in agent's notifications: deadlines of their cases about to pass or passed.
    @Sendable func notificationsPage(_ request: Request, context: CairnRequestContext) async throws -> Response {
        let (principal, _) = try context.requireUser()
        try principal.require(.serviceRead)
        let texts = renderer.catalogue.texts(for: context.language)
        let found = try await cases.notifications(for: principal)
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm 'UTC'"
        return try renderer.page("service_notifications", titleKey: "service_notifications", section: "service", context: context, values: [
            "serviceNav": try await Self.serviceNav("notifications", cases: cases, principal: principal, texts: texts),
            "hasNotifications": !found.items.isEmpty,
            "anyUnread": found.unread > 0,
            "notifications": found.items.map { item -> [String: Any] in
                ["kind": item.kind.rawValue, "unread": item.readAt == nil, "what": texts["notification_\(item.kind.rawValue)"] ?? item.kind.rawValue,
                 "caseId": item.caseID.rawValue, "number": item.caseNumber, "subject": item.subject, "due": formatter.string(from: item.dueAt),
                 "at": formatter.string(from: item.at)]
            },
            "flash": request.uri.queryParameters["done"].flatMap { texts["flash_\($0)"] } as Any,
        ])
    }

    @Sendable func markNotificationsRead(_ request: Request, context: CairnRequestContext) async throws -> Response {
        let (principal, _) = try context.requireUser()
        try await cases.markNotificationsRead(for: principal)
        return WebRenderer.redirect(to: "/service/notifications?done=notifications_read")
    }

    /// Cases opened each day of the report's window, a day without any drawn as zero (so one busy day does not fill
    /// the chart as if it were the whole period).
    static func everyDay(_ report: ServiceReport.Report) -> [SVGChart.Point] {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "MM-dd"
        var counted: [Int64: Int] = [:]
        for day in report.days { counted[day.day.utcDay, default: 0] += day.cases }
        let span = Date.utcDays(from: report.from, until: report.until)
        guard span.until > span.from, span.until - span.from <= 400 else {
            return report.days.map { .init(label: formatter.string(from: $0.day), value: Double($0.cases)) }
        }
        return (span.from..<span.until).map { .init(label: formatter.string(from: Date(utcDay: $0)), value: Double(counted[$0] ?? 0)) }
    }
}
