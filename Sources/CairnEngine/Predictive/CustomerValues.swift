public import CairnAnalytics
public import CairnCore
public import CairnStore
public import Foundation

/// Every customer's value, from the workspace's own orders: BG/NBD for how often they buy and whether they are still
/// a customer, Gamma-Gamma for how much, both fitted by maximum likelihood on all customers who bought (in days);
/// then per customer the purchases expected in the next 90 and 365 days, P(alive), and the value over the next 12
/// months discounted at 10 % a year, with a 95 % interval and a value tier. Recomputed daily (``CustomerValueService``)
/// and on demand; a 90-day calibration/holdout check is kept with the model.
///
/// What counts as a purchase: a day with an order not cancelled (orders of one day are one purchase, as the papers
/// count), worth the orders' totals after refunds and chargebacks. Money is the workspace's main currency (the one
/// most orders are in); other currencies' orders count as purchases but not for the spend. Customers who refused
/// analytics — or never agreed, where the workspace asks first — are neither fitted nor scored.
public struct CustomerValues: Sendable {
    public static let horizonMonths = 12
    public static let annualDiscount = 0.10
    public static let holdoutDays = 90

    let store: Store
    public let clock: DateSource

    public init(store: Store, clock: DateSource = .system) {
        self.store = store
        self.clock = clock
    }

    /// Every workspace (exclusive across servers); returns how many were scored.
    @discardableResult
    public func recomputeAll() async throws -> Int {
        try await store.exclusively("customer-value") {
            var scored = 0
            for workspace in try await store.allWorkspaces() where try await recompute(workspace.id) != nil { scored += 1 }
            return scored
        } ?? 0
    }

    /// On demand. Needs `value.manage`.
    public func recompute(for principal: Principal) async throws -> ValueModelSummary? {
        try principal.require(.valueManage)
        return try await recompute(principal.workspaceID)
    }

    /// Recomputes one workspace; nil (and no scores kept) when it has too few customers to fit.
    @discardableResult
    public func recompute(_ workspace: WorkspaceID) async throws -> ValueModelSummary? {
        let started = ContinuousClock.now
        let now = clock.now(), today = now.utcDay + 1
        let records = try await store.purchaseRecords(in: workspace)
        let consent = try await store.consentStatements(.analytics, in: workspace)
        func allowed(_ profile: ProfileID) -> Bool {
            switch consent.mode {
            case .optIn: consent.latest[profile] == .granted
            case .optOut: consent.latest[profile].map { $0 == .granted } ?? true
            }
        }
        var counts: [String: Int] = [:]
        for record in records { counts[record.currency, default: 0] += 1 }
        guard let currencyCode = counts.max(by: { $0.value != $1.value ? $0.value < $1.value : $0.key > $1.key })?.key else {
            try await store.replaceCustomerValues([], summary: nil, in: workspace)
            return nil
        }
        let currency = Currency(uncheckedCode: currencyCode)
        let scale = pow(10, Double(currency.exponent))
        var byProfile: [ProfileID: PurchaseDays] = [:]
        var refused = Set<ProfileID>()
        for record in records.sorted(by: { $0.placedAt < $1.placedAt }) {
            guard allowed(record.profile) else { refused.insert(record.profile); continue }
            byProfile[record.profile, default: PurchaseDays()].add(day: record.placedAt.utcDay,
                                                                   amount: record.currency == currencyCode ? Double(record.netMinor) / scale : nil)
        }
        let profiles = byProfile.keys.sorted { $0.rawValue < $1.rawValue }
        let result: ValueComputation.Result
        do {
            result = try ValueComputation.run(profiles.map { byProfile[$0]! }, today: today, horizonMonths: Self.horizonMonths,
                                              annualDiscount: Self.annualDiscount, holdoutDays: Self.holdoutDays)
        } catch {
            try await store.replaceCustomerValues([], summary: nil, in: workspace)
            return nil
        }
        let merged = try await store.mergedProfiles(in: workspace)
        let signalList = try await signals(of: profiles, merged: merged, in: workspace, now: now)
        let churn = ChurnComputation.run(profiles.map { byProfile[$0]! }, signals: signalList, today: today, horizonDays: Self.holdoutDays)
        let roi = try await returnSummary(profiles, customers: profiles.map { byProfile[$0]! }, signals: signalList, values: result.scores.map(\.value),
                                          churn: churn, merged: merged, today: today, currency: currency, in: workspace)
        func money(_ major: Double) -> Money { Money(minorUnits: Int64((major * scale).rounded()), currency: currency) }
        let kept = profiles.indices.map { i -> CustomerValueScore in
            let s = result.scores[i], summary = result.summaries[i]
            return CustomerValueScore(profileID: profiles[i], repeatPurchases: summary.frequency, recencyDays: Int(summary.recency),
                                      ageDays: Int(summary.age), expected90: s.expected90, expected365: s.expected365, probabilityAlive: s.probabilityAlive,
                                      meanSpend: money(s.meanSpend), value: money(s.value), lower: money(s.lower), upper: money(s.upper),
                                      tier: ValueTier(rawValue: result.tiers[i].name) ?? .low, churnRisk: churn?.risks[i],
                                      churnReasons: churn?.reasons[i].map(\.name) ?? [], computedAt: now)
        }
        let floors = ValueTier.allCases.map { tier in
            Money(minorUnits: kept.filter { $0.tier == tier }.map(\.value.minorUnits).min() ?? 0, currency: currency)
        }
        func parameters(_ names: [String], _ values: [Double], _ errors: [Double]?) -> [ValueModelSummary.Parameter] {
            names.indices.map { ValueModelSummary.Parameter(name: names[$0], value: values[$0], standardError: errors?[$0]) }
        }
        let bg = result.purchases.model, gg = result.spend.model
        let holdout = result.holdout.map { check in
            ValueModelSummary.Holdout(
                holdoutDays: check.days,
                groups: check.groups.map { .init(repeatPurchases: $0.frequency, orMore: $0.orMore, customers: $0.customers, predicted: $0.predicted, actual: $0.actual) },
                meanAbsoluteError: check.meanAbsoluteError, predictedTotal: check.predictedTotal, actualTotal: check.actualTotal)
        }
        let elapsed = ContinuousClock.now - started
        let summary = ValueModelSummary(
            computedAt: now, currency: currency, customers: kept.count, repeatCustomers: result.repeatCustomers, withoutConsent: refused.count,
            purchaseModel: parameters(["r", "alpha", "a", "b"], [bg.r, bg.alpha, bg.a, bg.b], result.purchases.standardErrors),
            purchaseLogLikelihood: result.purchases.logLikelihood,
            spendModel: parameters(["p", "q", "gamma"], [gg.p, gg.q, gg.gamma], result.spend.standardErrors),
            horizonMonths: Self.horizonMonths, annualDiscount: Self.annualDiscount, intervalMethod: result.intervalMethod.rawValue, tierFloors: floors,
            totalValue: money(result.scores.reduce(0) { $0 + $1.value }), holdout: holdout,
            retention: Self.retention(records.filter { allowed($0.profile) }, now: now),
            churn: churn.map { churn in
                ValueModelSummary.Churn(
                    horizonDays: churn.horizonDays, trainingCustomers: churn.trainingCustomers, testCustomers: churn.testCustomers, baseRate: churn.baseRate,
                    auc: churn.auc, liftTopDecile: churn.lift,
                    calibration: churn.calibration.map { .init(customers: $0.customers, predicted: $0.predicted, observed: $0.observed) },
                    coefficients: churn.model.names.indices.map { .init(name: churn.model.names[$0], value: churn.model.coefficients[$0 + 1], standardError: nil) },
                    scored: churn.risks.count { $0 != nil })
            },
            seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
        try await store.replaceCustomerValues(kept, summary: summary, roi: roi, in: workspace)
        return summary
    }

    /// Subscription-style retention (``SubscriptionCohorts``, ``ShiftedBetaGeometric``): nil unless at least two monthly
    /// cohorts of ten customers have three months observed.
    static func retention(_ records: [PurchaseRecord], now: Date) -> ValueModelSummary.Retention? {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        func month(_ date: Date) -> Int {
            let parts = calendar.dateComponents([.year, .month], from: date)
            return parts.year! * 12 + parts.month! - 1
        }
        var months: [ProfileID: Set<Int>] = [:]
        for record in records { months[record.profile, default: []].insert(month(record.placedAt)) }
        let cohorts = SubscriptionCohorts.cohorts(Array(months.values), current: month(now))
        guard cohorts.count(where: { $0.active.count >= 3 }) >= 2 else { return nil }
        let fit = ShiftedBetaGeometric.fit(cohorts: cohorts.map(\.active))
        let model = fit.model
        return ValueModelSummary.Retention(
            alpha: model.alpha, beta: model.beta, standardErrors: fit.standardErrors,
            cohorts: cohorts.map { cohort in
                let start = calendar.date(from: DateComponents(year: cohort.month / 12, month: cohort.month % 12 + 1, day: 1))!
                return .init(start: start, active: cohort.active,
                             expected: (0..<(cohort.active.count + 6)).map { Double(cohort.active[0]) * ($0 == 0 ? 1 : model.survival(after: $0)) })
            },
            retentionByMonth: (1...12).map(model.retention), survivalAfter12: model.survival(after: 12))
    }

    /// Days after an NPS answer the cohorts' spend and repurchase are counted over.
    public static let cohortDays = 180

    /// Revenue at risk (detractors, late parcels in the last year, open cases), the scenarios through the churn model,
    /// and the NPS cohorts (``ReturnOfCX``).
    func returnSummary(_ profiles: [ProfileID], customers: [PurchaseDays], signals: [CustomerSignals], values: [Double], churn: ChurnComputation.Result?,
                       merged: [ProfileID: ProfileID], today: Int64, currency: Currency, in workspace: WorkspaceID) async throws -> ReturnSummary {
        let risks = churn?.risks ?? [Double?](repeating: nil, count: profiles.count)
        var open: [ProfileID: Int] = [:]
        for (profile, count) in try await store.openCases(in: workspace) { open[merged[profile] ?? profile, default: 0] += count }
        let latestNPS = signals.map { $0.npsAnswers.max { $0.day < $1.day }?.score }
        let detractor = latestNPS.map { ($0 ?? 10) <= 6 }
        let late = signals.map { $0.lateDeliveries.contains { $0 >= today - 365 && $0 < today } }
        let withOpenCases = profiles.map { (open[$0] ?? 0) > 0 }
        func group(_ key: String, _ membership: [Bool]) -> ReturnSummary.Group {
            let found = ReturnOfCX.atRisk(values: values, risks: risks, in: membership)
            return .init(key: key, customers: found.customers, value: found.value, expectedLoss: found.expectedLoss, members: found.members.prefix(200).map { profiles[$0] })
        }
        var scenarios: [ReturnSummary.Scenario] = []
        if let churn {
            let names = ChurnComputation.featureNames
            let lateIndex = names.firstIndex(of: "late_deliveries")!, casesIndex = names.firstIndex(of: "cases")!
            let detractorIndex = names.firstIndex(of: "detractor")!
            let changes: [(String, ([Double]) -> [Double]?)] = [
                ("halve_late_deliveries", { row in
                    guard row[lateIndex] > 0 else { return nil }
                    var changed = row
                    changed[lateIndex] = log1p(expm1(row[lateIndex]) / 2)
                    return changed
                }),
                ("avoid_contacts", { row in
                    guard row[casesIndex] > 0 else { return nil }
                    var changed = row
                    changed[casesIndex] = 0
                    return changed
                }),
                ("detractors_to_passives", { row in
                    guard row[detractorIndex] > 0 else { return nil }
                    var changed = row
                    changed[detractorIndex] = 0
                    return changed
                }),
            ]
            for (key, change) in changes {
                let found = ReturnOfCX.scenario(churn.model, rows: churn.features, values: values, change: change)
                scenarios.append(.init(key: key, customers: found.customers, retained: found.retained, lower: found.lower, upper: found.upper))
            }
        }
        // Cohorts: each respondent's first NPS answer at least `cohortDays` before today, and the next `cohortDays`.
        var spend: [String: [Double]] = [:], again: [String: [Bool]] = [:]
        let window = Int64(Self.cohortDays)
        for (customer, signal) in zip(customers, signals) {
            guard let answer = signal.npsAnswers.filter({ $0.day < today - window }).min(by: { $0.day < $1.day }) else { continue }
            let key = answer.score >= 9 ? "promoters" : answer.score >= 7 ? "passives" : "detractors"
            let after = customer.days.filter { $0 > answer.day && $0 <= answer.day + window }
            spend[key, default: []].append(after.reduce(0) { $0 + (customer.spend[$1] ?? 0) })
            again[key, default: []].append(!after.isEmpty)
        }
        let cohorts = ["promoters", "passives", "detractors"].map { key -> ReturnSummary.Cohort in
            let found = ReturnOfCX.cohort(spend: spend[key] ?? [], boughtAgain: again[key] ?? [])
            return .init(key: key, respondents: found.respondents, meanSpend: found.meanSpend, spendLower: found.spendLower, spendUpper: found.spendUpper,
                         retention: found.retention, retentionLower: found.retentionLower, retentionUpper: found.retentionUpper)
        }
        var moves: [ReturnSummary.Move] = []
        for (key, target) in [("detractor_to_passive", "passives"), ("detractor_to_promoter", "promoters")] {
            if let found = ReturnOfCX.difference(spend["detractors"] ?? [], spend[target] ?? []) {
                moves.append(.init(key: key, perCustomer: found.difference, lower: found.lower, upper: found.upper))
            }
        }
        return ReturnSummary(currency: currency, horizonMonths: Self.horizonMonths,
                             groups: [group("detractors", detractor), group("late_deliveries", late), group("open_cases", withOpenCases)],
                             scenarios: scenarios, cohortDays: Self.cohortDays, cohorts: cohorts, moves: moves,
                             detractorsNow: zip(latestNPS, detractor).count { $0.0 != nil && $0.1 })
    }

    /// What CX costs: the programmes as entered, their total (in the first one's currency), the service contacts of the
    /// last 365 days by channel, and what they cost at the service settings' cost per contact (per currency).
    public struct Costs: Sendable {
        public var programmes: CXCosts
        public var programmesTotal: Money?
        public var contacts: [String: Int]
        public var serviceCost: [Money]
        /// Contacts on channels without a cost per contact.
        public var contactsWithoutCost: Int
    }

    /// The money behind CX with what it costs. Needs `insights.read`, `customers.read` and `commerce.read`.
    public func returnOfCX(for principal: Principal) async throws -> (summary: ReturnSummary?, costs: Costs) {
        try principal.require(.insightsRead)
        try principal.require(.customersRead)
        try principal.require(.commerceRead)
        let workspace = principal.workspaceID
        let contacts = try await store.contacts(in: workspace, since: clock.now().addingTimeInterval(-365 * 86_400))
        let perContact = try await store.serviceSettings(in: workspace).costPerContact
        var byCurrency: [Currency: Int64] = [:], without = 0
        for (channel, count) in contacts {
            if let cost = perContact[channel]?.times(Int64(count)) { byCurrency[cost.currency, default: 0] += cost.minorUnits } else { without += count }
        }
        let programmes = try await store.cxCosts(in: workspace)
        let total = programmes.programmes.first.map { first in
            Money(minorUnits: programmes.programmes.filter { $0.annualCost.currency == first.annualCost.currency }.reduce(0) { $0 + $1.annualCost.minorUnits },
                  currency: first.annualCost.currency)
        }
        return (try await store.valueReturn(in: workspace),
                Costs(programmes: programmes, programmesTotal: total, contacts: contacts,
                      serviceCost: byCurrency.sorted { $0.key.code < $1.key.code }.map { Money(minorUnits: $0.value, currency: $0.key) }, contactsWithoutCost: without))
    }

    /// Sets the CX programmes ([{name, annualCost}], the cost as decimal text in `currency`). Needs `value.manage`.
    public func setCosts(currency text: String?, programmes: [(name: String?, annualCost: String?)], for principal: Principal) async throws -> CXCosts {
        try principal.require(.valueManage)
        var issues = ValidationCollector()
        let currency = issues.check { () throws(ValidationError) in try Currency(validating: text ?? "") }
        func money(_ text: String?, field: String) -> Money? {
            guard let text, !text.isEmpty, let currency else { return nil }
            guard let amount = issues.check({ () throws(ValidationError) in try Money(parsing: text, currency: currency, field: field) }) else { return nil }
            guard amount.minorUnits >= 0 else {
                issues.add(FieldIssue(field: field, issue: .invalid, hint: "A cost is 0 or more."))
                return nil
            }
            return amount
        }
        if programmes.count > 50 { issues.add(FieldIssue(field: "programmes", issue: .invalid, hint: "Enter at most 50 programmes.")) }
        var list: [CXCosts.Programme] = []
        for (index, programme) in programmes.prefix(50).enumerated() {
            let name = (programme.name ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            if name.isEmpty || name.count > 120 {
                issues.add(FieldIssue(field: "programmes[\(index)].name", issue: .invalid, hint: "Name each programme in 1 to 120 characters."))
            }
            let cost = money(programme.annualCost, field: "programmes[\(index)].annualCost")
            if programme.annualCost == nil || programme.annualCost!.isEmpty {
                issues.add(FieldIssue(field: "programmes[\(index)].annualCost", issue: .invalid, hint: "Give each programme its yearly cost, e.g. 12000."))
            }
            if let cost, !name.isEmpty, name.count <= 120 { list.append(.init(name: name, annualCost: cost)) }
        }
        try issues.throwIfAny()
        let costs = CXCosts(programmes: list)
        try await store.setCXCosts(costs, at: clock.now(), in: principal.workspaceID)
        return costs
    }

    /// What besides purchases the churn model reads, per customer (merged profiles' under their survivor): NPS answers
    /// and negative comments from complete responses, cases opened, late parcels, and consent to contact by email.
    func signals(of profiles: [ProfileID], merged: [ProfileID: ProfileID], in workspace: WorkspaceID, now: Date) async throws -> [CustomerSignals] {
        func owner(_ profile: ProfileID) -> ProfileID { merged[profile] ?? profile }
        var signals: [ProfileID: CustomerSignals] = [:]
        var npsQuestions: [SurveyID: Set<String>] = [:]
        try await Page.walk({ cursor in try await store.surveys(in: workspace, after: cursor, limit: PageSize.maximum) }) { surveys in
            for survey in surveys { npsQuestions[survey.id] = Set(survey.definition.questions.filter { $0.type == .nps }.map(\.id)) }
        }
        for response in try await store.profileResponses(in: workspace) {
            guard let profile = response.profileID.map(owner) else { continue }
            let day = (response.completedAt ?? response.updatedAt).utcDay
            for question in npsQuestions[response.surveyID] ?? [] {
                if case .number(let score)? = response.answers[question] { signals[profile, default: CustomerSignals()].npsAnswers.append((day, Int(score))) }
            }
            if response.insights.values.contains(where: { $0.label == "negative" }) { signals[profile, default: CustomerSignals()].negativeComments.append(day) }
        }
        let facts = try await store.driverFacts(of: Array(Set(profiles.map(\.rawValue) + merged.keys.map(\.rawValue))), in: workspace,
                                                lookback: 20 * 365 * 86_400_000, until: now.storageMillis + 1, now: now.storageMillis)
        for (id, fact) in facts {
            let profile = owner(ProfileID(rawValue: id))
            signals[profile, default: CustomerSignals()].cases += fact.cases.map { Date(storageMillis: $0).utcDay }
            signals[profile, default: CustomerSignals()].lateDeliveries += fact.late.map { Date(storageMillis: $0).utcDay }
        }
        let contact = try await store.consentStatements(.marketingEmail, in: workspace)
        return profiles.map { profile in
            var found = signals[profile] ?? CustomerSignals()
            found.contactConsent = contact.latest[profile] == .granted || (contact.mode == .optOut && contact.latest[profile] == nil)
            return found
        }
    }

    // MARK: Reading

    /// The last computation's models. Needs `customers.read` and `commerce.read`.
    public func model(for principal: Principal) async throws -> ValueModelSummary? {
        try principal.require(.customersRead)
        try principal.require(.commerceRead)
        return try await store.valueModel(in: principal.workspaceID)
    }

    /// One customer's value (nil until scored; a merged id answers with its survivor's). Needs `customers.read` and
    /// `commerce.read`; another workspace's customer is not found.
    public func value(of profile: ProfileID, for principal: Principal) async throws -> CustomerValueScore? {
        try principal.require(.customersRead)
        try principal.require(.commerceRead)
        guard let stored = try await store.profile(id: profile, in: principal.workspaceID) else { throw NotFoundError(kind: "profile", id: profile.rawValue) }
        return try await store.customerValue(of: stored.profile.id, in: principal.workspaceID)
    }

    public func values(of profiles: [ProfileID], for principal: Principal) async throws -> [ProfileID: CustomerValueScore] {
        guard principal.can(.customersRead), principal.can(.commerceRead) else { return [:] }
        return try await store.customerValues(of: profiles, in: principal.workspaceID)
    }

    /// Scored customers, highest value first, optionally of one tier.
    public func ranked(for principal: Principal, tier: ValueTier?, after cursor: Cursor?, limit: PageSize) async throws -> Page<CustomerValueScore> {
        try principal.require(.customersRead)
        try principal.require(.commerceRead)
        let rows = try await store.rankedCustomerValues(in: principal.workspaceID, tier: tier, after: cursor.map { ($0.sortKey, $0.id) },
                                                        limit: limit.value + 1)
        let items = Array(rows.prefix(limit.value))
        let next = rows.count > limit.value ? items.last.map { Cursor(sortKey: $0.value.minorUnits, id: $0.profileID.rawValue).token } : nil
        return Page(items: items, nextCursor: next)
    }
}
