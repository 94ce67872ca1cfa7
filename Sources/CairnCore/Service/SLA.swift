public import Foundation

/// A service-level policy: which cases it covers (by priority, channel and customer tier; an empty list matches every
/// value), the business time allowed for the first reply, each next reply and the resolution, how long before a
/// breach agents are warned, and what happens at a breach. The first policy (by position) that matches a case applies.
public struct SLAPolicy: Sendable, Hashable, Codable {
    public struct Conditions: Sendable, Hashable, Codable {
        public var priorities: [Case.Priority]
        public var channels: [Case.Channel]
        /// Values of the customer's `tier` trait, e.g. `gold`.
        public var tiers: [String]
        /// The customer's value tier at the last value computation (``ValueTier``): value-balanced service.
        public var valueTiers: [ValueTier]

        public init(priorities: [Case.Priority] = [], channels: [Case.Channel] = [], tiers: [String] = [], valueTiers: [ValueTier] = []) {
            self.priorities = priorities
            self.channels = channels
            self.tiers = tiers
            self.valueTiers = valueTiers
        }

        // Policies saved before value tiers existed have no `valueTiers`.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            priorities = try container.decode([Case.Priority].self, forKey: .priorities)
            channels = try container.decode([Case.Channel].self, forKey: .channels)
            tiers = try container.decode([String].self, forKey: .tiers)
            valueTiers = try container.decodeIfPresent([ValueTier].self, forKey: .valueTiers) ?? []
        }
    }

    /// Targets in minutes of business time; nil: no target of that kind.
    public struct Targets: Sendable, Hashable, Codable {
        public var firstResponseMinutes: Int?
        public var nextResponseMinutes: Int?
        public var resolutionMinutes: Int?

        public init(firstResponseMinutes: Int? = nil, nextResponseMinutes: Int? = nil, resolutionMinutes: Int? = nil) {
            self.firstResponseMinutes = firstResponseMinutes
            self.nextResponseMinutes = nextResponseMinutes
            self.resolutionMinutes = resolutionMinutes
        }
    }

    /// What happens when a target is breached: any of raising the priority one step, handing the case to another team
    /// or agent, and telling everyone (the alert feed and signed webhooks).
    public struct Escalation: Sendable, Hashable, Codable {
        public var raisePriority: Bool
        public var reassignTeamID: TeamID?
        public var reassignUserID: UserID?
        public var notify: Bool

        public init(raisePriority: Bool = false, reassignTeamID: TeamID? = nil, reassignUserID: UserID? = nil, notify: Bool = true) {
            self.raisePriority = raisePriority
            self.reassignTeamID = reassignTeamID
            self.reassignUserID = reassignUserID
            self.notify = notify
        }
    }

    public var id: SLAPolicyID
    public var name: String
    public var position: Int
    public var conditions: Conditions
    public var targets: Targets
    public var warnBeforeMinutes: Int
    public var escalation: Escalation

    public init(id: SLAPolicyID, name: String, position: Int, conditions: Conditions, targets: Targets, warnBeforeMinutes: Int, escalation: Escalation) {
        self.id = id
        self.name = name
        self.position = position
        self.conditions = conditions
        self.targets = targets
        self.warnBeforeMinutes = warnBeforeMinutes
        self.escalation = escalation
    }

    public func covers(priority: Case.Priority, channel: Case.Channel, tier: String?, valueTier: ValueTier? = nil) -> Bool {
        (conditions.priorities.isEmpty || conditions.priorities.contains(priority))
            && (conditions.channels.isEmpty || conditions.channels.contains(channel))
            && (conditions.tiers.isEmpty || tier.map { t in conditions.tiers.contains { $0.caseInsensitiveCompare(t) == .orderedSame } } == true)
            && (conditions.valueTiers.isEmpty || valueTier.map(conditions.valueTiers.contains) == true)
    }
}

/// Where one service-level target of a case stands.
public struct SLATargetState: Sendable, Hashable, Codable {
    public enum Phase: String, Sendable, Hashable, Codable {
        /// The clock runs; `dueAt` is ahead (or just passed: then the phase is `breached`).
        case running
        /// The case waits for the customer; `remainingSeconds` of business time are left.
        case paused
        /// Achieved by `dueAt`.
        case met
        /// Not achieved by `dueAt`.
        case breached
    }

    public var phase: Phase
    public var dueAt: Date?
    public var remainingSeconds: Double?
    public var achievedAt: Date?

    public init(phase: Phase, dueAt: Date?, remainingSeconds: Double?, achievedAt: Date?) {
        self.phase = phase
        self.dueAt = dueAt
        self.remainingSeconds = remainingSeconds
        self.achievedAt = achievedAt
    }
}

/// The service-level state of a case at one moment: the policy that applies and each of its targets.
public struct SLAStatus: Sendable, Hashable, Codable {
    public var policyID: SLAPolicyID
    public var policyName: String
    public var firstResponse: SLATargetState?
    public var nextResponse: SLATargetState?
    public var resolution: SLATargetState?

    public init(policyID: SLAPolicyID, policyName: String, firstResponse: SLATargetState?, nextResponse: SLATargetState?, resolution: SLATargetState?) {
        self.policyID = policyID
        self.policyName = policyName
        self.firstResponse = firstResponse
        self.nextResponse = nextResponse
        self.resolution = resolution
    }

    /// The earliest deadline still running: the moment the case next breaches unless someone acts.
    public var nextDeadline: Date? {
        [firstResponse, nextResponse, resolution].compactMap { $0 }.filter { $0.phase == .running }.compactMap(\.dueAt).min()
    }

    /// Whether any target is breached.
    public var isBreached: Bool { [firstResponse, nextResponse, resolution].contains { $0?.phase == .breached } }
}

/// Computes service-level deadlines from what happened to a case: business time on the team's calendar, the clock
/// stopped while the case waits for the customer (and, for the resolution, while it is solved). Deadlines are computed
/// from the case's history, not counted down by a poller.
public enum SLAClock {
    /// A stretch of time in which a target's clock stood still; `end` nil: it still stands.
    public struct Pause: Sendable, Hashable {
        public var start: Date
        public var end: Date?
        public init(start: Date, end: Date?) {
            self.start = start
            self.end = end
        }
    }

    /// One target: `seconds` of business time from `start`, achieved at `achieved` (if it was), with the clock
    /// standing during `pauses`.
    public static func state(seconds: TimeInterval, start: Date, achieved: Date?, pauses: [Pause], calendar: BusinessCalendar, now: Date) -> SLATargetState {
        // Only pauses after the start and before the achievement count.
        var stops = pauses.compactMap { pause -> Pause? in
            let begin = max(pause.start, start)
            var end = pause.end
            if let achieved {
                guard begin < achieved else { return nil }
                end = min(end ?? achieved, achieved)
            }
            if let end, end <= begin { return nil }
            return Pause(start: begin, end: end)
        }.sorted { $0.start < $1.start }
        // Overlapping pauses become one.
        var merged: [Pause] = []
        for stop in stops {
            if let last = merged.last, last.end.map({ stop.start <= $0 }) ?? true {
                merged[merged.count - 1].end = (last.end == nil || stop.end == nil) ? nil : max(last.end!, stop.end!)
            } else {
                merged.append(stop)
            }
        }
        stops = merged
        var left = seconds, from = start
        for stop in stops {
            let running = calendar.businessSeconds(from: from, to: stop.start)
            if running >= left {
                return finish(due: calendar.adding(left, to: from), achieved: achieved, now: now)
            }
            left -= running
            guard let end = stop.end else {
                return SLATargetState(phase: .paused, dueAt: nil, remainingSeconds: left, achievedAt: nil)
            }
            from = end
        }
        return finish(due: calendar.adding(left, to: from), achieved: achieved, now: now)
    }

    private static func finish(due: Date?, achieved: Date?, now: Date) -> SLATargetState {
        if let achieved {
            return SLATargetState(phase: due.map { achieved <= $0 } ?? true ? .met : .breached, dueAt: due, remainingSeconds: nil, achievedAt: achieved)
        }
        let breached = due.map { now > $0 } ?? false
        return SLATargetState(phase: breached ? .breached : .running, dueAt: due, remainingSeconds: nil, achievedAt: nil)
    }

    /// Every target of `policy` for a case with these messages (public ones: author and time) and status changes.
    public static func status(of policy: SLAPolicy, createdAt: Date, statusChanges: [Case.StatusChange], messages: [(author: CaseMessage.Author, at: Date)],
                              calendar: BusinessCalendar, now: Date) -> SLAStatus {
        let changes = statusChanges.sorted { $0.at < $1.at }
        func pauses(where stops: (Case.Status) -> Bool) -> [Pause] {
            var result: [Pause] = []
            var open: Date?
            for change in changes {
                if stops(change.status) { if open == nil { open = change.at } }
                else if let begin = open { result.append(Pause(start: begin, end: change.at)); open = nil }
            }
            if let open { result.append(Pause(start: open, end: nil)) }
            return result
        }
        let waiting = pauses(where: \.waitsForCustomer)
        let waitingOrDone = pauses(where: { $0.waitsForCustomer || $0.isDone })
        let ordered = messages.sorted { $0.at < $1.at }
        let replies = ordered.filter { $0.author == .agent }.map(\.at)
        var first: SLATargetState?, next: SLATargetState?, resolution: SLATargetState?
        if let minutes = policy.targets.firstResponseMinutes {
            first = state(seconds: TimeInterval(minutes * 60), start: createdAt, achieved: replies.first, pauses: waiting, calendar: calendar, now: now)
        }
        if let minutes = policy.targets.nextResponseMinutes {
            // After the first reply, each customer message that finds no reply pending starts a cycle that the next
            // reply ends. The open cycle runs; else the last closed one's result stays visible.
            var cycle: (start: Date, reply: Date?)?, answered = false, waitingSince: Date?
            for message in ordered {
                if message.author == .agent {
                    if let start = waitingSince { cycle = (start, message.at); waitingSince = nil }
                    answered = true
                } else if message.author == .customer, answered, waitingSince == nil {
                    waitingSince = message.at
                }
            }
            if let start = waitingSince { cycle = (start, nil) }
            if let cycle {
                next = state(seconds: TimeInterval(minutes * 60), start: cycle.start, achieved: cycle.reply, pauses: waiting, calendar: calendar, now: now)
            }
        }
        if let minutes = policy.targets.resolutionMinutes {
            // Achieved when the case is done now, at the first of its run of done statuses; reopening resumes it.
            var solvedAt: Date?
            if changes.last?.status.isDone == true {
                for change in changes.reversed() { if change.status.isDone { solvedAt = change.at } else { break } }
            }
            resolution = state(seconds: TimeInterval(minutes * 60), start: createdAt, achieved: solvedAt, pauses: waitingOrDone, calendar: calendar, now: now)
        }
        return SLAStatus(policyID: policy.id, policyName: policy.name, firstResponse: first, nextResponse: next, resolution: resolution)
    }
}
