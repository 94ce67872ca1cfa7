public import CairnCore
public import CairnStore
import Foundation

/// Deciding who belongs: for a few customers at a time (as their events are tied, when something else about them
/// changed, when an event leaves a condition's window), and for the whole workspace at once (a new or changed segment,
/// a new value or persona computation). Both read the same facts and apply each condition through the same function
/// of ``SegmentRule``, so they cannot disagree.
enum SegmentMembership {
    /// Decides the memberships of these customers in every segment of the workspace and applies what changed
    /// (announced: on the timeline, as webhooks). Runs inside the caller's transaction.
    static func decide(_ profiles: some Collection<ProfileID>, in workspace: WorkspaceID, tx: TransactionStore, now: Date,
                       segments given: [Segment]? = nil) async throws -> Int {
        var segments = given ?? []
        if given == nil { segments = try await tx.segments(in: workspace) }
        guard !segments.isEmpty, !profiles.isEmpty else { return 0 }
        let ordered = segments.inDependencyOrder() ?? segments
        let live = try await tx.live(profiles, in: workspace)
        guard !live.isEmpty else { return 0 }
        let facts = try await Self.facts(of: live, needs: ordered.reduce(into: SegmentNeeds()) { $0.formUnion($1.rule.needs) }, in: workspace, tx: tx, now: now)
        let current = try await tx.memberships(of: live, in: workspace)
        let at = now.storageMillis
        var changes: [(segment: Segment, profile: ProfileID, kind: SegmentChange.Kind)] = []
        for profile in live {
            var known = facts[profile] ?? SegmentFacts()
            known.segments = []
            let held = current[profile] ?? []
            for segment in ordered {
                let member = segment.rule.matches(known, now: at)
                if member { known.segments.insert(segment.id) }
                if member != held.contains(segment.id) { changes.append((segment, profile, member ? .entered : .left)) }
            }
        }
        try await tx.apply(changes, announce: true, at: now, in: workspace)
        return changes.count
    }

    /// What the segments need to know of these customers, read set-at-a-time.
    static func facts(of profiles: [ProfileID], needs: SegmentNeeds, in workspace: WorkspaceID, tx: TransactionStore, now: Date) async throws -> [ProfileID: SegmentFacts] {
        let ids = profiles.map(\.rawValue)
        var facts: [String: SegmentFacts] = [:]
        for id in ids { facts[id] = SegmentFacts() }
        for row in try await tx.traitValues(named: needs.traits, of: ids, in: workspace) { facts[row.profile]?.traits[row.name] = row.value }
        if !needs.events.isEmpty {
            let windows = needs.events.values
            let since: Int64? = windows.contains { $0 == nil } ? nil : now.storageMillis - Int64(windows.compactMap { $0 }.max() ?? 0) * 86_400_000
            for row in try await tx.eventFacts(named: Set(needs.events.keys), since: since, withProperties: needs.eventProperties, of: ids, in: workspace) {
                facts[row.profile]?.events[row.name, default: []].append(row.fact)
            }
        }
        if needs.value {
            for row in try await tx.valueFacts(of: ids, in: workspace) {
                facts[row.profile]?.valueTier = row.tier
                facts[row.profile]?.churnRisk = row.churnRisk
            }
        }
        if needs.nps {
            let merged = try await tx.merged(into: profiles, in: workspace)
            var latest: [String: (score: Int, at: Int64)] = [:]
            for (profile, answer) in try await tx.latestNPS(of: ids + merged.keys.sorted(), in: workspace) {
                let owner = merged[profile] ?? profile
                if answer.at >= latest[owner]?.at ?? .min { latest[owner] = answer }
            }
            for (profile, answer) in latest { facts[profile]?.npsScore = answer.score }
        }
        if needs.persona {
            for (profile, persona) in try await tx.personaFacts(of: ids, in: workspace) { facts[profile]?.persona = persona }
        }
        if !needs.purposes.isEmpty {
            for (purpose, found) in try await tx.consentFacts(needs.purposes, of: ids, in: workspace) {
                for id in ids { facts[id]?.consent[purpose] = effective(found.latest[id], mode: found.mode) }
            }
        }
        return Dictionary(uniqueKeysWithValues: facts.map { (ProfileID(rawValue: $0.key), $0.value) })
    }

    static func effective(_ latest: ConsentRecord.Status?, mode: ConsentMode) -> Bool {
        latest.map { $0 == .granted } ?? (mode == .optOut)
    }
}

/// A whole workspace evaluated against rules at once: every condition becomes one yes/no per customer, read with one
/// query (events from the in-process columns), and the rules combine those.
struct WholeEvaluation {
    let profiles: [String]
    let index: [String: Int]
    let workspace: WorkspaceID
    let tx: TransactionStore
    let columns: EventColumns
    let now: Int64
    /// Members of segments decided earlier in this evaluation.
    var decided: [SegmentID: [Bool]] = [:]
    private var merged: [String: String]?

    init(workspace: WorkspaceID, tx: TransactionStore, columns: EventColumns, now: Date) async throws {
        let profiles = try await tx.liveProfileIDs(in: workspace)
        var index: [String: Int] = [:]
        index.reserveCapacity(profiles.count)
        for (position, id) in profiles.enumerated() { index[id] = position }
        self.profiles = profiles
        self.index = index
        self.workspace = workspace
        self.tx = tx
        self.columns = columns
        self.now = now.storageMillis
    }

    var count: Int { profiles.count }

    mutating func members(of rule: SegmentRule) async throws -> [Bool] {
        switch rule {
        case .all(let rules):
            var result = [Bool](repeating: true, count: count)
            for inner in rules {
                let bits = try await members(of: inner)
                for i in 0..<count where result[i] && !bits[i] { result[i] = false }
            }
            return result
        case .any(let rules):
            var result = [Bool](repeating: false, count: count)
            for inner in rules {
                let bits = try await members(of: inner)
                for i in 0..<count where bits[i] { result[i] = true }
            }
            return result
        case .not(let inner):
            return try await members(of: inner).map { !$0 }
        case .trait(let condition):
            var result = [Bool](repeating: condition.condition.matches(nil), count: count)
            for row in try await tx.traitValues(named: [condition.name], of: nil, in: workspace) {
                if let i = index[row.profile] { result[i] = condition.condition.matches(row.value) }
            }
            return result
        case .event(let condition):
            return try await eventMembers(condition)
        case .valueTier, .churnRisk:
            var facts = [Bool](repeating: rule.matches(SegmentFacts(), now: now), count: count)
            for row in try await tx.valueFacts(of: nil, in: workspace) {
                guard let i = index[row.profile] else { continue }
                var known = SegmentFacts()
                known.valueTier = row.tier
                known.churnRisk = row.churnRisk
                facts[i] = rule.matches(known, now: now)
            }
            return facts
        case .nps:
            if merged == nil { merged = try await tx.allMerged(in: workspace) }
            var latest: [String: (score: Int, at: Int64)] = [:]
            for (profile, answer) in try await tx.latestNPS(of: nil, in: workspace) {
                let owner = merged?[profile] ?? profile
                if answer.at >= latest[owner]?.at ?? .min { latest[owner] = answer }
            }
            var result = [Bool](repeating: rule.matches(SegmentFacts(), now: now), count: count)
            for (profile, answer) in latest {
                guard let i = index[profile] else { continue }
                var known = SegmentFacts()
                known.npsScore = answer.score
                result[i] = rule.matches(known, now: now)
            }
            return result
        case .persona:
            var result = [Bool](repeating: false, count: count)
            for (profile, persona) in try await tx.personaFacts(of: nil, in: workspace) {
                guard let i = index[profile] else { continue }
                var known = SegmentFacts()
                known.persona = persona
                result[i] = rule.matches(known, now: now)
            }
            return result
        case .consent(let condition):
            let found = try await tx.consentFacts([condition.purpose], of: nil, in: workspace)[condition.purpose]
            let mode = found?.mode ?? .default(for: condition.purpose)
            var result = [Bool](repeating: SegmentMembership.effective(nil, mode: mode) == condition.granted, count: count)
            for (profile, status) in found?.latest ?? [:] {
                if let i = index[profile] { result[i] = SegmentMembership.effective(status, mode: mode) == condition.granted }
            }
            return result
        case .segment(let id):
            if let known = decided[id] { return known }
            var result = [Bool](repeating: false, count: count)
            for profile in try await tx.segmentMemberIDs(of: id, in: workspace) { if let i = index[profile] { result[i] = true } }
            return result
        }
    }

    /// Counts each customer's events of the condition's name in its window: from the in-process columns, or — when the
    /// condition filters by property — from the event table with the events' properties.
    private func eventMembers(_ condition: EventCondition) async throws -> [Bool] {
        var counts = [Int32](repeating: 0, count: count)
        let since = condition.since(now: now)
        if condition.properties.isEmpty {
            let snapshot = try await columns.snapshot(of: workspace)
            if let name = snapshot.nameIndex(of: condition.name), !snapshot.overflow {
                var wanted = [Bool](repeating: false, count: snapshot.names.count)
                wanted[Int(name)] = true
                // Events exactly at the window's start do not count (the window is (since, ∞)).
                let found = await snapshot.reduce(from: since.map { $0 + 1 } ?? .min, until: .max, wanted: wanted,
                                                  initial: { [(String, Int32)]() }, { result, profile, events in result.append((profile, Int32(events.count))) },
                                                  merge: { $0 += $1 })
                for (profile, n) in found { if let i = index[profile] { counts[i] = n } }
            } else if snapshot.overflow {
                try await countFromTable(condition, since: since, into: &counts)
            }
        } else {
            try await countFromTable(condition, since: since, into: &counts)
        }
        return counts.map { condition.holds(forCount: Int($0)) }
    }

    private func countFromTable(_ condition: EventCondition, since: Int64?, into counts: inout [Int32]) async throws {
        for row in try await tx.eventFacts(named: [condition.name], since: since, withProperties: condition.properties.isEmpty ? [] : [condition.name], of: nil, in: workspace)
        where row.fact.time > (since ?? .min) && condition.accepts(properties: row.fact.properties) {
            if let i = index[row.profile] { counts[i] += 1 }
        }
    }
}
