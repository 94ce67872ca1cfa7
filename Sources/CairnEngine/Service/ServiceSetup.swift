public import CairnCore
public import CairnStore
public import Foundation

/// Teams with their calendars and members, service-level policies and the workspace's own case statuses. Reading
/// needs `service.read`, changing `service.manage`. A change to a team's calendar or to a policy recomputes the
/// deadlines of the open cases: the first ``refreshBatch`` at once, the rest in batches soon after.
public struct ServiceSetup: Sendable {
    let store: Store
    public let clock: DateSource
    let deadlinesChanged: @Sendable () -> Void
    /// Open cases recomputed in the changing transaction itself (``refreshBatch`` unless a test says otherwise).
    let immediateRefresh: Int

    public init(store: Store, clock: DateSource = .system, deadlinesChanged: @escaping @Sendable () -> Void = {}, immediateRefresh: Int = ServiceSetup.refreshBatch) {
        self.store = store
        self.clock = clock
        self.deadlinesChanged = deadlinesChanged
        self.immediateRefresh = immediateRefresh
    }

    // MARK: Teams

    public struct CalendarInput: Sendable {
        public var timeZone: String?
        /// Weekday (`mon` … `sun`) to blocks of `["09:00","12:00"]`.
        public var hours: [String: [[String]]]?
        public var holidays: [String]?

        public init(timeZone: String? = nil, hours: [String: [[String]]]? = nil, holidays: [String]? = nil) {
            self.timeZone = timeZone
            self.hours = hours
            self.holidays = holidays
        }
    }

    public struct TeamInput: Sendable {
        public var name: String?
        public var calendar: CalendarInput?
        public var members: [String]?

        public init(name: String? = nil, calendar: CalendarInput? = nil, members: [String]? = nil) {
            self.name = name
            self.calendar = calendar
            self.members = members
        }
    }

    public func teams(for principal: Principal) async throws -> [Team] {
        try principal.require(.serviceRead)
        return try await store.teams(in: principal.workspaceID)
    }

    static func calendar(_ input: CalendarInput?, field: String, collecting issues: inout ValidationCollector) -> BusinessCalendar? {
        guard let input else { return .alwaysOpen }
        var week: [[BusinessCalendar.Block]] = Array(repeating: [], count: 7)
        for (day, blocks) in input.hours ?? [:] {
            guard let index = BusinessCalendar.weekdayNames.firstIndex(of: day.lowercased()) else {
                issues.add(FieldIssue(field: "\(field).hours.\(day.prefix(10))", issue: .unknownValue(allowed: BusinessCalendar.weekdayNames),
                                      hint: "Name weekdays mon, tue, wed, thu, fri, sat, sun."))
                continue
            }
            for pair in blocks {
                if pair.count == 2, let block = BusinessCalendar.Block(from: pair[0], to: pair[1]) { week[index].append(block) }
                else {
                    issues.add(FieldIssue(field: "\(field).hours.\(day)", issue: .invalid,
                                          hint: "Give each block as [\"HH:MM\",\"HH:MM\"] with the start before the end, e.g. [\"09:00\",\"12:30\"]; 24:00 ends a day."))
                }
            }
        }
        return issues.check { () throws(ValidationError) in
            try BusinessCalendar.validated(timeZone: input.timeZone ?? "UTC", week: week, holidays: input.holidays ?? [], field: field)
        }
    }

    public func createTeam(_ input: TeamInput, by principal: Principal) async throws -> Team {
        try await save(nil, input, by: principal)
    }

    public func updateTeam(_ id: TeamID, _ input: TeamInput, by principal: Principal) async throws -> Team {
        try await save(id, input, by: principal)
    }

    func save(_ id: TeamID?, _ input: TeamInput, by principal: Principal) async throws -> Team {
        try principal.require(.serviceManage)
        let workspace = principal.workspaceID
        var existing: Team?
        if let id { existing = try await store.team(id: id, in: workspace) }
        if let id, existing == nil { throw NotFoundError(kind: "team", id: id.rawValue) }
        var issues = ValidationCollector()
        let name = (input.name ?? existing?.name ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if name.isEmpty { issues.add(FieldIssue(field: "name", issue: .missing, hint: "Name the team, e.g. \"Returns\" or \"Hotline DE\".")) }
        else if name.count > 100 { issues.add(FieldIssue(field: "name", issue: .tooLong(limit: 100), hint: "Use at most 100 characters.")) }
        let calendar = input.calendar == nil && existing != nil ? existing?.calendar : Self.calendar(input.calendar, field: "calendar", collecting: &issues)
        var members: [UserID] = existing?.members ?? []
        if let texts = input.members {
            members = []
            for text in texts {
                if let user = UserID(text), let found = try await store.user(id: user, in: workspace) {
                    if found.role.can(.serviceWork) { members.append(user) }
                    else { issues.add(FieldIssue(field: "members", issue: .notAllowed, hint: "\(found.displayName)'s role (\(found.role.rawValue)) does not work on cases.")) }
                } else {
                    issues.add(FieldIssue(field: "members", issue: .unknownValue(allowed: []), hint: "No user with id \(text.prefix(40)); see GET /api/v1/users."))
                }
            }
        }
        if (try await store.teams(in: workspace)).contains(where: { $0.name.caseInsensitiveCompare(name) == .orderedSame && $0.id != id }) {
            issues.add(FieldIssue(field: "name", issue: .alreadyTaken, hint: "Another team has this name."))
        }
        try issues.throwIfAny()
        let team = Team(id: id ?? .generate(), name: name, calendar: calendar ?? .alwaysOpen, members: members, createdAt: existing?.createdAt ?? clock.now())
        let now = clock.now(), isUpdate = existing != nil, immediate = immediateRefresh
        try await store.transaction { tx in
            try await tx.save(team, in: workspace)
            if isUpdate { try await Self.refreshOpenCases(in: workspace, at: now, tx: tx, batch: immediate) }
        }
        deadlinesChanged()
        return team
    }

    // MARK: Policies

    public struct PolicyInput: Sendable {
        public var name: String?
        public var position: Int?
        public var priorities: [String]?
        public var channels: [String]?
        public var tiers: [String]?
        public var valueTiers: [String]?
        public var firstResponseMinutes: Int?
        public var nextResponseMinutes: Int?
        public var resolutionMinutes: Int?
        public var warnBeforeMinutes: Int?
        public var raisePriority: Bool?
        public var reassignTeamID: String?
        public var reassignUserID: String?
        public var notify: Bool?

        public init() {}
    }

    public func policies(for principal: Principal) async throws -> [SLAPolicy] {
        try principal.require(.serviceRead)
        return try await store.slaPolicies(in: principal.workspaceID)
    }

    public func savePolicy(_ id: SLAPolicyID?, _ input: PolicyInput, by principal: Principal) async throws -> SLAPolicy {
        try principal.require(.serviceManage)
        let workspace = principal.workspaceID
        let existing = try await store.slaPolicies(in: workspace)
        if let id, !existing.contains(where: { $0.id == id }) { throw NotFoundError(kind: "SLA policy", id: id.rawValue) }
        var issues = ValidationCollector()
        let name = (input.name ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if name.isEmpty { issues.add(FieldIssue(field: "name", issue: .missing, hint: "Name the policy, e.g. \"Urgent chat\".")) }
        else if name.count > 100 { issues.add(FieldIssue(field: "name", issue: .tooLong(limit: 100), hint: "Use at most 100 characters.")) }
        var priorities: [Case.Priority] = [], channels: [Case.Channel] = []
        for text in input.priorities ?? [] { if let p = Cases.choice(text, as: Case.Priority.self, field: "priorities", collecting: &issues) { priorities.append(p) } }
        for text in input.channels ?? [] { if let c = Cases.choice(text, as: Case.Channel.self, field: "channels", collecting: &issues) { channels.append(c) } }
        let tiers = (input.tiers ?? []).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        var valueTiers: [ValueTier] = []
        for text in input.valueTiers ?? [] {
            if let tier = issues.check({ () throws(ValidationError) in try ValueTier.validate(text, field: "valueTiers") }), !valueTiers.contains(tier) { valueTiers.append(tier) }
        }
        for (field, value) in [("firstResponseMinutes", input.firstResponseMinutes), ("nextResponseMinutes", input.nextResponseMinutes),
                               ("resolutionMinutes", input.resolutionMinutes)] {
            if let value, !(1...525_600).contains(value) {
                issues.add(FieldIssue(field: field, issue: .invalid, hint: "Give whole minutes of business time between 1 and 525,600 (a year), or leave it out."))
            }
        }
        if input.firstResponseMinutes == nil && input.nextResponseMinutes == nil && input.resolutionMinutes == nil {
            issues.add(FieldIssue(field: "firstResponseMinutes", issue: .missing, hint: "Give at least one target: firstResponseMinutes, nextResponseMinutes or resolutionMinutes."))
        }
        let warn = input.warnBeforeMinutes ?? 30
        if !(0...10_080).contains(warn) { issues.add(FieldIssue(field: "warnBeforeMinutes", issue: .invalid, hint: "Warn between 0 and 10,080 minutes (a week) before a breach.")) }
        var team: TeamID?, user: UserID?
        if let text = input.reassignTeamID {
            if let id = TeamID(text), try await store.team(id: id, in: workspace) != nil { team = id }
            else { issues.add(FieldIssue(field: "reassignTeamId", issue: .unknownValue(allowed: []), hint: "No team with this id; see GET /api/v1/teams.")) }
        }
        if let text = input.reassignUserID {
            if let id = UserID(text), let found = try await store.user(id: id, in: workspace), found.role.can(.serviceWork) { user = id }
            else { issues.add(FieldIssue(field: "reassignUserId", issue: .unknownValue(allowed: []), hint: "Name a user of this workspace who works on cases.")) }
        }
        try issues.throwIfAny()
        let position = input.position ?? existing.first { $0.id == id }?.position ?? ((existing.map(\.position).max() ?? -1) + 1)
        let policy = SLAPolicy(id: id ?? .generate(), name: name, position: position,
                               conditions: .init(priorities: priorities, channels: channels, tiers: tiers, valueTiers: valueTiers),
                               targets: .init(firstResponseMinutes: input.firstResponseMinutes, nextResponseMinutes: input.nextResponseMinutes,
                                              resolutionMinutes: input.resolutionMinutes),
                               warnBeforeMinutes: warn,
                               escalation: .init(raisePriority: input.raisePriority ?? false, reassignTeamID: team, reassignUserID: user, notify: input.notify ?? true))
        let now = clock.now(), immediate = immediateRefresh
        try await store.transaction { tx in
            try await tx.save(policy, in: workspace, at: now)
            try await Self.refreshOpenCases(in: workspace, at: now, tx: tx, batch: immediate)
        }
        deadlinesChanged()
        return policy
    }

    public func deletePolicy(_ id: SLAPolicyID, by principal: Principal) async throws {
        try principal.require(.serviceManage)
        let now = clock.now(), immediate = immediateRefresh
        try await store.transaction { tx in
            guard try await tx.deleteSLAPolicy(id, in: principal.workspaceID) else { throw NotFoundError(kind: "SLA policy", id: id.rawValue) }
            try await Self.refreshOpenCases(in: principal.workspaceID, at: now, tx: tx, batch: immediate)
        }
        deadlinesChanged()
    }

    /// Recomputes the deadlines of every open case of the workspace (after a policy or calendar changed).
    /// How many open cases a change to a policy or a team's hours recomputes in its own transaction; the rest are
    /// recomputed in batches of this size by the service rounds (``Cases/refreshWaitingDeadlines(batch:)``), so the
    /// change never holds the database for 100,000 cases.
    public static let refreshBatch = 500

    static func refreshOpenCases(in workspace: WorkspaceID, at now: Date, tx: TransactionStore, batch: Int = refreshBatch) async throws {
        let ids = try await tx.openCaseIDs(in: workspace, after: "", limit: batch + 1)
        for id in ids.prefix(batch) {
            try await Cases.refreshSLA(of: id, in: workspace, at: now, tx: tx)
        }
        if ids.count > batch { try await tx.requestSLARefresh(in: workspace, after: ids[batch - 1].rawValue, at: now) }
        else { try await tx.clearSLARefresh(in: workspace) }
    }

    // MARK: Statuses

    public func statuses(for principal: Principal) async throws -> [CaseStatusDefinition] {
        try principal.require(.serviceRead)
        return try await store.caseStatuses(in: principal.workspaceID)
    }

    public func addStatus(name text: String?, behavesLike like: String?, by principal: Principal) async throws -> CaseStatusDefinition {
        try principal.require(.serviceManage)
        var issues = ValidationCollector()
        let name = (text ?? "").trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        if name.isEmpty { issues.add(FieldIssue(field: "name", issue: .missing, hint: "Name the status, e.g. \"waiting for parts\".")) }
        else if name.count > 50 { issues.add(FieldIssue(field: "name", issue: .tooLong(limit: 50), hint: "Use at most 50 characters.")) }
        else if Case.Status(rawValue: name) != nil { issues.add(FieldIssue(field: "name", issue: .alreadyTaken, hint: "\(name) is a built-in status.")) }
        let behaves = Cases.choice(like, as: Case.Status.self, field: "behavesLike", collecting: &issues)
        if like == nil { issues.add(FieldIssue(field: "behavesLike", issue: .missing, hint: "Say which built-in status it behaves like: open, pending, on_hold, solved or closed.")) }
        if behaves == .new { issues.add(FieldIssue(field: "behavesLike", issue: .notAllowed, hint: "Choose open, pending, on_hold, solved or closed.")) }
        try issues.throwIfAny()
        let status = CaseStatusDefinition(name: name, behavesLike: behaves ?? .open)
        try await store.transaction { tx in try await tx.save(status, in: principal.workspaceID) }
        return status
    }
}

extension ServiceSetup {
    public func settings(for principal: Principal) async throws -> ServiceSettings {
        try principal.require(.serviceRead)
        return try await store.serviceSettings(in: principal.workspaceID)
    }

    public struct FollowUpInput: Sendable {
        public var enabled: Bool?
        public var kinds: [String]?
        public var priority: String?
        public var teamID: String?
        public var assigneeID: String?
        public var consentPurpose: String?
        public init(enabled: Bool? = nil, kinds: [String]? = nil, priority: String? = nil, teamID: String? = nil, assigneeID: String? = nil, consentPurpose: String? = nil) {
            self.enabled = enabled
            self.kinds = kinds
            self.priority = priority
            self.teamID = teamID
            self.assigneeID = assigneeID
            self.consentPurpose = consentPurpose
        }
    }

    /// Sets the follow-up rule (`followUp.enabled` false turns it off) and the cost per contact (channel → amount in
    /// `currency`); parts left out stay as they are. Turning the rule on follows up alerts raised from now on.
    public func setSettings(followUp input: FollowUpInput?, costPerContact: [String: String]?, currency: String?, by principal: Principal) async throws -> ServiceSettings {
        try principal.require(.serviceManage)
        let workspace = principal.workspaceID
        var settings = try await store.serviceSettings(in: workspace)
        var issues = ValidationCollector()
        if let input {
            if input.enabled == false {
                settings.followUp = nil
            } else {
                var kinds: [FeedbackAlert.Kind] = []
                for text in input.kinds ?? ["detractor", "low_csat", "low_ces"] {
                    if let kind = FeedbackAlert.Kind(rawValue: text) { kinds.append(kind) }
                    else { issues.add(FieldIssue(field: "followUp.kinds", issue: .unknownValue(allowed: ["detractor", "low_csat", "low_ces"]), hint: "Follow up detractor, low_csat or low_ces.")) }
                }
                if input.kinds?.isEmpty == true {
                    issues.add(FieldIssue(field: "followUp.kinds", issue: .missing, hint: "Follow up at least one of detractor, low_csat or low_ces, or turn the rule off."))
                }
                let priority = Cases.choice(input.priority, as: Case.Priority.self, field: "followUp.priority", collecting: &issues) ?? .normal
                var team: TeamID?, assignee: UserID?
                if let text = input.teamID {
                    if let id = TeamID(text), try await store.team(id: id, in: workspace) != nil { team = id }
                    else { issues.add(FieldIssue(field: "followUp.teamId", issue: .unknownValue(allowed: []), hint: "No team with this id; see GET /api/v1/teams.")) }
                }
                if let text = input.assigneeID {
                    if let id = UserID(text), try await store.user(id: id, in: workspace)?.role.can(.serviceWork) == true { assignee = id }
                    else { issues.add(FieldIssue(field: "followUp.assigneeId", issue: .unknownValue(allowed: []), hint: "Name a user of this workspace who works on cases.")) }
                }
                let purpose = issues.check { () throws(ValidationError) in try ConsentPurpose.validate(input.consentPurpose ?? "surveys", field: "followUp.consentPurpose") }
                let since = settings.followUp?.since ?? clock.now()
                if let purpose { settings.followUp = .init(kinds: kinds, priority: priority, teamID: team, assigneeID: assignee, consentPurpose: purpose, since: since) }
            }
        }
        if let costs = costPerContact {
            let code = issues.check { () throws(ValidationError) in try Currency(validating: currency ?? "", field: "currency") }
            var parsed: [String: Money] = [:]
            for (channel, amount) in costs {
                guard Case.Channel(rawValue: channel) != nil else {
                    issues.add(FieldIssue(field: "costPerContact.\(channel.prefix(20))", issue: .unknownValue(allowed: Case.Channel.allCases.map(\.rawValue)),
                                          hint: "Give costs for email, chat, phone, store or web."))
                    continue
                }
                if let code, let money = issues.check({ () throws(ValidationError) in try Money(parsing: amount, currency: code, field: "costPerContact.\(channel)") }) {
                    if money.minorUnits < 0 { issues.add(FieldIssue(field: "costPerContact.\(channel)", issue: .invalid, hint: "A cost is zero or more.")) }
                    else { parsed[channel] = money }
                }
            }
            settings.costPerContact = parsed
        }
        try issues.throwIfAny()
        let saved = settings
        try await store.transaction { tx in try await tx.save(saved, in: workspace) }
        return saved
    }
}

extension ServiceSetup {
    public func cannedReplies(for principal: Principal) async throws -> [CannedReply] {
        try principal.require(.serviceRead)
        return try await store.cannedReplies(in: principal.workspaceID)
    }

    /// Adds a canned reply: a title and its text in one or more of `en`, `de`, `zh`, `he` (English required).
    public func addCannedReply(title text: String?, bodies: [String: String]?, by principal: Principal) async throws -> CannedReply {
        try principal.require(.serviceManage)
        var issues = ValidationCollector()
        let title = (text ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if title.isEmpty { issues.add(FieldIssue(field: "title", issue: .missing, hint: "Give the reply a title agents pick it by, e.g. \"Refund on its way\".")) }
        else if title.count > 100 { issues.add(FieldIssue(field: "title", issue: .tooLong(limit: 100), hint: "Use at most 100 characters.")) }
        var clean: [String: String] = [:]
        for (language, body) in bodies ?? [:] {
            let trimmed = body.trimmingCharacters(in: .whitespacesAndNewlines)
            guard CannedReply.languages.contains(language) else {
                issues.add(FieldIssue(field: "bodies.\(language.prefix(10))", issue: .unknownValue(allowed: CannedReply.languages), hint: "Write texts for en, de, zh or he."))
                continue
            }
            if trimmed.count > 5_000 { issues.add(FieldIssue(field: "bodies.\(language)", issue: .tooLong(limit: 5_000), hint: "Use at most 5,000 characters.")) }
            else if !trimmed.isEmpty { clean[language] = trimmed }
        }
        if clean["en"] == nil { issues.add(FieldIssue(field: "bodies.en", issue: .missing, hint: "Write the English text; other languages fall back to it.")) }
        try issues.throwIfAny()
        let reply = CannedReply(id: .generate(), title: title, bodies: clean, createdAt: clock.now())
        try await store.transaction { tx in try await tx.save(reply, in: principal.workspaceID) }
        return reply
    }

    public func deleteCannedReply(_ id: CannedReplyID, by principal: Principal) async throws {
        try principal.require(.serviceManage)
        try await store.transaction { tx in
            guard try await tx.deleteCannedReply(id, in: principal.workspaceID) else { throw NotFoundError(kind: "canned reply", id: id.rawValue) }
        }
    }
}
