public import CairnCore
import CairnStore
public import Foundation
import Logging

extension SLAStatus {
    var targets: [SLATargetState] { [firstResponse, nextResponse, resolution].compactMap { $0 } }

    /// When the escalation timer next acts on the case: a running target's warning (then its deadline), a breach not yet
    /// escalated at once; nil when nothing is left to do.
    func alarm(warnBefore: TimeInterval, warned: Date?, escalated: Date?) -> Date? {
        var times: [Date] = []
        for target in targets {
            guard let due = target.dueAt else { continue }
            switch target.phase {
            case .running:
                times.append(warned.map { due > $0 } ?? true ? due.addingTimeInterval(-warnBefore) : due)
            case .breached where target.achievedAt == nil:
                if escalated.map({ due > $0 }) ?? true { times.append(due) }
            default: break
            }
        }
        return times.min()
    }
}

extension Cases {
    /// The policy that applies to a case, the calendar it counts on, and the customer's tier.
    static func policy(for item: Case, tx: TransactionStore) async throws -> (policy: SLAPolicy, calendar: BusinessCalendar)? {
        let policies = try await tx.slaPolicies(in: item.workspaceID)
        guard !policies.isEmpty else { return nil }
        var tier: String?
        var valueTier: ValueTier?
        if let profile = item.profileID {
            if case .string(let value)? = try await tx.traits(of: profile, in: item.workspaceID)["tier"]?.value { tier = value }
            valueTier = try await tx.valueTier(of: profile, in: item.workspaceID)
        }
        guard let policy = policies.first(where: { $0.covers(priority: item.priority, channel: item.channel, tier: tier, valueTier: valueTier) }) else { return nil }
        var calendar = BusinessCalendar.alwaysOpen
        if let team = item.teamID, let found = try await tx.teams(in: item.workspaceID).first(where: { $0.id == team }) { calendar = found.calendar }
        return (policy, calendar)
    }

    /// Computes the case's service-level state at `now` from its history and stores it with the timer's next alarm.
    /// The calendar a case counts on: its team's, else every hour.
    static func calendar(for item: Case, tx: TransactionStore) async throws -> BusinessCalendar {
        guard let team = item.teamID, let found = try await tx.teams(in: item.workspaceID).first(where: { $0.id == team }) else { return .alwaysOpen }
        return found.calendar
    }

    /// The report's facts of a case from its history (see ``CaseFacts``).
    static func facts(of item: Case, messages: [(author: CaseMessage.Author, at: Date)], sla: SLAStatus?, calendar: BusinessCalendar) -> CaseFacts {
        let changes = item.statusChanges.sorted { $0.at < $1.at }
        var reopens = 0
        for (a, b) in zip(changes, changes.dropFirst()) where a.status.isDone && !b.status.isDone { reopens += 1 }
        let firstResponse = item.firstResponseAt.map { Int64(calendar.businessSeconds(from: item.createdAt, to: $0).rounded()) }
        let resolution = item.status.isDone ? item.solvedAt.map { Int64(calendar.businessSeconds(from: item.createdAt, to: $0).rounded()) } : nil
        var outcome: String?
        if let sla {
            if sla.isBreached { outcome = "breached" } else if item.status.isDone { outcome = "met" }
        }
        return CaseFacts(firstResponseSeconds: firstResponse, resolutionSeconds: resolution, reopens: reopens,
                         agentReplies: messages.filter { $0.author == .agent }.count, slaOutcome: outcome)
    }

    @discardableResult
    static func refreshSLA(of id: CaseID, in workspace: WorkspaceID, at now: Date, tx: TransactionStore) async throws -> (Case, SLAPolicy?)? {
        guard let item = try await tx.case(id: id, in: workspace) else { return nil }
        let messages = try await tx.messages(of: id, in: workspace).map { (author: $0.author, at: $0.at) }
        guard item.mergedInto == nil, let (policy, calendar) = try await policy(for: item, tx: tx) else {
            try await tx.setSLA(nil, alarmAt: nil, of: id, in: workspace)
            try await tx.setFacts(facts(of: item, messages: messages, sla: nil, calendar: try await calendar(for: item, tx: tx)), of: id, in: workspace)
            return (item, nil)
        }
        let sla = SLAClock.status(of: policy, createdAt: item.createdAt, statusChanges: item.statusChanges, messages: messages, calendar: calendar, now: now)
        try await tx.setFacts(facts(of: item, messages: messages, sla: sla, calendar: calendar), of: id, in: workspace)
        let marks = try await tx.escalationMarks(of: id, in: workspace)
        let alarm = sla.alarm(warnBefore: TimeInterval(policy.warnBeforeMinutes * 60), warned: marks.warned, escalated: marks.escalated)
        try await tx.setSLA(sla, alarmAt: alarm, of: id, in: workspace)
        var updated = item
        updated.sla = sla
        return (updated, policy)
    }

    /// What the escalation timer did to one case.
    public struct Escalated: Sendable, Hashable {
        public var caseID: CaseID
        public var warned: Bool
        public var breached: Bool
    }

    /// Acts on every case whose alarm is due at `now` (any workspace): warns of deadlines about to pass, and escalates
    /// breaches as the policy says (raise the priority, hand over to a team or agent, tell webhooks); either way the
    /// people who answer for the case get a notification in Cairn. Each case is
    /// handled in its own transaction; a deadline is warned of and escalated once.
    @discardableResult
    public func escalateDue(limit: Int = 200) async throws -> [Escalated] {
        let now = clock.now()
        var done: [Escalated] = []
        for alarm in try await store.caseAlarms(dueBy: now, limit: limit) {
            let result = try await store.transaction { tx -> Escalated? in
                guard let item = try await tx.lockedCase(id: alarm.caseID, in: alarm.workspaceID),
                      let (current, policy) = try await Self.refreshSLA(of: item.id, in: alarm.workspaceID, at: now, tx: tx), let policy, let sla = current.sla else { return nil }
                var marks = try await tx.escalationMarks(of: item.id, in: alarm.workspaceID)
                let warnBefore = TimeInterval(policy.warnBeforeMinutes * 60)
                let breaches = sla.targets.filter { $0.phase == .breached && $0.achievedAt == nil }.compactMap(\.dueAt).filter { due in marks.escalated.map { due > $0 } ?? true }
                let warnings = sla.targets.filter { $0.phase == .running }.compactMap(\.dueAt)
                    .filter { due in due.addingTimeInterval(-warnBefore) <= now && (marks.warned.map { due > $0 } ?? true) }
                guard !breaches.isEmpty || !warnings.isEmpty else { return nil }
                // The people who answer for the case hear of it in Cairn too (after a hand-over, the new ones).
                func notify(_ kind: ServiceNotification.Kind, _ about: Case, due: Date) async throws {
                    try await tx.insert(try await tx.answerable(for: about).map {
                        ServiceNotification(id: .generate(), userID: $0, kind: kind, caseID: about.id, caseNumber: about.number, subject: about.subject, dueAt: due, at: now)
                    }, in: alarm.workspaceID)
                }
                if let due = breaches.max() {
                    let escalated = try await Self.escalate(current, policy: policy, due: due, at: now, tx: tx)
                    try await notify(.slaBreached, escalated, due: due)
                    marks.escalated = due
                }
                if let due = warnings.max() {
                    try await tx.queueWebhook(event: Self.warningEvent, payload: Self.payload(Self.warningEvent, current, due: due, policy: policy), in: alarm.workspaceID, at: now)
                    try await notify(.slaWarning, current, due: due)
                    marks.warned = due
                }
                try await tx.setEscalationMarks(warned: marks.warned, escalated: marks.escalated, of: item.id, in: alarm.workspaceID)
                try await Self.refreshSLA(of: item.id, in: alarm.workspaceID, at: now, tx: tx)
                return Escalated(caseID: item.id, warned: !warnings.isEmpty, breached: !breaches.isEmpty)
            }
            if let result { done.append(result) }
        }
        return done
    }

    public static let warningEvent = "case.sla_warning"
    public static let breachEvent = "case.sla_breached"

    /// Escalates a breach as the policy says; returns the case as it is now.
    @discardableResult
    static func escalate(_ original: Case, policy: SLAPolicy, due: Date, at now: Date, tx: TransactionStore) async throws -> Case {
        var item = original
        var said: [String] = ["Service-level target of \"\(policy.name)\" missed (due \(due.formatted(.iso8601)))."]
        let escalation = policy.escalation
        if escalation.raisePriority, item.priority != .urgent {
            item.priority = item.priority.raised
            said.append("Priority raised to \(item.priority.rawValue).")
        }
        if let team = escalation.reassignTeamID, item.teamID != team, try await tx.teams(in: item.workspaceID).contains(where: { $0.id == team }) {
            item.teamID = team
            said.append("Handed to another team.")
        }
        if let user = escalation.reassignUserID, item.assigneeID != user {
            item.assigneeID = user
            said.append("Reassigned.")
        }
        item.updatedAt = now
        try await tx.update(item)
        try await tx.insert(CaseMessage(id: .generate(), caseID: item.id, author: .note, by: "sla", body: said.joined(separator: " "), attachments: [], channel: item.channel,
                                        emailMessageID: nil, at: now), in: item.workspaceID)
        if escalation.notify {
            try await tx.queueWebhook(event: breachEvent, payload: payload(breachEvent, item, due: due, policy: policy), in: item.workspaceID, at: now)
        }
        return item
    }

    /// `{"event":"case.sla_breached","case":{…}}`, keys sorted.
    static func payload(_ event: String, _ item: Case, due: Date, policy: SLAPolicy) -> String {
        var fields: [String: JSONValue] = [
            "id": .string(item.id.rawValue), "number": .integer(item.number), "subject": .string(item.subject), "priority": .string(item.priority.rawValue),
            "status": .string(item.status.rawValue), "channel": .string(item.channel.rawValue), "policy": .string(policy.name), "dueAt": .string(due.formatted(.iso8601)),
        ]
        if let team = item.teamID { fields["teamId"] = .string(team.rawValue) }
        if let user = item.assigneeID { fields["assigneeId"] = .string(user.rawValue) }
        if let profile = item.profileID { fields["profileId"] = .string(profile.rawValue) }
        return JSONValue.object(["event": .string(event), "case": .object(fields)]).jsonText()
    }
}

extension Cases {
    /// When the escalation timer next has work (any workspace): the earliest alarm of any case.
    public func nextAlarm() async throws -> Date? {
        try await store.nextCaseAlarm()
    }
}

extension Cases {
    /// The signed-in user's notifications, newest first, with the count of unread ones.
    public func notifications(for principal: Principal, limit: Int = 50) async throws -> (items: [ServiceNotification], unread: Int) {
        try principal.require(.serviceRead)
        guard let user = principal.userID else { return ([], 0) }
        return try await store.serviceNotifications(of: user, in: principal.workspaceID, limit: limit)
    }

    /// How many of the signed-in user's notifications are unread (0 for an API key).
    public func unreadNotifications(for principal: Principal) async throws -> Int {
        guard principal.can(.serviceRead), let user = principal.userID else { return 0 }
        return try await store.unreadServiceNotifications(of: user, in: principal.workspaceID)
    }

    /// Marks the signed-in user's notifications read.
    public func markNotificationsRead(for principal: Principal) async throws {
        try principal.require(.serviceRead)
        guard let user = principal.userID else { return }
        try await store.markServiceNotificationsRead(of: user, in: principal.workspaceID, at: clock.now())
    }
}

extension Cases {
    /// Recomputes the deadlines of open cases left waiting after a policy or a team's hours changed: up to `batch`
    /// cases per workspace, each batch in a transaction of its own. Returns how many were recomputed (0: none waited).
    @discardableResult
    public func refreshWaitingDeadlines(batch: Int = ServiceSetup.refreshBatch) async throws -> Int {
        var done = 0
        for workspace in try await store.workspacesAwaitingSLARefresh(limit: 20) {
            let now = clock.now()
            done += try await store.transaction { tx -> Int in
                guard let pending = try await tx.lockedSLARefresh(in: workspace) else { return 0 }
                let ids = try await tx.openCaseIDs(in: workspace, after: pending.after, limit: batch)
                for id in ids { try await Self.refreshSLA(of: id, in: workspace, at: now, tx: tx) }
                if ids.count < batch { try await tx.clearSLARefresh(in: workspace) }
                else { try await tx.advanceSLARefresh(in: workspace, to: ids[ids.count - 1].rawValue) }
                return ids.count
            }
        }
        if done > 0 { deadlinesChanged() }
        return done
    }
}
