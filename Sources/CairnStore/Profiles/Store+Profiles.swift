public import CairnCore
import Foundation
import SQLKit

/// A profile as read back, with where a merged id now points.
public struct StoredProfile: Sendable {
    public var profile: Profile
    /// Set when this id was merged into another profile; read that one instead.
    public var mergedInto: ProfileID?
}

extension Store {
    /// A profile by id. A merged profile's id answers with `mergedInto` set and its survivor's data.
    public func profile(id: ProfileID, in workspace: WorkspaceID) async throws -> StoredProfile? {
        try await database.withConnection { sql in
            let tx = TransactionStore(sql: sql, engine: engine)
            guard let row = try await sql.select().columns("id", "merged_into", "first_seen_at", "last_seen_at", "channels").from("profiles")
                .where("workspace_id", .equal, workspace.rawValue).where("id", .equal, id.rawValue).first() else { return nil }
            let mergedInto = try row.decode(column: "merged_into", as: String?.self).map(ProfileID.init(rawValue:))
            if let mergedInto {
                guard let profile = try await tx.profile(mergedInto, in: workspace) else { return nil }
                return StoredProfile(profile: profile, mergedInto: mergedInto)
            }
            // The common case: the row just read is the profile; only its identities and traits remain to read.
            let seen = try ProfileSeen(row: row)
            let profile = Profile(id: id, workspaceID: workspace, firstSeenAt: seen.first, lastSeenAt: seen.last, channels: seen.channels,
                                  identifiers: try await tx.identifiers(of: id, in: workspace), traits: try await tx.traits(of: id, in: workspace))
            return StoredProfile(profile: profile, mergedInto: nil)
        }
    }

    /// The profile an id leads to now: itself, or the survivor it was merged into; `nil` when the workspace has no such profile.
    public func currentProfileID(of id: ProfileID, in workspace: WorkspaceID) async throws -> ProfileID? {
        try await database.withConnection { sql in
            guard let row = try await sql.select().column("merged_into").from("profiles")
                .where("workspace_id", .equal, workspace.rawValue).where("id", .equal, id.rawValue).first() else { return nil }
            return try row.decode(column: "merged_into", as: String?.self).map(ProfileID.init(rawValue:)) ?? id
        }
    }

    /// Whether any event of the workspace waits for resolution (a read; takes no lock).
    public func hasUnresolvedEvents(in workspace: WorkspaceID) async throws -> Bool {
        try await database.withConnection { sql in try await TransactionStore(sql: sql, engine: engine).hasUnresolvedEvents(in: workspace) }
    }

    /// Events waiting for resolution, oldest first, read without a lock (see ``TransactionStore/unresolvedEvents(in:limit:)``).
    public func unresolvedEvents(in workspace: WorkspaceID, limit: Int) async throws -> [Event] {
        try await database.withConnection { sql in try await TransactionStore(sql: sql, engine: engine).unresolvedEvents(in: workspace, limit: limit) }
    }

    /// The profile an identifier belongs to.
    public func profileID(for identifier: Identifier, in workspace: WorkspaceID) async throws -> ProfileID? {
        try await database.withConnection { sql in
            try await TransactionStore(sql: sql, engine: engine).owners(of: [identifier], in: workspace)[identifier]
        }
    }

    /// The profiles identifiers belong to (those that belong to one), in one read.
    public func owners(of identifiers: some Collection<Identifier>, in workspace: WorkspaceID) async throws -> [Identifier: ProfileID] {
        let wanted = Array(identifiers)
        guard !wanted.isEmpty else { return [:] }
        return try await database.withConnection { sql in try await TransactionStore(sql: sql, engine: engine).owners(of: wanted, in: workspace) }
    }

    /// Live (not merged) profiles, most recently seen first, optionally narrowed.
    public func profiles(in workspace: WorkspaceID, matching filter: ProfileFilter = ProfileFilter(), after cursor: Cursor?, limit: Int) async throws -> Page<Profile> {
        try await database.withConnection { sql in
            let tx = TransactionStore(sql: sql, engine: engine)
            let query = sql.select().columns("id", "last_seen_at").from("profiles")
                .where("workspace_id", .equal, workspace.rawValue).where(SQLColumn("merged_into"), .is, SQLLiteral.null)
            if let since = filter.seenSince { query.where("last_seen_at", .greaterThanOrEqual, since.storageMillis) }
            // Channels are a JSON array of names; a name is quoted there, so the match is exact.
            if let channel = filter.channel { query.where(SQLLike(SQLColumn("channels"), contains: "\"\(channel.rawValue)\"")) }
            if let search = filter.search?.trimmingCharacters(in: .whitespacesAndNewlines).lowercased(), !search.isEmpty {
                let w = workspace.rawValue
                query.where { group in
                    group.where("id", .equal, search)
                        .orWhere("id", .in, SQLSubquery.select { $0.column("profile_id").from("traits").where("workspace_id", .equal, w)
                            .where(SQLLike(SQLFunction("LOWER", args: SQLColumn("value")), contains: search)) })
                        .orWhere("id", .in, SQLSubquery.select { $0.column("profile_id").from("identities").where("workspace_id", .equal, w)
                            .where(SQLLike(SQLFunction("LOWER", args: SQLColumn("value")), contains: search)) })
                }
            }
            if let trait = filter.trait {
                query.where("id", .in, SQLSubquery.select { $0
                    .column("profile_id").from("traits")
                    .where("workspace_id", .equal, workspace.rawValue)
                    .where("name", .equal, trait.name)
                    .where("value", .equal, JSONValue.string(trait.value).jsonText())
                })
            }
            if let tier = filter.valueTier {
                query.where("id", .in, SQLSubquery.select { $0.column("profile_id").from("customer_values")
                    .where("workspace_id", .equal, workspace.rawValue).where("tier", .equal, tier.rawValue) })
            }
            if let persona = filter.persona {
                query.where("id", .in, SQLSubquery.select { $0.column("profile_id").from("profile_personas")
                    .where("workspace_id", .equal, workspace.rawValue).where("persona", .equal, persona) })
            }
            if let segment = filter.segment {
                query.where("id", .in, SQLSubquery.select { $0.column("profile_id").from("segment_members")
                    .where("workspace_id", .equal, workspace.rawValue).where("segment_id", .equal, segment.rawValue) })
            }
            let rows = try await Keyset.apply(query, sortColumn: "last_seen_at", cursor: cursor, direction: .descending, limit: limit).all()
            var profiles: [Profile] = []
            for row in rows {
                let id = ProfileID(rawValue: try row.decode(column: "id", as: String.self))
                if let profile = try await tx.profile(id, in: workspace) { profiles.append(profile) }
            }
            return Keyset.page(profiles, limit: limit) { Cursor(sortKey: $0.lastSeenAt.storageMillis, id: $0.id.rawValue) }
        }
    }

    /// Merges (and refused merges) that involve a profile, oldest first.
    public func merges(of profile: ProfileID, in workspace: WorkspaceID) async throws -> [ProfileMerge] {
        try await database.withConnection { sql in
            try await sql.select().columns("survivor_id", "merged_id", "identifier_kind", "identifier_value", "event_id", "at", "refusal").from("profile_merges")
                .where("workspace_id", .equal, workspace.rawValue)
                .where { $0.where("survivor_id", .equal, profile.rawValue).orWhere("merged_id", .equal, profile.rawValue) }
                .orderBy("at").all()
                .map { row in
                    ProfileMerge(survivorID: ProfileID(rawValue: try row.decode(column: "survivor_id", as: String.self)),
                                 mergedID: ProfileID(rawValue: try row.decode(column: "merged_id", as: String.self)),
                                 identifier: Identifier(kind: .init(rawValue: try row.decode(column: "identifier_kind", as: String.self)),
                                                        value: try row.decode(column: "identifier_value", as: String.self)),
                                 eventID: EventID(rawValue: try row.decode(column: "event_id", as: String.self)),
                                 at: Date(storageMillis: try row.decode(column: "at", as: Int64.self)),
                                 refusal: try row.decode(column: "refusal", as: String?.self))
                }
        }
    }

    public func countProfiles(in workspace: WorkspaceID) async throws -> Int {
        try await database.withConnection { sql in
            Int(try await sql.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from("profiles")
                .where("workspace_id", .equal, workspace.rawValue).where(SQLColumn("merged_into"), .is, SQLLiteral.null)
                .first()?.decode(column: "n", as: Int64.self) ?? 0)
        }
    }
}

/// `expression LIKE '%text%' ESCAPE '\'`, with `%`, `_` and `\` in the text matched literally.
struct SQLLike: SQLExpression {
    let expression: any SQLExpression
    let pattern: String

    init(_ expression: any SQLExpression, contains text: String) {
        self.expression = expression
        let escaped = text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_")
        self.pattern = "%" + escaped + "%"
    }

    func serialize(to serializer: inout SQLSerializer) {
        expression.serialize(to: &serializer)
        serializer.write(" LIKE ")
        SQLBind(pattern).serialize(to: &serializer)
        serializer.write(" ESCAPE '\\'")
    }
}
