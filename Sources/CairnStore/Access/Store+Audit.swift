public import CairnCore
public import Foundation
import SQLKit

extension Store {
    public func append(_ entry: AuditEntry) async throws {
        try await database.withConnection { sql in try await TransactionStore(sql: sql).append(entry) }
    }

    /// The workspace's audit log, newest first.
    public func auditLog(in workspace: WorkspaceID, after cursor: Cursor?, limit: Int) async throws -> Page<AuditEntry> {
        try await database.withConnection { sql in
            let query = sql.select().columns("id", "workspace_id", "occurred_at", "action", "actor", "target", "details", "ip_address")
                .from("audit_log").where("workspace_id", .equal, workspace.rawValue)
            let rows = try await Keyset.apply(query, sortColumn: "occurred_at", cursor: cursor, direction: .descending, limit: limit).all()
            return Keyset.page(try rows.map(AuditEntry.init(row:)), limit: limit) { Cursor(sortKey: $0.occurredAt.storageMillis, id: $0.id.rawValue) }
        }
    }

    /// Audit entries per UTC day since `start`, for the overview chart.
    public func auditCountsByDay(in workspace: WorkspaceID, since start: Date) async throws -> [(day: Int64, count: Int)] {
        try await database.withConnection { sql in
            let day = SQLBinaryExpression(SQLColumn("occurred_at"), .divide, SQLLiteral.numeric("86400000"))
            let rows = try await sql.select()
                .column(day, as: "day")
                .column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n")
                .from("audit_log")
                .where("workspace_id", .equal, workspace.rawValue)
                .where("occurred_at", .greaterThanOrEqual, start.storageMillis)
                .groupBy(day).orderBy(day)
                .all()
            return try rows.map { (try $0.decode(column: "day", as: Int64.self), Int(try $0.decode(column: "n", as: Int64.self))) }
        }
    }
}

extension TransactionStore {
    public func append(_ entry: AuditEntry) async throws {
        let details = String(decoding: try JSONEncoder.sorted.encode(entry.details), as: UTF8.self)
        try await sql.insert(into: "audit_log")
            .columns("id", "workspace_id", "occurred_at", "action", "actor", "target", "details", "ip_address")
            .values(SQLBind(entry.id.rawValue), SQLBind(entry.workspaceID.rawValue), SQLBind(entry.occurredAt.storageMillis),
                    SQLBind(entry.action.rawValue), SQLBind(entry.actor), SQLBind(entry.target), SQLBind(details), SQLBind(entry.ipAddress))
            .run()
    }
}

extension AuditEntry {
    init(row: any SQLRow) throws {
        let detailsText = try row.decode(column: "details", as: String.self)
        let actionText = try row.decode(column: "action", as: String.self)
        guard let action = Action(rawValue: actionText) else {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "unknown audit action \(actionText)"))
        }
        self.init(
            id: AuditEntryID(rawValue: try row.decode(column: "id", as: String.self)),
            workspaceID: WorkspaceID(rawValue: try row.decode(column: "workspace_id", as: String.self)),
            occurredAt: Date(storageMillis: try row.decode(column: "occurred_at", as: Int64.self)),
            action: action,
            actor: try row.decode(column: "actor", as: String.self),
            target: try row.decode(column: "target", as: String?.self),
            details: (try? JSONDecoder().decode([String: String].self, from: Data(detailsText.utf8))) ?? [:],
            ipAddress: try row.decode(column: "ip_address", as: String?.self)
        )
    }
}

extension JSONEncoder {
    static var sorted: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }
}
