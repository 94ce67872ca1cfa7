import CairnCore
import CairnEngine
import Foundation
import Hummingbird

/// Insights › Personas: how many personas and why (the silhouette of each k), how stable they are, and each
/// persona's card — its leading values, share, NPS with interval, customer value, channels, categories and topics.
extension InsightsPages {
    /// A persona's name in the page's language: its leading values.
    static func personaName(_ persona: Persona, texts: [String: String]) -> String {
        persona.leadingValues.map { texts["persona_value_\($0)"] ?? $0 }.joined(separator: " · ")
    }

    @Sendable func personasPage(_ request: Request, context: CairnRequestContext) async throws -> Response {
        let (principal, _) = try context.requireUser()
        try principal.require(.insightsRead)
        let texts = renderer.catalogue.texts(for: context.language)
        let model = try await personas.model(for: principal)
        func percent(_ value: Double) -> String { String(format: "%.0f %%", value * 100) }
        func money(_ minor: Int64?, _ currency: String?) -> String {
            guard let minor, let currency else { return "—" }
            return Money(minorUnits: minor, currency: Currency(uncheckedCode: currency)).description
        }
        var values: [String: Any] = [
            "insightsNav": Self.nav("personas", texts: texts),
            "hasModel": model != nil,
            "canRecompute": principal.can(.segmentsManage),
            "flash": request.uri.queryParameters["done"].flatMap { texts["flash_personas_\($0)"] } as Any,
        ]
        if let model {
            values["k"] = model.k
            values["computed"] = displayDate(model.computedAt)
            values["clustered"] = model.clustered.formatted()
            values["byBehaviour"] = model.assignedByBehaviour.formatted()
            values["stability"] = String(format: "%.2f", model.stability)
            values["stabilityRange"] = String(format: "%.2f – %.2f", model.stabilityLower, model.stabilityUpper)
            values["candidates"] = model.candidates.map { ["k": $0.k, "silhouette": String(format: "%.3f", $0.silhouette), "chosen": $0.k == model.k] }
            values["chart"] = SVGChart(kind: .bar, title: texts["personas_silhouette_title"] ?? "", summary: texts["personas_silhouette_summary"] ?? "",
                                       xAxisLabel: texts["personas_k"] ?? "k", yAxisLabel: texts["personas_silhouette"] ?? "",
                                       points: model.candidates.map { SVGChart.Point(label: String($0.k), value: $0.silhouette) }, idPrefix: "personas-k").render()
            values["personas"] = model.personas.map { persona -> [String: Any] in
                [
                    "key": persona.key, "name": Self.personaName(persona, texts: texts),
                    "share": percent(persona.share), "members": persona.members.formatted(), "clustered": persona.clustered.formatted(),
                    "nps": persona.nps.map { String(format: "%.0f", $0.score) } ?? "—",
                    "npsRange": persona.nps.map { String(format: "%.0f – %.0f · n %d", $0.lower, $0.upper, $0.n) } ?? "",
                    "value": money(persona.meanValueMinor, persona.currency),
                    "valueRange": persona.meanValueMinor == nil ? "" : money(persona.valueLowerMinor, persona.currency) + " – " + money(persona.valueUpperMinor, persona.currency),
                    "ordersPerYear": String(format: "%.1f", persona.ordersPerYear),
                    "valueScores": persona.valueScores.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
                        .map { ["name": texts["persona_value_\($0.key)"] ?? $0.key, "score": String(format: "%.2f", $0.value), "width": Int(($0.value * 100).rounded())] },
                    "channels": persona.channels.map { ["name": texts["channel_\($0.name)"] ?? $0.name, "share": percent($0.share)] },
                    "categories": persona.categories.map { ["name": $0.name, "share": percent($0.share)] },
                    "topics": persona.topics.map { ["name": texts["topic_\($0.name)"] ?? $0.name, "share": percent($0.share)] },
                    "hasTopics": !persona.topics.isEmpty,
                    "languages": (persona.languages ?? []).map { ["name": texts["language_\($0.name)"] ?? $0.name, "code": $0.name, "share": percent($0.share)] },
                    "hasLanguages": !(persona.languages ?? []).isEmpty,
                ]
            }
        }
        return try renderer.page("insights_personas", titleKey: "nav_insights", section: "insights", context: context, values: values)
    }

    @Sendable func recomputePersonas(_ request: Request, context: CairnRequestContext) async throws -> Response {
        let (principal, _) = try context.requireUser()
        let model = try await personas.recompute(for: principal)
        return WebRenderer.redirect(to: "/insights/personas?done=" + (model == nil ? "too_few" : "recomputed"))
    }
}
