public import CairnCore
public import Foundation
import SQLKit

/// One event as a funnel reads it: whose, when, what, on which channel, and its properties when asked for.
public struct FunnelRow: Sendable {
    public var profile: String
    public var time: Int64
    public var name: String?
    public var channel: String
    public var properties: [String: JSONValue]?
}

extension Store {
    /// The events of people in [from, until) — only those named `names` unless `everything` (a strict funnel needs
    /// every event, to see what came between) — tied to a person, ordered by person and time; `properties` when a
    /// step or the breakdown reads them. Read in pages of `pageSize`, handed to `each` as they come, so a year of
    /// events never sits in memory twice.
    public func funnelEvents(in workspace: WorkspaceID, names: Set<String>, everything: Bool, from: Date, until: Date, properties: Bool,
                             pageSize: Int = 20_000, _ each: ([FunnelRow]) throws -> Void) async throws {
        var after: (profile: String, time: Int64, id: String)?
        let nameList = names.sorted()
        while true {
            let position = after
            let rows = try await database.withConnection { sql -> [IdentifiedRow] in
                let query = sql.select().columns(properties ? ["id", "profile_id", "timestamp", "name", "channel", "payload"] : ["id", "profile_id", "timestamp", "name", "channel"])
                    .from("events").where("workspace_id", .equal, workspace.rawValue).where("profile_id", .isNot, SQLLiteral.null)
                    .where("timestamp", .greaterThanOrEqual, from.storageMillis).where("timestamp", .lessThan, until.storageMillis)
                if !everything { query.where("name", .in, nameList) }
                if let after = position {
                    query.where { group in
                        group.where("profile_id", .greaterThan, after.profile)
                            .orWhere { inner in
                                inner.where("profile_id", .equal, after.profile).where { tie in
                                    tie.where("timestamp", .greaterThan, after.time)
                                        .orWhere { last in last.where("timestamp", .equal, after.time).where("id", .greaterThan, after.id) }
                                }
                            }
                    }
                }
                return try await query.orderBy("profile_id").orderBy("timestamp").orderBy("id").limit(pageSize).all().map { row in
                    var properties: [String: JSONValue]?
                    if row.contains(column: "payload") {
                        properties = (try? JSONValue.parse(try row.decode(column: "payload", as: String.self)))?["properties"]?.objectValue ?? [:]
                    }
                    return IdentifiedRow(id: try row.decode(column: "id", as: String.self),
                                         row: FunnelRow(profile: try row.decode(column: "profile_id", as: String.self), time: try row.decode(column: "timestamp", as: Int64.self),
                                                        name: try row.decode(column: "name", as: String?.self), channel: try row.decode(column: "channel", as: String.self),
                                                        properties: properties))
                }
            }
            guard let last = rows.last else { return }
            try each(rows.map(\.row))
            if rows.count < pageSize { return }
            after = (last.row.profile, last.row.time, last.id)
        }
    }

    /// Distinct names of track events since `since`, alphabetical.
    public func eventNames(in workspace: WorkspaceID, since: Date, limit: Int) async throws -> [String] {
        try await database.withConnection { sql in
            try await sql.select().distinct().column("name").from("events").where("workspace_id", .equal, workspace.rawValue)
                .where("timestamp", .greaterThanOrEqual, since.storageMillis).where("name", .isNot, SQLLiteral.null)
                .orderBy("name").limit(limit).all().map { try $0.decode(column: "name", as: String.self) }
        }
    }

    /// One trait's value for every person of the workspace who has it (text; a JSON string without its quotes).
    public func traitValues(_ name: String, in workspace: WorkspaceID) async throws -> [String: String] {
        try await database.withConnection { sql in
            var values: [String: String] = [:]
            for row in try await sql.select().columns("profile_id", "value").from("traits").where("workspace_id", .equal, workspace.rawValue)
                .where("name", .equal, name).all() {
                let text = try row.decode(column: "value", as: String.self)
                values[try row.decode(column: "profile_id", as: String.self)] = (try? JSONValue.parse(text)).map { json -> String in json.stringValue ?? json.jsonText() } ?? text
            }
            return values
        }
    }

    /// One trait's value for each of these people (text; a JSON string without its quotes).
    public func traitValues(_ name: String, of profiles: [String], in workspace: WorkspaceID) async throws -> [String: String] {
        var values: [String: String] = [:]
        for part in profiles.chunked(into: 500).map(Array.init) {
            let rows = try await database.withConnection { sql in
                try await sql.select().columns("profile_id", "value").from("traits").where("workspace_id", .equal, workspace.rawValue)
                    .where("name", .equal, name).where("profile_id", .in, part).all()
            }
            for row in rows {
                let text = try row.decode(column: "value", as: String.self)
                let value = (try? JSONValue.parse(text)).map { json -> String in json.stringValue ?? json.jsonText() } ?? text
                values[try row.decode(column: "profile_id", as: String.self)] = value
            }
        }
        return values
    }
}

struct IdentifiedRow: Sendable {
    var id: String
    var row: FunnelRow
}
