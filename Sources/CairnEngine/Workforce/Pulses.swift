public import CairnAnalytics
public import CairnCore
public import CairnStore
public import Foundation

/// Anonymous employee pulses and the employee experience beside the customers': eNPS by store and team (no figure
/// and no comment of a group under five answers, nor of one the groups shown would give away — ``SmallGroups``), each
/// store's eNPS next to its customers' NPS and CSAT with the correlation across stores and its interval, and the
/// customers at risk in a store this week. Running pulses and reading their results need `workforce.manage`; the
/// front-line view needs `customers.read` and an employee record in the store.
public struct Pulses: Sendable {
    let store: Store
    public let clock: DateSource

    public init(store: Store, clock: DateSource = .system) {
        self.store = store
        self.clock = clock
    }

    /// A link to hand to one employee (shown once, when the pulse is made; only its hash is kept).
    public struct Link: Sendable, Hashable, Codable {
        public var employeeID: EmployeeID
        public var name: String
        public var email: String?
        public var path: String

        enum CodingKeys: String, CodingKey { case employeeID = "employeeId", name, email, path }
    }

    /// Starts a pulse for every active employee, open `days` days.
    public func create(name: String?, days: Int?, by principal: Principal) async throws -> (pulse: Pulse, links: [Link]) {
        try principal.require(.workforceManage)
        var issues = ValidationCollector()
        let trimmed = (name ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty { issues.add(FieldIssue(field: "name", issue: .missing, hint: "Name the pulse, e.g. \"Spring pulse\".")) }
        if trimmed.count > 120 { issues.add(FieldIssue(field: "name", issue: .tooLong(limit: 120), hint: "Use at most 120 characters.")) }
        let open = days ?? 14
        if !(1...60).contains(open) { issues.add(FieldIssue(field: "days", issue: .invalid, hint: "Keep a pulse open 1 to 60 days.")) }
        try issues.throwIfAny()
        let employees = try await store.employees(in: principal.workspaceID).filter(\.active)
        guard employees.count >= SmallGroups.minimum else {
            throw ValidationError(field: "employees", issue: .invalid,
                                  hint: "A pulse needs at least \(SmallGroups.minimum) active employees in the directory, or no answer could stay anonymous.")
        }
        let now = clock.now()
        let pulse = Pulse(id: .generate(), workspaceID: principal.workspaceID, name: trimmed, createdAt: now,
                          closesAt: now.addingTimeInterval(Double(open) * 86_400), invited: employees.count, answered: 0)
        var links: [Link] = [], invitations: [(tokenHash: String, employee: EmployeeID)] = []
        for employee in employees {
            let token = Secrets.randomToken()
            invitations.append((Secrets.tokenHash(token), employee.id))
            links.append(Link(employeeID: employee.id, name: employee.name, email: employee.email, path: "/pulse/\(token)"))
        }
        try await store.create(pulse, invitations: invitations)
        return (pulse, links)
    }

    public func list(for principal: Principal) async throws -> [Pulse] {
        try principal.require(.workforceManage)
        return try await store.pulses(in: principal.workspaceID)
    }

    // MARK: Answering (anyone with a link)

    /// The pulse behind a link, if the link is unused and the pulse open.
    public func invitation(token: String) async throws -> Pulse? {
        guard token.count <= 100, let found = try await store.openInvitation(tokenHash: Secrets.tokenHash(token)), found.pulse.isOpen(at: clock.now()) else { return nil }
        return found.pulse
    }

    /// Takes one answer for a link and spends it. Only the store, team and day are kept with the answer.
    public func answer(token: String, score: Int?, comment: String?) async throws {
        var issues = ValidationCollector()
        if score.map({ (0...10).contains($0) }) != true {
            issues.add(FieldIssue(field: "score", issue: score == nil ? .missing : .invalid, hint: "Choose a number from 0 (not at all likely) to 10 (extremely likely)."))
        }
        let text = comment?.trimmingCharacters(in: .whitespacesAndNewlines)
        if let text, text.count > 2_000 { issues.add(FieldIssue(field: "comment", issue: .tooLong(limit: 2_000), hint: "Keep the comment under 2,000 characters.")) }
        try issues.throwIfAny()
        guard token.count <= 100, let found = try await store.openInvitation(tokenHash: Secrets.tokenHash(token)), found.pulse.isOpen(at: clock.now()) else {
            throw NotFoundError(kind: "pulse link", id: "this link")
        }
        guard try await store.answer(tokenHash: Secrets.tokenHash(token), pulse: found.pulse, storeID: found.storeID, teamID: found.teamID,
                                     day: clock.now().utcDay, score: score!, comment: text?.isEmpty == false ? text : nil) else {
            throw NotFoundError(kind: "pulse link", id: "this link")
        }
    }

    // MARK: Results

    public enum Grouping: String, Sendable, CaseIterable { case store, team }

    /// One group's eNPS, or nothing when it must stay hidden.
    public struct Group: Sendable, Codable {
        public var key: String
        public var name: String
        public var shown: Bool
        /// Only when shown: the answers, the eNPS with its interval, the comments.
        public var answers: Int?
        public var enps: NPS?
        public var comments: [String]?
    }

    public struct Results: Sendable, Codable {
        public var pulse: Pulse
        public var by: String
        public var minimumGroup: Int
        public var whole: Group
        public var groups: [Group]
    }

    public func results(_ id: PulseID, by grouping: Grouping, for principal: Principal) async throws -> Results {
        try principal.require(.workforceManage)
        let workspace = principal.workspaceID
        guard let pulse = try await store.pulse(id: id, in: workspace) else { throw NotFoundError(kind: "pulse", id: id.rawValue) }
        let answers = try await store.pulseAnswers(of: id, in: workspace)
        let names = try await groupNames(grouping, in: workspace)
        func key(_ answer: (store: String?, team: String?, score: Int, comment: String?)) -> String { (grouping == .store ? answer.store : answer.team) ?? "" }
        var byGroup: [String: [(store: String?, team: String?, score: Int, comment: String?)]] = [:]
        for answer in answers { byGroup[key(answer), default: []].append(answer) }
        // Every group of the directory takes part (one with no answer hides nothing), and those outside any group.
        var counts = Dictionary(uniqueKeysWithValues: names.keys.map { ($0, 0) })
        for (group, rows) in byGroup { counts[group] = rows.count }
        let shown = SmallGroups.shown(counts)
        func figure(_ key: String, _ name: String, _ rows: [(store: String?, team: String?, score: Int, comment: String?)], show: Bool) -> Group {
            guard show else { return Group(key: key, name: name, shown: false) }
            return Group(key: key, name: name, shown: true, answers: rows.count, enps: NPS(scores: rows.map(\.score)))
        }
        // Comments belong to the whole pulse only (alphabetical): a comment under a store could say who wrote it.
        var whole = figure("all", "", answers, show: SmallGroups.mayShow(answers.count))
        if whole.shown { whole.comments = answers.compactMap(\.comment).sorted() }
        let groups = counts.keys.sorted { (names[$0] ?? "~", $0) < (names[$1] ?? "~", $1) }.map { key in
            figure(key.isEmpty ? "none" : key, names[key] ?? "", byGroup[key] ?? [], show: whole.shown && shown.contains(key))
        }
        return Results(pulse: pulse, by: grouping.rawValue, minimumGroup: SmallGroups.minimum, whole: whole, groups: groups)
    }

    func groupNames(_ grouping: Grouping, in workspace: WorkspaceID) async throws -> [String: String] {
        switch grouping {
        case .store: Dictionary(uniqueKeysWithValues: try await store.retailStores(in: workspace).map { ($0.id.rawValue, $0.name) })
        case .team: Dictionary(uniqueKeysWithValues: try await store.teams(in: workspace).map { ($0.id.rawValue, $0.name) })
        }
    }

    // MARK: EX beside CX

    public struct StoreRow: Sendable, Codable {
        public var storeID: RetailStoreID
        public var code: String
        public var name: String
        /// nil when the store's employee answers must stay hidden.
        public var enps: NPS?
        public var employeeAnswers: Int?
        /// The store's customers' latest-quarter answers (customers whose `store` trait is its code).
        public var customerNPS: NPS
        public var customerCSAT: Proportion

        enum CodingKeys: String, CodingKey { case storeID = "storeId", code, name, enps, employeeAnswers, customerNPS = "customerNps", customerCSAT = "customerCsat" }
    }

    public struct Beside: Sendable, Codable {
        public var pulse: Pulse
        public var from: Date
        public var until: Date
        public var stores: [StoreRow]
        /// Across stores whose eNPS is shown and whose customers gave at least five NPS answers: eNPS against customer NPS.
        public var correlation: Correlation
    }

    /// Each store's eNPS (this pulse) beside its customers' NPS and CSAT over the 90 days before the pulse closed (or now).
    public func exBesideCX(_ id: PulseID, for principal: Principal) async throws -> Beside {
        let results = try await results(id, by: .store, for: principal)
        let workspace = principal.workspaceID
        let stores = try await store.retailStores(in: workspace)
        let home = try await store.customersByStore(in: workspace)
        let until = min(clock.now(), results.pulse.closesAt), from = until.addingTimeInterval(-90 * 86_400)
        var nps: [String: [Int]] = [:], csat: [String: [Int]] = [:]
        try await Page.walk({ cursor in try await store.surveys(in: workspace, after: cursor, limit: 100) }) { surveys in
            for survey in surveys {
                let npsQuestions = survey.definition.questions.filter { $0.type == .nps }.map(\.id)
                let csatQuestions = survey.definition.questions.filter { $0.type == .csat }.map(\.id)
                guard !npsQuestions.isEmpty || !csatQuestions.isEmpty else { continue }
                try await Page.walk({ cursor in try await store.responses(of: survey.id, in: workspace, from: from, until: until, after: cursor, limit: 1_000) }) { responses in
                    for response in responses {
                        guard let profile = response.profileID?.rawValue, let code = home[profile] else { continue }
                        for question in npsQuestions { if case .number(let value)? = response.answers[question] { nps[code, default: []].append(value) } }
                        for question in csatQuestions { if case .number(let value)? = response.answers[question] { csat[code, default: []].append(value) } }
                    }
                }
            }
        }
        let groups = Dictionary(uniqueKeysWithValues: results.groups.map { ($0.key, $0) })
        let rows = stores.map { shop -> StoreRow in
            let group = groups[shop.id.rawValue]
            return StoreRow(storeID: shop.id, code: shop.code, name: shop.name, enps: group?.shown == true ? group?.enps : nil,
                            employeeAnswers: group?.shown == true ? group?.answers : nil,
                            customerNPS: NPS(scores: nps[shop.code] ?? []), customerCSAT: Proportion.csat(scores: csat[shop.code] ?? []))
        }
        let pairs = rows.compactMap { row -> (x: Double, y: Double)? in
            guard let employees = row.enps?.score, row.customerNPS.n >= SmallGroups.minimum, let customers = row.customerNPS.score else { return nil }
            return (employees, customers)
        }
        return Beside(pulse: results.pulse, from: from, until: until, stores: rows, correlation: Correlation(pairs))
    }
}

/// The front line's view: the customers of one store (their `store` trait names it) who are at risk this week — a
/// churn risk of at least a half at the last value computation, a detractor NPS (0–6) or an unhappy CSAT (1–2) answer
/// in the last seven days, or a service case still open — each with why. An employee sees their own store; someone who
/// may run the directory any store. Needs `customers.read`.
public struct FrontLine: Sendable {
    let store: Store
    public let clock: DateSource

    public init(store: Store, clock: DateSource = .system) {
        self.store = store
        self.clock = clock
    }

    public struct Customer: Sendable, Codable {
        public var profileID: ProfileID
        public var name: String?
        /// `churn_risk`, `detractor`, `unhappy`, `open_case`.
        public var reasons: [String]
        public var churnRisk: Double?

        enum CodingKeys: String, CodingKey { case profileID = "profileId", name, reasons, churnRisk }
    }

    public struct View: Sendable, Codable {
        public var store: RetailStore
        public var customers: Int
        public var atRisk: [Customer]
    }

    /// The principal's own store (their employee record), or — for someone with `workforce.manage` — the store given.
    public func atRisk(store requested: RetailStoreID?, for principal: Principal) async throws -> View {
        try principal.require(.customersRead)
        let workspace = principal.workspaceID
        var own: RetailStoreID?
        if case .user(let user) = principal.kind { own = try await store.employee(ofUser: user, in: workspace)?.storeID }
        let chosen: RetailStoreID
        if let requested, requested != own {
            try principal.require(.workforceManage)
            chosen = requested
        } else if let own {
            chosen = own
        } else {
            throw ValidationError(field: "store", issue: .missing, hint: "You work in no store of the directory; name the store to look at.")
        }
        guard let shop = try await store.retailStore(id: chosen, in: workspace) else { throw NotFoundError(kind: "store", id: chosen.rawValue) }
        let customers = try await store.customersByStore(in: workspace).filter { $0.value == shop.code }.map(\.key)
        let members = Set(customers)
        var reasons: [String: [String]] = [:], risk: [String: Double] = [:]
        let facts = try await store.transaction { tx in try await tx.valueFacts(of: customers, in: workspace) }
        for fact in facts where (fact.churnRisk ?? 0) >= 0.5 {
            reasons[fact.profile, default: []].append("churn_risk")
            risk[fact.profile] = fact.churnRisk
        }
        let now = clock.now(), weekAgo = now.addingTimeInterval(-7 * 86_400)
        try await Page.walk({ cursor in try await store.surveys(in: workspace, after: cursor, limit: 100) }) { surveys in
            for survey in surveys {
                let nps = Set(survey.definition.questions.filter { $0.type == .nps }.map(\.id))
                let csat = Set(survey.definition.questions.filter { $0.type == .csat }.map(\.id))
                guard !nps.isEmpty || !csat.isEmpty else { continue }
                try await Page.walk({ cursor in try await store.responses(of: survey.id, in: workspace, from: weekAgo, until: now, after: cursor, limit: 1_000) }) { responses in
                    for response in responses {
                        guard let profile = response.profileID?.rawValue, members.contains(profile) else { continue }
                        for (question, answer) in response.answers {
                            guard case .number(let value) = answer else { continue }
                            if nps.contains(question), value <= 6, !(reasons[profile] ?? []).contains("detractor") { reasons[profile, default: []].append("detractor") }
                            if csat.contains(question), value <= 2, !(reasons[profile] ?? []).contains("unhappy") { reasons[profile, default: []].append("unhappy") }
                        }
                    }
                }
            }
        }
        try await Page.walk({ cursor in try await store.cases(in: workspace, queue: .open, after: cursor, limit: 500) }) { cases in
            for item in cases {
                guard let profile = item.profileID?.rawValue, members.contains(profile), !(reasons[profile] ?? []).contains("open_case") else { continue }
                reasons[profile, default: []].append("open_case")
            }
        }
        var listed: [Customer] = []
        for (profile, why) in reasons {
            let found = try await store.profile(id: ProfileID(rawValue: profile), in: workspace)?.profile
            listed.append(Customer(profileID: ProfileID(rawValue: profile), name: found?.traits["name"]?.value.stringValue, reasons: why, churnRisk: risk[profile]))
        }
        listed.sort { ($0.reasons.count, $0.churnRisk ?? 0, $1.profileID.rawValue) > ($1.reasons.count, $1.churnRisk ?? 0, $0.profileID.rawValue) }
        return View(store: shop, customers: customers.count, atRisk: listed)
    }
}
