public import CairnCore
public import CairnStore
import Foundation

/// A record of an import file that was left out, with the reason (the column and the fix).
public struct ImportRejection: Sendable, Hashable {
    public var line: Int
    public var reason: String

    public init(line: Int, reason: String) {
        self.line = line
        self.reason = reason
    }
}

/// Imports order history from CSV: one row per order line, the rows of one order next to each other. Each order is
/// checked as the orders API checks it (known products and channel, whole positive quantities, money in the order's
/// currency with no more decimals than it has, discounts no larger than what they discount); an order with any
/// problem is left out whole, every one of its rows rejected with the reason, and the rest go on. An order whose
/// `order_id` the workspace already has is skipped, so importing a file twice stores nothing twice. Orders are
/// stored in batches, each in one transaction. Needs `commerce.write`.
public struct OrderImporter: Sendable {
    /// The columns, in the order the documentation lists them. `order_id`, `currency`, `sku` and `quantity` are needed.
    public static let columns = ["order_id", "placed_at", "currency", "channel", "status", "user_id", "email", "anonymous_id", "sku", "quantity",
                                 "unit_price", "line_discount", "discount", "tax", "shipping", "payment_method", "payment_reference"]
    public static let requiredColumns = ["order_id", "currency", "sku", "quantity"]
    /// Columns that describe the whole order: read from its first row; later rows may leave them empty or repeat them.
    static let orderColumns = ["placed_at", "currency", "channel", "status", "user_id", "email", "anonymous_id", "discount", "tax", "shipping",
                               "payment_method", "payment_reference"]
    /// The statuses an imported order may have; paid and beyond record a payment of its total.
    public static let statuses: [Order.Status] = [.placed, .paid, .fulfilled, .delivered, .cancelled]

    let store: Store
    public let principal: Principal
    public let clock: DateSource
    /// Who the orders' changes and payments are recorded as made by.
    public let actor: String

    public init(store: Store, principal: Principal, clock: DateSource = .system, actor: String = "import") {
        self.store = store
        self.principal = principal
        self.clock = clock
        self.actor = actor
    }

    /// One row of the file: where it is and its values by column name (empty cells left out).
    public struct Row: Sendable {
        public var line: Int
        public var values: [String: String]

        public init(line: Int, values: [String: String]) {
            self.line = line
            self.values = values
        }
    }

    /// The rows of one order.
    public struct OrderRows: Sendable {
        public var reference: String
        public var rows: [Row]

        public init(reference: String, rows: [Row]) {
            self.reference = reference
            self.rows = rows
        }
    }

    public struct Outcome: Sendable, Hashable {
        public var orders = 0
        public var lines = 0
        /// Orders whose `order_id` the workspace already had.
        public var duplicates = 0
        public var rejections: [ImportRejection] = []

        public init() {}

        public mutating func add(_ other: Outcome) {
            orders += other.orders
            lines += other.lines
            duplicates += other.duplicates
            rejections += other.rejections
        }
    }

    /// What the importer learns once and keeps between batches: the catalogue by SKU and the workspace's channels.
    public struct Memory: Sendable {
        var products: [String: Product] = [:]
        var channels: Set<Channel>?

        public init() {}
    }

    /// Checks and stores a batch of orders in one transaction.
    public func importBatch(_ batch: [OrderRows], memory: inout Memory) async throws -> Outcome {
        try principal.require(.commerceWrite)
        let workspace = principal.workspaceID
        var outcome = Outcome()
        if memory.channels == nil {
            memory.channels = Set(Channel.builtIn).union(try await store.definedChannels(in: workspace).map(\.name))
        }
        let unknown = Set(batch.flatMap { $0.rows.compactMap { $0.values["sku"] } }).subtracting(memory.products.keys)
        if !unknown.isEmpty {
            for (sku, product) in try await store.products(skus: Array(unknown), in: workspace) { memory.products[sku] = product }
        }
        let now = clock.now()
        var orders: [Order] = [], payments: [OrderTransaction] = []
        var customers: [Int: [Identifier]] = [:]
        for rows in batch {
            switch check(rows, memory: memory, now: now) {
            case .failure(let rejection):
                outcome.rejections += rows.rows.map { ImportRejection(line: $0.line, reason: rejection.text) }
            case .success(let checked):
                customers[orders.count] = checked.identifiers
                orders.append(checked.order)
                if let payment = checked.payment { payments.append(payment) }
            }
        }
        guard !orders.isEmpty else { return outcome }
        let owners = try await store.owners(of: Set(customers.values.flatMap { $0 }), in: workspace)
        for (index, identifiers) in customers {
            orders[index].profileID = identifiers.lazy.compactMap { owners[$0] }.first
        }
        let checked = orders, paid = payments
        @Sendable func save(_ tx: TransactionStore) async throws -> [Order] {
            let taken = try await tx.existingReferences(checked.map(\.reference), in: workspace)
            let fresh = checked.filter { !taken.contains($0.reference) }
            let freshIDs = Set(fresh.map(\.id))
            let stored = try await tx.insert(newOrders: fresh, payments: paid.filter { freshIDs.contains($0.orderID) })
            return fresh.filter { stored.contains($0.id) }
        }
        let fresh: [Order]
        do {
            fresh = try await store.transaction(save)
        } catch {
            // An order id someone else took meanwhile (the API, an event) is left out by the insert itself; a
            // transaction that failed otherwise is undone whole and tried once more.
            fresh = try await store.transaction(save)
        }
        outcome.orders = fresh.count
        outcome.lines = fresh.reduce(0) { $0 + $1.lines.count }
        outcome.duplicates = checked.count - fresh.count
        return outcome
    }

    /// Why an order is left out: the column and the fix.
    struct Reason: Error, ExpressibleByStringInterpolation {
        var text: String

        init(text: String) { self.text = text }
        init(stringLiteral value: String) { text = value }
        init(stringInterpolation: DefaultStringInterpolation) { text = String(stringInterpolation: stringInterpolation) }
    }

    struct Checked {
        var order: Order
        var payment: OrderTransaction?
        var identifiers: [Identifier]
    }

    /// One order from its rows, or the reason it is left out (the column and the fix).
    func check(_ input: OrderRows, memory: Memory, now: Date) -> Result<Checked, Reason> {
        guard let first = input.rows.first else { return .failure("order_id: the order has no rows.") }
        let reference = input.reference.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reference.isEmpty, reference.count <= 100 else { return .failure("order_id: use an order id of 1 to 100 characters.") }
        guard input.rows.count <= 1_000 else { return .failure("order_id: an order has at most 1000 lines; order \(reference) has \(input.rows.count).") }
        // Order-level columns: the first row's, and no later row may say otherwise.
        for row in input.rows.dropFirst() {
            for column in Self.orderColumns {
                if let value = row.values[column], value != first.values[column] {
                    return .failure("\(column): line \(row.line) says \(value) but the order's first row (line \(first.line)) says \(first.values[column] ?? "nothing"); the rows of one order must agree.")
                }
            }
        }
        let order = first.values
        guard let currencyText = order["currency"] else { return .failure("currency: give the order's currency as an ISO 4217 code, e.g. EUR.") }
        let currency: Currency
        do { currency = try Currency(validating: currencyText, field: "currency") } catch { return .failure(Reason(text: error.summary)) }
        let channel: Channel
        do { channel = try Channel.validate(order["channel"] ?? "web", field: "channel") } catch { return .failure(Reason(text: error.summary)) }
        guard memory.channels?.contains(channel) ?? false else {
            return .failure("channel: \(channel) is not a channel of this workspace. Use a built-in channel or define it first (PUT /api/v1/channels/\(channel)).")
        }
        var placedAt = now
        if let text = order["placed_at"] {
            guard let date = Timestamp.parse(text) ?? Timestamp.parse(text + "T00:00:00Z") else {
                return .failure("placed_at: use ISO 8601, e.g. 2026-11-23T10:15:00Z or 2026-11-23.")
            }
            placedAt = date
        }
        let status = order["status"].map { Order.Status(rawValue: $0.lowercased()) } ?? .placed
        guard let status, Self.statuses.contains(status) else {
            return .failure("status: use \(Self.statuses.map(\.rawValue).joined(separator: ", ")) (refunds are recorded as transactions, not imported).")
        }
        var identifiers: [Identifier] = []
        if let text = order["user_id"] {
            guard let id = Identifier.normalised(kind: .userID, text) else { return .failure("user_id: use at most 255 characters.") }
            identifiers.append(id)
        }
        var email: String?
        if let text = order["email"] {
            guard let id = Identifier.normalised(kind: .email, text) else { return .failure("email: use an address like ada@example.com, or leave the cell empty.") }
            identifiers.append(id)
            email = id.value
        }
        if let text = order["anonymous_id"] {
            guard let id = Identifier.normalised(kind: .anonymousID, text) else { return .failure("anonymous_id: use at most 255 characters.") }
            identifiers.append(id)
        }
        func money(_ column: String, _ text: String?) -> Result<Money, Reason> {
            guard let text else { return .success(.zero(currency)) }
            do {
                let amount = try Money(parsing: text, currency: currency, field: column)
                return amount.minorUnits < 0 ? .failure("\(column): amounts on an order cannot be negative.") : .success(amount)
            } catch {
                return .failure(Reason(text: error.summary))
            }
        }
        var lines: [Order.Line] = []
        for row in input.rows {
            let at = "line \(row.line): "
            guard let sku = row.values["sku"] else { return .failure(Reason(text: at + "sku: name the product by its SKU.")) }
            guard let product = memory.products[sku] else {
                return .failure(Reason(text: at + "sku: no product has the SKU \(sku); add it first (cairn import products, or POST /api/v1/products)."))
            }
            guard let quantityText = row.values["quantity"], let quantity = Int64(quantityText), (1...1_000_000).contains(quantity) else {
                return .failure(Reason(text: at + "quantity: a whole number from 1 to 1000000."))
            }
            let unitPrice: Money
            if let text = row.values["unit_price"] {
                switch money("unit_price", text) { case .success(let value): unitPrice = value; case .failure(let reason): return .failure(Reason(text: at + reason.text)) }
            } else if let list = product.price, list.currency == currency {
                unitPrice = list
            } else {
                return .failure(Reason(text: at + "unit_price: the product \(sku) has no list price in \(currency.code); give the unit price."))
            }
            let discount: Money
            switch money("line_discount", row.values["line_discount"]) { case .success(let value): discount = value; case .failure(let reason): return .failure(Reason(text: at + reason.text)) }
            guard let gross = unitPrice.times(quantity), gross.minorUnits <= Money.largestMinorUnits else {
                return .failure(Reason(text: at + "quantity: the line's unit price times its quantity is too large."))
            }
            guard discount.minorUnits <= gross.minorUnits else { return .failure(Reason(text: at + "line_discount: a line's discount cannot exceed its price times its quantity.")) }
            lines.append(Order.Line(productID: product.id, sku: product.sku, name: product.name, quantity: quantity, unitPrice: unitPrice, discount: discount))
        }
        var amounts: [Money] = []
        for column in ["discount", "tax", "shipping"] {
            switch money(column, order[column]) { case .success(let value): amounts.append(value); case .failure(let reason): return .failure(reason) }
        }
        let id = OrderID.generate()
        var changes = [Order.Change(status: .placed, at: placedAt, by: actor)]
        let path: [Order.Status] = switch status {
        case .paid: [.paid]
        case .fulfilled: [.paid, .fulfilled]
        case .delivered: [.paid, .fulfilled, .delivered]
        case .cancelled: [.cancelled]
        default: []
        }
        changes += path.map { Order.Change(status: $0, at: placedAt, by: actor) }
        let built = Order(id: id, workspaceID: principal.workspaceID, reference: reference, profileID: nil, userID: identifiers.first { $0.kind == .userID }?.value,
                          email: email, channel: channel, currency: currency, lines: lines, discount: amounts[0], tax: amounts[1], shipping: amounts[2],
                          status: status, placedAt: placedAt, updatedAt: now, changes: changes)
        guard lines.reduce(Int64(0), { $0 + $1.total.minorUnits }) <= Money.largestMinorUnits, built.total.minorUnits <= Money.largestMinorUnits else {
            return .failure("quantity: the order's lines add up to more than Cairn records in one order.")
        }
        guard built.total.minorUnits >= 0 else { return .failure("discount: the order's discount cannot exceed its lines plus tax and shipping.") }
        var payment: OrderTransaction?
        if path.contains(.paid), built.total.minorUnits > 0 {
            payment = OrderTransaction(id: .generate(), orderID: id, kind: .payment, amount: built.total, method: order["payment_method"].map { String($0.prefix(50)) },
                                       providerReference: order["payment_reference"].map { String($0.prefix(200)) }, status: .succeeded, at: placedAt, by: actor)
        }
        return .success(Checked(order: built, payment: payment, identifiers: identifiers))
    }
}
