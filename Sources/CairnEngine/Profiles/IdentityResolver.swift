public import CairnCore
public import CairnStore
import Foundation
public import Logging

/// Ties events to profiles through a deterministic identity graph per workspace and keeps the golden record:
/// identifiers, traits with provenance (latest observation wins), first/last seen, channels, and a record of every
/// merge and every refused merge.
///
/// Runs after ingestion, never on the request path: an acknowledged event is stored first and resolved soon after.
/// Resolutions of one workspace are serialised (an advisory lock on PostgreSQL, the write lock on SQLite), so parallel
/// requests and several `cairn serve` processes end with one consistent profile.
public struct IdentityResolver: Sendable {
    let store: Store
    /// Used where a workspace has not set its own policy.
    public let policy: IdentityPolicy
    public let clock: DateSource
    /// The capabilities offered every resolved batch (``ResolvedEventHandler``), registered by the composition root.
    let handlers: [any ResolvedEventHandler]
    let logger: Logger

    public init(store: Store, policy: IdentityPolicy = IdentityPolicy(), clock: DateSource = .system,
                handlers: [any ResolvedEventHandler] = ResolvedEventHandlers.standard, logger: Logger = Logger(label: "cairn.identity")) {
        self.store = store
        self.policy = policy
        self.clock = clock
        self.handlers = handlers
        self.logger = logger
    }

    /// Whether clients wrote (ingestion, answers) within the last quarter second: resolution then works in small steps
    /// and yields, so their acknowledgements stay fast.
    public var clientsAreWriting: Bool { store.hadForegroundWrites(within: .milliseconds(250)) }

    /// How many events wait to be tied to a profile, and how long the oldest has waited (seconds).
    public func backlog() async throws -> (events: Int, oldestWaitSeconds: Double) {
        let (events, oldest) = try await store.resolutionBacklog()
        return (events, oldest.map { max(0, clock.now().timeIntervalSince($0)) } ?? 0)
    }

    /// Resolves up to `limit` waiting events of every workspace; returns how many it resolved.
    @discardableResult
    public func resolvePending(limit: Int = 200) async throws -> Int {
        try await resolveStep(limit: limit).resolved
    }

    /// Resolves up to `limit` waiting events of every workspace; returns how many, and how long the oldest of them had
    /// waited since it arrived (seconds; 0 when none waited).
    public func resolveStep(limit: Int) async throws -> (resolved: Int, oldestWaitSeconds: Double) {
        var total = 0, oldest = 0.0
        for workspace in try await store.allWorkspaces() {
            let step = try await resolveWaiting(in: workspace.id, limit: limit)
            total += step.resolved
            if let arrived = step.oldestArrival { oldest = max(oldest, clock.now().timeIntervalSince(arrived)) }
        }
        return (total, oldest)
    }

    /// Resolves up to `limit` waiting events of one workspace, in arrival order, in one transaction.
    @discardableResult
    public func resolvePending(in workspace: WorkspaceID, limit: Int = 200) async throws -> Int {
        try await resolveWaiting(in: workspace, limit: limit).resolved
    }

    private func resolveWaiting(in workspace: WorkspaceID, limit: Int) async throws -> (resolved: Int, oldestArrival: Date?) {
        let policy = self.policy
        let now = clock.now()
        // Clients waiting for their acknowledgement write first; resolution follows soon after.
        // The waiting events are read (and their payloads parsed) before the write lock is taken, so clients wait less
        // for it, and an idle workspace costs one read; inside, one query keeps those no other resolver took meanwhile.
        let waiting = try await store.unresolvedEvents(in: workspace, limit: limit)
        guard !waiting.isEmpty else { return (0, nil) }
        let resolved = try await store.transaction(priority: .background) { tx in
            try await tx.lockWorkspaceForResolution(workspace)
            let still = try await tx.stillUnresolved(waiting.map(\.id), in: workspace)
            let events = waiting.filter { still.contains($0.id) }
            guard !events.isEmpty else { return 0 }
            let policy = try await tx.identityPolicy(in: workspace) ?? policy
            let salt = try await tx.erasureSalt(in: workspace) { Secrets.randomToken() }
            let batch = ResolutionBatch(tx: tx, workspace: workspace, policy: policy, now: now, clock: clock, erasureSalt: salt)
            try await batch.prefetch(for: events)
            for event in events { try await batch.resolve(event) }
            try await batch.flush()
            // The capabilities that act on events, each in a savepoint: a failure (there should be none) is left out alone.
            if !batch.trackedEvents.isEmpty {
                let context = ResolutionContext(workspace: workspace, now: now, tx: tx)
                for handler in handlers where handler.wants(batch.trackedEvents) {
                    if let error = try await tx.withSavepoint({ try await handler.handle(batch.trackedEvents, in: context) }) {
                        logger.warning("resolved events not handled", metadata: ["handler": "\(handler.name)", "error": "\(String(reflecting: error).prefix(300))"])
                    }
                }
            }
            return events.count
        }
        if resolved > 0 { logger.debug("events resolved", metadata: ["workspace.id": "\(workspace)", "count": "\(resolved)"]) }
        return (resolved, waiting.first?.receivedAt)
    }
}

/// The working set of one resolution transaction. What the batch's events need is read up front in a few
/// set-at-a-time queries; the graph, seen times and traits are then updated in memory and written back together at
/// the end. Merges, erased people and consent statements (all rare) go to the database directly, after writing back
/// what is pending so the database and the working set agree.
final class ResolutionBatch {
    let tx: TransactionStore
    let workspace: WorkspaceID
    let policy: IdentityPolicy
    let now: Date
    /// Read again when the events are written back: their `resolved_at` is as close to the commit as can be.
    let clock: DateSource
    let erasureSalt: String

    /// Known owner of each identifier looked up or attached so far.
    private var owners: [Identifier: ProfileID] = [:]
    private var erased: [String: ProfileID] = [:]
    private var hashes: [Identifier: String] = [:]
    /// Complete working copies of the profiles this batch touched.
    private var identifiersOf: [ProfileID: [Identifier]] = [:]
    private var seen: [ProfileID: ProfileSeen] = [:]
    private var traits: [ProfileID: [String: Trait]] = [:]
    // Writes waiting for flush().
    private var dirtySeen: Set<ProfileID> = []
    private var newIdentities: [(identifier: Identifier, profile: ProfileID, at: Date)] = []
    private var dirtyTraits: [ProfileID: Set<String>] = [:]
    private var assignments: [EventID: ProfileID] = [:]
    /// Named track events and identifies of the batch and the profile each was tied to, for the ``ResolvedEventHandler``s.
    private(set) var trackedEvents: [ResolvedEvent] = []

    init(tx: TransactionStore, workspace: WorkspaceID, policy: IdentityPolicy, now: Date, clock: DateSource, erasureSalt: String) {
        self.tx = tx
        self.workspace = workspace
        self.policy = policy
        self.now = now
        self.clock = clock
        self.erasureSalt = erasureSalt
    }

    /// Every identifier an event may look up: its own, and for an alias the previous id read both ways.
    static func candidates(of event: Event) -> [Identifier] {
        var identifiers = event.identifiers
        if event.kind == .alias, let previous = event.previousID {
            identifiers += [Identifier.normalised(kind: .userID, previous), Identifier.normalised(kind: .anonymousID, previous)].compactMap { $0 }
        }
        return identifiers
    }

    func prefetch(for events: [Event]) async throws {
        let candidates = events.map(Self.candidates)
        let identifiers = Set(candidates.joined())
        owners = try await tx.owners(of: identifiers, in: workspace)
        // Hashing every identifier is only worth it where someone was erased.
        if try await tx.hasErasedIdentities(in: workspace) {
            for identifier in identifiers { hashes[identifier] = Erasure.hash(identifier, salt: erasureSalt) }
            erased = try await tx.erasedProfiles(forHashes: hashes.values, in: workspace)
        }
        // Read only what the batch will need: seen times of every known profile; traits of those the events describe;
        // identifiers of those that may gain one or merge (merge protection compares them).
        var withTraits = Set<ProfileID>(), mayChange = Set<ProfileID>()
        for (event, candidates) in zip(events, candidates) {
            let known = Set(candidates.compactMap { owners[$0] })
            if !event.personTraits.isEmpty { withTraits.formUnion(known) }
            if known.count > 1 || candidates.contains(where: { owners[$0] == nil }) { mayChange.formUnion(known) }
        }
        try await loadSeen(Set(owners.values))
        try await loadTraits(withTraits)
        try await loadIdentifiers(mayChange)
    }

    private func loadSeen(_ profiles: Set<ProfileID>) async throws {
        let missing = profiles.filter { seen[$0] == nil }
        guard !missing.isEmpty else { return }
        for (id, value) in try await tx.seen(missing, in: workspace) { seen[id] = value }
    }

    private func loadTraits(_ profiles: Set<ProfileID>) async throws {
        let missing = profiles.filter { traits[$0] == nil }
        guard !missing.isEmpty else { return }
        let loaded = try await tx.traits(of: missing, in: workspace)
        for id in missing { traits[id] = loaded[id] ?? [:] }
    }

    private func loadIdentifiers(_ profiles: Set<ProfileID>) async throws {
        let missing = profiles.filter { identifiersOf[$0] == nil }
        guard !missing.isEmpty else { return }
        let loaded = try await tx.identifiers(of: missing, in: workspace)
        for id in missing { identifiersOf[id] = loaded[id] ?? [] }
    }

    /// Reads the working copies of profiles not yet in the batch.
    private func load(_ profiles: Set<ProfileID>) async throws {
        try await loadSeen(profiles)
        try await loadTraits(profiles)
        try await loadIdentifiers(profiles)
    }

    func resolve(_ event: Event) async throws {
        var identifiers = event.identifiers
        // An erased person's identifiers build no new profile: the event joins the erased profile, scrubbed.
        if !erased.isEmpty, let erasedProfile = identifiers.lazy.compactMap({ self.hashes[$0].flatMap { self.erased[$0] } }).first {
            try await tx.scrub(event, in: workspace, assignTo: erasedProfile)
            return
        }
        // alias: previousId is the id the person was known by, a user id or an anonymous id.
        if event.kind == .alias, let previous = event.previousID {
            let asUser = Identifier.normalised(kind: .userID, previous), asAnonymous = Identifier.normalised(kind: .anonymousID, previous)
            if let match = [asUser, asAnonymous].compactMap({ $0 }).first(where: { owners[$0] != nil }) {
                identifiers.append(match)
            } else if let asAnonymous {
                identifiers.append(asAnonymous)
            }
        }
        guard !identifiers.isEmpty else { return }
        identifiers.sort { $0.kind.strength > $1.kind.strength }

        var target: ProfileID?
        for identifier in identifiers {
            let owner = owners[identifier]
            guard let current = target else {
                if let owner {
                    try await loadSeen([owner])
                    target = owner
                } else {
                    let id = ProfileID.generate()
                    seen[id] = ProfileSeen(first: event.timestamp, last: event.timestamp, channels: [event.channel])
                    traits[id] = [:]
                    identifiersOf[id] = []
                    dirtySeen.insert(id)
                    attach(identifier, to: id, at: event.timestamp)
                    target = id
                }
                continue
            }
            if let owner {
                // The owner may already have been merged into the target by an earlier identifier of this event.
                guard owner != current else { continue }
                try await loadIdentifiers([owner, current])
                let theirs = identifiersOf[owner] ?? []
                if let conflict = policy.conflict(between: identifiersOf[current] ?? [], and: theirs) {
                    try await tx.record(ProfileMerge(survivorID: current, mergedID: owner, identifier: identifier, eventID: event.id, at: now,
                                                     refusal: conflict), in: workspace)
                } else {
                    try await merge(owner, into: current)
                    try await tx.record(ProfileMerge(survivorID: current, mergedID: owner, identifier: identifier, eventID: event.id, at: now,
                                                     refusal: nil), in: workspace)
                }
            } else {
                try await loadIdentifiers([current])
                if let conflict = policy.conflict(between: identifiersOf[current] ?? [], and: [identifier]) {
                    // A second email or user id for one person: kept off the profile, and said so.
                    try await tx.record(ProfileMerge(survivorID: current, mergedID: current, identifier: identifier, eventID: event.id, at: now,
                                                     refusal: conflict), in: workspace)
                } else {
                    attach(identifier, to: current, at: event.timestamp)
                }
            }
        }
        guard let profile = target else { return }
        assignments[event.id] = profile
        // Handlers see named track events, identifies, and any event that came from a campaign (a page view from a link).
        if (event.kind == .track && event.name != nil) || event.kind == .identify || event.campaignName != nil {
            trackedEvents.append(ResolvedEvent(event: event, profile: profile))
        }
        touch(profile, at: event.timestamp, channel: event.channel)
        try await IdentityResolver.recordConsent(from: event, on: profile, in: workspace, tx: tx)
        let described = event.personTraits
        if !described.isEmpty { try await loadTraits([profile]) }
        for (name, value) in described where !name.isEmpty && name.count <= 100 {
            setTrait(name, Trait(value: value, channel: event.channel, sourceID: event.sourceID, observedAt: Date(storageMillis: event.timestamp.storageMillis),
                                 eventID: event.id), on: profile)
        }
    }

    private func attach(_ identifier: Identifier, to profile: ProfileID, at date: Date) {
        owners[identifier] = profile
        identifiersOf[profile, default: []].append(identifier)
        newIdentities.append((identifier, profile, date))
    }

    private func touch(_ profile: ProfileID, at date: Date, channel: Channel) {
        guard var current = seen[profile] else { return }
        let before = current
        current.first = min(current.first, date)
        current.last = max(current.last, date)
        if !current.channels.contains(channel) { current.channels.append(channel) }
        if current != before {
            seen[profile] = current
            dirtySeen.insert(profile)
        }
    }

    private func setTrait(_ name: String, _ trait: Trait, on profile: ProfileID) {
        if let held = traits[profile]?[name],
           !policy.replaces(trait: name, source: trait.sourceID, observedAt: trait.observedAt, heldFrom: held.sourceID, heldAt: held.observedAt) {
            return
        }
        traits[profile, default: [:]][name] = trait
        dirtyTraits[profile, default: []].insert(name)
    }

    /// Writes back what is pending, then merges in the database and takes the survivor's merged state as the working copy.
    private func merge(_ merged: ProfileID, into survivor: ProfileID) async throws {
        try await flush()
        try await tx.merge(merged, into: survivor, in: workspace, policy: policy)
        for (identifier, owner) in owners where owner == merged { owners[identifier] = survivor }
        for profile in [merged, survivor] {
            seen[profile] = nil
            traits[profile] = nil
            identifiersOf[profile] = nil
        }
        try await load([survivor])
    }

    /// Writes every pending change: new and touched profiles, new identities, traits, and which event belongs to whom.
    func flush() async throws {
        if !dirtySeen.isEmpty {
            try await tx.saveSeen(Dictionary(uniqueKeysWithValues: dirtySeen.compactMap { id in seen[id].map { (id, $0) } }), in: workspace)
            dirtySeen.removeAll()
        }
        if !newIdentities.isEmpty {
            try await tx.attach(newIdentities, in: workspace)
            newIdentities.removeAll()
        }
        if !dirtyTraits.isEmpty {
            let changed = dirtyTraits.flatMap { profile, names in names.compactMap { name in traits[profile]?[name].map { (profile, name, $0) } } }
            try await tx.saveTraits(changed, in: workspace)
            dirtyTraits.removeAll()
        }
        if !assignments.isEmpty {
            try await tx.assign(assignments, in: workspace, at: clock.now())
            assignments.removeAll()
        }
    }
}

extension IdentityPolicy {
    /// Why two sets of identifiers may not belong to one profile (a limited kind would hold too many values), or `nil`.
    func conflict(between mine: [Identifier], and theirs: [Identifier]) -> String? {
        let reasons = limits.sorted(by: { $0.key < $1.key }).compactMap { kind, limit -> String? in
            let values = Set((mine + theirs).filter { $0.kind.rawValue == kind }.map(\.value))
            return values.count > limit ? "\(kind) limit \(limit): \(values.count) different values" : nil
        }
        return reasons.isEmpty ? nil : reasons.joined(separator: "; ")
    }
}
