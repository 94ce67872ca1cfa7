public import CairnCore
public import CairnStore
public import Foundation
import CairnAnalytics

/// Values-based personas: customers who answered a values-ranking question (which matters most: price,
/// sustainability, speed, quality, service, …) are clustered on what they ranked and how they buy (channels,
/// categories, orders a year, spend per order); the number of personas is the k of 2…8 with the highest mean
/// silhouette, checked by bootstrap; customers who never answered are placed by their buying alone. Each persona is
/// named by the values its members rank highest and described by its share, NPS with interval, customer value,
/// channels, categories and comment topics. Computed daily and on demand; customers who refused analytics are left
/// out. Reading needs `insights.read`; recomputing `segments.manage`.
public struct Personas: Sendable {
    let store: Store
    public let clock: DateSource

    public init(store: Store, clock: DateSource = .system) {
        self.store = store
        self.clock = clock
    }

    static let channels = ["web", "app", "store", "call_center"]

    public func model(for principal: Principal) async throws -> PersonaModel? {
        try principal.require(.insightsRead)
        return try await store.personaModel(in: principal.workspaceID)
    }

    /// A customer's persona (nil when they have none); another workspace's customer is not found.
    public func persona(of profile: ProfileID, for principal: Principal) async throws -> Persona? {
        try principal.require(.customersRead)
        guard let stored = try await store.profile(id: profile, in: principal.workspaceID) else { throw NotFoundError(kind: "profile", id: profile.rawValue) }
        guard let key = try await store.persona(of: stored.profile.id, in: principal.workspaceID) else { return nil }
        return try await store.personaModel(in: principal.workspaceID)?.personas.first { $0.key == key }
    }

    public func recompute(for principal: Principal) async throws -> PersonaModel? {
        try principal.require(.segmentsManage)
        return try await compute(principal.workspaceID)
    }

    /// Every workspace's personas (the daily service); returns how many workspaces have personas.
    public func recomputeAll() async throws -> Int {
        var done = 0
        for workspace in try await store.allWorkspaces() where try await compute(workspace.id) != nil { done += 1 }
        return done
    }

    /// What each clustered customer brings.
    struct Person {
        var profile: String
        var ranking: [String]?
        var channels: [String: Int] = [:]
        var categories: [String: Int] = [:]
        var ordersPerYear = 0.0
        var spendPerOrder = 0.0
    }

    func compute(_ workspace: WorkspaceID) async throws -> PersonaModel? {
        let now = clock.now()
        let merged = try await store.mergedProfiles(in: workspace)
        func owner(_ profile: String) -> String { merged[ProfileID(rawValue: profile)]?.rawValue ?? profile }
        // Consent to analytics, as the value computation reads it.
        let consent = try await store.consentStatements(.analytics, in: workspace)
        func allowed(_ profile: String) -> Bool { SegmentMembership.effective(consent.latest[ProfileID(rawValue: profile)], mode: consent.mode) }
        // The latest ranking answer of each customer, NPS answers and comment topics.
        var rankingQuestions: [SurveyID: Set<String>] = [:], npsQuestions: [SurveyID: Set<String>] = [:]
        try await Page.walk({ cursor in try await store.surveys(in: workspace, after: cursor, limit: PageSize.maximum) }) { surveys in
            for survey in surveys {
                rankingQuestions[survey.id] = Set(survey.definition.questions.filter { $0.type == .ranking }.map(\.id))
                npsQuestions[survey.id] = Set(survey.definition.questions.filter { $0.type == .nps }.map(\.id))
            }
        }
        var rankings: [String: (order: [String], at: Date)] = [:], nps: [String: (score: Int, at: Date)] = [:], topics: [String: [String]] = [:], commented: [String: Int] = [:]
        var languages: [String: (code: String, at: Date)] = [:]
        for response in try await store.profileResponses(in: workspace) {
            guard let profile = response.profileID.map({ owner($0.rawValue) }) else { continue }
            let at = response.completedAt ?? response.updatedAt
            if at >= languages[profile]?.at ?? .distantPast { languages[profile] = (response.language, at) }
            for question in rankingQuestions[response.surveyID] ?? [] {
                if case .choices(let order)? = response.answers[question], order.count >= 2, at >= rankings[profile]?.at ?? .distantPast { rankings[profile] = (order, at) }
            }
            for question in npsQuestions[response.surveyID] ?? [] {
                if case .number(let score)? = response.answers[question], at >= nps[profile]?.at ?? .distantPast { nps[profile] = (score, at) }
            }
            let named = Set(response.insights.values.flatMap(\.topics))
            if !response.insights.isEmpty { commented[profile, default: 0] += 1 }
            topics[profile, default: []] += named.sorted()
        }
        // The values: the options ranked, most often ranked first.
        var counted: [String: Int] = [:]
        for (profile, ranking) in rankings where allowed(profile) { for option in ranking.order { counted[option, default: 0] += 1 } }
        let values = counted.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(10).map(\.key)
        // How everyone bought.
        let buying = try await store.buyingFacts(in: workspace)
        var people: [String: Person] = [:]
        func person(_ profile: String) -> Person { people[profile] ?? Person(profile: profile) }
        for (profile, byChannel) in buying.ordersByChannel { var p = person(owner(profile)); for (c, n) in byChannel { p.channels[c, default: 0] += n }; people[owner(profile)] = p }
        for (profile, byCategory) in buying.unitsByCategory { var p = person(owner(profile)); for (c, n) in byCategory { p.categories[c, default: 0] += n }; people[owner(profile)] = p }
        for (profile, figure) in buying.figures {
            var p = person(owner(profile))
            let years = max(30.0, Double(now.storageMillis - figure.first) / 86_400_000) / 365
            p.ordersPerYear += Double(figure.orders) / years
            p.spendPerOrder = max(p.spendPerOrder, Double(figure.grossMinor) / 100 / Double(max(1, figure.orders)))
            people[owner(profile)] = p
        }
        for (profile, ranking) in rankings { var p = person(profile); p.ranking = ranking.order; people[profile] = p }
        people = people.filter { allowed($0.key) && merged[ProfileID(rawValue: $0.key)] == nil }
        let categoryTotals = people.values.reduce(into: [String: Int]()) { totals, p in for (c, n) in p.categories { totals[c, default: 0] += n } }
        let categories = categoryTotals.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(6).map(\.key)
        var features: [String] = values.map { "value:\($0)" }
        features += Self.channels.map { "channel:\($0)" }
        features += categories.map { "category:\($0)" }
        features += ["orders_per_year", "spend_per_order"]

        func behaviour(_ p: Person) -> [Double] {
            let orders = Double(max(1, p.channels.values.reduce(0, +))), units = Double(max(1, p.categories.values.reduce(0, +)))
            var row: [Double] = Self.channels.map { (channel: String) -> Double in Double(p.channels[channel] ?? 0) / orders }
            row += categories.map { (category: String) -> Double in Double(p.categories[category] ?? 0) / units }
            row += [log1p(p.ordersPerYear), log1p(p.spendPerOrder)]
            return row
        }
        func valueScores(_ ranking: [String]) -> [Double] {
            values.map { value in
                guard let position = ranking.firstIndex(of: value) else { return 0.5 }
                return ranking.count > 1 ? Double(ranking.count - 1 - position) / Double(ranking.count - 1) : 1
            }
        }
        let answered = people.values.filter { $0.ranking != nil }.sorted { $0.profile < $1.profile }
        guard answered.count >= PersonaModel.minimumAnswers, values.count >= 2 else { return nil }
        let raw = answered.map { valueScores($0.ranking!) + behaviour($0) }
        let scale = Standardiser(raw)
        let points = raw.map(scale.apply)
        guard let found = PersonaClustering.run(points, ks: 2...min(8, max(2, answered.count / 10)), bootstrap: 20, seed: 20) else { return nil }
        // Everyone else who bought: the nearest persona on buying alone.
        let valueCount = values.count
        var assignment: [String: Int] = [:]
        for (index, p) in answered.enumerated() { assignment[p.profile] = found.model.labels[index] }
        var byBehaviour = 0
        for p in people.values where p.ranking == nil && !p.channels.isEmpty {
            let point = scale.apply([Double](repeating: 0, count: valueCount) + behaviour(p))
            var best = (0, Double.infinity)
            for (c, centroid) in found.model.centroids.enumerated() {
                var d = 0.0
                for j in valueCount..<point.count { d += (point[j] - centroid[j]) * (point[j] - centroid[j]) }
                if d < best.1 { best = (c, d) }
            }
            assignment[p.profile] = best.0
            byBehaviour += 1
        }
        // Describe each cluster.
        let customerValues = try await store.customerValueMinor(in: workspace)
        var personas: [Persona] = []
        for cluster in 0..<found.k {
            let clusteredMembers = answered.indices.filter { found.model.labels[$0] == cluster }
            let members = assignment.filter { $0.value == cluster }.map(\.key)
            var scores: [String: Double] = [:]
            for (j, value) in values.enumerated() {
                scores[value] = clusteredMembers.reduce(0.0) { $0 + raw[$1][j] } / Double(max(1, clusteredMembers.count))
            }
            let leading = scores.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(2).map(\.key)
            let answers = members.compactMap { nps[$0]?.score }
            let figure = NPS(scores: answers)
            let npsFigure = figure.score.map { NPSFigure(score: $0, lower: figure.interval?.lower ?? $0, upper: figure.interval?.upper ?? $0, n: figure.n) }
            let valued = members.compactMap { customerValues[$0] }
            let currency = Dictionary(grouping: valued, by: \.currency).max { $0.value.count < $1.value.count }?.key
            let amounts = valued.filter { $0.currency == currency }.map { Double($0.value) }
            var meanValue: Int64?, lower: Int64?, upper: Int64?
            if !amounts.isEmpty {
                let mean = amounts.reduce(0, +) / Double(amounts.count)
                let sd = amounts.count > 1 ? sqrt(amounts.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(amounts.count - 1)) : 0
                let half = 1.96 * sd / sqrt(Double(amounts.count))
                (meanValue, lower, upper) = (Int64(mean.rounded()), Int64((mean - half).rounded()), Int64((mean + half).rounded()))
            }
            let memberPeople = members.compactMap { people[$0] }
            var channelCounts: [String: Int] = [:], categoryCounts: [String: Int] = [:], topicCounts: [String: Int] = [:]
            for p in memberPeople {
                for (c, n) in p.channels { channelCounts[c, default: 0] += n }
                for (c, n) in p.categories { categoryCounts[c, default: 0] += n }
            }
            var comments = 0
            var languageCounts: [String: Int] = [:]
            for member in members { if let code = languages[member]?.code { languageCounts[code, default: 0] += 1 } }
            for member in members {
                comments += commented[member] ?? 0
                for topic in topics[member] ?? [] { topicCounts[topic, default: 0] += 1 }
            }
            func shares(_ counts: [String: Int], total: Int, limit: Int) -> [Persona.Share] {
                counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(limit)
                    .map { Persona.Share(name: $0.key, share: Double($0.value) / Double(max(1, total))) }
            }
            personas.append(Persona(key: leading.joined(separator: "-"), leadingValues: leading, valueScores: scores, clustered: clusteredMembers.count,
                                    share: Double(clusteredMembers.count) / Double(answered.count), members: members.count, nps: npsFigure,
                                    meanValueMinor: meanValue, valueLowerMinor: lower, valueUpperMinor: upper, currency: currency,
                                    ordersPerYear: memberPeople.reduce(0) { $0 + $1.ordersPerYear } / Double(max(1, memberPeople.count)),
                                    channels: shares(channelCounts, total: channelCounts.values.reduce(0, +), limit: 4),
                                    categories: shares(categoryCounts, total: categoryCounts.values.reduce(0, +), limit: 5),
                                    topics: shares(topicCounts, total: comments, limit: 5),
                                    languages: shares(languageCounts, total: languageCounts.values.reduce(0, +), limit: 4)))
        }
        // Keys stay unique: a second persona led by the same values gets a number.
        var seen: [String: Int] = [:]
        for index in personas.indices {
            let key = personas[index].key
            seen[key, default: 0] += 1
            if seen[key]! > 1 { personas[index].key = "\(key)-\(seen[key]!)" }
        }
        let order = personas.indices.sorted { personas[$0].members != personas[$1].members ? personas[$0].members > personas[$1].members : personas[$0].key < personas[$1].key }
        let model = PersonaModel(k: found.k, candidates: found.candidates.map { .init(k: $0.k, silhouette: $0.silhouette) }, stability: found.stability.mean,
                                 stabilityLower: found.stability.lower, stabilityUpper: found.stability.upper, clustered: answered.count,
                                 assignedByBehaviour: byBehaviour, values: values, features: features, personas: order.map { personas[$0] }, computedAt: now)
        try await store.replacePersonas(model, assignments: assignment.mapValues { personas[$0].key }, in: workspace)
        return model
    }
}
