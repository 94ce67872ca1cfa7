public import CairnAnalytics
public import CairnCore
public import CairnStore
public import Foundation

/// Where the business underperforms: every workspace's daily series — NPS and CSAT per touchpoint, the late-delivery
/// rate, cases per product, each saved funnel's step conversion — watched with an EWMA control chart against their
/// weekday normal (``ControlChart``: 12 weeks learn the normal, the last 4 are watched). A series beyond its limit on
/// the last complete day is an episode: raised once (kept in the alert feed and sent as the signed webhook
/// `insight.underperformance`), brought up to date while it lasts, ended when the chart comes back. A day with too
/// few answers, parcels or entrants to say is left out rather than guessed.
public struct Underperformance: Sendable {
    public static let event = "insight.underperformance"
    public static let trainingDays = 84
    public static let watchedDays = 28
    /// Fewest answers, parcels or entrants a day needs to count.
    public static let minimumPerDay = 10
    /// Fewest cases about a product over the training weeks for its series to be watched.
    public static let minimumTrainingCases = 28

    let store: Store
    let funnels: Funnels
    public let clock: DateSource

    public init(store: Store, funnels: Funnels, clock: DateSource = .system) {
        self.store = store
        self.funnels = funnels
        self.clock = clock
    }

    /// A daily series over the training and watched days (NaN where unknown).
    struct Series {
        var metric: UnderperformanceAlert.Metric
        var key: String
        var label: String
        var link: String
        var values: [Double]
        /// What sampling alone makes a day vary by, from the training days' level and daily n (the chart's spread is
        /// never less).
        var floor: Double
    }

    /// Looks at every workspace's series now; returns the episodes raised (new ones only).
    @discardableResult
    public func scan() async throws -> [UnderperformanceAlert] {
        try await store.exclusively("underperformance") {
            var raised: [UnderperformanceAlert] = []
            for workspace in try await store.allWorkspaces() { raised += try await scan(workspace.id) }
            return raised
        } ?? []
    }

    /// One workspace's series (see ``scan()``).
    public func scan(_ workspace: WorkspaceID) async throws -> [UnderperformanceAlert] {
        let now = clock.now()
        let today = now.utcDay
        let first = today - Int64(Self.trainingDays + Self.watchedDays)
        let weekdays = (first..<today).map { ServiceSpikes.weekday(ofDay: $0) }
        var series = try await scoreSeries(workspace, first: first, today: today)
        series += try await deliverySeries(workspace, first: first, today: today, now: now)
        series += try await caseSeries(workspace, first: first, today: today)
        series += try await funnelSeries(workspace, first: first, today: today)
        var open: [String: UnderperformanceAlert] = [:]
        for alert in try await store.openInsightAlerts(in: workspace) { open["\(alert.metric.rawValue)|\(alert.key)"] = alert }
        var raised: [UnderperformanceAlert] = []
        func day(_ index: Int) -> Date { Date(utcDay: first + Int64(index)) }
        for entry in series {
            let id = "\(entry.metric.rawValue)|\(entry.key)"
            let episodes = ControlChart.episodes(series: entry.values, weekdays: weekdays, trainingDays: Self.trainingDays,
                                                 direction: entry.metric.lowerIsWorse ? .lowerIsWorse : .higherIsWorse, minimumSpread: entry.floor)
            guard let episode = episodes.last, episode.ended == nil else {
                if let alert = open.removeValue(forKey: id) {
                    try await store.endInsightAlert(alert.id, on: episodes.last?.ended.map(day) ?? Date(utcDay: today), at: now, in: workspace)
                }
                continue
            }
            open.removeValue(forKey: id)
            let alert = UnderperformanceAlert(id: .generate(), metric: entry.metric, key: entry.key, label: entry.label, since: day(episode.alarm.since),
                                              alarmDay: day(episode.alarm.day), lastDay: day(episode.lastDay), ended: nil, recent: episode.recent,
                                              normal: episode.normal, spread: episode.alarm.spread,
                                              message: Self.message(entry.metric, label: entry.label, recent: episode.recent, normal: episode.normal,
                                                                    spread: episode.alarm.spread, since: day(episode.alarm.since)),
                                              link: entry.link, raisedAt: now, updatedAt: now)
            let kept = try await store.record(alert, in: workspace, event: Self.event, payload: Self.payload)
            if kept.new { raised.append(kept.alert) }
        }
        // Series no longer watched (a deleted funnel, a touchpoint with too few answers now): their episodes end today.
        for alert in open.values { try await store.endInsightAlert(alert.id, on: Date(utcDay: today), at: now, in: workspace) }
        return raised
    }

    // MARK: The series

    /// NPS and CSAT (share of 4–5) per touchpoint, by the UTC day the answer began.
    func scoreSeries(_ workspace: WorkspaceID, first: Int64, today: Int64) async throws -> [Series] {
        struct Tally { var n = 0, promoters = 0, detractors = 0, satisfied = 0 }
        let days = Int(today - first)
        var nps: [String: [Tally]] = [:], csat: [String: [Tally]] = [:]
        try await Page.walk({ cursor in try await store.surveys(in: workspace, after: cursor, limit: 100) }) { surveys in
            for survey in surveys {
                let npsQuestions = survey.definition.questions.filter { $0.type == .nps }.map(\.id)
                let csatQuestions = survey.definition.questions.filter { $0.type == .csat }.map(\.id)
                guard !npsQuestions.isEmpty || !csatQuestions.isEmpty else { continue }
                try await Page.walk({ cursor in
                    try await store.responses(of: survey.id, in: workspace, from: Date(utcDay: first), until: Date(utcDay: today), after: cursor, limit: 1_000)
                }) { responses in
                    for response in responses {
                        let index = Int(response.startedAt.utcDay - first)
                        guard (0..<days).contains(index) else { continue }
                        let touchpoint = response.touchpoint ?? survey.name
                        if let question = npsQuestions.first, case .number(let score)? = response.answers[question] {
                            var tallies = nps[touchpoint] ?? Array(repeating: Tally(), count: days)
                            tallies[index].n += 1
                            if score >= 9 { tallies[index].promoters += 1 } else if score <= 6 { tallies[index].detractors += 1 }
                            nps[touchpoint] = tallies
                        }
                        if let question = csatQuestions.first, case .number(let score)? = response.answers[question] {
                            var tallies = csat[touchpoint] ?? Array(repeating: Tally(), count: days)
                            tallies[index].n += 1
                            if score >= 4 { tallies[index].satisfied += 1 }
                            csat[touchpoint] = tallies
                        }
                    }
                }
            }
        }
        let since = Date(utcDay: first + Int64(Self.trainingDays)).formatted(.iso8601.year().month().day())
        func link(_ metric: String) -> String { "/insights/scorecard?metric=\(metric)&from=\(since)" }
        // Sampling's own spread of a day: NPS's variance is (P + D − (P − D)²)/n, a share's p(1 − p)/n, at the training
        // days' level and their mean n (days that count only).
        func training(_ tallies: [Tally]) -> (Tally, days: Int) {
            var sum = Tally(), days = 0
            for tally in tallies.prefix(Self.trainingDays) where tally.n >= Self.minimumPerDay {
                sum.n += tally.n; sum.promoters += tally.promoters; sum.detractors += tally.detractors; sum.satisfied += tally.satisfied
                days += 1
            }
            return (sum, days)
        }
        return nps.sorted { $0.key < $1.key }.map { touchpoint, tallies in
            let (sum, days) = training(tallies)
            let p = Double(sum.promoters) / Double(max(1, sum.n)), d = Double(sum.detractors) / Double(max(1, sum.n))
            return Series(metric: .nps, key: touchpoint, label: touchpoint, link: link("nps"), values: tallies.map {
                $0.n >= Self.minimumPerDay ? 100 * Double($0.promoters - $0.detractors) / Double($0.n) : .nan
            }, floor: days > 0 ? 100 * ((p + d - (p - d) * (p - d)) / (Double(sum.n) / Double(days))).squareRoot() : 0)
        } + csat.sorted { $0.key < $1.key }.map { touchpoint, tallies in
            let (sum, days) = training(tallies)
            return Series(metric: .csat, key: touchpoint, label: touchpoint, link: link("csat"), values: tallies.map {
                $0.n >= Self.minimumPerDay ? 100 * Double($0.satisfied) / Double($0.n) : .nan
            }, floor: Self.samplingSpread(successes: sum.satisfied, of: sum.n, days: days))
        }
    }

    /// What sampling alone makes a day's share vary by, in points: 100 · √(p(1 − p)/n̄) at the training days' share p
    /// and mean daily n (0 without training days).
    static func samplingSpread(successes: Int, of trials: Int, days: Int) -> Double {
        guard days > 0, trials > 0 else { return 0 }
        let p = Double(successes) / Double(trials)
        return 100 * (p * (1 - p) / (Double(trials) / Double(days))).squareRoot()
    }

    /// The share of parcels promised each day that came late.
    func deliverySeries(_ workspace: WorkspaceID, first: Int64, today: Int64, now: Date) async throws -> [Series] {
        let counts = try await store.lateDeliverySeries(in: workspace, fromDay: first, untilDay: today, now: now)
        guard !counts.isEmpty else { return [] }
        let values = (first..<today).map { day -> Double in
            guard let count = counts[day], count.due >= Self.minimumPerDay else { return .nan }
            return 100 * Double(count.late) / Double(count.due)
        }
        let training = (first..<first + Int64(Self.trainingDays)).compactMap { counts[$0] }.filter { $0.due >= Self.minimumPerDay }
        let floor = Self.samplingSpread(successes: training.reduce(0) { $0 + $1.late }, of: training.reduce(0) { $0 + $1.due }, days: training.count)
        return [Series(metric: .lateDeliveries, key: "", label: "", link: "/commerce/deliveries?flag=late", values: values, floor: floor)]
    }

    /// Cases opened about each product a day (products with enough cases to have a normal).
    func caseSeries(_ workspace: WorkspaceID, first: Int64, today: Int64) async throws -> [Series] {
        let counts = try await store.caseSeries(in: workspace, by: .product, fromDay: first)
        let busy = counts.filter { _, days in
            days.filter { $0.key < first + Int64(Self.trainingDays) }.values.reduce(0, +) >= Self.minimumTrainingCases
        }
        guard !busy.isEmpty else { return [] }
        let names = try await store.products(ids: busy.keys.compactMap(ProductID.init), in: workspace)
        return busy.sorted { $0.key < $1.key }.map { product, days in
            // Counts vary at least as a Poisson count does: √(mean a day).
            let mean = Double(days.filter { $0.key < first + Int64(Self.trainingDays) }.values.reduce(0, +)) / Double(Self.trainingDays)
            return Series(metric: .cases, key: product, label: names[ProductID(rawValue: product)]?.name ?? product, link: "/service/insights",
                          values: (first..<today).map { Double(days[$0] ?? 0) }, floor: mean.squareRoot())
        }
    }

    /// Each saved funnel's step conversions (step s − 1 → s, s ≥ 2) of the people who entered each day, for the days
    /// whose whole window has passed.
    func funnelSeries(_ workspace: WorkspaceID, first: Int64, today: Int64) async throws -> [Series] {
        var found: [Series] = []
        for saved in try await store.savedFunnels(in: workspace) {
            guard var query = try? JSONDecoder().decode(Funnels.Query.self, from: Data(saved.definition.utf8)) else { continue }
            let window = query.windowMinutes ?? 7 * 1440
            // Entrants of a day whose window ends after the last complete day are still converting: left out.
            let lastComplete = today - Int64((window + 1439) / 1440) - 1
            guard lastComplete > first else { continue }
            query.from = Date(utcDay: first).formatted(.iso8601.year().month().day())
            query.until = Date(utcDay: lastComplete + 1).formatted(.iso8601.year().month().day())
            query.period = "day"
            query.breakdown = nil
            // A definition that no longer passes (a rule changed since it was saved) is not watched.
            guard let result = try? await funnels.run(query, in: workspace) else { continue }
            var byDay: [Int64: [Int]] = [:]
            for period in result.overTime { byDay[period.start.utcDay] = period.steps }
            let steps = query.steps ?? []
            var previous = 0
            for step in 1..<steps.count {
                guard steps[step].optional != true else { continue }
                let from = previous
                previous = step
                let values = (first..<today).map { day -> Double in
                    guard day <= lastComplete, let counts = byDay[day], counts[from] >= Self.minimumPerDay else { return .nan }
                    return 100 * Double(counts[step]) / Double(counts[from])
                }
                var entered = 0, reached = 0, trainingDays = 0
                for day in first..<first + Int64(Self.trainingDays) {
                    guard let counts = byDay[day], counts[from] >= Self.minimumPerDay else { continue }
                    entered += counts[from]
                    reached += counts[step]
                    trainingDays += 1
                }
                let names = "\(steps[from].event ?? "") → \(steps[step].event ?? "")"
                found.append(Series(metric: .funnelConversion, key: "\(saved.id.rawValue):\(step + 1)", label: "\(saved.name): \(names)",
                                    link: query.pageLink, values: values,
                                    floor: Self.samplingSpread(successes: reached, of: entered, days: trainingDays)))
            }
        }
        return found
    }

    // MARK: Words

    public static func figure(_ metric: UnderperformanceAlert.Metric, _ value: Double) -> String {
        switch metric {
        case .nps: String(format: "%.0f", value)
        case .csat, .lateDeliveries, .funnelConversion: String(format: "%.0f %%", value)
        case .cases: value >= 10 ? String(format: "%.0f", value) : String(format: "%.1f", value)
        }
    }

    /// "NPS at Order Delivered has been 12 since 2026-11-28, against a usual 34 on the same weekdays (22 lower; a
    /// day's usual spread is 7)".
    static func message(_ metric: UnderperformanceAlert.Metric, label: String, recent: Double, normal: Double, spread: Double, since: Date) -> String {
        let what = switch metric {
        case .nps: "NPS at \(label)"
        case .csat: "CSAT at \(label)"
        case .lateDeliveries: "The share of late parcels"
        case .cases: "Cases a day about \(label)"
        case .funnelConversion: "Conversion in funnel \(label)"
        }
        let gap = abs(recent - normal)
        let direction = recent < normal ? "lower" : "higher"
        let unit = metric == .cases ? "" : " points"
        return "\(what) has been \(figure(metric, recent)) since \(since.formatted(.iso8601.year().month().day())), against a usual \(figure(metric, normal)) "
            + "on the same weekdays (\(String(format: "%.1f", gap))\(unit) \(direction); a day's usual spread is \(String(format: "%.1f", spread)))"
    }

    /// `{"event":"insight.underperformance","alert":{…}}`, keys sorted.
    @Sendable static func payload(_ alert: UnderperformanceAlert) -> String {
        func day(_ date: Date) -> JSONValue { .string(date.formatted(.iso8601.year().month().day())) }
        return JSONValue.object(["event": .string(event), "alert": .object([
            "id": .string(alert.id.rawValue), "metric": .string(alert.metric.rawValue), "key": .string(alert.key), "label": .string(alert.label),
            "since": day(alert.since), "alarmDay": day(alert.alarmDay), "recent": .double(alert.recent), "normal": .double(alert.normal),
            "spread": .double(alert.spread), "message": .string(alert.message), "link": .string(alert.link),
            "raisedAt": .string(alert.raisedAt.formatted(.iso8601)),
        ])]).jsonText()
    }

    // MARK: Reading

    /// The workspace's underperformance alerts, newest first; `openOnly` for those still lasting. Needs `insights.read`.
    public func alerts(for principal: Principal, openOnly: Bool, after cursor: Cursor?, limit: PageSize) async throws -> Page<UnderperformanceAlert> {
        try principal.require(.insightsRead)
        return try await store.insightAlerts(in: principal.workspaceID, openOnly: openOnly, after: cursor, limit: limit.value)
    }

    // MARK: Saved funnels

    /// Keeps a funnel by name to be watched (its query checked as `POST /api/v1/funnels/query` checks it). Needs
    /// `journeys.manage`.
    public func saveFunnel(name raw: String?, query: Funnels.Query?, by principal: Principal) async throws -> SavedFunnel {
        try principal.require(.journeysManage)
        var issues = ValidationCollector()
        let name = raw?.trimmingCharacters(in: .whitespaces)
        if name == nil || name!.isEmpty || name!.count > 100 || name!.contains(where: \.isNewline) {
            issues.add(FieldIssue(field: "name", issue: raw == nil ? .missing : .invalid, hint: "Name the funnel in 1 to 100 characters on one line, e.g. Checkout."))
        }
        guard var query else {
            issues.add(FieldIssue(field: "funnel", issue: .missing, hint: "Send the funnel as POST /api/v1/funnels/query takes it, e.g. {\"steps\":[…]}."))
            throw ValidationError(issues: issues.issues)
        }
        query.from = nil
        query.until = nil
        query.breakdown = nil
        do { try funnels.validate(query) } catch let error as ValidationError {
            for var issue in error.issues { issue.field = "funnel." + issue.field; issues.add(issue) }
        }
        try issues.throwIfAny()
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let funnel = SavedFunnel(id: .generate(), name: name!, definition: String(decoding: try encoder.encode(query), as: UTF8.self), createdAt: clock.now())
        guard try await store.save(funnel, in: principal.workspaceID) else {
            throw ConflictError(field: "name", detail: "The workspace already has a funnel named \(name!); choose another name.")
        }
        return funnel
    }

    public func savedFunnels(for principal: Principal) async throws -> [SavedFunnel] {
        try principal.require(.journeysRead)
        return try await store.savedFunnels(in: principal.workspaceID)
    }

    /// Deletes a saved funnel (its alerts stay in the feed; an open one ends at the next scan). Needs `journeys.manage`.
    public func deleteFunnel(_ id: SavedFunnelID, by principal: Principal) async throws {
        try principal.require(.journeysManage)
        guard try await store.deleteSavedFunnel(id, in: principal.workspaceID) else { throw NotFoundError(kind: "funnel", id: id.rawValue) }
    }
}
