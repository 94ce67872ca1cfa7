public import CairnCore
public import Foundation
import SQLKit

/// Set-at-a-time reads and writes for identity resolution: a batch of events costs a handful of statements per
/// profile it touches instead of a dozen per event.
extension TransactionStore {
    static let chunk = 400

    /// The profile of each known identifier among many.
    public func owners(of identifiers: some Collection<Identifier>, in workspace: WorkspaceID) async throws -> [Identifier: ProfileID] {
        var result: [Identifier: ProfileID] = [:]
        let byKind = Dictionary(grouping: Set(identifiers), by: \.kind)
        for (kind, group) in byKind {
            for part in Array(group).chunked(into: Self.chunk) {
                for row in try await sql.select().columns("value", "profile_id").from("identities")
                    .where("workspace_id", .equal, workspace.rawValue).where("kind", .equal, kind.rawValue)
                    .where("value", .in, part.map(\.value)).all() {
                    result[Identifier(kind: kind, value: try row.decode(column: "value", as: String.self))] =
                        ProfileID(rawValue: try row.decode(column: "profile_id", as: String.self))
                }
            }
        }
        return result
    }

    /// Whether anyone of the workspace was erased (then identifiers are checked against the hashes).
    public func hasErasedIdentities(in workspace: WorkspaceID) async throws -> Bool {
        try await sql.select().column("hash").from("erased_identities").where("workspace_id", .equal, workspace.rawValue).limit(1).first() != nil
    }

    /// The erased profile each of these identifier hashes belongs to.
    public func erasedProfiles(forHashes hashes: some Collection<String>, in workspace: WorkspaceID) async throws -> [String: ProfileID] {
        var result: [String: ProfileID] = [:]
        for part in Array(Set(hashes)).chunked(into: Self.chunk) {
            for row in try await sql.select().columns("hash", "profile_id").from("erased_identities")
                .where("workspace_id", .equal, workspace.rawValue).where("hash", .in, Array(part)).all() {
                result[try row.decode(column: "hash", as: String.self)] = ProfileID(rawValue: try row.decode(column: "profile_id", as: String.self))
            }
        }
        return result
    }

    /// First and last seen and channels of many profiles.
    public func seen(_ profiles: some Collection<ProfileID>, in workspace: WorkspaceID) async throws -> [ProfileID: ProfileSeen] {
        var result: [ProfileID: ProfileSeen] = [:]
        for part in Array(Set(profiles)).chunked(into: Self.chunk) {
            // Found by id; see ``NotAnIndexTerm`` for why the workspace condition is written so.
            for row in try await sql.select().columns("id", "first_seen_at", "last_seen_at", "channels").from("profiles")
                .where("id", .in, part.map(\.rawValue)).where(NotAnIndexTerm(column: "workspace_id"), .equal, SQLBind(workspace.rawValue)).all() {
                result[ProfileID(rawValue: try row.decode(column: "id", as: String.self))] = try ProfileSeen(row: row)
            }
        }
        return result
    }

    /// The traits of many profiles.
    public func traits(of profiles: some Collection<ProfileID>, in workspace: WorkspaceID) async throws -> [ProfileID: [String: Trait]] {
        var result: [ProfileID: [String: Trait]] = [:]
        for part in Array(Set(profiles)).chunked(into: Self.chunk) {
            for row in try await sql.select().columns("profile_id", "name", "value", "channel", "source_id", "observed_at", "event_id").from("traits")
                .where("workspace_id", .equal, workspace.rawValue).where("profile_id", .in, part.map(\.rawValue)).all() {
                let profile = ProfileID(rawValue: try row.decode(column: "profile_id", as: String.self))
                result[profile, default: [:]][try row.decode(column: "name", as: String.self)] = Trait(
                    value: try JSONValue.parse(try row.decode(column: "value", as: String.self)),
                    channel: Channel(rawValue: try row.decode(column: "channel", as: String.self)),
                    sourceID: SourceID(rawValue: try row.decode(column: "source_id", as: String.self)),
                    observedAt: Date(storageMillis: try row.decode(column: "observed_at", as: Int64.self)),
                    eventID: EventID(rawValue: try row.decode(column: "event_id", as: String.self)))
            }
        }
        return result
    }

    /// The identifiers of many profiles.
    public func identifiers(of profiles: some Collection<ProfileID>, in workspace: WorkspaceID) async throws -> [ProfileID: [Identifier]] {
        var result: [ProfileID: [Identifier]] = [:]
        for part in Array(Set(profiles)).chunked(into: Self.chunk) {
            for row in try await sql.select().columns("profile_id", "kind", "value").from("identities")
                .where("workspace_id", .equal, workspace.rawValue).where("profile_id", .in, part.map(\.rawValue))
                .orderBy("first_seen_at").orderBy("kind").orderBy("value").all() {
                result[ProfileID(rawValue: try row.decode(column: "profile_id", as: String.self)), default: []].append(
                    Identifier(kind: .init(rawValue: try row.decode(column: "kind", as: String.self)), value: try row.decode(column: "value", as: String.self)))
            }
        }
        return result
    }

    /// Writes profiles' seen times and channels, creating those that are new.
    public func saveSeen(_ profiles: [ProfileID: ProfileSeen], in workspace: WorkspaceID) async throws {
        for part in profiles.sorted(by: { $0.key.rawValue < $1.key.rawValue }).chunked(into: Self.chunk) {
            let insert = sql.insert(into: "profiles").columns("id", "workspace_id", "first_seen_at", "last_seen_at", "channels", "merged_into")
            for (id, seen) in part {
                insert.values(SQLBind(id.rawValue), SQLBind(workspace.rawValue), SQLBind(seen.first.storageMillis), SQLBind(seen.last.storageMillis),
                              SQLBind(JSONValue.array(seen.channels.map { .string($0.rawValue) }).jsonText()), SQLBind(nil as String?))
            }
            try await insert.onConflict(with: ["id"]) { $0
                .set(excludedValueOf: "first_seen_at").set(excludedValueOf: "last_seen_at").set(excludedValueOf: "channels")
            }.run()
        }
    }

    /// Adds identities (identifier → profile).
    public func attach(_ identities: [(identifier: Identifier, profile: ProfileID, at: Date)], in workspace: WorkspaceID) async throws {
        for part in identities.chunked(into: Self.chunk) {
            let insert = sql.insert(into: "identities").columns("workspace_id", "kind", "value", "profile_id", "first_seen_at")
            for entry in part {
                insert.values(SQLBind(workspace.rawValue), SQLBind(entry.identifier.kind.rawValue), SQLBind(entry.identifier.value),
                              SQLBind(entry.profile.rawValue), SQLBind(entry.at.storageMillis))
            }
            try await insert.run()
        }
    }

    /// Writes traits as decided (survivorship already applied), replacing what a profile held.
    public func saveTraits(_ traits: [(profile: ProfileID, name: String, trait: Trait)], in workspace: WorkspaceID) async throws {
        for part in traits.chunked(into: Self.chunk) {
            let insert = sql.insert(into: "traits").columns("workspace_id", "profile_id", "name", "value", "channel", "source_id", "observed_at", "event_id")
            for entry in part {
                insert.values(SQLBind(workspace.rawValue), SQLBind(entry.profile.rawValue), SQLBind(entry.name), SQLBind(entry.trait.value.jsonText()),
                              SQLBind(entry.trait.channel.rawValue), SQLBind(entry.trait.sourceID.rawValue), SQLBind(entry.trait.observedAt.storageMillis),
                              SQLBind(entry.trait.eventID.rawValue))
            }
            try await insert.onConflict(with: ["workspace_id", "profile_id", "name"]) { $0
                .set(excludedValueOf: "value").set(excludedValueOf: "channel").set(excludedValueOf: "source_id")
                .set(excludedValueOf: "observed_at").set(excludedValueOf: "event_id")
            }.run()
        }
    }

    /// Ties events to profiles, many at once, noting when (`resolved_at`).
    public func assign(_ assignments: [EventID: ProfileID], in workspace: WorkspaceID, at now: Date) async throws {
        for part in assignments.sorted(by: { $0.key.rawValue < $1.key.rawValue }).chunked(into: Self.chunk) {
            // Found by id; see ``NotAnIndexTerm``.
            try await sql.update("events")
                .set(SQLIdentifier("profile_id"), to: CaseByID(cases: part.map { ($0.key.rawValue, $0.value.rawValue) }))
                .set("resolved_at", to: now.storageMillis)
                .where("id", .in, part.map(\.key.rawValue))
                .where(NotAnIndexTerm(column: "workspace_id"), .equal, SQLBind(workspace.rawValue))
                .run()
        }
    }
}

/// A profile's first and last seen times and the channels it used.
public struct ProfileSeen: Sendable, Hashable {
    public var first: Date
    public var last: Date
    public var channels: [Channel]

    public init(first: Date, last: Date, channels: [Channel]) {
        self.first = first
        self.last = last
        self.channels = channels
    }

    /// From a `profiles` row with `first_seen_at`, `last_seen_at` and `channels`.
    init(row: any SQLRow) throws {
        self.init(first: Date(storageMillis: try row.decode(column: "first_seen_at", as: Int64.self)),
                  last: Date(storageMillis: try row.decode(column: "last_seen_at", as: Int64.self)),
                  channels: try JSONValue.parse(try row.decode(column: "channels", as: String.self)).arrayStrings.map(Channel.init(rawValue:)))
    }
}

/// `CASE id WHEN ? THEN ? … END`.
private struct CaseByID: SQLExpression {
    let cases: [(String, String)]

    func serialize(to serializer: inout SQLSerializer) {
        serializer.write("CASE ")
        SQLIdentifier("id").serialize(to: &serializer)
        for (id, value) in cases {
            serializer.write(" WHEN ")
            SQLBind(id).serialize(to: &serializer)
            serializer.write(" THEN ")
            SQLBind(value).serialize(to: &serializer)
        }
        serializer.write(" END")
    }
}

/// A column the query planner should not use an index for: SQLite's unary `+` (its documented way to disqualify a term
/// from index use); PostgreSQL, which plans from statistics, gets the plain column. Rows looked up by a list of ids
/// still check their workspace, but SQLite, which has no statistics, would otherwise prefer an index that starts with
/// `workspace_id` and walk every row of the workspace for each lookup.
struct NotAnIndexTerm: SQLExpression {
    let column: String

    func serialize(to serializer: inout SQLSerializer) {
        if serializer.dialect.name == "sqlite" { serializer.write("+") }
        SQLColumn(column).serialize(to: &serializer)
    }
}
