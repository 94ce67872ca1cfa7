import CairnCore
import CairnStore
import Foundation
import Logging

/// Ties events to profiles through a deterministic identity graph per workspace and keeps the golden record:
/// identifiers, traits with provenance (latest observation wins), first/last seen, channels, and a record of every
/// merge and every refused merge.
///
/// Runs after ingestion, never on the request path: an acknowledged event is stored first and resolved soon after.
/// Resolutions of one workspace are serialised (an advisory lock on PostgreSQL, the write lock on SQLite), so parallel
/// requests and several `cairn serve` processes end with one consistent profile.
public struct IdentityResolver: Sendable {
    public let store: Store
    /// Used where a workspace has not set its own policy.
    public let policy: IdentityPolicy
    public let clock: DateSource
    let logger: Logger

    public init(store: Store, policy: IdentityPolicy = IdentityPolicy(), clock: DateSource = .system, logger: Logger = Logger(label: "cairn.identity")) {
        self.store = store
        self.policy = policy
        self.clock = clock
        self.logger = logger
    }

    /// Resolves up to `limit` waiting events of every workspace; returns how many it resolved.
    @discardableResult
    public func resolvePending(limit: Int = 200) async throws -> Int {
        var total = 0
        for workspace in try await store.allWorkspaces() {
            total += try await resolvePending(in: workspace.id, limit: limit)
        }
        return total
    }

    /// Resolves up to `limit` waiting events of one workspace, in arrival order, in one transaction.
    @discardableResult
    public func resolvePending(in workspace: WorkspaceID, limit: Int = 200) async throws -> Int {
        // The background loop asks several times a second: an idle workspace costs one read, not a write lock.
        guard try await store.hasUnresolvedEvents(in: workspace) else { return 0 }
        let policy = self.policy
        let now = clock.now()
        let resolved = try await store.transaction { tx in
            try await tx.lockWorkspaceForResolution(workspace)
            let events = try await tx.unresolvedEvents(in: workspace, limit: limit)
            let policy = try await tx.identityPolicy(in: workspace) ?? policy
            let salt = events.isEmpty ? "" : try await tx.erasureSalt(in: workspace) { Secrets.randomToken() }
            for event in events {
                try await Self.resolve(event, in: workspace, tx: tx, policy: policy, now: now, erasureSalt: salt)
            }
            return events.count
        }
        if resolved > 0 { logger.debug("events resolved", metadata: ["workspace.id": "\(workspace)", "count": "\(resolved)"]) }
        return resolved
    }

    static func resolve(_ event: Event, in workspace: WorkspaceID, tx: TransactionStore, policy: IdentityPolicy, now: Date, erasureSalt: String) async throws {
        var identifiers = event.identifiers
        // An erased person's identifiers build no new profile: the event joins the erased profile, scrubbed.
        if let erased = try await tx.erasedProfile(forHashes: identifiers.map { Erasure.hash($0, salt: erasureSalt) }, in: workspace) {
            try await tx.scrub(event, in: workspace, assignTo: erased)
            return
        }
        // alias: previousId is the id the person was known by, a user id or an anonymous id.
        if event.kind == .alias, let previous = event.previousID {
            let asUser = Identifier.normalised(kind: .userID, previous), asAnonymous = Identifier.normalised(kind: .anonymousID, previous)
            let known = try await tx.profileIDs(for: [asUser, asAnonymous].compactMap { $0 }, in: workspace)
            if let match = [asUser, asAnonymous].compactMap({ $0 }).first(where: { known[$0] != nil }) {
                identifiers.append(match)
            } else if let asAnonymous {
                identifiers.append(asAnonymous)
            }
        }
        guard !identifiers.isEmpty else { return }
        identifiers.sort { $0.kind.strength > $1.kind.strength }
        let owners = try await tx.profileIDs(for: identifiers, in: workspace)

        var target: ProfileID?
        var targetIdentifiers: [Identifier] = []
        for identifier in identifiers {
            let owner = owners[identifier]
            guard let current = target else {
                if let owner {
                    target = owner
                    targetIdentifiers = try await tx.identifiers(of: owner, in: workspace)
                } else {
                    let id = ProfileID.generate()
                    try await tx.createProfile(id, in: workspace, seenAt: event.timestamp, channel: event.channel)
                    try await tx.attach(identifier, to: id, in: workspace, at: event.timestamp)
                    target = id
                    targetIdentifiers = [identifier]
                }
                continue
            }
            if let owner {
                // The owner may already have been merged into the target by an earlier identifier of this event.
                guard owner != current, try await tx.profileIDs(for: [identifier], in: workspace)[identifier] != current else { continue }
                let theirs = try await tx.identifiers(of: owner, in: workspace)
                if let conflict = policy.conflict(between: targetIdentifiers, and: theirs) {
                    try await tx.record(ProfileMerge(survivorID: current, mergedID: owner, identifier: identifier, eventID: event.id, at: now,
                                                     refusal: conflict), in: workspace)
                } else {
                    try await tx.merge(owner, into: current, in: workspace, policy: policy)
                    try await tx.record(ProfileMerge(survivorID: current, mergedID: owner, identifier: identifier, eventID: event.id, at: now,
                                                     refusal: nil), in: workspace)
                    targetIdentifiers += theirs
                }
            } else if let conflict = policy.conflict(between: targetIdentifiers, and: [identifier]) {
                // A second email or user id for one person: kept off the profile, and said so.
                try await tx.record(ProfileMerge(survivorID: current, mergedID: current, identifier: identifier, eventID: event.id, at: now,
                                                 refusal: conflict), in: workspace)
            } else {
                try await tx.attach(identifier, to: current, in: workspace, at: event.timestamp)
                targetIdentifiers.append(identifier)
            }
        }
        guard let profile = target else { return }
        try await tx.assign(event.id, to: profile, in: workspace)
        try await tx.touch(profile, in: workspace, seenAt: event.timestamp, channels: [event.channel])
        try await recordConsent(from: event, on: profile, in: workspace, tx: tx)
        for (name, value) in event.personTraits where !name.isEmpty && name.count <= 100 {
            try await tx.setTrait(name, Trait(value: value, channel: event.channel, sourceID: event.sourceID, observedAt: event.timestamp, eventID: event.id),
                                  on: profile, in: workspace, policy: policy)
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
