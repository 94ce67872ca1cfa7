import CairnCore
import CairnEngine
import Foundation

/// Today's service alerts as the pages show them, in the page's language:
/// "Blender X: 34 cases today against 4 ± 2 on a usual Tuesday".
enum SpikeText {
    static func today(spikes: ServiceSpikes, principal: Principal, texts: [String: String]) async throws -> [[String: Any]] {
        let now = spikes.clock.now()
        let start = Date(timeIntervalSince1970: (now.timeIntervalSince1970 / 86_400).rounded(.down) * 86_400)
        let page = try await spikes.alerts(for: principal, after: nil, limit: PageSize(20))
        return page.items.filter { $0.day >= start }.map { alert in
            let weekday = (Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC")!, from: alert.day).weekday! + 5) % 7
            let template = texts[alert.kind == .cases ? "spike_cases" : "spike_negative"] ?? alert.message
            let label = alert.dimension == "topic" ? (texts["topic_\(alert.key)"] ?? alert.label) : alert.label
            let sentence = template.replacingOccurrences(of: "{observed}", with: String(alert.observed))
                .replacingOccurrences(of: "{typical}", with: number(alert.typical)).replacingOccurrences(of: "{spread}", with: number(alert.spread))
                .replacingOccurrences(of: "{weekday}", with: texts["weekday_\(weekday)"] ?? "")
            // "…; began the day campaign Spring started": the names (of unknown direction) apart, for <bdi>.
            let began = [0, 1].compactMap { days -> [String: Any]? in
                let names = alert.campaigns.filter { $0.daysBefore == days }.map(\.name)
                guard !names.isEmpty, let text = texts["spike_campaign_\(days)"], let range = text.range(of: "{names}") else { return nil }
                return ["before": String(text[..<range.lowerBound]), "names": names.joined(separator: ", "), "after": String(text[range.upperBound...])]
            }
            return ["id": alert.id.rawValue, "label": label, "sentence": sentence, "kind": alert.kind.rawValue, "began": began]
        }
    }

    static func number(_ value: Double) -> String { value >= 10 ? String(Int(value.rounded())) : String(format: "%.1f", value) }
}
