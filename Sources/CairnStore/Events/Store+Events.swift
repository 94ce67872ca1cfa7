public import CairnCore
public import Foundation
import SQLKit

extension Store {
    static let eventColumns = ["id", "workspace_id", "source_id", "message_id", "kind", "name", "user_id", "anonymous_id", "channel", "timestamp", "received_at", "payload", "profile_id"]

    /// An event's values in the order of ``eventColumns``.
    static func row(of event: Event) -> [any SQLExpression] {
        [SQLBind(event.id.rawValue), SQLBind(event.workspaceID.rawValue), SQLBind(event.sourceID.rawValue), SQLBind(event.messageID),
         SQLBind(event.kind.rawValue), SQLBind(event.name), SQLBind(event.userID), SQLBind(event.anonymousID),
         SQLBind(event.channel.rawValue), SQLBind(event.timestamp.storageMillis), SQLBind(event.receivedAt.storageMillis),
         SQLBind(event.payload.jsonText()), SQLBind(event.profileID?.rawValue)]
    }

    /// Appends events of one workspace, skipping any whose `messageId` the workspace already has, and counts the
    /// source's use. Returns how many were new. Committed before it returns: acknowledged means durable. Appends
    /// arriving together share a transaction (group commit).
    public func append(events: [Event], in workspace: WorkspaceID, source: SourceID, at receivedAt: Date) async throws -> Int {
        precondition(events.allSatisfy { $0.workspaceID == workspace })
        // The rows are made before joining the group, so that work runs beside other requests' writes.
        return try await database.appendGrouped(workspace: workspace.rawValue, source: source.rawValue, receivedAt: receivedAt.storageMillis,
                                                messageIDs: events.map(\.messageID), rows: events.map(Self.row(of:)))
    }

    /// The workspace's events, newest first, optionally narrowed.
    public func events(in workspace: WorkspaceID, matching filter: EventFilter = EventFilter(), after cursor: Cursor?, limit: Int) async throws -> Page<Event> {
        try await database.withConnection { sql in
            let query = sql.select().columns(Self.eventColumns).from("events").where("workspace_id", .equal, workspace.rawValue)
            Self.narrow(query, by: filter)
            let rows = try await Keyset.apply(query, sortColumn: "timestamp", cursor: cursor, direction: .descending, limit: limit).all()
            return Keyset.page(try rows.map(Event.init(row:)), limit: limit) { Cursor(sortKey: $0.timestamp.storageMillis, id: $0.id.rawValue) }
        }
    }

    /// Events received after `cursor` (received time and id), oldest first: what a live stream sends next.
    /// Waits until events arrive for the workspace — appended by this process, or on PostgreSQL by any server on the
    /// database (`LISTEN`/`NOTIFY`) — or `timeout` passes; true when woken by events.
    public func waitForEvents(in workspace: WorkspaceID, upTo timeout: Duration) async -> Bool {
        await database.waitForEvents(in: workspace.rawValue, timeout: timeout)
    }

    public func eventsReceived(in workspace: WorkspaceID, matching filter: EventFilter, after cursor: Cursor?, limit: Int) async throws -> [Event] {
        try await database.withConnection { sql in
            let query = sql.select().columns(Self.eventColumns).from("events").where("workspace_id", .equal, workspace.rawValue)
            Self.narrow(query, by: filter)
            let rows = try await Keyset.apply(query, sortColumn: "received_at", cursor: cursor, direction: .ascending, limit: limit).all()
            return Array(try rows.map(Event.init(row:)).prefix(limit))
        }
    }

    /// Adds the filter's conditions to an events query.
    static func narrow(_ query: SQLSelectBuilder, by filter: EventFilter) {
        if let kind = filter.kind { query.where("kind", .equal, kind.rawValue) }
        if let name = filter.name { query.where("name", .equal, name) }
        if let channel = filter.channel { query.where("channel", .equal, channel.rawValue) }
        if let userID = filter.userID { query.where("user_id", .equal, userID) }
        if let anonymousID = filter.anonymousID { query.where("anonymous_id", .equal, anonymousID) }
        if let profileID = filter.profileID { query.where("profile_id", .equal, profileID.rawValue) }
        if let since = filter.since { query.where("timestamp", .greaterThanOrEqual, since.storageMillis) }
        if let until = filter.until { query.where("timestamp", .lessThan, until.storageMillis) }
    }

    /// The stored event with this `messageId`, if the workspace has one.
    public func event(messageID: String, in workspace: WorkspaceID) async throws -> Event? {
        try await database.withConnection { sql in
            try await sql.select().columns(Self.eventColumns).from("events")
                .where("workspace_id", .equal, workspace.rawValue).where("message_id", .equal, messageID)
                .first().map(Event.init(row:))
        }
    }

    public func countEvents(in workspace: WorkspaceID) async throws -> Int {
        try await database.withConnection { sql in
            Int(try await sql.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from("events")
                .where("workspace_id", .equal, workspace.rawValue).first()?.decode(column: "n", as: Int64.self) ?? 0)
        }
    }
}

extension Event {
    init(row: any SQLRow) throws {
        let kindText = try row.decode(column: "kind", as: String.self)
        guard let kind = TrackingMessage.Kind(rawValue: kindText) else {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "unknown event kind \(kindText)"))
        }
        self.init(
            id: EventID(rawValue: try row.decode(column: "id", as: String.self)),
            workspaceID: WorkspaceID(rawValue: try row.decode(column: "workspace_id", as: String.self)),
            sourceID: SourceID(rawValue: try row.decode(column: "source_id", as: String.self)),
            messageID: try row.decode(column: "message_id", as: String.self),
            kind: kind,
            name: try row.decode(column: "name", as: String?.self),
            userID: try row.decode(column: "user_id", as: String?.self),
            anonymousID: try row.decode(column: "anonymous_id", as: String?.self),
            channel: Channel(rawValue: try row.decode(column: "channel", as: String.self)),
            timestamp: Date(storageMillis: try row.decode(column: "timestamp", as: Int64.self)),
            receivedAt: Date(storageMillis: try row.decode(column: "received_at", as: Int64.self)),
            payload: try JSONValue.parse(try row.decode(column: "payload", as: String.self)),
            profileID: try row.decode(column: "profile_id", as: String?.self).map(ProfileID.init(rawValue:))
        )
    }
}

extension Array {
    func chunked(into size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}

extension Store {
    /// Events turned into the values of their rows, ready to insert.
    public struct PreparedRows: Sendable {
        let rows: [[any SQLExpression]]
        public var count: Int { rows.count }
    }

    public static func prepare(_ events: [Event]) -> PreparedRows {
        PreparedRows(rows: events.map(Self.row(of:)))
    }

    /// Inserts prepared rows as they are, in one transaction with one multi-row INSERT: no de-duplication, no counting.
    /// The benchmark's ceiling for what the engine can take; not for ingestion.
    public func insertRaw(_ prepared: PreparedRows) async throws {
        guard !prepared.rows.isEmpty else { return }
        try await database.transaction { sql in
            let insert = sql.insert(into: "events").columns(Self.eventColumns)
            for row in prepared.rows { insert.values(row) }
            try await insert.run()
        }
    }
}
