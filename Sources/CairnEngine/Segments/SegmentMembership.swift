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
            final class Bits: @unchecked Sendable { var bits: [Bool] = [] }
            let found = Bits()
            found.bits = [Bool](repeating: condition.condition.matches(nil), count: count)
            let index = self.index
            if let texts = Self.storedTexts(condition.condition) {
                // Equal to text that is no number and no true/false: only an equal stored text can match.
                try await tx.eachTraitValue(named: condition.name, equalTo: texts, in: workspace) { profile, _ in
                    if let i = index[profile] { found.bits[i] = true }
                }
            } else {
                try await tx.eachTraitValue(named: condition.name, in: workspace) { profile, text in
                    if let i = index[profile] { found.bits[i] = condition.condition.matches((try? JSONValue.parse(text)) ?? .null) }
                }
            }
            return found.bits
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

    /// The stored JSON texts that `eq` / `in` can match when every value compared with is text that is neither a
    /// number nor true/false (then equality is exact text equality); nil otherwise.
    static func storedTexts(_ condition: ValueCondition) -> [String]? {
        let wanted: [JSONValue]
        switch condition.op {
        case .eq: wanted = condition.value.map { [$0] } ?? []
        case .oneOf: wanted = condition.values
        default: return nil
        }
        var texts: [String] = []
        for value in wanted {
            guard case .string(let text) = value, Double(text.trimmingCharacters(in: .whitespaces)) == nil, !["true", "false"].contains(text.lowercased()) else { return nil }
            texts.append(JSONValue.string(text).jsonText())
        }
        return texts.isEmpty ? nil : texts
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

    /// The property conditions the database compares itself: text equal to text (no number, no true/false).
    static func pushed(_ condition: EventCondition) -> [(path: [String], text: String)] {
        condition.properties.compactMap { property in
            guard property.condition.op == .eq, let texts = Self.storedTexts(property.condition), texts.count == 1,
                  case .string(let text)? = property.condition.value else { return nil }
            return (property.path, text)
        }
    }

    /// The property paths a rule's event conditions compare in the database (each gets an index).
    static func comparedPaths(_ rule: SegmentRule) -> [[String]] {
        var paths: [[String]] = []
        for case .event(let condition) in rule.conditions { for (path, _) in pushed(condition) where !paths.contains(path) { paths.append(path) } }
        return paths
    }

    private func countFromTable(_ condition: EventCondition, since: Int64?, into counts: inout [Int32]) async throws {
        let pushed = Self.pushed(condition)
        if pushed.count == condition.properties.count {
            final class Counts: @unchecked Sendable { var counts: [Int32] = [] }
            let found = Counts()
            found.counts = counts
            let index = self.index, floor = since ?? .min
            try await tx.eachEvent(named: condition.name, since: since, propertiesEqual: pushed, in: workspace) { profile, time in
                if time > floor, let i = index[profile] { found.counts[i] += 1 }
            }
            counts = found.counts
            return
        }
        for row in try await tx.eventFacts(named: [condition.name], since: since, withProperties: condition.properties.isEmpty ? [] : [condition.name], of: nil, in: workspace)
        where row.fact.time > (since ?? .min) && condition.accepts(properties: row.fact.properties) {
            if let i = index[row.profile] { counts[i] += 1 }
        }
    }
}
