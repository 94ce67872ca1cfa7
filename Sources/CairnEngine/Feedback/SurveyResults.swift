public import CairnAnalytics
public import CairnCore
public import CairnStore
public import Foundation

/// Personal invitations (only to customers who consented to surveys), responses, and each scale question's figure
/// with its interval.
public struct SurveyResults: Sendable {
    let store: Store
    public let clock: DateSource

    public init(store: Store, clock: DateSource = .system) {
        self.store = store
        self.clock = clock
    }

    /// A personal link for one customer, valid for `days` (1–90; default 14). Refused unless the customer consented
    /// to the `surveys` purpose, and unless the survey is published. The link's token is returned once.
    public func invite(_ profile: ProfileID, to surveyID: SurveyID, days: Int?, by principal: Principal) async throws -> (invitation: SurveyInvitation, link: String) {
        try principal.require(.feedbackManage)
        let workspace = principal.workspaceID
        guard let survey = try await store.survey(id: surveyID, in: workspace) else { throw NotFoundError(kind: "survey", id: surveyID.rawValue) }
        guard survey.status == .published else {
            throw ValidationError(field: "survey", issue: .invalid, hint: "The survey is \(survey.status.rawValue); publish it before inviting anyone.")
        }
        let days = days ?? 14
        guard (1...90).contains(days) else { throw ValidationError(field: "expiresInDays", issue: .invalid, hint: "A link lasts from 1 to 90 days.") }
        guard try await store.profile(id: profile, in: workspace) != nil else {
            throw ValidationError(field: "profileId", issue: .unknownValue(allowed: []), hint: "No customer with this id in the workspace.")
        }
        guard try await ConsentLedger(store: store, clock: clock).hasConsented(profile, to: .surveys, in: workspace) else {
            throw ValidationError(field: "profileId", issue: .notAllowed, hint: "The customer has not consented to surveys; nobody without that consent is invited.")
        }
        let now = clock.now()
        let token = Secrets.randomToken(byteCount: 24)
        let invitation = SurveyInvitation(id: .generate(), workspaceID: workspace, surveyID: surveyID, profileID: profile, createdAt: now,
                                          expiresAt: now.addingTimeInterval(TimeInterval(days * 86_400)))
        try await store.insert(invitation, tokenHash: Secrets.tokenHash(token))
        return (invitation, "/s/\(token)")
    }

    public func responses(of surveyID: SurveyID, for principal: Principal, after cursor: Cursor?, limit: PageSize) async throws -> Page<SurveyResponse> {
        try principal.require(.feedbackRead)
        guard try await store.survey(id: surveyID, in: principal.workspaceID) != nil else { throw NotFoundError(kind: "survey", id: surveyID.rawValue) }
        return try await store.responses(of: surveyID, in: principal.workspaceID, after: cursor, limit: limit.value)
    }

    /// One scale question's figure over the answers given (complete and partial responses alike).
    public struct Figure: Sendable, Encodable {
        public var question: String
        public var type: SurveyDefinition.QuestionType
        public var nps: NPS?
        public var csat: Proportion?
        public var ces: CES?
        public var rating: Mean?

        public init(question: String, type: SurveyDefinition.QuestionType, nps: NPS? = nil, csat: Proportion? = nil, ces: CES? = nil, rating: Mean? = nil) {
            self.question = question
            self.type = type
            self.nps = nps
            self.csat = csat
            self.ces = ces
            self.rating = rating
        }
    }

    public struct Summary: Sendable, Encodable {
        public var responses: Int
        public var complete: Int
        public var partial: Int
        public var figures: [Figure]
    }

    /// The figure of one scale question over these responses (nil for questions that are not scales).
    public static func figure(of question: SurveyDefinition.Question, in responses: [SurveyResponse]) -> Figure? {
        let numbers = responses.compactMap { response -> Int? in
            if case .number(let value)? = response.answers[question.id] { return value }
            return nil
        }
        var figure = Figure(question: question.id, type: question.type)
        switch question.type {
        case .nps: figure.nps = NPS(scores: numbers)
        case .csat: figure.csat = Proportion.csat(scores: numbers)
        case .ces: figure.ces = CES(scores: numbers)
        case .rating: figure.rating = Mean(values: numbers.map(Double.init))
        default: return nil
        }
        return figure
    }

    public func summary(of surveyID: SurveyID, for principal: Principal) async throws -> Summary {
        try principal.require(.feedbackRead)
        guard let survey = try await store.survey(id: surveyID, in: principal.workspaceID) else { throw NotFoundError(kind: "survey", id: surveyID.rawValue) }
        let counts = try await store.responseCounts(of: surveyID, in: principal.workspaceID)
        let totals = try await store.scoreTotals(of: surveyID, in: principal.workspaceID)
        return Summary(responses: counts.total, complete: counts.complete, partial: counts.total - counts.complete,
                       figures: survey.definition.questions.compactMap { Self.figure(of: $0, counts: totals[$0.id] ?? [:]) })
    }

    /// One line of the scorecard: a survey's scale question in a period, beside the period before it.
    public struct ScoreLine: Sendable {
        public var survey: Survey
        public var question: SurveyDefinition.Question
        public var current: Figure
        public var previous: Figure
        public var change: Change?
    }

    /// Every scale question of the workspace's published and closed surveys over [from, until) (by when each response
    /// started), beside the period of the same length just before, with the test of the change; and NPS pooled over
    /// the NPS questions of customer surveys (employee surveys are another population).
    /// The page's comparisons (every line's change and the pooled NPS's) are adjusted together by Benjamini–Hochberg,
    /// so "significant" keeps its meaning however many figures the page tests; `comparisons` says how many.
    public func scorecard(for principal: Principal, from: Date, until: Date) async throws
        -> (lines: [ScoreLine], combinedNPS: NPS, previousCombinedNPS: NPS, combinedChange: Change?, comparisons: Int) {
        try principal.require(.feedbackRead)
        let workspace = principal.workspaceID
        var lines: [ScoreLine] = []
        let days = UnitsSoldReport.days(from: from, until: until)
        let span = days.until - days.from
        // Every survey, a page at a time (no first-200 cut); only customer surveys join the pooled NPS.
        var surveys: [Survey] = []
        try await Page.walk({ cursor in try await store.surveys(in: workspace, after: cursor, limit: 200) }) { items in
            surveys += items
        }
        for survey in surveys where survey.status != .draft {
            let now = try await store.scoreTotals(of: survey.id, in: workspace, fromDay: days.from, untilDay: days.until)
            let before = try await store.scoreTotals(of: survey.id, in: workspace, fromDay: days.from - span, untilDay: days.from)
            for question in survey.definition.questions {
                guard let current = Self.figure(of: question, counts: now[question.id] ?? [:]),
                      let previous = Self.figure(of: question, counts: before[question.id] ?? [:]) else { continue }
                var change: Change?
                if let a = previous.nps, let b = current.nps { change = FeedbackMetrics.change(from: a, to: b) }
                if let a = previous.csat, let b = current.csat { change = FeedbackMetrics.change(from: a, to: b) }
                if let a = previous.ces, let b = current.ces { change = FeedbackMetrics.change(from: a.mean, to: b.mean) }
                if let a = previous.rating, let b = current.rating { change = FeedbackMetrics.change(from: a, to: b) }
                lines.append(ScoreLine(survey: survey, question: question, current: current, previous: previous, change: change))
            }
        }
        let customerSurveys = surveys.filter { $0.status != .draft && $0.definition.audience == .customers }
        let combined = try await pooledNPS(of: customerSurveys, in: workspace, fromDay: days.from, untilDay: days.until)
        let combinedBefore = try await pooledNPS(of: customerSurveys, in: workspace, fromDay: days.from - span, untilDay: days.from)
        let adjusted = FeedbackMetrics.adjustedTogether(lines.map(\.change) + [FeedbackMetrics.change(from: combinedBefore, to: combined)])
        for index in lines.indices { lines[index].change = adjusted[index] }
        return (lines, combined, combinedBefore, adjusted.last ?? nil, adjusted.compactMap { $0 }.count)
    }

    /// NPS over several surveys' NPS questions in the UTC days [fromDay, untilDay), each respondent counted once: a
    /// customer who answered several surveys (or one survey twice) counts with their latest answer of the period, so a
    /// loyal customer asked after every order does not outweigh one asked once. Answers without a known customer
    /// (an anonymous link) count one each. Every response of the period is read, a page at a time.
    func pooledNPS(of surveys: [Survey], in workspace: WorkspaceID, fromDay: Int64, untilDay: Int64) async throws -> NPS {
        var latest: [String: (at: Date, id: String, score: Int)] = [:]
        for survey in surveys {
            let questions = survey.definition.questions.filter { $0.type == .nps }.map(\.id)
            guard !questions.isEmpty else { continue }
            let period = (from: Date(utcDay: fromDay), until: Date(utcDay: untilDay))
            try await Page.walk({ cursor in
                try await store.responses(of: survey.id, in: workspace, from: period.from, until: period.until, after: cursor, limit: Self.breakdownPage)
            }) { items in
                for response in items {
                    guard let score = questions.lazy.compactMap({ question -> Int? in
                        if case .number(let value)? = response.answers[question] { value } else { nil }
                    }).first else { continue }
                    let respondent = response.profileID.map { "profile:" + $0.rawValue } ?? "response:" + response.id.rawValue
                    let answer = (at: response.startedAt, id: response.id.rawValue, score: score)
                    if let held = latest[respondent], (held.at, held.id) > (answer.at, answer.id) { continue }
                    latest[respondent] = answer
                }
            }
        }
        return NPS(scores: latest.values.map(\.score))
    }

    /// NPS per week (Monday, UTC) of one survey's NPS question, oldest first.
    public func weeklyNPS(of surveyID: SurveyID, question: String, for principal: Principal, from: Date, until: Date) async throws -> [(week: String, nps: NPS)] {
        try await trend(of: surveyID, question: question, period: .week, byChannel: false, from: from, until: until, for: principal)
            .compactMap { point in point.figure.nps.map { (point.period, $0) } }
    }

    /// Every response of the workspace (newest first, at most `limit`), optionally of one survey or only complete ones.
    public func responses(for principal: Principal, survey: SurveyID?, completeOnly: Bool, sentiment: String? = nil, topic: String? = nil,
                          limit: Int) async throws -> [(survey: Survey, response: SurveyResponse)] {
        try principal.require(.feedbackRead)
        let workspace = principal.workspaceID
        let responses = try await store.latestResponses(in: workspace, survey: survey, completeOnly: completeOnly, sentiment: sentiment, topic: topic, limit: limit)
        var surveys: [SurveyID: Survey] = [:]
        var result: [(Survey, SurveyResponse)] = []
        for response in responses {
            if surveys[response.surveyID] == nil { surveys[response.surveyID] = try await store.survey(id: response.surveyID, in: workspace) }
            if let held = surveys[response.surveyID] { result.append((held, response)) }
        }
        return result
    }

    /// What a figure can be broken down by besides period and channel.
    public enum Breakdown: Sendable, Hashable {
        /// The moment of the journey: a trigger's event, or what the widget's site said.
        case touchpoint
        /// The products of the order the response is about.
        case product
        case channel
        /// A profile trait (a segment such as tier or region).
        case trait(String)

        public init?(_ text: String) {
            switch text {
            case "touchpoint": self = .touchpoint
            case "product": self = .product
            case "channel": self = .channel
            default:
                guard text.hasPrefix("trait:"), case let name = String(text.dropFirst(6)), !name.isEmpty, name.count <= 100 else { return nil }
                self = .trait(name)
            }
        }
    }

    public struct BreakdownGroup: Sendable, Encodable {
        /// The touchpoint, `SKU · name`, channel or trait value; `unknown` when the response does not say.
        public var key: String
        public var figure: Figure
    }

    /// The groups, largest first, and whether they differ at all.
    public struct BreakdownResult: Sendable {
        public var groups: [BreakdownGroup]
        /// χ² on the groups × categories table (NPS: promoters, passives, detractors; CSAT: satisfied or not) with
        /// Cramér's V, or Kruskal–Wallis on the answers (CES, ratings) with ε²; nil with fewer than two groups. Marked
        /// approximate when a response falls in several groups (several products of one order).
        public var difference: GroupDifference?
    }

    /// How many responses a breakdown reads at a time (it reads them all).
    public static let breakdownPage = 5_000

    /// A scale question's figure per touchpoint, product, channel or profile trait over the responses started in the
    /// whole UTC days of [from, until): read from every response of the period, largest group first. A trait breakdown
    /// groups by each customer's trait as it is today.
    public func breakdown(of surveyID: SurveyID, question questionID: String, by breakdown: Breakdown, from: Date, until: Date, segment: String? = nil,
                          for principal: Principal, pageSize: Int = breakdownPage) async throws -> BreakdownResult {
        try principal.require(.feedbackRead)
        let workspace = principal.workspaceID
        guard let survey = try await store.survey(id: surveyID, in: workspace) else { throw NotFoundError(kind: "survey", id: surveyID.rawValue) }
        guard let question = survey.definition.questions.first(where: { $0.id == questionID }), question.range != nil else {
            throw ValidationError(field: "question", issue: .unknownValue(allowed: survey.definition.questions.filter { $0.range != nil }.map(\.id)),
                                  hint: "Name one of the survey's scale questions.")
        }
        // Whole UTC days, as for the trend. Every response of the period is read, a page at a time, so memory stays
        // bounded however many there are; orders and traits are looked up once each.
        let days = UnitsSoldReport.days(from: from, until: until)
        // Only the answers of a segment's members.
        let members = try await SegmentFilter.members(segment, in: workspace, store: store)
        var counts: [String: [Int: Int64]] = [:]
        var orders: [String: [String]] = [:]
        var multipleGroups = false
        try await Page.walk({ cursor in
            try await store.responses(of: surveyID, in: workspace, from: Date(utcDay: days.from), until: Date(utcDay: days.until), after: cursor, limit: pageSize)
        }) { items in
            let responses = items.filter { response in
                if let members, !(response.profileID.map { members.contains($0.rawValue) } ?? false) { return false }
                if case .number? = response.answers[questionID] { return true } else { return false }
            }
            var keys: [SurveyResponseID: [String]] = [:]
            switch breakdown {
            case .touchpoint:
                for response in responses { keys[response.id] = [response.touchpoint ?? "unknown"] }
            case .channel:
                for response in responses { keys[response.id] = [response.channel.rawValue] }
            case .product:
                for reference in Set(responses.compactMap(\.orderReference)) where orders[reference] == nil {
                    let lines = try await store.order(reference: reference, in: workspace)?.lines ?? []
                    orders[reference] = Array(Set(lines.map { "\($0.sku) · \($0.name)" })).sorted()
                }
                for response in responses {
                    let products = response.orderReference.flatMap { orders[$0] } ?? []
                    keys[response.id] = products.isEmpty ? ["unknown"] : products
                }
            case .trait(let name):
                // The customer's trait as it is today, not as it was when they answered.
                let traits = try await store.traits(of: Array(Set(responses.compactMap(\.profileID))), in: workspace)
                for response in responses {
                    let value = response.profileID.flatMap { traits[$0]?[name]?.value }
                    let text: String? = switch value {
                    case .string(let text)?: text
                    case .integer(let number)?: String(number)
                    case .bool(let yes)?: yes ? "true" : "false"
                    default: nil
                    }
                    keys[response.id] = [text ?? "unknown"]
                }
            }
            for response in responses {
                guard case .number(let value)? = response.answers[questionID] else { continue }
                let groups = keys[response.id] ?? ["unknown"]
                if groups.count > 1 { multipleGroups = true }
                for key in groups { counts[key, default: [:]][value, default: 0] += 1 }
            }
        }
        let groups = counts.compactMap { key, values in Self.figure(of: question, counts: values).map { BreakdownGroup(key: key, figure: $0) } }
            .sorted { a, b in
                let (na, nb) = (counts[a.key]!.values.reduce(0, +), counts[b.key]!.values.reduce(0, +))
                return na != nb ? na > nb : a.key < b.key
            }
        var difference = Self.difference(of: question, groups: groups.map { counts[$0.key] ?? [:] })
        if multipleGroups { difference?.isApproximate = true }
        return BreakdownResult(groups: groups, difference: difference)
    }

    /// Whether groups' answers to one question differ (see ``BreakdownResult/difference``).
    static func difference(of question: SurveyDefinition.Question, groups: [[Int: Int64]]) -> GroupDifference? {
        func count(_ values: [Int: Int64], _ range: ClosedRange<Int>) -> Int { Int(values.filter { range.contains($0.key) }.values.reduce(0, +)) }
        switch question.type {
        case .nps: return GroupTests.chiSquared(groups.map { [count($0, 9...10), count($0, 7...8), count($0, 0...6)] })
        case .csat: return GroupTests.chiSquared(groups.map { [count($0, 4...5), count($0, 1...3)] })
        default:
            return GroupTests.kruskalWallis(groups.map { values in values.sorted { $0.key < $1.key }.flatMap { Array(repeating: Double($0.key), count: Int($0.value)) } })
        }
    }

    public struct TopicInput: Sendable, Decodable {
        public var id: String
        public var name: String?
        public var keywords: [String: [String]]

        public init(id: String, name: String?, keywords: [String: [String]]) {
            self.id = id
            self.name = name
            self.keywords = keywords
        }
    }

    /// The workspace's own topics (besides ``Topic/standard``).
    public func customTopics(for principal: Principal) async throws -> [CustomTopic] {
        try principal.require(.feedbackRead)
        return try await store.customTopics(in: principal.workspaceID)
    }

    /// Where reading the workspace's stored answers again stands (after its own topics changed, or the analysis did);
    /// nil when nothing is waiting.
    public func reanalysis(for principal: Principal) async throws -> ReanalysisProgress? {
        try principal.require(.feedbackRead)
        return try await store.reanalysis(in: principal.workspaceID)
    }

    /// Replaces the workspace's own topics (every bad field named; nothing written then). Responses stored from now on
    /// are read with them; earlier ones keep the topics found when they were stored.
    public func setCustomTopics(_ inputs: [TopicInput], by principal: Principal) async throws -> [CustomTopic] {
        try principal.require(.feedbackManage)
        var issues = ValidationCollector()
        if inputs.count > 30 { issues.add(FieldIssue(field: "topics", issue: .invalid, hint: "At most 30 topics of your own.")) }
        var seen: Set<String> = []
        var topics: [CustomTopic] = []
        for (index, input) in inputs.enumerated() {
            let field = "topics[\(index)]"
            let id = input.id
            if id.isEmpty || id.count > 40 || !id.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }) {
                issues.add(FieldIssue(field: "\(field).id", issue: .invalid, hint: "Lower-case letters, digits and hyphens, at most 40, e.g. parking."))
            } else if Topic.standard.contains(where: { $0.id == id }) || !seen.insert(id).inserted {
                issues.add(FieldIssue(field: "\(field).id", issue: .invalid, hint: "Each topic needs its own id, other than the standard ones (\(Topic.standard.map(\.id).joined(separator: ", ")))."))
            }
            let name = (input.name ?? id).trimmingCharacters(in: .whitespacesAndNewlines)
            if name.isEmpty || name.count > 80 { issues.add(FieldIssue(field: "\(field).name", issue: .invalid, hint: "A name of at most 80 characters.")) }
            var keywords: [String: [String]] = [:]
            for (language, words) in input.keywords {
                guard TextLanguage(rawValue: language) != nil else {
                    issues.add(FieldIssue(field: "\(field).keywords.\(language)", issue: .unknownValue(allowed: TextLanguage.allCases.map(\.rawValue)),
                                          hint: "Keywords are given per language: en, de, he or zh."))
                    continue
                }
                let cleaned = words.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
                if cleaned.isEmpty || cleaned.count > 50 || cleaned.contains(where: { $0.count > 60 }) {
                    issues.add(FieldIssue(field: "\(field).keywords.\(language)", issue: .invalid, hint: "From 1 to 50 keywords of at most 60 characters."))
                }
                keywords[language] = cleaned
            }
            if input.keywords.isEmpty { issues.add(FieldIssue(field: "\(field).keywords", issue: .missing, hint: "Give keywords in at least one language.")) }
            topics.append(CustomTopic(id: id, name: name, keywords: keywords))
        }
        try issues.throwIfAny()
        try await store.replaceCustomTopics(topics, in: principal.workspaceID, at: clock.now())
        return topics
    }

    /// How many responses mentioned a topic in one period, and with which sentiment.
    public struct TopicPoint: Sendable, Encodable, Hashable {
        public var period: String
        public var topic: String
        public var responses: Int64
        public var positive: Int64
        public var neutral: Int64
        public var negative: Int64
        /// Mentions in a language without a sentiment model (Chinese, Hebrew).
        public var unscored: Int64
    }

    /// Topic counts per period for one survey or all of the workspace's, most mentioned topic first within a period.
    public func topicTrend(of surveyID: SurveyID?, period: UnitsSoldPeriod, from: Date, until: Date, for principal: Principal) async throws -> [TopicPoint] {
        try principal.require(.feedbackRead)
        if let surveyID, try await store.survey(id: surveyID, in: principal.workspaceID) == nil { throw NotFoundError(kind: "survey", id: surveyID.rawValue) }
        let days = UnitsSoldReport.days(from: from, until: until)
        let cells = try await store.topicCounts(of: surveyID, in: principal.workspaceID, period: period, fromDay: days.from, untilDay: days.until)
        struct Key: Hashable { var bucket: Int64; var topic: String }
        var points: [Key: TopicPoint] = [:]
        for cell in cells {
            let key = Key(bucket: cell.bucket, topic: cell.topic)
            var point = points[key] ?? TopicPoint(period: period.label(ofBucket: cell.bucket), topic: cell.topic, responses: 0, positive: 0, neutral: 0, negative: 0, unscored: 0)
            point.responses += cell.responses
            switch cell.label {
            case "positive": point.positive += cell.responses
            case "neutral": point.neutral += cell.responses
            case "negative": point.negative += cell.responses
            default: point.unscored += cell.responses
            }
            points[key] = point
        }
        return points.sorted { a, b in
            a.key.bucket != b.key.bucket ? a.key.bucket < b.key.bucket : a.value.responses != b.value.responses ? a.value.responses > b.value.responses : a.key.topic < b.key.topic
        }.map(\.value)
    }

    /// A figure from how many answers each value got.
    public static func figure(of question: SurveyDefinition.Question, counts: [Int: Int64]) -> Figure? {
        var figure = Figure(question: question.id, type: question.type)
        func count(_ range: ClosedRange<Int>) -> Int { Int(counts.filter { range.contains($0.key) }.values.reduce(0, +)) }
        switch question.type {
        case .nps: figure.nps = NPS(promoters: count(9...10), passives: count(7...8), detractors: count(0...6))
        case .csat: figure.csat = Proportion(successes: count(4...5), n: count(1...5))
        case .ces: figure.ces = CES(counts: counts)
        case .rating: figure.rating = Mean(counts: counts)
        default: return nil
        }
        return figure
    }

    public struct TrendPoint: Sendable, Encodable {
        /// The day, the Monday its week starts on, or the month.
        public var period: String
        public var channel: String?
        public var figure: Figure
    }

    /// A scale question's figure per day, week or month (UTC), and per channel when asked, over [from, until) (whole
    /// UTC days): read from the daily answer counts, so it costs the same for a thousand responses as for millions.
    public func trend(of surveyID: SurveyID, question questionID: String, period: UnitsSoldPeriod, byChannel: Bool, from: Date, until: Date,
                      for principal: Principal) async throws -> [TrendPoint] {
        try principal.require(.feedbackRead)
        guard let survey = try await store.survey(id: surveyID, in: principal.workspaceID) else { throw NotFoundError(kind: "survey", id: surveyID.rawValue) }
        guard let question = survey.definition.questions.first(where: { $0.id == questionID }), question.range != nil else {
            throw ValidationError(field: "question", issue: .unknownValue(allowed: survey.definition.questions.filter { $0.range != nil }.map(\.id)),
                                  hint: "Name one of the survey's scale questions.")
        }
        let days = UnitsSoldReport.days(from: from, until: until)
        let cells = try await store.scoreCounts(of: surveyID, question: questionID, in: principal.workspaceID, period: period, byChannel: byChannel,
                                                fromDay: days.from, untilDay: days.until)
        struct Group: Hashable { var bucket: Int64; var channel: String }
        var groups: [Group: [Int: Int64]] = [:]
        for cell in cells { groups[Group(bucket: cell.bucket, channel: cell.channel), default: [:]][cell.value, default: 0] += cell.answers }
        return groups.sorted { ($0.key.bucket, $0.key.channel) < ($1.key.bucket, $1.key.channel) }.compactMap { group, counts in
            Self.figure(of: question, counts: counts).map { TrendPoint(period: period.label(ofBucket: group.bucket), channel: byChannel ? group.channel : nil, figure: $0) }
        }
    }
}
