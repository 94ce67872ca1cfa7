import CairnAnalytics
import CairnCore
import CairnEngine
import Foundation
import Hummingbird

/// *Journeys*: a funnel built in the page (steps from the workspace's own event names, window, order, period,
/// breakdown with attribution) and its figures — people per step with conversion and intervals, the median time between
/// steps, who dropped where (each linking to the customer), the breakdown, conversion over time and the time to
/// convert. The form is a GET, so a funnel is a link that can be shared. Needs `journeys.read`.
struct JourneysPages {
    let renderer: WebRenderer
    let funnels: Funnels
    let paths: JourneyPaths
    let maps: JourneyMaps
    let underperformance: Underperformance
    let segments: Segments
    let personas: Personas

    func addRoutes(to router: Router<CairnRequestContext>) {
        router.get("journeys", use: funnelPage)
        router.get("journeys/paths", use: pathsPage)
        router.get("journeys/map", use: mapPage)
        router.get("journeys/map/people", use: mapPeoplePage)
        router.post("journeys/map/define", use: defineJourney)
        router.post("journeys/saved", use: saveFunnel)
        router.post("journeys/saved/{id}/delete", use: deleteFunnel)
    }

    static func nav(_ current: String, texts: [String: String]) -> [[String: Any]] {
        [("map", "/journeys/map"), ("funnels", "/journeys"), ("paths", "/journeys/paths")].map { ["id": $0.0, "href": $0.1, "label": texts[$0.0] ?? $0.0, "current": $0.0 == current] }
    }

    @Sendable func funnelPage(_ request: Request, context: CairnRequestContext) async throws -> Response {
        let (principal, _) = try context.requireUser()
        try principal.require(.journeysRead)
        let texts = renderer.catalogue.texts(for: context.language)
        // Read as a form sends it (a space is "+"), the same way as a POST body.
        let query = FormFields(request.uri.query ?? "")
        let stepsGiven = query.values(named: "step").map { $0.trimmingCharacters(in: .whitespaces) }
        let filled = stepsGiven.filter { !$0.isEmpty }
        let windowDays = query["windowDays"] ?? "7"
        let order = query["order"] ?? "sequential"
        let by = query["by"] ?? ""
        let byName = query["name"] ?? ""
        let attribution = query["attribution"] ?? "first_touch"
        let period = query["period"] ?? "day"
        let segment = query["segment"] ?? ""
        let now = funnels.clock.now()
        let until = query["until"] ?? Date(utcDay: now.utcDay + 1).formatted(.iso8601.year().month().day())
        let from = query["from"] ?? Date(utcDay: now.utcDay - 29).formatted(.iso8601.year().month().day())
        var values: [String: Any] = [
            "journeysNav": Self.nav("funnels", texts: texts),
            "stepInputs": (0..<max(4, min(Funnels.maximumSteps, stepsGiven.count + 1))).map { index -> [String: Any] in
                ["label": (texts["funnel_step"] ?? "Step {n}").replacingOccurrences(of: "{n}", with: String(index + 1)),
                 "value": index < stepsGiven.count ? stepsGiven[index] : "", "required": index < 2]
            },
            "eventNames": try await funnels.eventNames(for: principal),
            "segmentOptions": try await segments.options(for: principal).map { ["value": $0.id.rawValue, "label": $0.name, "selected": $0.id.rawValue == segment] },
            "windowDays": windowDays, "from": from, "until": until, "byName": byName,
            "orders": FunnelOrder.allCases.map { ["value": $0.rawValue, "label": texts["funnel_order_\($0.rawValue)"] ?? $0.rawValue, "selected": $0.rawValue == order] },
            "periods": ["day", "week"].map { ["value": $0, "label": texts["funnel_period_\($0)"] ?? $0, "selected": $0 == period] },
            "bys": ["", "channel", "property", "trait", "persona"].map { ["value": $0, "label": texts["funnel_by_\($0.isEmpty ? "none" : $0)"] ?? $0, "selected": $0 == by] },
            "attributions": FunnelAttribution.allCases.filter { $0 != .step }.map {
                ["value": $0.rawValue, "label": texts["funnel_attribution_\($0.rawValue)"] ?? $0.rawValue, "selected": $0.rawValue == attribution]
            },
        ]
        values["canManage"] = principal.can(.journeysManage)
        values["saved"] = try await underperformance.savedFunnels(for: principal).map { saved -> [String: Any] in
            ["id": saved.id.rawValue, "name": saved.name, "href": Self.funnelLink(saved.definition)]
        }
        values["hasSaved"] = !((values["saved"] as? [[String: Any]]) ?? []).isEmpty
        values["watchable"] = filled.count >= 2
        values["watchSteps"] = String(decoding: (try? JSONEncoder().encode(filled)) ?? Data("[]".utf8), as: UTF8.self)
        values["flash"] = query["done"].flatMap { texts["flash_funnel_\($0)"] } as Any
        guard filled.count >= 2 else {
            return try renderer.page("journeys_funnel", titleKey: "nav_journeys", section: "journeys", context: context, values: values)
        }
        var breakdown: Funnels.Query.Breakdown?
        switch by {
        case "channel": breakdown = .init(by: "channel", attribution: attribution)
        case "property": breakdown = .init(by: "property:" + byName, attribution: attribution)
        case "trait": breakdown = .init(by: "trait:" + byName)
        case "persona": breakdown = .init(by: "persona")
        default: breakdown = nil
        }
        let days = Int(windowDays)
        var funnelQuery = Funnels.Query(steps: filled.map { .init(event: $0) }, windowMinutes: days.map { $0 * 1440 } ?? -1, order: order, from: from, until: until,
                                        breakdown: breakdown, period: period)
        funnelQuery.segment = segment.isEmpty ? nil : segment
        do {
            let result = try await funnels.run(funnelQuery, for: principal)
            // Personas by their names in the page's language (the funnel answers with their keys).
            var names: [String: String] = [:]
            if by == "persona", let model = try await personas.model(for: principal) {
                for persona in model.personas { names[persona.key] = InsightsPages.personaName(persona, texts: texts) }
            }
            values["result"] = Self.values(result, texts: texts, breakdownLabel: by == "channel" || by == "persona" ? (texts["funnel_by_\(by)"] ?? by) : byName,
                                           valueNames: names)
            return try renderer.page("journeys_funnel", titleKey: "nav_journeys", section: "journeys", context: context, values: values)
        } catch let error as ValidationError {
            values["errors"] = fieldErrors(error, texts: renderer.catalogue, language: context.language)
            return try renderer.page("journeys_funnel", titleKey: "nav_journeys", section: "journeys", context: context, values: values, status: .badRequest)
        }
    }

    static func share(_ value: Proportion?) -> String {
        guard let value, let percent = value.percent, let interval = value.interval else { return "—" }
        return String(format: "%.0f %% (%.0f–%.0f)", percent, interval.lower, interval.upper)
    }

    static func duration(_ minutes: Double?) -> String {
        guard let minutes else { return "—" }
        if minutes < 60 { return String(format: "%.0f min", minutes) }
        if minutes < 2880 { return String(format: "%.1f h", minutes / 60) }
        return String(format: "%.1f d", minutes / 1440)
    }

    static func values(_ result: Funnels.Result, texts: [String: String], breakdownLabel: String, valueNames: [String: String] = [:]) -> [String: Any] {
        let chart = SVGChart(kind: .bar, title: texts["funnel_chart_title"] ?? "", summary: texts["funnel_chart_summary"] ?? "",
                             xAxisLabel: texts["funnel_steps"] ?? "", yAxisLabel: texts["funnel_people"] ?? "",
                             points: result.steps.map { .init(label: "\($0.step). \($0.event)", value: Double($0.people)) }, idPrefix: "funnel", wholeNumbers: true)
        let summary = (texts["funnel_summary"] ?? "{entered} entered, {converted} converted: {conversion}")
            .replacingOccurrences(of: "{entered}", with: String(result.entered)).replacingOccurrences(of: "{converted}", with: String(result.converted))
            .replacingOccurrences(of: "{conversion}", with: share(result.conversion))
        let headers = result.steps.map { "\($0.step)" }
        let time = result.timeToConvert
        let timeText = time.converted == 0 ? (texts["funnel_no_conversions"] ?? "—") :
            (texts["funnel_time_summary"] ?? "median {median} (quartiles {p25}–{p75}, 90 % within {p90})")
                .replacingOccurrences(of: "{median}", with: duration(time.medianMinutes)).replacingOccurrences(of: "{p25}", with: duration(time.p25Minutes))
                .replacingOccurrences(of: "{p75}", with: duration(time.p75Minutes)).replacingOccurrences(of: "{p90}", with: duration(time.p90Minutes))
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd"
        return [
            "summary": summary,
            "chart": chart.render(),
            "steps": result.steps.map { step -> [String: Any] in
                ["number": step.step, "event": step.event, "optional": step.optional, "people": step.people, "fromPrevious": share(step.conversionFromPrevious),
                 "fromStart": share(step.conversionFromStart), "small": step.conversionFromPrevious?.warning != nil, "median": duration(step.medianMinutesFromPrevious),
                 "dropped": step.dropped,
                 "droppedPeople": step.droppedProfileIds.prefix(10).enumerated().map { ["id": $0.element, "label": "#\($0.offset + 1)"] }]
            },
            "hasGroups": !result.groups.isEmpty,
            "breakdownLabel": breakdownLabel,
            "stepHeaders": headers,
            "groups": result.groups.map { group -> [String: Any] in
                ["value": group.value ?? "", "label": group.value.map { valueNames[$0] ?? $0 } ?? (texts["funnel_no_value"] ?? "(none)"),
                 "counts": zip(headers, group.steps).map { ["header": $0.0, "count": $0.1] }, "conversion": share(group.conversion)]
            },
            "overTime": result.overTime.map { ["start": formatter.string(from: $0.start), "entered": $0.entered, "converted": $0.converted, "conversion": share($0.conversion)] },
            "timeToConvert": timeText,
        ]
    }

    /// The most common paths into or out of one step.
    @Sendable func pathsPage(_ request: Request, context: CairnRequestContext) async throws -> Response {
        let (principal, _) = try context.requireUser()
        try principal.require(.journeysRead)
        let texts = renderer.catalogue.texts(for: context.language)
        let query = FormFields(request.uri.query ?? "")
        let event = (query["event"] ?? "").trimmingCharacters(in: .whitespaces)
        let direction = query["direction"] ?? "after"
        let depth = query["depth"] ?? "3"
        let by = query["by"] ?? "event_channel"
        let windowDays = query["windowDays"] ?? "7"
        let now = paths.clock.now()
        let until = query["until"] ?? Date(utcDay: now.utcDay + 1).formatted(.iso8601.year().month().day())
        let from = query["from"] ?? Date(utcDay: now.utcDay - 29).formatted(.iso8601.year().month().day())
        var values: [String: Any] = [
            "journeysNav": Self.nav("paths", texts: texts),
            "event": event, "depth": depth, "windowDays": windowDays, "from": from, "until": until,
            "eventNames": try await funnels.eventNames(for: principal),
            "directions": PathDirection.allCases.map { ["value": $0.rawValue, "label": texts["paths_direction_\($0.rawValue)"] ?? $0.rawValue, "selected": $0.rawValue == direction] },
            "bys": JourneyPaths.showing.map { ["value": $0, "label": texts["paths_by_\($0)"] ?? $0, "selected": $0 == by] },
        ]
        guard !event.isEmpty else {
            return try renderer.page("journeys_paths", titleKey: "nav_journeys", section: "journeys", context: context, values: values)
        }
        let pathQuery = JourneyPaths.Query(event: event, direction: direction, depth: Int(depth) ?? -1, windowMinutes: Int(windowDays).map { $0 * 1440 } ?? -1,
                                           from: from, until: until, by: by)
        do {
            let result = try await paths.run(pathQuery, for: principal)
            values["result"] = [
                "summary": (texts["paths_summary"] ?? "{people}").replacingOccurrences(of: "{people}", with: String(result.people)),
                "paths": result.paths.map { path -> [String: Any] in
                    ["steps": path.steps, "people": path.people, "share": Self.share(path.share), "anchor": result.event, "before": result.direction == "before",
                     "ends": result.direction == "after" && path.steps.count < result.depth]
                },
            ] as [String: Any]
            return try renderer.page("journeys_paths", titleKey: "nav_journeys", section: "journeys", context: context, values: values)
        } catch let error as ValidationError {
            values["errors"] = fieldErrors(error, texts: renderer.catalogue, language: context.language)
            return try renderer.page("journeys_paths", titleKey: "nav_journeys", section: "journeys", context: context, values: values, status: .badRequest)
        }
    }
}
