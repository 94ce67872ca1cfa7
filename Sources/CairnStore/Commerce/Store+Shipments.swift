public import CairnCore
import Foundation
public import SQLKit

extension Store {
    static let shipmentColumns = ["id", "workspace_id", "order_id", "carrier", "tracking_number", "promised_at", "status", "created_at", "updated_at"]

    public func shipment(id: ShipmentID, in workspace: WorkspaceID) async throws -> Shipment? {
        try await database.withConnection { sql in
            try await TransactionStore(sql: sql, engine: engine).shipments(where: { $0.where("id", .equal, id.rawValue) }, in: workspace).first
        }
    }

    /// The workspace's shipments, oldest first, optionally one order's or only those not yet delivered or returned.
    public func shipments(in workspace: WorkspaceID, order: OrderID? = nil, openOnly: Bool = false, after cursor: Cursor?, limit: Int) async throws -> Page<Shipment> {
        let items = try await database.withConnection { sql in
            try await TransactionStore(sql: sql, engine: engine).shipments(where: { query in
                if let order { query.where("order_id", .equal, order.rawValue) }
                if openOnly { query.where("status", .notIn, [Shipment.Status.delivered.rawValue, Shipment.Status.returned.rawValue]) }
                Keyset.apply(query, sortColumn: "created_at", cursor: cursor, direction: .ascending, limit: limit)
            }, in: workspace)
        }
        return Keyset.page(items, limit: limit) { Cursor(sortKey: $0.createdAt.storageMillis, id: $0.id.rawValue) }
    }

    /// The shipments of these orders (with their updates), in one read.
    public func shipments(ofOrders orders: [OrderID], in workspace: WorkspaceID) async throws -> [Shipment] {
        guard !orders.isEmpty else { return [] }
        let ids = orders.map(\.rawValue)
        return try await database.withConnection { sql in
            try await TransactionStore(sql: sql, engine: engine).shipments(where: { $0.where("order_id", .in, ids) }, in: workspace)
        }
    }

    /// Hours without a status change after which an open shipment counts as stuck (`nil`: the workspace kept the default).
    public func stuckAfterHours(in workspace: WorkspaceID) async throws -> Int? {
        try await database.withConnection { sql in
            try await sql.select().column("stuck_after_hours").from("delivery_settings").where("workspace_id", .equal, workspace.rawValue)
                .first().map { Int(try $0.decode(column: "stuck_after_hours", as: Int64.self)) }
        }
    }

    public func setStuckAfterHours(_ hours: Int, in workspace: WorkspaceID) async throws {
        try await database.withConnection { sql in
            try await sql.insert(into: "delivery_settings").columns("workspace_id", "stuck_after_hours")
                .values(SQLBind(workspace.rawValue), SQLBind(Int64(hours)))
                .onConflict(with: ["workspace_id"]) { $0.set(excludedValueOf: "stuck_after_hours") }.run()
        }
    }
}

extension TransactionStore {
    public func insert(_ shipment: Shipment) async throws {
        try await sql.insert(into: "shipments").columns(Store.shipmentColumns)
            .values(SQLBind(shipment.id.rawValue), SQLBind(shipment.workspaceID.rawValue), SQLBind(shipment.orderID.rawValue), SQLBind(shipment.carrier),
                    SQLBind(shipment.trackingNumber), SQLBind(shipment.promisedAt?.storageMillis), SQLBind(shipment.status.rawValue),
                    SQLBind(shipment.createdAt.storageMillis), SQLBind(shipment.updatedAt.storageMillis))
            .run()
        for update in shipment.updates { try await append(update, to: shipment.id, in: shipment.workspaceID) }
    }

    /// Records a status the carrier reported and makes it the shipment's.
    public func append(_ update: Shipment.Update, to shipment: ShipmentID, in workspace: WorkspaceID) async throws {
        let next = try await nextPosition(in: "shipment_updates", parent: "shipment_id", shipment.rawValue, in: workspace)
        try await sql.insert(into: "shipment_updates").columns("workspace_id", "shipment_id", "position", "status", "at", "actor", "note")
            .values(SQLBind(workspace.rawValue), SQLBind(shipment.rawValue), SQLBind(next), SQLBind(update.status.rawValue), SQLBind(update.at.storageMillis),
                    SQLBind(update.by), SQLBind(update.note))
            .run()
        try await sql.update("shipments").set("status", to: update.status.rawValue).set("updated_at", to: update.at.storageMillis)
            .where("workspace_id", .equal, workspace.rawValue).where("id", .equal, shipment.rawValue).run()
    }

    /// Shipments the narrowed query selects, with their updates (two statements).
    /// One shipment, read inside the transaction.
    public func shipment(id: ShipmentID, in workspace: WorkspaceID) async throws -> Shipment? {
        try await shipments(where: { $0.where("id", .equal, id.rawValue) }, in: workspace).first
    }

    /// An order's shipments, oldest first, read inside the transaction.
    public func shipments(ofOrder order: OrderID, in workspace: WorkspaceID) async throws -> [Shipment] {
        try await shipments(where: { $0.where("order_id", .equal, order.rawValue).orderBy("created_at") }, in: workspace)
    }

    func shipments(where narrow: @escaping @Sendable (SQLSelectBuilder) -> Void, in workspace: WorkspaceID) async throws -> [Shipment] {
        let w = workspace.rawValue
        let query = sql.select().columns(Store.shipmentColumns).from("shipments").where("workspace_id", .equal, w)
        narrow(query)
        var shipments = try await query.all().map { row in
            Shipment(id: ShipmentID(rawValue: try row.decode(column: "id", as: String.self)), workspaceID: workspace,
                     orderID: OrderID(rawValue: try row.decode(column: "order_id", as: String.self)), carrier: try row.decode(column: "carrier", as: String.self),
                     trackingNumber: try row.decode(column: "tracking_number", as: String?.self),
                     promisedAt: try row.decode(column: "promised_at", as: Int64?.self).map(Date.init(storageMillis:)),
                     status: Shipment.Status(rawValue: try row.decode(column: "status", as: String.self)) ?? .labelCreated,
                     createdAt: Date(storageMillis: try row.decode(column: "created_at", as: Int64.self)),
                     updatedAt: Date(storageMillis: try row.decode(column: "updated_at", as: Int64.self)), updates: [])
        }
        guard !shipments.isEmpty else { return [] }
        var updates: [String: [Shipment.Update]] = [:]
        for part in shipments.map(\.id.rawValue).chunked(into: 400) {
            for row in try await sql.select().columns("shipment_id", "status", "at", "actor", "note").from("shipment_updates")
                .where("workspace_id", .equal, w).where("shipment_id", .in, Array(part)).orderBy("shipment_id").orderBy("position").all() {
                updates[try row.decode(column: "shipment_id", as: String.self), default: []].append(Shipment.Update(
                    status: Shipment.Status(rawValue: try row.decode(column: "status", as: String.self)) ?? .labelCreated,
                    at: Date(storageMillis: try row.decode(column: "at", as: Int64.self)), by: try row.decode(column: "actor", as: String.self),
                    note: try row.decode(column: "note", as: String?.self)))
            }
        }
        for index in shipments.indices { shipments[index].updates = updates[shipments[index].id.rawValue] ?? [] }
        return shipments
    }
}
