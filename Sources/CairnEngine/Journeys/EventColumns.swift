public import CairnCore
public import CairnStore
import Foundation
import Synchronization

/// One event as the columns hold it: when, what (an index into the names) and where (an index into the channels).
public struct ColumnEvent: Sendable, Hashable {
    public var time: Int64
    public var name: UInt16
    public var channel: UInt8
}

/// Every event tied to a customer, per workspace, in memory: grouped by person and sorted by time, names and channels
/// interned — what funnels, active people and journey maps read instead of the event table (decision 0005). Built
/// from one scan of the table on first use (or at start), then kept current on every read: events tied since the
/// watermark are added, and merges re-point a profile's events to the survivor. 16 bytes an event.
public final class EventColumns: Sendable {
    let store: Store
    private let entries = Mutex<[WorkspaceID: Task<ColumnSnapshot, any Error>]>([:])
    private let current = Mutex<[WorkspaceID: ColumnSnapshot]>([:])

    public init(store: Store) {
        self.store = store
    }

    /// The workspace's columns, current as of now.
    public func snapshot(of workspace: WorkspaceID) async throws -> ColumnSnapshot {
        let task = entries.withLock { held -> Task<ColumnSnapshot, any Error> in
            if let task = held[workspace] { return task }
            let store = self.store
            let task = Task { try await ColumnSnapshot.build(workspace, store: store) }
            held[workspace] = task
            return task
        }
        let built: ColumnSnapshot
        do { built = try await task.value } catch {
            _ = entries.withLock { $0.removeValue(forKey: workspace) }
            throw error
        }
        var snapshot = current.withLock { $0[workspace] } ?? built
        try await snapshot.catchUp(store: store, workspace: workspace)
        let fresh = snapshot
        current.withLock { held in
            if (held[workspace]?.watermark ?? .min, held[workspace]?.rekey ?? "") <= (fresh.watermark, fresh.rekey) { held[workspace] = fresh }
        }
        return fresh
    }

    /// Builds every workspace's columns (the server does at start, in the background).
    public func warm() async throws {
        for workspace in try await store.allWorkspaces() { _ = try await snapshot(of: workspace.id) }
    }

    /// Folds what was added since the base was read (new events, merges) into the base now, rather than when enough
    /// has piled up.
    public func compact(_ workspace: WorkspaceID) async throws {
        var snapshot = try await snapshot(of: workspace)
        snapshot.compact()
        let compacted = snapshot
        current.withLock { held in
            if (held[workspace]?.watermark ?? .min, held[workspace]?.rekey ?? "") <= (compacted.watermark, compacted.rekey) { held[workspace] = compacted }
        }
    }

    /// Forgets a workspace's columns (the next read builds them again).
    public func reset(_ workspace: WorkspaceID) {
        _ = entries.withLock { $0.removeValue(forKey: workspace) }
        _ = current.withLock { $0.removeValue(forKey: workspace) }
    }
}

public struct ColumnSnapshot: Sendable {
    public private(set) var names: [String] = []
    var nameIndex: [String: UInt16] = [:]
    /// The latest time each name was seen (milliseconds), by name index.
    var nameLastSeen: [Int64] = []
    public private(set) var channels: [String] = []
    var channelIndex: [String: UInt8] = [:]
    public private(set) var profiles: [String] = []
    var profileIndex: [String: UInt32] = [:]
    /// Base: the events of profile p are `events[start[p]..<start[p + 1]]`, by time (profiles added later have none).
    var start: [Int] = [0]
    var events: [ColumnEvent] = []
    /// Events tied after the base was read, per profile (by time).
    var delta: [UInt32: [ColumnEvent]] = [:]
    /// Merged profile → the profile it was merged into.
    var alias: [UInt32: UInt32] = [:]
    public private(set) var watermark: Int64 = 0
    public private(set) var rekey = ""
    /// Events tied within `margin` of the watermark (id → tie time): read again by each catch-up and skipped, so one
    /// tied in the watermark's own millisecond, or committed a moment after a later one, is neither lost nor counted twice.
    var recent: [String: Int64] = [:]
    static let margin: Int64 = 2_000
    /// Set when a name or channel did not fit the index width; readers use the table instead.
    public private(set) var overflow = false

    public var eventCount: Int { events.count + delta.values.reduce(0) { $0 + $1.count } }
    public var bytes: Int { events.count * MemoryLayout<ColumnEvent>.stride + start.count * 8 + profiles.count * 64 }

    mutating func intern(profile: String) -> UInt32 {
        if let index = profileIndex[profile] { return index }
        let index = UInt32(profiles.count)
        profiles.append(profile)
        profileIndex[profile] = index
        return index
    }

    mutating func intern(name: String?) -> UInt16 {
        let key = name ?? ""
        if let index = nameIndex[key] { return index }
        guard names.count < Int(UInt16.max) else { overflow = true; return UInt16.max }
        let index = UInt16(names.count)
        names.append(key)
        nameIndex[key] = index
        nameLastSeen.append(.min)
        return index
    }

    mutating func intern(channel: String) -> UInt8 {
        if let index = channelIndex[channel] { return index }
        guard channels.count < Int(UInt8.max) else { overflow = true; return UInt8.max }
        let index = UInt8(channels.count)
        channels.append(channel)
        channelIndex[channel] = index
        return index
    }

    public func nameIndex(of name: String) -> UInt16? { nameIndex[name] }

    mutating func seen(_ event: ColumnEvent) {
        if Int(event.name) < nameLastSeen.count, nameLastSeen[Int(event.name)] < event.time { nameLastSeen[Int(event.name)] = event.time }
    }

    /// Event names (of track and screen calls) seen at or after `since`, alphabetical.
    public func names(since: Int64) -> [String] {
        names.indices.filter { !names[$0].isEmpty && nameLastSeen[$0] >= since }.map { names[$0] }.sorted()
    }
    public func channelIndex(of channel: String) -> UInt8? { channelIndex[channel] }

    /// One scan of the table up to the latest watermark; grouped by person with a counting sort, each person's events
    /// sorted by time.
    static func build(_ workspace: WorkspaceID, store: Store) async throws -> ColumnSnapshot {
        final class Reading: @unchecked Sendable {
            var snapshot = ColumnSnapshot()
            var owner: [UInt32] = []
            var events: [ColumnEvent] = []
        }
        let rekey = try await store.latestRekey(in: workspace)
        let watermark = try await store.resolvedWatermark(in: workspace)
        let reading = Reading()
        try await store.scanTiedEvents(in: workspace, upTo: watermark, recentFrom: watermark - margin) { profile, time, name, channel, recent in
            if let recent { reading.snapshot.recent[recent.id] = recent.at }
            let p = reading.snapshot.intern(profile: profile)
            let event = ColumnEvent(time: time, name: reading.snapshot.intern(name: name), channel: reading.snapshot.intern(channel: channel))
            reading.snapshot.seen(event)
            reading.owner.append(p)
            reading.events.append(event)
        }
        var snapshot = reading.snapshot
        let owner = reading.owner, scanned = reading.events
        reading.owner = []
        reading.events = []
        var start = [Int](repeating: 0, count: snapshot.profiles.count + 1)
        for p in owner { start[Int(p) + 1] += 1 }
        for index in 1..<start.count { start[index] += start[index - 1] }
        var next = start
        var events = [ColumnEvent](repeating: ColumnEvent(time: 0, name: 0, channel: 0), count: scanned.count)
        for (index, p) in owner.enumerated() {
            events[next[Int(p)]] = scanned[index]
            next[Int(p)] += 1
        }
        events.withUnsafeMutableBufferPointer { buffer in
            for p in 0..<snapshot.profiles.count where start[p + 1] - start[p] > 1 {
                var slice = UnsafeMutableBufferPointer(rebasing: buffer[start[p]..<start[p + 1]])
                slice.sort { $0.time < $1.time }
            }
        }
        snapshot.start = start
        snapshot.events = events
        snapshot.watermark = watermark
        snapshot.rekey = rekey
        return snapshot
    }

    /// Adds what was tied since the watermark and applies the merges since the last one.
    mutating func catchUp(store: Store, workspace: WorkspaceID) async throws {
        for merge in try await store.rekeys(in: workspace, after: rekey) {
            let from = intern(profile: merge.from), to = intern(profile: merge.to)
            if from != to { alias[from] = to }
            rekey = merge.id
        }
        var cursor: (Int64, String)?
        let from = watermark - Self.margin
        while true {
            let tied = try await store.eventsTied(in: workspace, from: from, after: cursor, limit: 20_000)
            for event in tied where recent[event.id] == nil {
                recent[event.id] = event.resolvedAt
                let p = intern(profile: event.profile)
                let added = ColumnEvent(time: event.time, name: intern(name: event.name), channel: intern(channel: event.channel))
                seen(added)
                delta[p, default: []].append(added)
                watermark = max(watermark, event.resolvedAt)
            }
            guard let last = tied.last, tied.count == 20_000 else { break }
            cursor = (last.resolvedAt, last.id)
        }
        let keep = watermark - Self.margin
        recent = recent.filter { $0.value >= keep }
        let pending = delta.values.reduce(0) { $0 + $1.count }
        if pending > max(50_000, events.count / 10) || alias.count > max(10_000, profiles.count / 10) { compact() }
    }

    /// Folds the events tied since the base was read, and every merge, into the base: one pass, each person's events
    /// sorted again only when something was added to them.
    mutating func compact() {
        var into: [UInt32: [UInt32]] = [:]
        for from in alias.keys { into[canonical(from), default: []].append(from) }
        var start = [Int](repeating: 0, count: profiles.count + 1)
        var merged: [ColumnEvent] = []
        merged.reserveCapacity(eventCount)
        func base(_ p: Int) -> ArraySlice<ColumnEvent> {
            p + 1 < self.start.count ? events[self.start[p]..<self.start[p + 1]] : []
        }
        for p in 0..<profiles.count {
            start[p] = merged.count
            let id = UInt32(p)
            guard alias[id] == nil else { continue }
            let lower = merged.count
            merged += base(p)
            var added = false
            if let extra = delta[id] { merged += extra; added = true }
            for other in into[id] ?? [] {
                merged += base(Int(other))
                if let extra = delta[other] { merged += extra }
                added = true
            }
            if added { merged[lower..<merged.count].sort { $0.time < $1.time } }
        }
        start[profiles.count] = merged.count
        self.start = start
        events = merged
        delta = [:]
        alias = [:]
        for key in delta.keys where !(delta[key]!.isSorted) { delta[key]!.sort { $0.time < $1.time } }
    }

    /// Follows merges to the profile that holds a person now.
    func canonical(_ p: UInt32) -> UInt32 {
        var current = p, steps = 0
        while let next = alias[current], steps < 64 { current = next; steps += 1 }
        return current
    }

    /// Calls `body` once per person with their events in [from, until) whose name is wanted (`wanted[name]`, all when
    /// nil), sorted by time, the people split over `parts` concurrent parts, each with its own `R` (merged at the
    /// end). People whose events are not all in one base slice — merged, or with events tied since — come last.
    public func reduce<R: Sendable>(from: Int64, until: Int64, wanted: [Bool]?, parts: Int = 2, initial: @escaping @Sendable () -> R,
                                    _ body: @escaping @Sendable (inout R, String, UnsafeBufferPointer<ColumnEvent>) -> Void,
                                    merge: @escaping @Sendable (inout R, R) -> Void) async -> R {
        // Profiles that need gathering: merged ones, those merged into, those with new events.
        var special = Set<UInt32>()
        for (from, _) in alias { special.insert(from); special.insert(canonical(from)) }
        for p in delta.keys { special.insert(canonical(p)); special.insert(p) }
        let snapshot = self
        let count = profiles.count
        let chunk = max(1, (count + parts - 1) / max(1, parts))
        let specialSet = special
        return await withTaskGroup(of: R.self) { group in
            for part in 0..<max(1, parts) {
                let range = min(count, part * chunk)..<min(count, (part + 1) * chunk)
                group.addTask {
                    var result = initial()
                    var buffer: [ColumnEvent] = []
                    buffer.reserveCapacity(256)
                    snapshot.events.withUnsafeBufferPointer { all in
                        for p in range where !specialSet.contains(UInt32(p)) {
                            let lower = snapshot.start[p], upper = p + 1 < snapshot.start.count ? snapshot.start[p + 1] : lower
                            guard upper > lower else { continue }
                            buffer.removeAll(keepingCapacity: true)
                            for index in lower..<upper {
                                let event = all[index]
                                if event.time >= from && event.time < until && (wanted.map { Int(event.name) < $0.count && $0[Int(event.name)] } ?? true) {
                                    buffer.append(event)
                                }
                            }
                            guard !buffer.isEmpty else { continue }
                            buffer.withUnsafeBufferPointer { body(&result, snapshot.profiles[p], $0) }
                        }
                    }
                    return result
                }
            }
            // The gathered people.
            group.addTask {
                var result = initial()
                var gathered: [UInt32: [ColumnEvent]] = [:]
                for p in specialSet {
                    var events: [ColumnEvent] = []
                    if Int(p) + 1 < snapshot.start.count { events += snapshot.events[snapshot.start[Int(p)]..<snapshot.start[Int(p) + 1]] }
                    events += snapshot.delta[p] ?? []
                    gathered[snapshot.canonical(p), default: []] += events.filter { (event: ColumnEvent) -> Bool in
                        event.time >= from && event.time < until && (wanted.map { list in Int(event.name) < list.count && list[Int(event.name)] } ?? true)
                    }
                }
                for (p, events) in gathered where !events.isEmpty {
                    let sorted = events.sorted { $0.time < $1.time }
                    sorted.withUnsafeBufferPointer { body(&result, snapshot.profiles[Int(p)], $0) }
                }
                return result
            }
            var total: R?
            for await part in group {
                if total == nil { total = part } else { merge(&total!, part) }
            }
            return total ?? initial()
        }
    }
}

extension Array where Element == ColumnEvent {
    var isSorted: Bool {
        guard count > 1 else { return true }
        for index in 1..<count where self[index].time < self[index - 1].time { return false }
        return true
    }
}
