public import CairnAnalytics
public import CairnCore
public import CairnStore
public import Foundation

/// Which touchpoint ratings, delivery, refund and service facts and comment topics drive an outcome — a survey's NPS or
/// another scale answer, or what the respondent did in the 90 days after answering: `repurchase` (placed an order: 1
/// or 0), `spend` (the orders' totals in the workspace's main currency) or `churn` (no order and no activity at all:
/// 1 or 0; only answers whose 90 days have passed count, and only from known customers): relative weights (Johnson 2000) with bootstrap intervals and R², beside each driver's
/// performance, so the "fix first" ones (important, performing below the others) stand out. Needs `insights.read`.
///
/// Rows are the survey's complete responses in the period that answered the outcome. Drivers: every other scale
/// question answered in every row used (rows missing one are left out); for the respondent, in the 90 days before
/// answering, a late delivery, a refund, a service case (1 or 0); and each comment topic mentioned negatively in at
/// least 5 % of the rows (1 or 0). A driver that does not vary is left out and said so.
public struct KeyDrivers: Sendable {
    let store: Store
    public let clock: DateSource

    public init(store: Store, clock: DateSource = .system) {
        self.store = store
        self.clock = clock
    }

    /// Outcomes of what respondents did after answering.
    public enum Behaviour: String, Sendable, CaseIterable { case repurchase, spend, churn }
    public static let followUpDays: Int64 = 90

    public struct Driver: Sendable, Encodable {
        public var key: String
        public var label: String
        /// `rating`, `fact` or `topic`.
        public var kind: String
        /// Share of R² in per cent, with its 95 % bootstrap interval.
        public var weightPercent: Double
        public var lower: Double
        public var upper: Double
        /// 0–100: a rating's mean on its scale; for a fact or a topic, the share of rows without it.
        public var performance: Double
        /// `fix_first` (weight at or above the average, performance below the median), `strength` (important, performing),
        /// `secondary` (less important, performing), `watch` (less important, below).
        public var quadrant: String
    }

    public struct Result: Sendable, Encodable {
        public var surveyId: String
        public var outcome: String
        public var rows: Int
        public var rSquared: Double?
        public var drivers: [Driver]
        /// Drivers left out because they did not vary in these rows.
        public var constant: [String]
        public var note: String?
    }

    public func run(survey surveyID: SurveyID, outcome requested: String?, from: Date, until: Date, rounds: Int = 500, for principal: Principal) async throws -> Result {
        try principal.require(.insightsRead)
        guard let survey = try await store.survey(id: surveyID, in: principal.workspaceID) else { throw NotFoundError(kind: "survey", id: surveyID.rawValue) }
        let scales = survey.definition.questions.filter { [.nps, .csat, .ces, .rating].contains($0.type) }
        let behaviour = requested.flatMap { Self.Behaviour(rawValue: $0) }
        let outcome: SurveyDefinition.Question?
        if behaviour != nil {
            outcome = nil
        } else {
            guard let found = requested.map({ id in scales.first { $0.id == id } }) ?? scales.first(where: { $0.type == .nps }) ?? scales.first else {
                throw ValidationError(field: "outcome", issue: .unknownValue(allowed: scales.map(\.id) + Self.Behaviour.allCases.map(\.rawValue)),
                                      hint: "Name a scale question of the survey (NPS, CSAT, CES or a rating), or repurchase, spend or churn.")
            }
            outcome = found
        }
        let followUpEnd = clock.now().storageMillis - Self.followUpDays * 86_400_000
        let responses = try await store.allResponses(of: surveyID, in: principal.workspaceID).filter {
            guard $0.complete && $0.startedAt >= from && $0.startedAt < until else { return false }
            if let outcome { return $0.answers[outcome.id] != nil }
            return $0.profileID != nil && $0.startedAt.storageMillis <= followUpEnd
        }
        let ratingQuestions = scales.filter { $0.id != outcome?.id }
        func number(_ answer: SurveyAnswer?) -> Double? { if case .number(let value)? = answer { Double(value) } else { nil } }
        let complete = responses.filter { response in ratingQuestions.allSatisfy { number(response.answers[$0.id]) != nil } }
        let profiles = Array(Set(complete.compactMap(\.profileID?.rawValue)))
        let facts = try await store.driverFacts(of: profiles, in: principal.workspaceID, lookback: 90 * 86_400_000, until: until.storageMillis, now: clock.now().storageMillis)
        // What each respondent did in the 90 days after answering (behavioural outcomes only).
        var behaviourOf: [String: Double] = [:]
        if let behaviour, !complete.isEmpty {
            let first = complete.map(\.startedAt.storageMillis).min()!, last = complete.map(\.startedAt.storageMillis).max()!
            let followUps = try await store.followUps(of: profiles, in: principal.workspaceID, from: first, until: last + Self.followUpDays * 86_400_000 + 1)
            var byCurrency: [String: Int] = [:]
            for followUp in followUps.values { for order in followUp.orders { byCurrency[order.currency, default: 0] += 1 } }
            let currency = byCurrency.max { ($0.value, $1.key) < ($1.value, $0.key) }?.key
            let exponent = currency.map { Currency(uncheckedCode: $0).exponent } ?? 2
            for response in complete {
                guard let profile = response.profileID?.rawValue else { continue }
                let answered = response.startedAt.storageMillis, end = answered + Self.followUpDays * 86_400_000
                let known = followUps[profile] ?? FollowUp()
                let orders = known.orders.filter { $0.at > answered && $0.at <= end }
                switch behaviour {
                case .repurchase: behaviourOf[response.id.rawValue] = orders.isEmpty ? 0 : 1
                case .spend:
                    let minor = orders.filter { $0.currency == currency }.reduce(Int64(0)) { $0 + $1.totalMinor }
                    behaviourOf[response.id.rawValue] = Double(minor) / pow(10, Double(exponent))
                case .churn: behaviourOf[response.id.rawValue] = orders.isEmpty && !known.activity.contains { $0 > answered && $0 <= end } ? 1 : 0
                }
            }
        }
        // Topics mentioned negatively in at least 5 % of the rows.
        var topicCounts: [String: Int] = [:]
        func negativeTopics(_ response: SurveyResponse) -> Set<String> {
            var found: Set<String> = []
            for insight in response.insights.values {
                for topic in insight.topics where (insight.topicSentiment?[topic] ?? insight.sentiment ?? 0) < -0.05 { found.insert(topic) }
            }
            return found
        }
        for response in complete { for topic in negativeTopics(response) { topicCounts[topic, default: 0] += 1 } }
        let topics = topicCounts.filter { Double($0.value) >= 0.05 * Double(complete.count) }.keys.sorted()

        var columns: [(key: String, label: String, kind: String, scale: ClosedRange<Int>?)] = ratingQuestions.map {
            ("question:\($0.id)", $0.text.text(in: "en", fallback: survey.definition.defaultLanguage), "rating", $0.range)
        }
        columns += [("fact:late_delivery", "Late delivery", "fact", nil), ("fact:refunded", "Refund", "fact", nil), ("fact:service_case", "Service case", "fact", nil)]
        columns += topics.map { ("topic:\($0)", $0, "topic", nil) }
        var rows: [[Double]] = [], outcomes: [Double] = []
        for response in complete {
            var row: [Double] = ratingQuestions.map { number(response.answers[$0.id])! }
            let known = response.profileID.flatMap { facts[$0.rawValue] }
            let answered = response.startedAt.storageMillis
            func recent(_ times: [Int64]?) -> Double { (times ?? []).contains { $0 <= answered && answered - $0 <= 90 * 86_400_000 } ? 1 : 0 }
            row += [recent(known?.late), recent(known?.refunds), recent(known?.cases)]
            let negative = negativeTopics(response)
            row += topics.map { negative.contains($0) ? 1 : 0 }
            rows.append(row)
            outcomes.append(outcome.map { number(response.answers[$0.id])! } ?? behaviourOf[response.id.rawValue] ?? 0)
        }
        // Drivers that do not vary here have nothing to say.
        var keep: [Int] = [], constant: [String] = []
        for index in columns.indices {
            let values = Set(rows.map { $0[index] })
            if values.count > 1 { keep.append(index) } else { constant.append(columns[index].label) }
        }
        let used = rows.map { row in keep.map { row[$0] } }
        guard !keep.isEmpty, let weights = RelativeWeights.compute(drivers: used, outcome: outcomes) else {
            return Result(surveyId: surveyID.rawValue, outcome: outcome?.id ?? behaviour!.rawValue, rows: used.count, rSquared: nil, drivers: [], constant: constant,
                          note: "Too few rows (or drivers moving together) for weights: at least \(keep.count + 2) complete answers are needed.")
        }
        let intervals = RelativeWeights.bootstrap(drivers: used, outcome: outcomes, rounds: rounds) ?? keep.map { _ in (0, 100) }
        var performance: [Double] = []
        for (position, index) in keep.enumerated() {
            let values = used.map { $0[position] }
            let mean = values.reduce(0, +) / Double(values.count)
            if let scale = columns[index].scale, scale.upperBound > scale.lowerBound {
                performance.append(100 * (mean - Double(scale.lowerBound)) / Double(scale.upperBound - scale.lowerBound))
            } else {
                performance.append(100 * (1 - mean))
            }
        }
        let sortedPerformance = performance.sorted()
        let median = sortedPerformance[(sortedPerformance.count - 1) / 2]
        let average = 100 / Double(keep.count)
        let drivers = keep.enumerated().map { position, index -> Driver in
            let weight = weights.percent[position]
            let important = weight >= average, performing = performance[position] > median
            return Driver(key: columns[index].key, label: columns[index].label, kind: columns[index].kind, weightPercent: weight,
                          lower: intervals[position].lower, upper: intervals[position].upper, performance: performance[position],
                          quadrant: important ? (performing ? "strength" : "fix_first") : (performing ? "secondary" : "watch"))
        }.sorted { $0.weightPercent > $1.weightPercent }
        return Result(surveyId: surveyID.rawValue, outcome: outcome?.id ?? behaviour!.rawValue, rows: used.count, rSquared: weights.rSquared, drivers: drivers, constant: constant, note: nil)
    }
}
