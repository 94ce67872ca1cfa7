import CairnCore
import CairnEngine
import Foundation
import Hummingbird
import NIOCore

/// Customers: the list with a search by any identifier, and the customer 360 page.
struct CustomerPages {
    let renderer: WebRenderer
    let records: CustomerRecords
    let ledger: ConsentLedger
    let erasure: Erasure
    let administration: Administration
    let values: CustomerValues
    let segments: Segments
    let personas: Personas

    func addRoutes(to router: Router<CairnRequestContext>) {
        router.get("customers", use: list)
        router.post("customers/export", use: exportList)
        router.get("customers/{id}", use: customer)
        router.post("customers/{id}/consent", use: recordConsent)
        router.post("customers/{id}/export", use: export)
        router.post("customers/{id}/erase", use: erase)
        router.get("live", use: live)
    }

    /// A customer's name as lists show it: their name, else their email or user id.
    static func displayName(_ profile: Profile, texts: [String: String]) -> String {
        let email = profile.identifiers.first { $0.kind == .email }?.value ?? profile.traits["email"]?.value.stringValue
        let name = profile.traits["name"]?.value.stringValue
            ?? [profile.traits["firstName"]?.value.stringValue, profile.traits["lastName"]?.value.stringValue].compactMap { $0 }.joined(separator: " ")
        return name.isEmpty ? (email ?? profile.identifiers.first { $0.kind == .userID }?.value ?? texts["customer_anonymous"] ?? "") : name
    }

    private func summary(_ profile: Profile, texts: [String: String]) -> [String: Any] {
        let email = profile.identifiers.first { $0.kind == .email }?.value ?? profile.traits["email"]?.value.stringValue
        let name = profile.traits["name"]?.value.stringValue
            ?? [profile.traits["firstName"]?.value.stringValue, profile.traits["lastName"]?.value.stringValue].compactMap { $0 }.joined(separator: " ")
        let userID = profile.identifiers.first { $0.kind == .userID }?.value
        return [
            "id": profile.id.rawValue,
            "name": name.isEmpty ? (email ?? userID ?? texts["customer_anonymous"] ?? "") : name,
            "email": email ?? "", "userID": userID ?? "",
            "lastSeen": displayDate(profile.lastSeenAt),
            "channels": profile.channels.map { texts["channel_\($0.rawValue)"] ?? $0.rawValue }.joined(separator: ", "),
        ]
    }

    @Sendable func list(_ request: Request, context: CairnRequestContext) async throws -> Response {
        let (principal, _) = try context.requireUser()
        try principal.require(.customersRead)
        let texts = renderer.catalogue.texts(for: context.language)
        let query = request.uri.queryParameters["q"].map { String($0).trimmingCharacters(in: .whitespaces) } ?? ""
        // Part of a name, an email, a user id or any trait; a phone number in any spelling; a profile id.
        var search = query
        if let phone = Identifier.normalised(kind: .phone, query), query.contains(where: \.isNumber), query.count >= 8 { search = phone.value }
        let (cursor, limit) = try request.pagination()
        let tierText = request.uri.queryParameters["tier"].map(String.init) ?? ""
        let tier = tierText.isEmpty ? nil : try ValueTier.validate(tierText)
        let allSegments = try await segments.list(for: principal)
        let segmentText = request.uri.queryParameters["segment"].map(String.init) ?? ""
        var segment: SegmentID?
        if !segmentText.isEmpty {
            guard let id = SegmentID(segmentText), allSegments.contains(where: { $0.id == id }) else {
                throw ValidationError(field: "segment", issue: .invalid, hint: "Choose one of the workspace's segments.")
            }
            segment = id
        }
        let personaText = request.uri.queryParameters["persona"].map(String.init) ?? ""
        var filter = ProfileFilter(search: search.isEmpty ? nil : search, valueTier: tier, segment: segment)
        filter.persona = personaText.isEmpty ? nil : String(personaText.prefix(200))
        let page = try await records.profiles(for: principal, matching: filter, after: cursor, limit: limit)
        var next: String?
        if let cursor = page.nextCursor {
            var components = URLComponents()
            components.path = "/customers"
            var items: [URLQueryItem] = query.isEmpty ? [] : [URLQueryItem(name: "q", value: query)]
            if let tier { items.append(URLQueryItem(name: "tier", value: tier.rawValue)) }
            if let segment { items.append(URLQueryItem(name: "segment", value: segment.rawValue)) }
            if let persona = filter.persona { items.append(URLQueryItem(name: "persona", value: persona)) }
            items.append(URLQueryItem(name: "cursor", value: cursor))
            components.queryItems = items
            next = components.string
        }
        let profiles = page.items
        let scored = try await values.values(of: profiles.map(\.id), for: principal)
        return try renderer.page("customers", titleKey: "nav_customers", section: "customers", context: context, values: [
            "query": query,
            "showValue": principal.can(.commerceRead),
            "canExport": principal.can(.dataExport),
            "tierOptions": ValueTier.allCases.map { ["value": $0.rawValue, "label": texts["value_tier_\($0.rawValue)"] ?? $0.rawValue, "selected": $0 == tier] },
            "tier": tier?.rawValue ?? "",
            "segment": segment?.rawValue ?? "",
            "segmentOptions": allSegments.map { ["value": $0.id.rawValue, "label": $0.name, "selected": $0.id == segment] },
            "hasSegmentOptions": !allSegments.isEmpty,
            "customersNav": SegmentPages.nav("all", texts: texts),
            "customers": profiles.map { profile -> [String: Any] in
                var values = summary(profile, texts: texts)
                if let score = scored[profile.id] {
                    values["value"] = score.value.description
                    values["tier"] = score.tier.rawValue
                    values["tierLabel"] = texts["value_tier_\(score.tier.rawValue)"] ?? score.tier.rawValue
                }
                return values
            },
            "searched": !query.isEmpty || tier != nil || segment != nil || filter.persona != nil,
            "hasCustomers": !profiles.isEmpty,
            "nextLink": next as Any,
        ])
    }

    @Sendable func recordConsent(_ request: Request, context: CairnRequestContext) async throws -> Response {
        let (principal, _) = try context.requireUser()
        try principal.require(.customersWrite)
        let id = try context.parameters.id(as: ProfileID.self, kind: "profile")
        let form = try await request.form()
        do {
            let purpose = try ConsentPurpose.validate(form["purpose"] ?? "")
            guard let status = ConsentRecord.Status(rawValue: form["status"] ?? "") else {
                throw ValidationError(field: "status", issue: .unknownValue(allowed: ConsentRecord.Status.allCases.map(\.rawValue)), hint: "Choose granted, denied or withdrawn.")
            }
            _ = try await ledger.record(status, purpose: purpose, for: id, legalBasis: form["legalBasis"], by: principal, origin: context.origin)
            return WebRenderer.redirect(to: "/customers/\(id)?done=saved")
        } catch let error as ValidationError {
            return try await page(id, request: request, context: context, errors: fieldErrors(error, texts: renderer.catalogue, language: context.language), status: .badRequest)
        }
    }

    /// The list's customers (of the chosen tier) as CSV with their value figures: a POST with the CSRF token, because
    /// handing out people's data is audited.
    @Sendable func exportList(_ request: Request, context: CairnRequestContext) async throws -> Response {
        let (principal, _) = try context.requireUser()
        try principal.require(.dataExport)
        let form = try await request.form()
        let tierText = form["tier"] ?? ""
        let tier = tierText.isEmpty ? nil : try ValueTier.validate(tierText)
        let segmentText = form["segment"] ?? ""
        var segment: SegmentID?
        if !segmentText.isEmpty {
            guard let id = SegmentID(segmentText) else { throw ValidationError(field: "segment", issue: .invalid, hint: "Choose one of the workspace's segments.") }
            segment = try await segments.segment(id, for: principal).id
        }
        var lines: [String] = []
        _ = try await records.exportProfiles(format: .csv, matching: ProfileFilter(valueTier: tier, segment: segment), for: principal, origin: context.origin) { lines.append($0) }
        return Response(status: .ok, headers: [.contentType: "text/csv; charset=utf-8", .contentDisposition: "attachment; filename=\"customers.csv\""],
                        body: .init(byteBuffer: ByteBuffer(string: lines.joined(separator: "\n") + "\n")))
    }

    /// A POST with the CSRF token, because handing out a person's data is audited.
    @Sendable func export(_ request: Request, context: CairnRequestContext) async throws -> Response {
        let (principal, _) = try context.requireUser()
        let id = try context.parameters.id(as: ProfileID.self, kind: "profile")
        let data = try await records.export(id, for: principal, origin: context.origin)
        return .jsonDownload(data, filename: "customer-\(id).json")
    }

    /// Erasure needs the word ERASE typed into the form, so it is never one careless click.
    @Sendable func erase(_ request: Request, context: CairnRequestContext) async throws -> Response {
        let (principal, _) = try context.requireUser()
        try principal.require(.dataErase)
        let id = try context.parameters.id(as: ProfileID.self, kind: "profile")
        let form = try await request.form()
        guard form["confirm"] == "ERASE" else {
            return try await page(id, request: request, context: context, errors: fieldErrors(
                ValidationError(field: "confirm", issue: .invalid, hint: "Type ERASE to confirm."), texts: renderer.catalogue, language: context.language), status: .badRequest)
        }
        try await erasure.erase(id, by: principal, origin: context.origin)
        return WebRenderer.redirect(to: "/customers/\(id)?done=erased")
    }

    /// The live stream of events; the page's script subscribes to `/api/v1/events/stream`.
    @Sendable func live(_ request: Request, context: CairnRequestContext) async throws -> Response {
        let (principal, _) = try context.requireUser()
        try principal.require(.customersRead)
        let texts = renderer.catalogue.texts(for: context.language)
        let type = request.uri.queryParameters["type"].map(String.init)
        let channel = request.uri.queryParameters["channel"].map(String.init)
        return try renderer.page("live", titleKey: "live_title", section: "live", context: context, values: [
            "types": TrackingMessage.Kind.allCases.map { ["value": $0.rawValue, "selected": $0.rawValue == type] },
            "channels": CairnCore.Channel.builtIn.map { ["value": $0.rawValue, "label": texts["channel_\($0.rawValue)"] ?? $0.rawValue, "selected": $0.rawValue == channel] },
        ])
    }

    @Sendable func customer(_ request: Request, context: CairnRequestContext) async throws -> Response {
        try await page(try context.parameters.id(as: ProfileID.self, kind: "profile"), request: request, context: context)
    }

    private func page(_ id: ProfileID, request: Request, context: CairnRequestContext, errors: [String: Any]? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        let (principal, _) = try context.requireUser()
        try principal.require(.customersRead)
        let record = try await records.record(id, for: principal)
        if record.mergedInto != nil { return WebRenderer.redirect(to: "/customers/\(record.profile.id)") }
        let texts = renderer.catalogue.texts(for: context.language)
        let timeline = try await records.timeline(of: record.profile.id, for: principal, after: nil, limit: PageSize(100))
        let profile = record.profile
        let erased = profile.identifiers.isEmpty
        let standings = record.consent, history = erased ? [] : record.consentHistory
        let actors = try await administration.actorNames(Set(history.compactMap(\.recordedBy)), for: principal)
        // The customer's latest orders, parcels and survey responses, as far as the principal may see them.
        let activity = try await records.history(of: profile.id, for: principal)
        let value = principal.can(.commerceRead) ? try await values.value(of: profile.id, for: principal) : nil
        let recentOrders = activity.orders
        func purposeName(_ purpose: ConsentPurpose) -> String { texts["purpose_\(purpose.rawValue)"] ?? purpose.rawValue }
        // The customer's story: events, and what happened to their latest orders (every status change, payment,
        // refund and parcel update), newest first.
        struct Entry { var at: Date; var values: [String: Any] }
        var story = timeline.items.map { event in
            Entry(at: event.timestamp, values: ["when": displayDate(event.timestamp), "kind": "event",
                                                "label": event.name.flatMap { $0.isEmpty ? nil : $0 } ?? (texts["event_kind_\(event.kind.rawValue)"] ?? event.kind.rawValue),
                                                "channel": texts["channel_\(event.channel.rawValue)"] ?? event.channel.rawValue])
        }
        let references = Dictionary(uniqueKeysWithValues: recentOrders.map { ($0.id, $0.reference) })
        func entry(_ at: Date, _ kind: String, _ label: String, order: OrderID) -> Entry {
            Entry(at: at, values: ["when": displayDate(at), "kind": kind, "label": label, "orderID": order.rawValue,
                                   "channel": (texts["commerce_order"] ?? "") + " " + (references[order] ?? "")])
        }
        for order in recentOrders {
            story += order.changes.map { entry($0.at, "order", texts["order_status_\($0.status.rawValue)"] ?? $0.status.rawValue, order: order.id) }
            story += order.transactions.filter { $0.status == .succeeded }.map {
                entry($0.at, "payment", "\(texts["transaction_\($0.kind.rawValue)"] ?? $0.kind.rawValue) \($0.amount)", order: order.id)
            }
        }
        for shipment in activity.shipments {
            story += shipment.updates.map {
                entry($0.at, "delivery", "\(texts["shipment_status_\($0.status.rawValue)"] ?? $0.status.rawValue) · \(shipment.carrier)", order: shipment.orderID)
            }
        }
        // Their survey responses.
        do {
            let names = activity.surveyNames
            for response in activity.responses {
                let scores = response.answers.sorted { $0.key < $1.key }.compactMap { id, answer -> String? in
                    if case .number(let value) = answer { return "\(id.uppercased()) \(value)" }
                    return nil
                }
                let state = response.complete ? "" : " · " + (texts["feedback_partial"] ?? "partial")
                story.append(Entry(at: response.completedAt ?? response.updatedAt, values: [
                    "when": displayDate(response.completedAt ?? response.updatedAt), "kind": "feedback",
                    "label": ([names[response.surveyID] ?? ""] + scores).joined(separator: " · ") + state, "channel": texts["feedback_response"] ?? "",
                ]))
            }
        }
        // Their entries into and exits from segments.
        let memberships = try await segments.memberships(of: profile.id, for: principal)
        let persona = try await personas.persona(of: profile.id, for: principal)
        for change in memberships.changes {
            story.append(Entry(at: change.at, values: [
                "when": displayDate(change.at), "kind": "segment", "segmentID": change.segmentID.rawValue,
                "label": (texts["segment_change_\(change.kind.rawValue)"] ?? change.kind.rawValue) + " · " + change.segmentName,
                "channel": texts["segments_title"] ?? "",
            ]))
        }
        story.sort { $0.at > $1.at }
        return try renderer.page("customer", titleKey: "customer_title", section: "customers", context: context, values: [
            "consent": standings.map { standing -> [String: Any] in
                ["purpose": purposeName(standing.purpose.purpose), "value": standing.purpose.purpose.rawValue,
                 "consented": standing.hasConsented,
                 "basis": standing.latest.map { texts["consent_\($0.status.rawValue)"] ?? $0.status.rawValue } ?? (texts["consent_mode_\(standing.purpose.mode.rawValue)"] ?? ""),
                 "since": standing.latest.map { displayDate($0.recordedAt) } ?? ""]
            },
            "consentHistory": history.reversed().map { entry -> [String: Any] in
                let from: String
                if let channel = entry.channel { from = texts["channel_\(channel.rawValue)"] ?? channel.rawValue }
                else if let actor = entry.recordedBy { from = actorText(actor, actors, texts: texts) }
                else { from = "" }
                let status: String = texts["consent_\(entry.status.rawValue)"] ?? entry.status.rawValue
                return ["when": displayDate(entry.recordedAt), "purpose": purposeName(entry.purpose), "status": status, "from": from, "basis": entry.legalBasis ?? ""]
            },
            "hasConsentHistory": !history.isEmpty,
            "canRecordConsent": principal.can(.customersWrite),
            "canExport": principal.can(.dataExport) && !erased,
            "canErase": principal.can(.dataErase) && !erased,
            "erased": erased,
            "purposeOptions": standings.map { ["value": $0.purpose.purpose.rawValue, "label": purposeName($0.purpose.purpose)] },
            "flash": request.uri.queryParameters["done"].flatMap { texts["flash_\($0)"] } as Any,
            "errors": errors as Any,
            "customer": summary(profile, texts: texts),
            "firstSeen": displayDate(profile.firstSeenAt),
            "identifiers": profile.identifiers.map { ["kind": texts["identifier_\($0.kind.rawValue)"] ?? $0.kind.rawValue, "value": $0.value] },
            "traits": profile.traits.sorted { $0.key < $1.key }.map { name, trait -> [String: Any] in
                let value: String = trait.value.stringValue ?? trait.value.jsonText()
                return ["name": name, "value": value,
                        "channel": texts["channel_\(trait.channel.rawValue)"] ?? trait.channel.rawValue,
                        "observed": displayDate(trait.observedAt)]
            },
            "eventCount": record.eventCount,
            "showCommerce": principal.can(.commerceRead),
            "spend": record.commerce.spend.map { spend -> [String: Any] in
                ["currency": spend.currency.code, "orders": spend.orders, "gross": spend.gross.description, "net": spend.net.description,
                 "average": spend.averageOrderValue.description]
            },
            "hasOrders": !recentOrders.isEmpty,
            "value": value.map { score -> [String: Any] in
                ["value": score.value.description, "lower": score.lower.description, "upper": score.upper.description,
                 "tier": score.tier.rawValue, "tierLabel": texts["value_tier_\(score.tier.rawValue)"] ?? score.tier.rawValue,
                 "alive": String(format: "%.0f", score.probabilityAlive * 100), "expected90": String(format: "%.2f", score.expected90),
                 "expected365": String(format: "%.2f", score.expected365), "meanSpend": score.meanSpend.description,
                 "hasChurn": score.churnRisk != nil, "churnRisk": score.churnRisk.map { String(format: "%.0f", $0 * 100) } ?? "",
                 "churnReasons": score.churnReasons.map { texts["churn_reason_\($0)"] ?? $0 },
                 "hasChurnReasons": !score.churnReasons.isEmpty,
                 "computed": displayDate(score.computedAt)]
            } as Any,
            "orders": recentOrders.map { order -> [String: Any] in
                ["reference": order.reference, "placed": displayDate(order.placedAt), "status": order.status.rawValue,
                 "statusLabel": texts["order_status_\(order.status.rawValue)"] ?? order.status.rawValue, "total": order.total.description]
            },
            "hasMerges": !record.merges.isEmpty,
            "merges": record.merges.map { merge -> [String: Any] in
                ["when": displayDate(merge.at), "identifier": merge.identifier.description,
                 "other": (merge.survivorID == profile.id ? merge.mergedID : merge.survivorID).rawValue,
                 "refused": merge.refusal != nil, "reason": merge.refusal ?? ""]
            },
            "events": story.prefix(100).map { $0.values },
            "segments": memberships.current.map { ["id": $0.segment.id.rawValue, "name": $0.segment.name, "since": displayDate($0.enteredAt)] },
            "hasSegments": !memberships.current.isEmpty,
            "persona": persona.map { ["key": $0.key, "name": InsightsPages.personaName($0, texts: texts)] } as Any,
        ], status: status)
    }
}
