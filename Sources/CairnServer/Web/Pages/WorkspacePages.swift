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
        return try renderer.page("overview", titleKey: "overview_title", section: "overview", context: context, values: [
            "workspaceName": workspace.name,
            "spikes": today,
            "hasSpikes": !today.isEmpty,
            "chart": chart.render(),
            "areas": Self.areas.filter { principal.can($0.permission) }.map { ["href": "/\($0.section)", "label": texts["nav_\($0.section)"] ?? $0.section, "summary": texts["area_\($0.section)_summary"] ?? ""] },
        ])
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
