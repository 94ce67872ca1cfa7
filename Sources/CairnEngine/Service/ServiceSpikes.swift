public import CairnAnalytics
public import CairnCore
public import CairnStore
public import Foundation

/// Spikes in service: cases about a product or a topic, and negative comments on a topic, beyond that series' usual
/// range for the weekday (``SpikeDetector``), found while the day is still going — so everyone sees them the same
/// day: in the service alerts (the overview and the service pages show today's), and by signed webhook
/// (`service.spike`). Each series alerts once per UTC day.
public struct ServiceSpikes: Sendable {
    public static let event = "service.spike"
    let store: Store
    public let clock: DateSource

    public init(store: Store, clock: DateSource = .system) {
        self.store = store
        self.clock = clock
    }

    static let weekdayNames = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

    /// Monday = 0 for a UTC day number (day 0, 1 January 1970, was a Thursday).
    static func weekday(ofDay day: Int64) -> Int { Int(((day + 3) % 7 + 7) % 7) }

    /// Looks at every workspace's series now; returns the alerts raised (new ones only).
    @discardableResult
    public func scan() async throws -> [ServiceAlert] {
        try await store.exclusively("service-spikes") {
            var raised: [ServiceAlert] = []
            for workspace in try await store.allWorkspaces() { raised += try await scan(workspace.id) }
            return raised
        } ?? []
    }

    /// One workspace's series (see ``scan()``).
    public func scan(_ workspace: WorkspaceID) async throws -> [ServiceAlert] {
        let now = clock.now()
        let today = Int64((now.timeIntervalSince1970 / 86_400).rounded(.down))
        let fraction = (now.timeIntervalSince1970 - Double(today) * 86_400) / 86_400
        let fromDay = today - Int64(SpikeDetector.weeks * 7)
        var raised: [ServiceAlert] = []
        let products = try await store.caseSeries(in: workspace, by: .product, fromDay: fromDay)
        var names: [String: String] = [:]
        if !products.isEmpty {
            let ids = products.keys.compactMap(ProductID.init)
            for (id, product) in try await store.products(ids: ids, in: workspace) { names[id.rawValue] = product.name }
        }
        let groups: [(ServiceAlert.Kind, String, [String: [Int64: Int]])] = [
            (.cases, "product", products),
            (.cases, "topic", try await store.caseSeries(in: workspace, by: .topic, fromDay: fromDay)),
            (.negativeComments, "topic", try await store.negativeTopicSeries(in: workspace, fromDay: fromDay)),
        ]
        // What began on the day or the day before: part of every reason raised now.
        let began = try await store.campaigns(startedFrom: Date(timeIntervalSince1970: Double(today - 1) * 86_400), until: now, in: workspace).map {
            ServiceAlert.BeganCampaign(name: $0.name, daysBefore: $0.startedAt.timeIntervalSince1970 >= Double(today) * 86_400 ? 0 : 1)
        }
        for (kind, dimension, series) in groups {
            for (key, counts) in series {
                let observed = counts[today] ?? 0
                guard observed >= SpikeDetector.minimumCount else { continue }
                let history = (fromDay..<today).map { SpikeDetector.Day(weekday: Self.weekday(ofDay: $0), count: counts[$0] ?? 0) }
                let weekday = Self.weekday(ofDay: today)
                guard let assessment = SpikeDetector.assess(history: history, today: observed, weekday: weekday, fractionOfDay: fraction), assessment.isSpike else { continue }
                let label = names[key] ?? key
                let what = kind == .cases ? "cases" : "negative comments"
                let message = "\(label): \(observed) \(what) today against \(Self.rounded(assessment.typical)) ± \(Self.rounded(assessment.spread)) on a usual \(Self.weekdayNames[weekday])"
                    + Self.campaignClause(began)
                let alert = ServiceAlert(id: .generate(), kind: kind, dimension: dimension, key: key, label: label, day: Date(timeIntervalSince1970: Double(today) * 86_400),
                                         observed: observed, typical: assessment.typical, spread: assessment.spread, pValue: assessment.pValue, message: message, at: now,
                                         campaigns: began)
                if try await store.raise(alert, in: workspace, event: Self.event, payload: Self.payload(alert)) { raised.append(alert) }
            }
        }
        return raised
    }

    /// "; began the day campaign Spring started" (and "the day after campaign … started" for yesterday's).
    static func campaignClause(_ began: [ServiceAlert.BeganCampaign]) -> String {
        let today = began.filter { $0.daysBefore == 0 }.map(\.name), yesterday = began.filter { $0.daysBefore == 1 }.map(\.name)
        var parts: [String] = []
        if !today.isEmpty { parts.append("began the day campaign \(today.joined(separator: ", ")) started") }
        if !yesterday.isEmpty { parts.append("the day after campaign \(yesterday.joined(separator: ", ")) started") }
        return parts.isEmpty ? "" : "; " + parts.joined(separator: ", ")
    }

    static func rounded(_ value: Double) -> String { value >= 10 ? String(Int(value.rounded())) : String(format: "%.1f", value) }

    /// `{"event":"service.spike","alert":{…}}`, keys sorted.
    static func payload(_ alert: ServiceAlert) -> String {
        JSONValue.object(["event": .string(event), "alert": .object([
            "id": .string(alert.id.rawValue), "kind": .string(alert.kind.rawValue), "dimension": .string(alert.dimension), "key": .string(alert.key),
            "label": .string(alert.label), "day": .string(alert.day.formatted(.iso8601)), "observed": .integer(Int64(alert.observed)),
            "typical": .double(alert.typical), "spread": .double(alert.spread), "message": .string(alert.message), "at": .string(alert.at.formatted(.iso8601)),
            "campaigns": .array(alert.campaigns.map { .object(["name": .string($0.name), "daysBefore": .integer(Int64($0.daysBefore))]) }),
        ])]).jsonText()
    }

    /// The workspace's campaigns, latest start first (seen in events or declared).
    public func campaigns(for principal: Principal) async throws -> [Campaign] {
        try principal.require(.journeysRead)
        return try await store.campaigns(in: principal.workspaceID, limit: 500)
    }

    /// Declares a campaign's start (one with no links to show it in events: a TV spot, a catalogue), or corrects it.
    public func declareCampaign(name raw: String?, startedAt rawStart: String?, by principal: Principal) async throws -> Campaign {
        try principal.require(.journeysManage)
        var issues = ValidationCollector()
        let name = raw.flatMap(Campaign.validName)
        if name == nil { issues.add(FieldIssue(field: "name", issue: raw == nil ? .missing : .invalid, hint: "Name the campaign in 1 to 100 characters on one line, e.g. Spring.")) }
        let start = rawStart.flatMap(Timestamp.parse)
        if start == nil { issues.add(FieldIssue(field: "startedAt", issue: rawStart == nil ? .missing : .invalid, hint: "Use ISO 8601, e.g. 2026-03-20T08:00:00Z.")) }
        try issues.throwIfAny()
        let campaign = Campaign(name: name!, startedAt: start!, source: .declared)
        try await store.declare(campaign, in: principal.workspaceID)
        return campaign
    }

    /// The workspace's service alerts, newest first (everyone who may see the workspace).
    public func alerts(for principal: Principal, after cursor: Cursor?, limit: PageSize) async throws -> Page<ServiceAlert> {
        try principal.require(.workspaceRead)
        return try await store.serviceAlerts(in: principal.workspaceID, after: cursor, limit: limit.value)
    }
}
