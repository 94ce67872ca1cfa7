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

    /// Capability areas that later releases fill; each page already exists and is permission-checked.
    static let capabilities: [(section: String, permission: Permission)] = []
    /// The areas the overview links to, those with pages of their own first.
    static let areas: [(section: String, permission: Permission)] = [("customers", .customersRead), ("commerce", .commerceRead), ("feedback", .feedbackRead), ("service", .serviceRead),
                                                                      ("journeys", .journeysRead), ("insights", .insightsRead)]
        + capabilities

    func addRoutes(to router: Router<CairnRequestContext>) {
        router.get("/", use: overview)
        for capability in Self.capabilities {
            router.get(RouterPath(capability.section)) { request, context in
                try await area(capability.section, permission: capability.permission, context: context)
            }
        }
    }

    @Sendable func overview(_ request: Request, context: CairnRequestContext) async throws -> Response {
        if context.identity?.user == nil, try await firstRun.isOpen() { return WebRenderer.redirect(to: "/setup") }
        let (principal, _) = try context.requireUser()
        let workspace = try await administration.workspace(for: principal)
        let activity = try await administration.activityByDay(for: principal)
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "MM-dd"
        let texts = renderer.catalogue.texts(for: context.language)
        let chart = SVGChart(kind: .bar, title: texts["overview_chart_title"] ?? "", summary: texts["overview_chart_summary"] ?? "",
                             xAxisLabel: texts["overview_chart_x"] ?? "", yAxisLabel: texts["overview_chart_y"] ?? "",
                             points: activity.map { .init(label: formatter.string(from: $0.day), value: Double($0.count)) }, idPrefix: "activity", wholeNumbers: true)
        let today = try await SpikeText.today(spikes: spikes, principal: principal, texts: texts)
        let glance = try await tiles(for: principal, texts: texts)
        return try renderer.page("overview", titleKey: "overview_title", section: "overview", context: context, values: [
            "workspaceName": workspace.name,
            "tiles": glance,
            "hasTiles": !glance.isEmpty,
            "spikes": today,
            "hasSpikes": !today.isEmpty,
            "chart": chart.render(),
            "areas": Self.areas.filter { principal.can($0.permission) }.map { ["href": "/\($0.section)", "label": texts["nav_\($0.section)"] ?? $0.section, "summary": texts["area_\($0.section)_summary"] ?? ""] },
        ])
    }

    /// The morning's figures, each linking to its detail, for what the role may see: NPS of the last 30 days beside the
    /// 30 before (with its interval, and the change only when it holds after the scorecard's adjustment), open cases and
    /// those about to breach, late parcels.
    func tiles(for principal: Principal, texts: [String: String]) async throws -> [[String: Any]] {
        var tiles: [[String: Any]] = []
        let now = spikes.clock.now()
        if principal.can(.feedbackRead) {
            let until = Date(utcDay: now.utcDay + 1), from = until.addingTimeInterval(-30 * 86_400)
            let card = try await results.scorecard(for: principal, from: from, until: until)
            if let score = card.combinedNPS.score {
                var detail = card.combinedNPS.interval.map { String(format: "%.0f–%.0f, n=%d", $0.lower, $0.upper, card.combinedNPS.n) } ?? "n=\(card.combinedNPS.n)"
                if let change = card.combinedChange, change.isSignificant {
                    detail += " · " + (change.difference > 0 ? "▲ " : "▼ ") + String(format: "%+.0f", change.difference)
                }
                tiles.append(["id": "nps", "href": "/feedback", "label": texts["tile_nps"] ?? "NPS, 30 days", "value": String(format: "%.0f", score), "detail": detail])
            }
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
        return tiles
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
