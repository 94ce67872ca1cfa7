public import CairnAnalytics
public import CairnCore
public import CairnStore
public import Foundation

/// The touchpoint scorecard: NPS, CSAT or CES of every survey answered in the period, by touchpoint (the event that
/// asked — `Order Delivered`, `Support Case Solved` — or the survey's name when none did) and segment (a customer
/// trait such as `tier`, the customer's persona, or the answer's channel), each cell with its interval and n, and the gaps to the rest of the
/// touchpoint that hold after a false-discovery-rate control over the whole page (``Scorecard``). Needs `insights.read`.
public struct TouchpointScorecard: Sendable {
    let store: Store
    public let clock: DateSource

    public init(store: Store, clock: DateSource = .system) {
        self.store = store
        self.clock = clock
    }

    public struct Result: Sendable, Encodable {
        public var metric: String
        public var by: String
        public var from: Date
        public var until: Date
        public var rows: [String]
        public var columns: [String]
        public var cells: [ScorecardCell]
    }

    public func run(metric text: String?, by: String?, from fromText: String?, until untilText: String?, segment: String? = nil, for principal: Principal) async throws -> Result {
        try principal.require(.insightsRead)
        var issues = ValidationCollector()
        let metric = ScorecardMetric(rawValue: text ?? "nps")
        if metric == nil { issues.add(FieldIssue(field: "metric", issue: .unknownValue(allowed: ScorecardMetric.allCases.map(\.rawValue)), hint: "Use nps, csat or ces.")) }
        let column = by ?? "channel"
        var trait: String?
        if column.hasPrefix("trait:"), column.count > 6, column.count <= 106 { trait = String(column.dropFirst(6)) }
        else if column != "channel" && column != "persona" { issues.add(FieldIssue(field: "by", issue: .invalid, hint: "Segment by channel, persona or trait:<name>, e.g. trait:tier.")) }
        let byPersona = column == "persona"
        let period = ReportPeriod.parse(from: fromText, until: untilText, now: clock.now(), defaultDays: 90, collecting: &issues)
        try issues.throwIfAny()
        let (from, until) = period!
        // Only the answers of a segment's members.
        let members = try await SegmentFilter.members(segment, in: principal.workspaceID, store: store)
        let type: SurveyDefinition.QuestionType = switch metric! { case .nps: .nps; case .csat: .csat; case .ces: .ces }
        var scores: [String: [String: [Int]]] = [:]   // row → column → scores
        var byProfile: [(row: String, profile: String, score: Int)] = []
        try await Page.walk({ cursor in try await store.surveys(in: principal.workspaceID, after: cursor, limit: 100) }) { surveys in
            for survey in surveys {
                let questions = survey.definition.questions.filter { $0.type == type }.map(\.id)
                guard !questions.isEmpty else { continue }
                try await Page.walk({ cursor in
                    try await store.responses(of: survey.id, in: principal.workspaceID, from: from, until: until, after: cursor, limit: 1_000)
                }) { responses in
                    for response in responses {
                        if let members, !(response.profileID.map { members.contains($0.rawValue) } ?? false) { continue }
                        for question in questions {
                            guard case .number(let value)? = response.answers[question] else { continue }
                            let row = response.touchpoint ?? survey.name
                            if trait != nil || byPersona {
                                if let profile = response.profileID { byProfile.append((row, profile.rawValue, value)) }
                                else { scores[row, default: [:]]["—", default: []].append(value) }
                            } else {
                                scores[row, default: [:]][response.channel.rawValue, default: []].append(value)
                            }
                        }
                    }
                }
            }
        }
        if trait != nil || byPersona {
            // A trait's value, or the persona (its key) at the last persona computation.
            let values = if let trait { try await store.traitValues(trait, of: Array(Set(byProfile.map(\.profile))), in: principal.workspaceID) }
                         else { try await store.personas(in: principal.workspaceID) }
            for entry in byProfile { scores[entry.row, default: [:]][values[entry.profile] ?? "—", default: []].append(entry.score) }
        }
        let groups = scores.flatMap { row, columns in columns.map { (row: row, column: $0.key, scores: $0.value) } }
        let cells = Scorecard.cells(groups, metric: metric!)
        return Result(metric: metric!.rawValue, by: column, from: from, until: until, rows: Array(Set(cells.map(\.row))).sorted(),
                      columns: Array(Set(cells.map(\.column))).sorted(), cells: cells)
    }
}
