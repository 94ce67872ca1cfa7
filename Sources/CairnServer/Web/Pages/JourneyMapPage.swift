import CairnAnalytics
import CairnCore
import CairnEngine
import Foundation
import Hummingbird

/// *Journeys › Journey map*: the workspace's journey drawn as SVG — stages across (right to left in Hebrew), channels as
/// swimlanes, each stage's people, conversion to the next and drop-off, its feeling (NPS, else CSAT) — with the figures
/// beside it as a table (scores with intervals, cases, topics, the customers' own words). Filters: journey, period,
/// channel, segment (a GET form, so a map is a link). Every number links to the people behind it.
extension JourneysPages {
    func mapFilters(_ query: FormFields) -> (journey: String, filters: JourneyMaps.Filters, values: [String: String]) {
        let now = maps.clock.now()
        let until = query["until"] ?? Date(utcDay: now.utcDay + 1).formatted(.iso8601.year().month().day())
        let from = query["from"] ?? Date(utcDay: now.utcDay - 89).formatted(.iso8601.year().month().day())
        let channel = query["channel"] ?? "", segment = query["segment"] ?? ""
        return (query["journey"] ?? "standard", JourneyMaps.Filters(from: from, until: until, channel: channel, segment: segment),
                ["from": from, "until": until, "channel": channel, "segment": segment])
    }

    @Sendable func mapPage(_ request: Request, context: CairnRequestContext) async throws -> Response {
        let (principal, _) = try context.requireUser()
        try principal.require(.journeysRead)
        let texts = renderer.catalogue.texts(for: context.language)
        let query = FormFields(request.uri.query ?? "")
        let (chosen, filters, shown) = mapFilters(query)
        let journeys = try await maps.journeys(for: principal)
        var values: [String: Any] = [
            "journeysNav": Self.nav("map", texts: texts),
            "journeys": journeys.map { ["id": $0.id.rawValue, "name": $0.name, "selected": $0.id.rawValue == chosen] },
            "from": shown["from"]!, "until": shown["until"]!, "channel": shown["channel"]!, "segment": shown["segment"]!,
            "segmentOptions": try await segments.options(for: principal).map { ["value": $0.id.rawValue, "label": $0.name] },
            "canManage": principal.can(.journeysManage), "flash": query["done"].flatMap { texts["flash_journey_\($0)"] } as Any,
        ]
        guard let id = JourneyID(reference: chosen) else { throw NotFoundError(kind: "journey", id: chosen) }
        if let selected = journeys.first(where: { $0.id == id }) {
            values["editId"] = selected.id.rawValue
            values["editName"] = selected.name
            values["editStages"] = Self.stagesText(selected)
        }
        do {
            let result = try await maps.map(id, filters, for: principal)
            var link = URLComponents()
            link.queryItems = [URLQueryItem(name: "journey", value: result.journeyId)] + ["from", "until", "channel", "segment"].compactMap { name in
                shown[name].flatMap { $0.isEmpty ? nil : URLQueryItem(name: name, value: $0) }
            }
            let base = "/journeys/map/people?" + (link.percentEncodedQuery ?? "")
            values["svg"] = Self.mapSVG(result, texts: texts, rightToLeft: context.language.isRightToLeft, peopleBase: base)
            values["stages"] = result.stages.enumerated().map { index, stage -> [String: Any] in
                let people = "\(base)&stage=\(index + 1)"
                return ["number": index + 1, "name": stage.name, "events": stage.events.joined(separator: ", "), "people": stage.people,
                        "reachedHref": people + "&kind=reached", "droppedHref": people + "&kind=dropped", "convertedHref": people + "&kind=converted",
                        "hasNext": stage.conversionToNext != nil, "conversion": Self.share(stage.conversionToNext), "dropped": stage.dropped,
                        "converted": stage.conversionToNext?.successes ?? 0,
                        "hours": stage.medianHoursToNext.map { Self.duration(hours: $0, texts: texts) } ?? "—",
                        "nps": stage.nps.flatMap { nps in nps.score.map { score in
                            String(format: "%.0f", score) + (nps.interval.map { String(format: " (%.0f–%.0f)", $0.lower, $0.upper) } ?? "") + " n=\(nps.n)" } } ?? "—",
                        "csat": stage.csat.flatMap { csat in csat.percent.map { percent in
                            String(format: "%.0f %%", percent) + (csat.interval.map { String(format: " (%.0f–%.0f)", $0.lower, $0.upper) } ?? "") + " n=\(csat.n)" } } ?? "—",
                        "ces": stage.ces.flatMap { ces in ces.mean.map { mean in
                            String(format: "%.1f", mean) + (ces.interval.map { String(format: " (%.1f–%.1f)", $0.lower, $0.upper) } ?? "") + " n=\(ces.n)" } } ?? "—",
                        "cases": stage.cases,
                        "topics": stage.topics.map { ["label": texts["topic_\($0.topic)"] ?? $0.topic, "count": $0.comments] },
                        "quotes": stage.quotes.map { ["text": $0.text, "negative": $0.sentiment == "negative"] }]
            }
            values["hasPeople"] = result.stages.contains { $0.people > 0 }
            values["summary"] = (texts["map_summary"] ?? "{stages} stages; {people} people entered the first.")
                .replacingOccurrences(of: "{stages}", with: String(result.stages.count)).replacingOccurrences(of: "{people}", with: String(result.stages.first?.people ?? 0))
            return try renderer.page("journeys_map", titleKey: "nav_journeys", section: "journeys", context: context, values: values)
        } catch let error as ValidationError {
            values["errors"] = fieldErrors(error, texts: renderer.catalogue, language: context.language)
            return try renderer.page("journeys_map", titleKey: "nav_journeys", section: "journeys", context: context, values: values, status: .badRequest)
        }
    }

    /// The people behind one of the map's numbers, each linking to the customer's 360.
    @Sendable func mapPeoplePage(_ request: Request, context: CairnRequestContext) async throws -> Response {
        let (principal, _) = try context.requireUser()
        try principal.require(.journeysRead)
        let texts = renderer.catalogue.texts(for: context.language)
        let query = FormFields(request.uri.query ?? "")
        let (chosen, filters, _) = mapFilters(query)
        guard let id = JourneyID(reference: chosen) else { throw NotFoundError(kind: "journey", id: chosen) }
        var issues = ValidationCollector()
        let stage = query["stage"].flatMap { Int($0) }
        if stage == nil { issues.add(FieldIssue(field: "stage", issue: .missing, hint: "Give the stage's number, from 1.")) }
        let kind = JourneyMaps.Kind(rawValue: query["kind"] ?? "reached")
        if kind == nil { issues.add(FieldIssue(field: "kind", issue: .unknownValue(allowed: JourneyMaps.Kind.allCases.map(\.rawValue)), hint: "Use reached, converted or dropped.")) }
        try issues.throwIfAny()
        let journey = try await maps.journey(id, for: principal)
        let found = try await maps.people(id, stage: stage!, kind: kind!, lane: query["lane"], filters, for: principal)
        let stageName = journey.stages.indices.contains(stage! - 1) ? journey.stages[stage! - 1].name : ""
        return try renderer.page("journeys_map_people", titleKey: "nav_journeys", section: "journeys", context: context, values: [
            "journeysNav": Self.nav("map", texts: texts),
            "heading": (texts["map_people_\(kind!.rawValue)"] ?? "{stage}").replacingOccurrences(of: "{n}", with: String(found.total)),
            "stage": stageName, "lane": query["lane"] ?? "", "hasLane": !(query["lane"] ?? "").isEmpty,
            "people": found.ids.map { ["id": $0, "href": "/customers/\($0)"] }, "hasPeople": !found.ids.isEmpty,
            "more": found.total > found.ids.count, "shown": found.ids.count, "total": found.total,
            "back": "/journeys/map?" + (request.uri.query ?? "").split(separator: "&").filter { !$0.hasPrefix("stage=") && !$0.hasPrefix("kind=") && !$0.hasPrefix("lane=") }.joined(separator: "&"),
        ])
    }

    static func duration(hours: Double, texts: [String: String]) -> String {
        hours < 48 ? (texts["map_hours"] ?? "{n} h").replacingOccurrences(of: "{n}", with: String(format: "%.1f", hours))
            : (texts["map_days"] ?? "{n} d").replacingOccurrences(of: "{n}", with: String(format: "%.1f", hours / 24))
    }

    /// Stages across, swimlanes down; mirrored for right-to-left pages. Each stage's head (name, people), its lanes
    /// (people who entered there, shaded by share), and below: conversion to the next (an arrow), drop-off, and
    /// feeling (a dot coloured by NPS, else CSAT).
    static func mapSVG(_ result: JourneyMaps.Result, texts: [String: String], rightToLeft: Bool, peopleBase: String) -> String {
        let stages = result.stages, lanes = result.lanes
        let laneWidth = 96.0, column = 150.0, head = 64.0, laneHeight = 40.0, foot = 96.0
        let width = laneWidth + column * Double(max(1, stages.count)) + 8
        let height = head + laneHeight * Double(max(1, lanes.count)) + foot
        func x(_ left: Double, _ w: Double = 0) -> Double { rightToLeft ? width - left - w : left }
        let anchorStart = rightToLeft ? "end" : "start"
        func esc(_ text: String) -> String { SVGChart.escape(text) }
        func href(_ text: String) -> String { esc(text) }
        var svg = #"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \#(Int(width)) \#(Int(height))" width="\#(Int(width))" height="\#(Int(height))" role="group" aria-labelledby="map-title map-desc" class="journey-map" id="journey-map" direction="\#(rightToLeft ? "rtl" : "ltr")">"#
        svg += #"<title id="map-title">\#(esc(result.name))</title><desc id="map-desc">\#(esc(texts["map_desc"] ?? "Stages across, channels as swimlanes; people, conversion, drop-off and feeling per stage."))</desc>"#
        // Lane labels.
        for (index, lane) in lanes.enumerated() {
            let y = head + laneHeight * Double(index)
            svg += #"<rect x="\#(x(0, width))" y="\#(y)" width="\#(width)" height="\#(laneHeight)" class="\#(index % 2 == 0 ? "lane-even" : "lane-odd")"/>"#
            svg += #"<text x="\#(x(8))" y="\#(y + 25)" text-anchor="\#(anchorStart)" class="lane-label" data-lane="\#(esc(lane))">\#(esc(texts["channel_\(lane)"] ?? lane))</text>"#
        }
        let most = max(1, stages.flatMap { $0.lanes.values }.max() ?? 1)
        for (index, stage) in stages.enumerated() {
            let left = laneWidth + column * Double(index)
            let centre = x(left + column / 2)
            let stageLink = "\(peopleBase)&stage=\(index + 1)"
            svg += #"<g class="map-stage" data-stage="\#(index + 1)">"#
            svg += #"<text x="\#(centre)" y="22" text-anchor="middle" class="stage-name">\#(esc(String(stage.name.prefix(18))))</text>"#
            svg += #"<a href="\#(href(stageLink + "&kind=reached"))" data-people="reached"><text x="\#(centre)" y="46" text-anchor="middle" class="stage-people">\#(stage.people)</text></a>"#
            for (laneIndex, lane) in lanes.enumerated() {
                let count = stage.lanes[lane] ?? 0
                let y = head + laneHeight * Double(laneIndex)
                guard count > 0 else { continue }
                let opacity = 0.15 + 0.75 * Double(count) / Double(most)
                svg += #"<rect x="\#(x(left + 10, column - 20))" y="\#(y + 6)" width="\#(column - 20)" height="\#(laneHeight - 12)" rx="6" class="lane-cell" style="opacity:\#(String(format: "%.2f", opacity))"/>"#
                let laneLink = lane == "other" ? stageLink + "&kind=reached" : stageLink + "&kind=reached&lane=" + (lane.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? lane)
                svg += #"<a href="\#(href(laneLink))" data-people="lane"><text x="\#(centre)" y="\#(y + 25)" text-anchor="middle" class="lane-count">\#(count)</text></a>"#
            }
            let footTop = head + laneHeight * Double(max(1, lanes.count))
            if let conversion = stage.conversionToNext {
                let arrowFrom = left + column - 24, arrowTo = left + column + 8
                let (a, b) = rightToLeft ? (x(arrowFrom), x(arrowTo)) : (arrowFrom, arrowTo)
                let tip = rightToLeft ? b + 6 : b - 6
                svg += #"<path d="M\#(a) \#(footTop + 18) L\#(b) \#(footTop + 18) M\#(tip) \#(footTop + 13) L\#(b) \#(footTop + 18) L\#(tip) \#(footTop + 23)" class="map-arrow"/>"#
                svg += #"<a href="\#(href(stageLink + "&kind=converted"))" data-people="converted"><text x="\#(centre)" y="\#(footTop + 22)" text-anchor="middle" class="map-conversion">\#(conversion.percent.map { String(format: "%.0f %%", $0) } ?? "—")</text></a>"#
                svg += #"<a href="\#(href(stageLink + "&kind=dropped"))" data-people="dropped"><text x="\#(centre)" y="\#(footTop + 44)" text-anchor="middle" class="map-dropped">−\#(stage.dropped)</text></a>"#
            }
            // Feeling: NPS (−100…100), else CSAT (0…100 %), as a dot from red to green with its figure.
            var feeling: (text: String, level: Double)?
            if let score = stage.nps?.score { feeling = ("NPS " + String(format: "%.0f", score), (score + 100) / 200) }
            else if let percent = stage.csat?.percent { feeling = ("CSAT " + String(format: "%.0f %%", percent), percent / 100) }
            if let feeling {
                let heat = min(4, max(0, Int(feeling.level * 5)))
                svg += #"<circle cx="\#(centre)" cy="\#(footTop + 66)" r="9" class="feeling heat-\#(heat)"/>"#
                svg += #"<text x="\#(centre)" y="\#(footTop + 90)" text-anchor="middle" class="map-feeling">\#(esc(feeling.text))</text>"#
            }
            svg += "</g>"
        }
        return svg + "</svg>"
    }
}

/// Defining journeys and watching funnels from the pages (`journeys.manage`): a journey as one stage a line
/// ("Receive: Order Delivered, Delivery Late"), a funnel saved by name from the one on the page.
extension JourneysPages {
    /// "Stage: Event, Event" per line.
    static func stagesText(_ journey: JourneyDefinition) -> String {
        journey.stages.map { "\($0.name): \($0.events.joined(separator: ", "))" }.joined(separator: "\n")
    }

    static func parseStages(_ text: String) throws(ValidationError) -> [JourneyDefinition.Stage] {
        var stages: [JourneyDefinition.Stage] = []
        for (index, line) in text.split(whereSeparator: \.isNewline).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard !trimmed.isEmpty else { continue }
            guard let colon = trimmed.firstIndex(of: ":") else {
                throw ValidationError(field: "stages", issue: .invalid, hint: "Line \(index + 1): write one stage a line, its name, a colon and its events, e.g. Receive: Order Delivered, Delivery Late.")
            }
            let events = trimmed[trimmed.index(after: colon)...].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            stages.append(.init(name: String(trimmed[..<colon]).trimmingCharacters(in: .whitespaces), events: events))
        }
        return stages
    }

    @Sendable func defineJourney(_ request: Request, context: CairnRequestContext) async throws -> Response {
        let (principal, _) = try context.requireUser()
        try principal.require(.journeysManage)
        let form = try await request.form()
        let idText = form["id"] ?? ""
        do {
            let id: JourneyID? = idText.isEmpty ? nil : JourneyID(reference: idText)
            if !idText.isEmpty && id == nil { throw NotFoundError(kind: "journey", id: idText) }
            let journey = try await maps.define(id, name: form["name"], stages: try Self.parseStages(form["stages"] ?? ""), by: principal)
            return WebRenderer.redirect(to: "/journeys/map?journey=\(journey.id.rawValue)&done=saved")
        } catch let error as ValidationError {
            let texts = renderer.catalogue.texts(for: context.language)
            let journeys = try await maps.journeys(for: principal)
            return try renderer.page("journeys_map", titleKey: "nav_journeys", section: "journeys", context: context, values: [
                "journeysNav": Self.nav("map", texts: texts), "canManage": true,
                "journeys": journeys.map { ["id": $0.id.rawValue, "name": $0.name, "selected": $0.id.rawValue == idText] },
                "editId": idText, "editName": form["name"] ?? "", "editStages": form["stages"] ?? "", "editOpen": true,
                "errors": fieldErrors(error, texts: renderer.catalogue, language: context.language),
            ], status: .badRequest)
        }
    }

    /// The funnel page's link for a saved definition (its steps, window and order).
    static func funnelLink(_ definition: String) -> String {
        (try? JSONDecoder().decode(Funnels.Query.self, from: Data(definition.utf8)))?.pageLink ?? "/journeys"
    }

    @Sendable func saveFunnel(_ request: Request, context: CairnRequestContext) async throws -> Response {
        let (principal, _) = try context.requireUser()
        try principal.require(.journeysManage)
        let form = try await request.form()
        // The page sends the funnel's steps as a JSON array of event names.
        let steps = ((try? JSONDecoder().decode([String].self, from: Data((form["steps"] ?? "[]").utf8))) ?? [])
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let query = Funnels.Query(steps: steps.map { .init(event: $0) }, windowMinutes: Int(form["windowDays"] ?? "7").map { $0 * 1440 } ?? -1, order: form["order"])
        var back = URLComponents()
        back.path = "/journeys"
        back.queryItems = steps.map { URLQueryItem(name: "step", value: $0) } + [URLQueryItem(name: "windowDays", value: form["windowDays"] ?? "7"),
                                                                                URLQueryItem(name: "order", value: form["order"] ?? "sequential")]
        do {
            _ = try await underperformance.saveFunnel(name: form["name"], query: query, by: principal)
            back.queryItems?.append(URLQueryItem(name: "done", value: "watched"))
            return WebRenderer.redirect(to: back.string ?? "/journeys")
        } catch let error as ConflictError {
            back.queryItems?.append(URLQueryItem(name: "done", value: "taken"))
            _ = error
            return WebRenderer.redirect(to: back.string ?? "/journeys")
        }
    }

    @Sendable func deleteFunnel(_ request: Request, context: CairnRequestContext) async throws -> Response {
        let (principal, _) = try context.requireUser()
        try principal.require(.journeysManage)
        _ = try await request.form()
        let id = try context.parameters.require("id")
        guard let funnelID = SavedFunnelID(id.lowercased()) else { throw NotFoundError(kind: "funnel", id: id) }
        try await underperformance.deleteFunnel(funnelID, by: principal)
        return WebRenderer.redirect(to: "/journeys?done=unwatched")
    }
}
