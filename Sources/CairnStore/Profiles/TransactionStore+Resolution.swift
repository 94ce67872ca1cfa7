import CairnCore
import Foundation
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

    /// Which profile each known identifier belongs to.
    public func profileIDs(for identifiers: [Identifier], in workspace: WorkspaceID) async throws -> [Identifier: ProfileID] {
        var result: [Identifier: ProfileID] = [:]
        for identifier in identifiers {
            if let row = try await sql.select().column("profile_id").from("identities")
                .where("workspace_id", .equal, workspace.rawValue).where("kind", .equal, identifier.kind.rawValue).where("value", .equal, identifier.value)
                .first() {
                result[identifier] = ProfileID(rawValue: try row.decode(column: "profile_id", as: String.self))
            }
        }
        return result
    }

    public func identifiers(of profile: ProfileID, in workspace: WorkspaceID) async throws -> [Identifier] {
        try await identifiers(of: [profile], in: workspace)[profile] ?? []
    }

    public func createProfile(_ id: ProfileID, in workspace: WorkspaceID, seenAt: Date, channel: Channel) async throws {
        try await sql.insert(into: "profiles").columns("id", "workspace_id", "first_seen_at", "last_seen_at", "channels", "merged_into")
            .values(SQLBind(id.rawValue), SQLBind(workspace.rawValue), SQLBind(seenAt.storageMillis), SQLBind(seenAt.storageMillis),
                    SQLBind(JSONValue.array([.string(channel.rawValue)]).jsonText()), SQLBind(nil as String?))
            .run()
    }

    public func attach(_ identifier: Identifier, to profile: ProfileID, in workspace: WorkspaceID, at date: Date) async throws {
        try await sql.insert(into: "identities").columns("workspace_id", "kind", "value", "profile_id", "first_seen_at")
            .values(SQLBind(workspace.rawValue), SQLBind(identifier.kind.rawValue), SQLBind(identifier.value), SQLBind(profile.rawValue), SQLBind(date.storageMillis))
            .run()
    }

    /// Moves everything of `merged` to `survivor`: identities, events, traits (the later observation of each trait
    /// wins), first and last seen, channels. `merged` stays as a pointer so its old id still leads somewhere.
    public func merge(_ merged: ProfileID, into survivor: ProfileID, in workspace: WorkspaceID, policy: IdentityPolicy = IdentityPolicy()) async throws {
        let w = workspace.rawValue
        try await sql.update("identities").set("profile_id", to: survivor.rawValue).where("workspace_id", .equal, w).where("profile_id", .equal, merged.rawValue).run()
        try await sql.update("events").set("profile_id", to: survivor.rawValue).where("workspace_id", .equal, w).where("profile_id", .equal, merged.rawValue).run()
        for (name, trait) in try await traits(of: merged, in: workspace) {
            try await setTrait(name, trait, on: survivor, in: workspace, policy: policy)
        }
        try await sql.delete(from: "traits").where("workspace_id", .equal, w).where("profile_id", .equal, merged.rawValue).run()
        try await moveConsent(from: merged, to: survivor, in: workspace)
        if let (first, last, channels) = try await seen(merged, in: workspace) {
            try await touch(survivor, in: workspace, seenAt: first, channels: channels)
            try await touch(survivor, in: workspace, seenAt: last, channels: [])
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

    /// Widens first/last seen to include `seenAt` and adds channels not yet listed.
    public func touch(_ profile: ProfileID, in workspace: WorkspaceID, seenAt: Date, channels: [Channel]) async throws {
        guard let (first, last, known) = try await seen(profile, in: workspace) else { return }
        var all = known
        for channel in channels where !all.contains(channel) { all.append(channel) }
        try await sql.update("profiles")
            .set("first_seen_at", to: min(first, seenAt).storageMillis)
            .set("last_seen_at", to: max(last, seenAt).storageMillis)
            .set("channels", to: JSONValue.array(all.map { .string($0.rawValue) }).jsonText())
            .where("workspace_id", .equal, workspace.rawValue).where("id", .equal, profile.rawValue)
            .run()
    }

    /// The golden record of one profile: seen times, channels, identifiers, traits.
    public func profile(_ id: ProfileID, in workspace: WorkspaceID) async throws -> Profile? {
        guard let (first, last, channels) = try await seen(id, in: workspace) else { return nil }
        return Profile(id: id, workspaceID: workspace, firstSeenAt: first, lastSeenAt: last, channels: channels,
                       identifiers: try await identifiers(of: id, in: workspace), traits: try await traits(of: id, in: workspace))
    }

    func seen(_ profile: ProfileID, in workspace: WorkspaceID) async throws -> (Date, Date, [Channel])? {
        try await seen([profile], in: workspace)[profile].map { ($0.first, $0.last, $0.channels) }
    }

    public func traits(of profile: ProfileID, in workspace: WorkspaceID) async throws -> [String: Trait] {
        try await traits(of: [profile], in: workspace)[profile] ?? [:]
    }

    /// Sets a trait unless the profile holds an observation of it that survives by the policy: one from a source the
    /// policy trusts more for this trait, or, among equals, a later one (ties go to the newcomer).
    public func setTrait(_ name: String, _ trait: Trait, on profile: ProfileID, in workspace: WorkspaceID, policy: IdentityPolicy = IdentityPolicy()) async throws {
        let existing = try await sql.select().columns("observed_at", "source_id").from("traits")
            .where("workspace_id", .equal, workspace.rawValue).where("profile_id", .equal, profile.rawValue).where("name", .equal, name).first()
        if let existing {
            let heldAt = Date(storageMillis: try existing.decode(column: "observed_at", as: Int64.self))
            let heldSource = SourceID(rawValue: try existing.decode(column: "source_id", as: String.self))
            guard policy.replaces(trait: name, source: trait.sourceID, observedAt: Date(storageMillis: trait.observedAt.storageMillis),
                                  heldFrom: heldSource, heldAt: heldAt) else { return }
            try await sql.update("traits")
                .set("value", to: trait.value.jsonText()).set("channel", to: trait.channel.rawValue).set("source_id", to: trait.sourceID.rawValue)
                .set("observed_at", to: trait.observedAt.storageMillis).set("event_id", to: trait.eventID.rawValue)
                .where("workspace_id", .equal, workspace.rawValue).where("profile_id", .equal, profile.rawValue).where("name", .equal, name)
                .run()
        } else {
            try await sql.insert(into: "traits").columns("workspace_id", "profile_id", "name", "value", "channel", "source_id", "observed_at", "event_id")
                .values(SQLBind(workspace.rawValue), SQLBind(profile.rawValue), SQLBind(name), SQLBind(trait.value.jsonText()), SQLBind(trait.channel.rawValue),
                        SQLBind(trait.sourceID.rawValue), SQLBind(trait.observedAt.storageMillis), SQLBind(trait.eventID.rawValue))
                .run()
        }
    }

    public func assign(_ event: EventID, to profile: ProfileID, in workspace: WorkspaceID) async throws {
        try await sql.update("events").set("profile_id", to: profile.rawValue)
            .where("workspace_id", .equal, workspace.rawValue).where("id", .equal, event.rawValue).run()
    }
}
