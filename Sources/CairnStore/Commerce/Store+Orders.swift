public import CairnCore
import Foundation
public import SQLKit

extension Store {
    static let orderColumns = ["id", "workspace_id", "reference", "profile_id", "user_id", "email", "channel", "currency", "discount_minor", "tax_minor",
                               "shipping_minor", "total_minor", "status", "placed_at", "updated_at"]

    /// Stores a new order with its lines and first change, in one transaction. When the workspace already has an order
    /// with the same reference, nothing is written and that order is returned with `created == false`.
    public func insert(_ order: Order) async throws -> (order: Order, created: Bool) {
        let stored = try await transaction { tx in try await tx.insert(order) }
        if stored { return (order, true) }
        guard let existing = try await self.order(reference: order.reference, in: order.workspaceID) else {
            throw NotFoundError(kind: "order", id: order.reference)
        }
        return (existing, false)
    }

    public func order(id: OrderID, in workspace: WorkspaceID) async throws -> Order? {
        try await orders(where: { $0.where("id", .equal, id.rawValue) }, in: workspace).first
    }

    public func order(reference: String, in workspace: WorkspaceID) async throws -> Order? {
        try await orders(where: { $0.where("reference", .equal, reference) }, in: workspace).first
    }

    /// Orders by id (those the workspace has).
    public func orders(ids: [OrderID], in workspace: WorkspaceID) async throws -> [OrderID: Order] {
        guard !ids.isEmpty else { return [:] }
        let values = Array(Set(ids.map(\.rawValue)))
        return Dictionary(uniqueKeysWithValues: try await orders(where: { $0.where("id", .in, values) }, in: workspace).map { ($0.id, $0) })
    }

    /// The workspace's orders, newest first, optionally only one status or one customer's.
    public func orders(in workspace: WorkspaceID, status: Order.Status? = nil, profile: ProfileID? = nil, after cursor: Cursor?, limit: Int) async throws -> Page<Order> {
        let items = try await orders(where: { query in
            if let status { query.where("status", .equal, status.rawValue) }
            if let profile { query.where("profile_id", .equal, profile.rawValue) }
            Keyset.apply(query, sortColumn: "placed_at", cursor: cursor, direction: .descending, limit: limit)
        }, in: workspace)
        return Keyset.page(items, limit: limit) { Cursor(sortKey: $0.placedAt.storageMillis, id: $0.id.rawValue) }
    }

    private func orders(where narrow: @escaping @Sendable (SQLSelectBuilder) -> Void, in workspace: WorkspaceID) async throws -> [Order] {
        try await database.withConnection { sql in try await TransactionStore(sql: sql, engine: engine).orders(where: narrow, in: workspace) }
    }
}

extension TransactionStore {
    /// Orders the narrowed query selects, with their lines, changes and transactions (four statements however many orders).
    public func orders(where narrow: @escaping @Sendable (SQLSelectBuilder) -> Void, in workspace: WorkspaceID) async throws -> [Order] {
        let w = workspace.rawValue
        let query = sql.select().columns(Store.orderColumns).from("orders").where("workspace_id", .equal, w)
        narrow(query)
        var orders = try await query.all().map(Order.init(row:))
        guard !orders.isEmpty else { return [] }
        let ids = orders.map(\.id.rawValue)
        var lines: [String: [Order.Line]] = [:], changes: [String: [Order.Change]] = [:]
        for row in try await sql.select().columns("order_id", "product_id", "sku", "name", "quantity", "unit_price_minor", "discount_minor")
            .from("order_lines").where("workspace_id", .equal, w).where("order_id", .in, ids).orderBy("order_id").orderBy("position").all() {
            let orderID = try row.decode(column: "order_id", as: String.self)
            let currency = orders.first { $0.id.rawValue == orderID }?.currency ?? Currency(uncheckedCode: "XXX")
            lines[orderID, default: []].append(Order.Line(
                productID: ProductID(rawValue: try row.decode(column: "product_id", as: String.self)),
                sku: try row.decode(column: "sku", as: String.self), name: try row.decode(column: "name", as: String.self),
                quantity: try row.decode(column: "quantity", as: Int64.self),
                unitPrice: Money(minorUnits: try row.decode(column: "unit_price_minor", as: Int64.self), currency: currency),
                discount: Money(minorUnits: try row.decode(column: "discount_minor", as: Int64.self), currency: currency)))
        }
        for row in try await sql.select().columns("order_id", "status", "at", "actor").from("order_changes")
            .where("workspace_id", .equal, w).where("order_id", .in, ids).orderBy("order_id").orderBy("position").all() {
            changes[try row.decode(column: "order_id", as: String.self), default: []].append(Order.Change(
                status: Order.Status(rawValue: try row.decode(column: "status", as: String.self)) ?? .placed,
                at: Date(storageMillis: try row.decode(column: "at", as: Int64.self)), by: try row.decode(column: "actor", as: String.self)))
        }
        let transactions = try await self.transactions(of: orders.map(\.id), in: workspace)
        for index in orders.indices {
            orders[index].lines = lines[orders[index].id.rawValue] ?? []
            orders[index].changes = changes[orders[index].id.rawValue] ?? []
            orders[index].transactions = transactions[orders[index].id] ?? []
        }
        return orders
    }

    /// Stores a new order with its lines and changes; `false` (and nothing written) when the workspace already has an
    /// order with its reference.
    public func insert(_ order: Order) async throws -> Bool {
        let w = order.workspaceID.rawValue
        let inserted = try await sql.insert(into: "orders").columns(Store.orderColumns)
            .values(SQLBind(order.id.rawValue), SQLBind(w), SQLBind(order.reference), SQLBind(order.profileID?.rawValue), SQLBind(order.userID),
                    SQLBind(order.email), SQLBind(order.channel.rawValue), SQLBind(order.currency.code), SQLBind(order.discount.minorUnits),
                    SQLBind(order.tax.minorUnits), SQLBind(order.shipping.minorUnits), SQLBind(order.total.minorUnits), SQLBind(order.status.rawValue),
                    SQLBind(order.placedAt.storageMillis), SQLBind(order.updatedAt.storageMillis))
            .ignoringConflicts(with: ["workspace_id", "reference"]).returning("id").first()
        guard inserted != nil else { return false }
        try await insertLines(order.lines, of: order.id, in: w)
        if order.status != .cancelled {
            var rollup = UnitsSoldRollup()
            rollup.add(linesOf: order, sign: 1)
            try await rollup.write(to: sql)
        }
        for change in order.changes { try await append(change, to: order.id, in: order.workspaceID) }
        if let profile = order.profileID { try await CustomerFigures.refresh(sql, workspace: order.workspaceID, profiles: [profile]) }
        return true
    }

    /// Stores many new orders at once — each with its lines, changes and payments — in a few multi-row statements
    /// however many orders there are (an import, or a resolution batch's `Order Completed` events), and the units-sold
    /// roll-up and customer figures once for all. An order whose reference the workspace already has is left out
    /// (nothing of it written); returns the ids of the orders stored. Payments only: refunds and chargebacks go one by
    /// one through ``insert(_:in:)``, which shares them over the lines in the roll-up.
    public func insert(newOrders orders: [Order], payments: [OrderTransaction]) async throws -> Set<OrderID> {
        guard let workspace = orders.first?.workspaceID else { return [] }
        precondition(orders.allSatisfy { $0.workspaceID == workspace }, "one workspace at a time")
        let w = workspace.rawValue
        var stored = Set<OrderID>()
        for part in orders.chunked(into: 300) {
            let insert = sql.insert(into: "orders").columns(Store.orderColumns)
            for order in part {
                insert.values(SQLBind(order.id.rawValue), SQLBind(w), SQLBind(order.reference), SQLBind(order.profileID?.rawValue), SQLBind(order.userID),
                              SQLBind(order.email), SQLBind(order.channel.rawValue), SQLBind(order.currency.code), SQLBind(order.discount.minorUnits),
                              SQLBind(order.tax.minorUnits), SQLBind(order.shipping.minorUnits), SQLBind(order.total.minorUnits), SQLBind(order.status.rawValue),
                              SQLBind(order.placedAt.storageMillis), SQLBind(order.updatedAt.storageMillis))
            }
            for row in try await insert.ignoringConflicts(with: ["workspace_id", "reference"]).returning("id").all() {
                stored.insert(OrderID(rawValue: try row.decode(column: "id", as: String.self)))
            }
        }
        let kept = orders.filter { stored.contains($0.id) }
        guard !kept.isEmpty else { return [] }
        let lines = kept.flatMap { order in order.lines.enumerated().map { (order.id, $0.offset, $0.element) } }
        for part in lines.chunked(into: 1000) {
            let insert = sql.insert(into: "order_lines")
                .columns("workspace_id", "order_id", "position", "product_id", "sku", "name", "quantity", "unit_price_minor", "discount_minor")
            for (order, position, line) in part {
                insert.values(SQLBind(w), SQLBind(order.rawValue), SQLBind(Int64(position)), SQLBind(line.productID.rawValue), SQLBind(line.sku),
                              SQLBind(line.name), SQLBind(line.quantity), SQLBind(line.unitPrice.minorUnits), SQLBind(line.discount.minorUnits))
            }
            try await insert.run()
        }
        let changes = kept.flatMap { order in order.changes.enumerated().map { (order.id, $0.offset, $0.element) } }
        for part in changes.chunked(into: 1000) {
            let insert = sql.insert(into: "order_changes").columns("workspace_id", "order_id", "position", "status", "at", "actor")
            for (order, position, change) in part {
                insert.values(SQLBind(w), SQLBind(order.rawValue), SQLBind(Int64(position)), SQLBind(change.status.rawValue), SQLBind(change.at.storageMillis), SQLBind(change.by))
            }
            try await insert.run()
        }
        let paid = payments.filter { stored.contains($0.orderID) }
        precondition(paid.allSatisfy { $0.kind == .payment }, "payments only: refunds change the roll-up")
        for part in paid.chunked(into: 500) {
            let insert = sql.insert(into: "order_transactions")
                .columns("id", "workspace_id", "order_id", "kind", "amount_minor", "currency", "method", "provider_reference", "status", "at", "actor")
            for transaction in part {
                insert.values(SQLBind(transaction.id.rawValue), SQLBind(w), SQLBind(transaction.orderID.rawValue), SQLBind(transaction.kind.rawValue),
                              SQLBind(transaction.amount.minorUnits), SQLBind(transaction.amount.currency.code), SQLBind(transaction.method),
                              SQLBind(transaction.providerReference), SQLBind(transaction.status.rawValue), SQLBind(transaction.at.storageMillis), SQLBind(transaction.by))
            }
            try await insert.run()
        }
        var rollup = UnitsSoldRollup()
        for order in kept where order.status != .cancelled { rollup.add(linesOf: order, sign: 1) }
        try await rollup.write(to: sql)
        try await CustomerFigures.refresh(sql, workspace: workspace, profiles: kept.compactMap(\.profileID))
        return stored
    }

    /// An order's lines, numbered from 0 in their order, as one multi-row insert.
    func insertLines(_ lines: [Order.Line], of order: OrderID, in workspace: String) async throws {
        guard !lines.isEmpty else { return }
        let insert = sql.insert(into: "order_lines")
            .columns("workspace_id", "order_id", "position", "product_id", "sku", "name", "quantity", "unit_price_minor", "discount_minor")
        for (position, line) in lines.enumerated() {
            insert.values(SQLBind(workspace), SQLBind(order.rawValue), SQLBind(Int64(position)), SQLBind(line.productID.rawValue), SQLBind(line.sku),
                          SQLBind(line.name), SQLBind(line.quantity), SQLBind(line.unitPrice.minorUnits), SQLBind(line.discount.minorUnits))
        }
        try await insert.run()
    }

    /// Replaces an order's lines and amounts (an `Order Updated` event): the old lines leave the units-sold roll-up and
    /// the new ones join it, with what was given back shared over the new lines.
    public func rewrite(_ order: Order, as updated: Order) async throws {
        let w = order.workspaceID.rawValue
        var rollup = UnitsSoldRollup()
        if order.status != .cancelled {
            let givenBack = UnitsSoldRollup.givenBack(order.transactions)
            rollup.add(linesOf: order, sign: -1)
            rollup.add(refunded: givenBack, of: order, sign: -1)
            rollup.add(linesOf: updated, sign: 1)
            rollup.add(refunded: givenBack, of: updated, sign: 1)
        }
        try await sql.delete(from: "order_lines").where("workspace_id", .equal, w).where("order_id", .equal, order.id.rawValue).run()
        try await insertLines(updated.lines, of: order.id, in: w)
        try await sql.update("orders").set("discount_minor", to: updated.discount.minorUnits).set("tax_minor", to: updated.tax.minorUnits)
            .set("shipping_minor", to: updated.shipping.minorUnits).set("total_minor", to: updated.total.minorUnits).set("updated_at", to: updated.updatedAt.storageMillis)
            .where("workspace_id", .equal, w).where("id", .equal, order.id.rawValue).run()
        try await rollup.write(to: sql)
        try await refreshCustomerFigures(of: [order.id], in: order.workspaceID)
    }

    /// The workspace's order with this reference (lines, changes and transactions included).
    public func order(reference: String, in workspace: WorkspaceID) async throws -> Order? {
        try await orders(where: { $0.where("reference", .equal, reference) }, in: workspace).first
    }

    /// Transactions of orders, oldest first.
    public func transactions(of orders: [OrderID], in workspace: WorkspaceID) async throws -> [OrderID: [OrderTransaction]] {
        var result: [OrderID: [OrderTransaction]] = [:]
        for part in orders.map(\.rawValue).chunked(into: 400) {
            for row in try await sql.select().columns("id", "order_id", "kind", "amount_minor", "currency", "method", "provider_reference", "status", "at", "actor")
                .from("order_transactions").where("workspace_id", .equal, workspace.rawValue).where("order_id", .in, Array(part))
                .orderBy("at").orderBy("id").all() {
                let order = OrderID(rawValue: try row.decode(column: "order_id", as: String.self))
                result[order, default: []].append(OrderTransaction(
                    id: TransactionID(rawValue: try row.decode(column: "id", as: String.self)), orderID: order,
                    kind: OrderTransaction.Kind(rawValue: try row.decode(column: "kind", as: String.self)) ?? .payment,
                    amount: Money(minorUnits: try row.decode(column: "amount_minor", as: Int64.self), currency: Currency(uncheckedCode: try row.decode(column: "currency", as: String.self))),
                    method: try row.decode(column: "method", as: String?.self), providerReference: try row.decode(column: "provider_reference", as: String?.self),
                    status: OrderTransaction.Status(rawValue: try row.decode(column: "status", as: String.self)) ?? .pending,
                    at: Date(storageMillis: try row.decode(column: "at", as: Int64.self)), by: try row.decode(column: "actor", as: String.self)))
            }
        }
        return result
    }

    public func insert(_ transaction: OrderTransaction, in workspace: WorkspaceID) async throws {
        try await sql.insert(into: "order_transactions")
            .columns("id", "workspace_id", "order_id", "kind", "amount_minor", "currency", "method", "provider_reference", "status", "at", "actor")
            .values(SQLBind(transaction.id.rawValue), SQLBind(workspace.rawValue), SQLBind(transaction.orderID.rawValue), SQLBind(transaction.kind.rawValue),
                    SQLBind(transaction.amount.minorUnits), SQLBind(transaction.amount.currency.code), SQLBind(transaction.method),
                    SQLBind(transaction.providerReference), SQLBind(transaction.status.rawValue), SQLBind(transaction.at.storageMillis), SQLBind(transaction.by))
            .run()
        try await rollUpRefund(transaction, in: workspace)
        if transaction.kind != .payment { try await refreshCustomerFigures(of: [transaction.orderID], in: workspace) }
    }

    /// One order read inside the transaction (lines, changes and transactions included).
    public func order(_ id: OrderID, in workspace: WorkspaceID) async throws -> Order? {
        try await orders(where: { $0.where("id", .equal, id.rawValue) }, in: workspace).first
    }

    /// Moves an order to a status and records the change.
    public func setStatus(of order: OrderID, to change: Order.Change, in workspace: WorkspaceID) async throws {
        if change.status == .cancelled { try await rollUpCancellation(of: order, in: workspace) }
        try await sql.update("orders").set("status", to: change.status.rawValue).set("updated_at", to: change.at.storageMillis)
            .where("workspace_id", .equal, workspace.rawValue).where("id", .equal, order.rawValue).run()
        try await append(change, to: order, in: workspace)
        if change.status == .cancelled { try await refreshCustomerFigures(of: [order], in: workspace) }
    }

    /// The order's status as stored now (read inside the transaction that changes it).
    public func status(of order: OrderID, in workspace: WorkspaceID) async throws -> Order.Status? {
        try await sql.select().column("status").from("orders").where("workspace_id", .equal, workspace.rawValue).where("id", .equal, order.rawValue)
            .first().flatMap { Order.Status(rawValue: try $0.decode(column: "status", as: String.self)) }
    }

    /// The position the next row of a history table (`order_changes`, `shipment_updates`) takes under its parent.
    func nextPosition(in table: String, parent column: String, _ id: String, in workspace: WorkspaceID) async throws -> Int64 {
        try await sql.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from(table)
            .where("workspace_id", .equal, workspace.rawValue).where(column, .equal, id).first()?.decode(column: "n", as: Int64.self) ?? 0
    }

    func append(_ change: Order.Change, to order: OrderID, in workspace: WorkspaceID) async throws {
        let next = try await nextPosition(in: "order_changes", parent: "order_id", order.rawValue, in: workspace)
        try await sql.insert(into: "order_changes").columns("workspace_id", "order_id", "position", "status", "at", "actor")
            .values(SQLBind(workspace.rawValue), SQLBind(order.rawValue), SQLBind(next), SQLBind(change.status.rawValue), SQLBind(change.at.storageMillis),
                    SQLBind(change.by))
            .run()
    }
}

extension Order {
    init(row: any SQLRow) throws {
        let currency = Currency(uncheckedCode: try row.decode(column: "currency", as: String.self))
        func money(_ column: String) throws -> Money { Money(minorUnits: try row.decode(column: column, as: Int64.self), currency: currency) }
        self.init(id: OrderID(rawValue: try row.decode(column: "id", as: String.self)),
                  workspaceID: WorkspaceID(rawValue: try row.decode(column: "workspace_id", as: String.self)),
                  reference: try row.decode(column: "reference", as: String.self),
                  profileID: try row.decode(column: "profile_id", as: String?.self).map(ProfileID.init(rawValue:)),
                  userID: try row.decode(column: "user_id", as: String?.self), email: try row.decode(column: "email", as: String?.self),
                  channel: Channel(rawValue: try row.decode(column: "channel", as: String.self)), currency: currency, lines: [],
                  discount: try money("discount_minor"), tax: try money("tax_minor"), shipping: try money("shipping_minor"),
                  status: Order.Status(rawValue: try row.decode(column: "status", as: String.self)) ?? .placed,
                  placedAt: Date(storageMillis: try row.decode(column: "placed_at", as: Int64.self)),
                  updatedAt: Date(storageMillis: try row.decode(column: "updated_at", as: Int64.self)), changes: [])
    }
}

extension TransactionStore {
    /// Which of these references the workspace's orders already use.
    public func existingReferences(_ references: some Collection<String>, in workspace: WorkspaceID) async throws -> Set<String> {
        var found: Set<String> = []
        for part in Array(references).chunked(into: 500) {
            for row in try await sql.select().column("reference").from("orders").where("workspace_id", .equal, workspace.rawValue)
                .where("reference", .in, Array(part)).all() {
                found.insert(try row.decode(column: "reference", as: String.self))
            }
        }
        return found
    }

}
