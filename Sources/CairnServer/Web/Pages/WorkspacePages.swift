import CairnAnalytics
import CairnCore
import CairnEngine
import Foundation
import HTTPTypes
import Hummingbird

/// The overview and the capability areas' pages.
struct WorkspacePages {
    let renderer: WebRenderer
    let administration: Administration
    let firstRun: FirstRun
    let spikes: ServiceSpikes
    let results: SurveyResults
    let cases: Cases
    let deliveries: Deliveries
    let underperformance: Underperformance
    let morning: MorningFigures
    let active: ActivePeople
    /// Where tracking clients reach this server (the snippets of the guided start).
    let linkBase: String

    /// Capability areas that later releases fill; each page already exists and is permission-checked.
    static let capabilities: [(section: String, permission: Permission)] = []
    /// The areas the overview links to, those with pages of their own first.
    static let areas: [(section: String, permission: Permission)] = [("customers", .customersRead), ("commerce", .commerceRead), ("feedback", .feedbackRead), ("service", .serviceRead),
                                                                      ("journeys", .journeysRead), ("insights", .insightsRead)]
        + capabilities

    func addRoutes(to router: Router<CairnRequestContext>) {
        router.get("/", use: overview)
        router.get("start", use: startPage)
        router.post("start/source", use: startSource)
        for capability in Self.capabilities {
            router.get(RouterPath(capability.section)) { request, context in
                try await area(capability.section, permission: capability.permission, context: context)
            }
        }
    }

    @Sendable func overview(_ request: Request, context: CairnRequestContext) async throws -> Response {
        if context.identity?.user == nil, try await firstRun.isOpen() { return WebRenderer.redirect(to: "/setup") }
        return try await overview(context: context)
    }

    /// The guided start's first step: a source and its write key, shown once with what to paste and a test event.
    @Sendable func startSource(_ request: Request, context: CairnRequestContext) async throws -> Response {
        let (principal, _) = try context.requireUser()
        let form = try await request.form()
        do {
            let channel = try CairnCore.Channel.validate(form["defaultChannel"] ?? "", field: "defaultChannel")
            let source = try await administration.createSource(name: form["name"] ?? "", defaultChannel: channel, rateLimit: nil, by: principal, origin: context.origin)
            let key = try await administration.createKey(kind: .write, name: source.name, role: nil, source: source.id, by: principal, origin: context.origin)
            let curl = "curl -u \(key.token): -H 'Content-Type: application/json' -d '{\"userId\":\"first-customer\",\"event\":\"Product Viewed\",\"properties\":{\"sku\":\"SKU-1\"}}' \(linkBase)/v1/track"
            let started: [String: Any] = [
                "token": key.token, "source": source.name, "curl": curl, "host": linkBase,
                "widget": "<script src=\"\(linkBase)/static/widget.js\" data-write-key=\"\(key.token)\" data-user-id=\"…\" async></script>",
            ]
            return form["page"] == "start" ? try await start(context: context, started: started) : try await overview(context: context, started: started)
        } catch let error as ValidationError {
            let errors = fieldErrors(error, texts: renderer.catalogue, language: context.language)
            return form["page"] == "start" ? try await start(context: context, startErrors: errors, status: .badRequest)
                : try await overview(context: context, startErrors: errors, status: .badRequest)
        }
    }

    /// The guided start on a page of its own, whatever the workspace holds: where every empty page's next step leads.
    @Sendable func startPage(_ request: Request, context: CairnRequestContext) async throws -> Response {
        try await start(context: context)
    }

    func start(context: CairnRequestContext, started: [String: Any]? = nil, startErrors: [String: Any]? = nil,
               status: HTTPResponse.Status = .ok) async throws -> Response {
        let (principal, _) = try context.requireUser()
        let workspace = try await administration.workspace(for: principal)
        let texts = renderer.catalogue.texts(for: context.language)
        return try renderer.page("start", titleKey: "start_title", section: "overview", context: context, values: [
            "standalone": true, "canStart": principal.can(.keysManage), "started": started as Any, "startErrors": startErrors as Any,
            "channelOptions": Self.channelOptions(texts), "workspaceName": workspace.name,
        ], status: status)
    }

    static func channelOptions(_ texts: [String: String]) -> [[String: Any]] {
        ["web", "app", "store", "call_center", "chat", "email", "delivery"].map { ["value": $0, "label": texts["channel_\($0)"] ?? $0] }
    }

    func overview(context: CairnRequestContext, started: [String: Any]? = nil, startErrors: [String: Any]? = nil,
                  status: HTTPResponse.Status = .ok) async throws -> Response {
        let (principal, _) = try context.requireUser()
        let workspace = try await administration.workspace(for: principal)
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "MM-dd"
        let texts = renderer.catalogue.texts(for: context.language)
        // Customers active each day of the last 30 (any event tied to them, on any channel).
        let now = active.clock.now()
        let days = try await active.run(period: "day", from: Date(utcDay: now.utcDay - 29).formatted(.iso8601.year().month().day()),
                                        until: Date(utcDay: now.utcDay + 1).formatted(.iso8601.year().month().day()), for: principal)
        let chart = SVGChart(kind: .bar, title: texts["overview_chart_title"] ?? "", summary: texts["overview_chart_summary"] ?? "",
                             xAxisLabel: texts["overview_chart_x"] ?? "", yAxisLabel: texts["overview_chart_y"] ?? "",
                             points: days.points.map { .init(label: formatter.string(from: $0.start), value: Double($0.people)) }, idPrefix: "activity", wholeNumbers: true)
        let today = try await SpikeText.today(spikes: spikes, principal: principal, texts: texts)
        // The underperformance episodes lasting now, for a role that may read insights: journey health and "needs attention".
        let open = principal.can(.insightsRead) ? try await underperformance.alerts(for: principal, openOnly: true, after: nil, limit: PageSize(100)).items : nil
        let glance = try await tiles(for: principal, openAlerts: open, texts: texts)
        let attention = (open ?? []).prefix(20).map { AlertText.values($0, texts: texts) }
        // An empty workspace (nobody has sent anything yet) starts with the next steps instead of empty figures.
        let noCustomers = principal.can(.customersRead) ? try await morning.customers(for: principal).all == 0 : false
        let isEmpty = started != nil || startErrors != nil || noCustomers
        return try renderer.page("overview", titleKey: "overview_title", section: "overview", context: context, values: [
            "isEmpty": isEmpty, "canStart": principal.can(.keysManage), "started": started as Any, "startErrors": startErrors as Any,
            "channelOptions": Self.channelOptions(texts),
            "workspaceName": workspace.name,
            "tiles": glance,
            "hasTiles": !glance.isEmpty,
            "spikes": today,
            "hasSpikes": !today.isEmpty,
            "attention": attention,
            "hasAttention": !attention.isEmpty,
            "canSeeInsights": principal.can(.insightsRead),
            "chart": chart.render(),
            "areas": Self.areas.filter { principal.can($0.permission) }.map { ["href": "/\($0.section)", "label": texts["nav_\($0.section)"] ?? $0.section, "summary": texts["area_\($0.section)_summary"] ?? ""] },
        ], status: status)
    }

    /// The morning's figures, each linking to its detail, for what the role may see: NPS, CSAT and CES of the last 30
    /// days (with their intervals, and a change only when it holds after the scorecard's adjustment), customers, orders
    /// and revenue beside the 30 days before, open cases and those about to breach, late parcels, and journey health
    /// (how many watched series underperform now).
    func tiles(for principal: Principal, openAlerts: [UnderperformanceAlert]?, texts: [String: String]) async throws -> [[String: Any]] {
        var tiles: [[String: Any]] = []
        let now = spikes.clock.now()
        func arrow(_ change: Change?) -> String {
            guard let change, change.isSignificant else { return "" }
            return " · " + (change.difference > 0 ? "▲ " : "▼ ") + String(format: "%+.0f", change.difference)
        }
        if principal.can(.feedbackRead) {
            let until = Date(utcDay: now.utcDay + 1), from = until.addingTimeInterval(-30 * 86_400)
            let card = try await results.scorecard(for: principal, from: from, until: until)
            if let score = card.combinedNPS.score {
                let detail = (card.combinedNPS.interval.map { String(format: "%.0f–%.0f, n=%d", $0.lower, $0.upper, card.combinedNPS.n) } ?? "n=\(card.combinedNPS.n)")
                    + arrow(card.combinedChange)
                tiles.append(["id": "nps", "href": "/feedback", "label": texts["tile_nps"] ?? "NPS, 30 days", "value": String(format: "%.0f", score), "detail": detail,
                              "split": Self.npsSplit(card.combinedNPS, texts: texts)])
            }
            // CSAT pooled over the customer surveys' CSAT questions (a share pools); the change shown when it is one line's.
            let csatLines = card.lines.filter { $0.current.csat != nil && $0.survey.definition.audience == .customers }
            let csat = Proportion(successes: csatLines.reduce(0) { $0 + ($1.current.csat?.successes ?? 0) }, n: csatLines.reduce(0) { $0 + ($1.current.csat?.n ?? 0) })
            if let percent = csat.percent {
                let detail = (csat.interval.map { String(format: "%.0f–%.0f %%, n=%d", $0.lower, $0.upper, csat.n) } ?? "n=\(csat.n)")
                    + (csatLines.count == 1 ? arrow(csatLines[0].change) : "")
                tiles.append(["id": "csat", "href": "/feedback", "label": texts["tile_csat"] ?? "CSAT, 30 days", "value": String(format: "%.0f %%", percent), "detail": detail])
            }
            // CES of the customer survey with the most answers (a mean with its own spread does not pool as simply).
            if let line = card.lines.filter({ $0.current.ces != nil && $0.survey.definition.audience == .customers }).max(by: { ($0.current.ces?.mean.n ?? 0) < ($1.current.ces?.mean.n ?? 0) }),
               let ces = line.current.ces, let mean = ces.mean.mean {
                let detail = (ces.mean.interval.map { String(format: "%.1f–%.1f, n=%d", $0.lower, $0.upper, ces.mean.n) } ?? "n=\(ces.mean.n)") + arrow(line.change)
                tiles.append(["id": "ces", "href": "/feedback", "label": texts["tile_ces"] ?? "CES, 30 days", "value": String(format: "%.1f", mean), "detail": detail])
            }
        }
        if principal.can(.customersRead) {
            let counts = try await morning.customers(for: principal)
            tiles.append(["id": "customers", "href": "/customers", "label": texts["tile_customers"] ?? "Customers", "value": String(counts.all),
                          "detail": (texts["tile_customers_detail"] ?? "{active} seen, {new} new in 30 days")
                            .replacingOccurrences(of: "{active}", with: String(counts.active)).replacingOccurrences(of: "{new}", with: String(counts.new))])
        }
        if principal.can(.commerceRead) {
            let totals = try await morning.orders(for: principal)
            let revenue = totals.current.revenue.map(\.description).joined(separator: " · ")
            let before = (texts["tile_orders_before"] ?? "{n} in the 30 days before").replacingOccurrences(of: "{n}", with: String(totals.previous.count))
            tiles.append(["id": "orders", "href": "/commerce", "label": texts["tile_orders"] ?? "Orders, 30 days", "value": String(totals.current.count),
                          "detail": revenue.isEmpty ? before : revenue + " · " + before])
        }
        if principal.can(.serviceRead) {
            let counts = try await cases.counts(for: principal)
            tiles.append(["id": "cases", "href": "/service?queue=open", "label": texts["tile_open_cases"] ?? "Open cases", "value": String(counts.open),
                          "detail": (texts["tile_breaching"] ?? "{n} about to breach").replacingOccurrences(of: "{n}", with: String(counts.breaching)),
                          "warn": counts.breaching > 0])
        }
        if principal.can(.commerceRead) {
            let late = try await deliveries.shipments(for: principal, flag: .late, order: nil, after: nil, limit: PageSize(100))
            let count = late.items.count == 100 && late.nextCursor != nil ? "100+" : String(late.items.count)
            tiles.append(["id": "late", "href": "/commerce/deliveries?flag=late", "label": texts["tile_late"] ?? "Late parcels", "value": count,
                          "detail": texts["tile_late_detail"] ?? "", "warn": !late.items.isEmpty])
        }
        if let open = openAlerts {
            tiles.append(["id": "health", "href": "/insights/alerts", "label": texts["tile_health"] ?? "Journey health", "value": String(open.count),
                          "detail": open.isEmpty ? (texts["tile_health_fine"] ?? "no series below its normal") : (texts["tile_health_detail"] ?? "series below their normal"),
                          "warn": !open.isEmpty])
        }
        return tiles
    }

    /// Promoters, passives and detractors as one bar in their colours, with the shares in words beside it (the bar is
    /// drawn in SVG: the pages allow no inline styles).
    static func npsSplit(_ nps: NPS, texts: [String: String]) -> [String: Any]? {
        guard nps.n > 0 else { return nil }
        let parts = [("promoters", nps.promoters), ("passives", nps.passives), ("detractors", nps.detractors)]
        var x = 0.0
        var bars: [[String: Any]] = [], legend: [[String: Any]] = []
        for (key, count) in parts {
            let share = 100 * Double(count) / Double(nps.n)
            bars.append(["key": key, "x": String(format: "%.2f", x), "width": String(format: "%.2f", share)])
            legend.append(["key": key, "label": texts["nps_\(key)"] ?? key, "share": String(format: "%.0f %%", share)])
            x += share
        }
        let summary = legend.map { "\($0["label"] ?? "") \($0["share"] ?? "")" }.joined(separator: ", ")
        return ["bars": bars, "legend": legend, "summary": summary]
    }

    func area(_ section: String, permission: Permission, context: CairnRequestContext) async throws -> Response {
        let (principal, _) = try context.requireUser()
        try principal.require(permission)
        let texts = renderer.catalogue.texts(for: context.language)
        return try renderer.page("area", titleKey: "nav_\(section)", section: section, context: context, values: [
            "summary": texts["area_\(section)_summary"] ?? "",
        ])
    }
}
