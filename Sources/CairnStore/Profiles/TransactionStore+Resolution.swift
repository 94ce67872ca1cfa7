public import CairnCore
public import Foundation
import SQLKit

/// The steps of identity resolution, each inside the caller's transaction and scoped to one workspace.
extension TransactionStore {
    /// Makes concurrent resolutions of one workspace wait for each other, across processes. PostgreSQL: a
    /// transaction-level advisory lock. SQLite: the transaction already holds the database's write lock.
    public func lockWorkspaceForResolution(_ workspace: WorkspaceID) async throws {
        guard engine == .postgres else { return }
        try await sql.raw("SELECT pg_advisory_xact_lock(hashtext(\(bind: "cairn.resolve." + workspace.rawValue)))").run()
    }

    /// Whether any event of the workspace waits for resolution (a read; takes no lock).
    public func hasUnresolvedEvents(in workspace: WorkspaceID) async throws -> Bool {
        try await sql.select().column("id").from("events")
            .where("workspace_id", .equal, workspace.rawValue).where(SQLColumn("profile_id"), .is, SQLLiteral.null)
            .limit(1).first() != nil
    }

    /// Events not yet tied to a profile, in the order they arrived (within one request, in the order they happened).
    public func unresolvedEvents(in workspace: WorkspaceID, limit: Int) async throws -> [Event] {
        try await sql.select().columns(Store.eventColumns).from("events")
            .where("workspace_id", .equal, workspace.rawValue)
            .where(SQLColumn("profile_id"), .is, SQLLiteral.null)
            .orderBy("received_at").orderBy("timestamp").orderBy("id").limit(limit)
            .all().map(Event.init(row:))
    }

    /// Which of these events are still waiting for resolution (another resolver may have taken some meanwhile).
    public func stillUnresolved(_ events: [EventID], in workspace: WorkspaceID) async throws -> Set<EventID> {
        var waiting = Set<EventID>()
        for part in events.chunked(into: Self.chunk) {
            // Found by id; see ``NotAnIndexTerm``.
            for row in try await sql.select().column("id").from("events").where("id", .in, part.map(\.rawValue))
                .where(NotAnIndexTerm(column: "workspace_id"), .equal, SQLBind(workspace.rawValue)).where(SQLColumn("profile_id"), .is, SQLLiteral.null).all() {
                waiting.insert(EventID(rawValue: try row.decode(column: "id", as: String.self)))
            }
        }
        return waiting
    }

    public func identifiers(of profile: ProfileID, in workspace: WorkspaceID) async throws -> [Identifier] {
        try await identifiers(of: [profile], in: workspace)[profile] ?? []
    }

    /// Moves everything of `merged` to `survivor`: identities, events, traits (kept by the policy's survivorship),
    /// first and last seen, channels. `merged` stays as a pointer so its old id still leads somewhere.
    public func merge(_ merged: ProfileID, into survivor: ProfileID, in workspace: WorkspaceID, policy: IdentityPolicy = IdentityPolicy()) async throws {
        let w = workspace.rawValue
        try await sql.update("identities").set("profile_id", to: survivor.rawValue).where("workspace_id", .equal, w).where("profile_id", .equal, merged.rawValue).run()
        try await sql.update("events").set("profile_id", to: survivor.rawValue).where("workspace_id", .equal, w).where("profile_id", .equal, merged.rawValue).run()
        // The merged profile's value is recomputed with the survivor's purchases at the next computation.
        try await sql.delete(from: "customer_values").where("workspace_id", .equal, w).where("profile_id", .equal, merged.rawValue).run()
        // The in-process event columns re-point the merged profile's events from this (see Store+EventColumns).
        try await sql.insert(into: "event_rekeys").columns("workspace_id", "id", "from_profile", "to_profile")
            .values(SQLBind(w), SQLBind(EventID.generate().rawValue), SQLBind(merged.rawValue), SQLBind(survivor.rawValue)).run()
        let traits = try await traits(of: [merged, survivor], in: workspace)
        let held = traits[survivor] ?? [:]
        let won = (traits[merged] ?? [:]).filter { name, trait in
            held[name].map { policy.replaces(trait: name, source: trait.sourceID, observedAt: trait.observedAt, heldFrom: $0.sourceID, heldAt: $0.observedAt) } ?? true
        }
        try await saveTraits(won.map { (survivor, $0.key, $0.value) }, in: workspace)
        try await sql.delete(from: "traits").where("workspace_id", .equal, w).where("profile_id", .equal, merged.rawValue).run()
        try await moveConsent(from: merged, to: survivor, in: workspace)
        try await sql.update("offer_decisions").set("profile_id", to: survivor.rawValue).where("workspace_id", .equal, w).where("profile_id", .equal, merged.rawValue).run()
        let seen = try await seen([merged, survivor], in: workspace)
        if let theirs = seen[merged], var ours = seen[survivor] {
            ours.first = min(ours.first, theirs.first)
            ours.last = max(ours.last, theirs.last)
            ours.channels += theirs.channels.filter { !ours.channels.contains($0) }
            try await saveSeen([survivor: ours], in: workspace)
        }
        try await sql.update("profiles").set("merged_into", to: survivor.rawValue).where("workspace_id", .equal, w)
            .where("id", .equal, merged.rawValue).run()
        try await sql.update("profiles").set("merged_into", to: survivor.rawValue).where("workspace_id", .equal, w)
            .where("merged_into", .equal, merged.rawValue).run()
    }

    public func record(_ merge: ProfileMerge, in workspace: WorkspaceID) async throws {
        try await sql.insert(into: "profile_merges")
            .columns("id", "workspace_id", "survivor_id", "merged_id", "identifier_kind", "identifier_value", "event_id", "at", "refusal")
            .values(SQLBind(UUID().uuidString.lowercased()), SQLBind(workspace.rawValue), SQLBind(merge.survivorID.rawValue), SQLBind(merge.mergedID.rawValue),
                    SQLBind(merge.identifier.kind.rawValue), SQLBind(merge.identifier.value), SQLBind(merge.eventID.rawValue), SQLBind(merge.at.storageMillis),
                    SQLBind(merge.refusal))
            .run()
    }

    /// The golden record of one profile: seen times, channels, identifiers, traits.
    public func profile(_ id: ProfileID, in workspace: WorkspaceID) async throws -> Profile? {
        guard let seen = try await seen([id], in: workspace)[id] else { return nil }
        return Profile(id: id, workspaceID: workspace, firstSeenAt: seen.first, lastSeenAt: seen.last, channels: seen.channels,
                       identifiers: try await identifiers(of: id, in: workspace), traits: try await traits(of: id, in: workspace))
    }

    public func traits(of profile: ProfileID, in workspace: WorkspaceID) async throws -> [String: Trait] {
        try await traits(of: [profile], in: workspace)[profile] ?? [:]
    }
}

extension Store {
    /// Events of every workspace not yet tied to a profile, and when the oldest of them arrived (the resolution lag).
    public func resolutionBacklog() async throws -> (events: Int, oldestReceivedAt: Date?) {
        try await database.withConnection { sql in
            guard let row = try await sql.raw("SELECT CAST(COUNT(*) AS BIGINT) AS n, MIN(received_at) AS oldest FROM events WHERE profile_id IS NULL").first() else {
                return (0, nil)
            }
            return (Int(try row.decode(column: "n", as: Int64.self)), try row.decode(column: "oldest", as: Int64?.self).map(Date.init(storageMillis:)))
        }
    }
}

