public import CairnAnalytics
public import CairnCore
public import CairnStore
public import Foundation

/// Which touchpoint ratings, delivery, refund and service facts and comment topics drive an outcome (a survey's NPS or
/// another scale answer): relative weights (Johnson 2000) with bootstrap intervals and R², beside each driver's
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
        guard let outcome = requested.map({ id in scales.first { $0.id == id } }) ?? scales.first(where: { $0.type == .nps }) ?? scales.first else {
            throw ValidationError(field: "outcome", issue: .unknownValue(allowed: scales.map(\.id)), hint: "Name a scale question of the survey (NPS, CSAT, CES or a rating).")
        }
        let responses = try await store.allResponses(of: surveyID, in: principal.workspaceID).filter {
            $0.complete && $0.startedAt >= from && $0.startedAt < until && $0.answers[outcome.id] != nil
        }
        let ratingQuestions = scales.filter { $0.id != outcome.id }
        func number(_ answer: SurveyAnswer?) -> Double? { if case .number(let value)? = answer { Double(value) } else { nil } }
        let complete = responses.filter { response in ratingQuestions.allSatisfy { number(response.answers[$0.id]) != nil } }
        let profiles = Array(Set(complete.compactMap(\.profileID?.rawValue)))
        let facts = try await store.driverFacts(of: profiles, in: principal.workspaceID, lookback: 90 * 86_400_000, until: until.storageMillis, now: clock.now().storageMillis)
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
            outcomes.append(number(response.answers[outcome.id])!)
        }
        // Drivers that do not vary here have nothing to say.
        var keep: [Int] = [], constant: [String] = []
        for index in columns.indices {
            let values = Set(rows.map { $0[index] })
            if values.count > 1 { keep.append(index) } else { constant.append(columns[index].label) }
        }
        let used = rows.map { row in keep.map { row[$0] } }
        guard !keep.isEmpty, let weights = RelativeWeights.compute(drivers: used, outcome: outcomes) else {
            return Result(surveyId: surveyID.rawValue, outcome: outcome.id, rows: used.count, rSquared: nil, drivers: [], constant: constant,
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
        return Result(surveyId: surveyID.rawValue, outcome: outcome.id, rows: used.count, rSquared: weights.rSquared, drivers: drivers, constant: constant, note: nil)
    }
}
