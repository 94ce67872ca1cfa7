public import CairnCore
public import CairnStore
public import Foundation

/// Orders from the events of the Segment E-commerce v2 spec: `Order Completed`, `Order Updated`, `Order Cancelled`,
/// `Order Refunded`. They meet orders taken through the API in one record: the `order_id` property is the order's
/// reference, so the same order from both paths is one order.
///
/// Runs inside identity resolution's transaction, once per event, with the profile the event was tied to. The events
/// were accepted already, so nothing is refused here: a missing `order_id` leaves the event without an order; amounts
/// are rounded half to even to the currency's minor unit in decimal arithmetic; products not in the catalogue are
/// added from the event (origin `event`).
public enum CommerceEvents {
    public static let names: Set<String> = ["Order Completed", "Order Updated", "Order Cancelled", "Order Refunded",
                                            "Order Shipped", "Delivery Status Updated", "Order Delivered"]
    static let deliveryNames: Set<String> = ["Order Shipped", "Delivery Status Updated", "Order Delivered"]

    static func text(_ value: JSONValue?) -> String? {
        switch value {
        case .string(let text)?: let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines); return trimmed.isEmpty ? nil : trimmed
        case .integer(let number)?: return String(number)
        default: return nil
        }
    }

    public static func apply(_ event: Event, profile: ProfileID?, tx: TransactionStore, now: Date) async throws {
        guard let name = event.name, names.contains(name), let properties = event.payload["properties"],
              let reference = text(properties["order_id"]), reference.count <= 100 else { return }
        let workspace = event.workspaceID
        let actor = "event:\(event.id)"
        let at = event.timestamp
        if deliveryNames.contains(name) {
            try await delivery(name, properties: properties, reference: reference, at: at, by: actor, workspace: workspace, tx: tx)
            return
        }
        if let order = try await tx.order(reference: reference, in: workspace) {
            switch name {
            case "Order Completed" where order.status == .placed:
                // Completed means paid: what was due is recorded as paid by the event.
                try await Orders.markPaid(order, at: at, by: actor, tx: tx)
            case "Order Cancelled" where order.status.next.contains(.cancelled):
                try await tx.setStatus(of: order.id, to: Order.Change(status: .cancelled, at: at, by: actor), in: workspace)
            case "Order Refunded":
                try await refund(order, properties: properties, at: at, by: actor, tx: tx)
            case "Order Updated" where [.placed, .paid].contains(order.status):
                try await update(order, properties: properties, now: now, tx: tx)
            default:
                break
            }
            return
        }
        // A new order, built from the event.
        let currency = orderCurrency(properties)
        let lines = try await lines(from: properties, currency: currency, in: workspace, tx: tx, now: now)
        var (order, payment) = newOrder(from: event, name: name, reference: reference, profile: profile, lines: lines, now: now)
        guard try await tx.insert(order) else { return }
        if let payment {
            try await tx.insert(payment, in: workspace)
            order.transactions.append(payment)
        }
        if name == "Order Refunded" { try await refund(order, properties: properties, at: at, by: actor, tx: tx) }
    }

    /// Applies many events at once where each is an `Order Completed` for an order the workspace does not have yet and
    /// no other event of the batch names (most of a shop's traffic): a few statements for the whole batch instead of a
    /// dozen per order. Returns the events it did not take, to be applied one by one with ``apply(_:profile:tx:now:)``.
    public static func applyNewOrders(_ events: [(event: Event, profile: ProfileID?)], in workspace: WorkspaceID, tx: TransactionStore, now: Date) async throws -> [(event: Event, profile: ProfileID?)] {
        func reference(_ event: Event) -> String? {
            guard let name = event.name, names.contains(name), let reference = text(event.payload["properties"]?["order_id"]), reference.count <= 100 else { return nil }
            return reference
        }
        var mentioned: [String: Int] = [:]
        for (event, _) in events { if let reference = reference(event) { mentioned[reference, default: 0] += 1 } }
        let candidates = events.filter { $0.event.name == "Order Completed" && reference($0.event).map { mentioned[$0] == 1 } == true }
        guard candidates.count > 1 else { return events }
        let existing = try await tx.existingReferences(candidates.compactMap { reference($0.event) }, in: workspace)
        let taken = candidates.filter { !existing.contains(reference($0.event)!) }
        guard !taken.isEmpty else { return events }
        // One catalogue for the whole batch; products new to it are added (origin `event`).
        let mentions = taken.map { orderMentions(in: $0.event.payload["properties"]!, currency: orderCurrency($0.event.payload["properties"]!)) }
        var catalogue = try await tx.products(skus: Array(Set(mentions.joined().map(\.sku))), in: workspace)
        for mention in mentions.joined() where catalogue[mention.sku] == nil {
            let product = Product(id: .generate(), workspaceID: workspace, sku: mention.sku, name: mention.name, category: mention.category, kind: .product,
                                  price: mention.price, origin: .event, createdAt: now, updatedAt: now)
            if try await tx.insert(product) { catalogue[mention.sku] = product }
        }
        var orders: [Order] = [], payments: [OrderTransaction] = []
        for ((event, profile), mentions) in zip(taken, mentions) {
            let currency = orderCurrency(event.payload["properties"]!)
            let (order, payment) = newOrder(from: event, name: "Order Completed", reference: reference(event)!, profile: profile,
                                            lines: orderLines(mentions, catalogue: catalogue, currency: currency), now: now)
            orders.append(order)
            if let payment { payments.append(payment) }
        }
        _ = try await tx.insert(newOrders: orders, payments: payments)
        let done = Set(taken.map(\.event.id))
        return events.filter { !done.contains($0.event.id) }
    }

    static func orderCurrency(_ properties: JSONValue) -> Currency {
        text(properties["currency"]).flatMap { try? Currency(validating: $0) } ?? Currency(uncheckedCode: "USD")
    }

    /// The order an event makes (not stored), with its payment when the event says it was paid.
    static func newOrder(from event: Event, name: String, reference: String, profile: ProfileID?, lines: [Order.Line], now: Date) -> (Order, OrderTransaction?) {
        let properties = event.payload["properties"] ?? .object([:])
        let currency = orderCurrency(properties)
        let actor = "event:\(event.id)"
        let at = event.timestamp
        let orderAmount = { (key: String) in amount(key, in: properties, currency: currency) ?? .zero(currency) }
        let tax = orderAmount("tax"), shipping = orderAmount("shipping")
        let subtotal = lines.reduce(Money.zero(currency)) { $0 + $1.total }
        // A discount larger than everything else would make a negative order: it is held at the order's value.
        let discount = Money(minorUnits: min(orderAmount("discount").minorUnits, (subtotal + tax + shipping).minorUnits), currency: currency)
        var changes = [Order.Change(status: .placed, at: at, by: actor)]
        switch name {
        case "Order Completed", "Order Refunded": changes.append(Order.Change(status: .paid, at: at, by: actor))
        case "Order Cancelled": changes.append(Order.Change(status: .cancelled, at: at, by: actor))
        default: break
        }
        let email = text(event.payload["context"]?["traits"]?["email"]).flatMap { Identifier.normalised(kind: .email, $0)?.value }
        let order = Order(id: .generate(), workspaceID: event.workspaceID, reference: reference, profileID: profile, userID: event.userID, email: email,
                          channel: event.channel, currency: currency, lines: lines, discount: discount, tax: tax, shipping: shipping,
                          status: changes.last!.status, placedAt: at, updatedAt: now, changes: changes)
        guard order.status == .paid, order.total.minorUnits > 0 else { return (order, nil) }
        return (order, OrderTransaction(id: .generate(), orderID: order.id, kind: .payment, amount: order.total, method: nil, providerReference: nil,
                                        status: .succeeded, at: at, by: actor))
    }

    /// An amount of the event's properties, rounded half to even to the currency's minor unit; negative amounts count
    /// as their size.
    static func amount(_ key: String, in properties: JSONValue, currency: Currency) -> Money? {
        properties[key].flatMap { Money(rounding: $0, currency: currency) }.map { $0.minorUnits < 0 ? Money(minorUnits: -$0.minorUnits, currency: currency) : $0 }
    }

    /// A product an event's `products[]` names.
    struct Mention { var sku: String; var name: String; var category: String?; var price: Money?; var quantity: Int64 }

    static func orderMentions(in properties: JSONValue, currency: Currency) -> [Mention] {
        var mentions: [Mention] = []
        if case .array(let items)? = properties["products"] {
            for item in items.prefix(1_000) {
                guard let sku = text(item["sku"]) ?? text(item["product_id"]), sku.count <= 64 else { continue }
                let quantity: Int64 = if case .integer(let whole)? = item["quantity"], whole > 0, whole <= 1_000_000 { whole } else { 1 }
                mentions.append(Mention(sku: sku, name: String((text(item["name"]) ?? sku).prefix(200)), category: text(item["category"]).map { String($0.prefix(100)) },
                                        price: item["price"].flatMap { Money(rounding: $0, currency: currency) }.flatMap { $0.minorUnits >= 0 ? $0 : nil },
                                        quantity: quantity))
            }
        }
        return mentions
    }

    /// The order lines of the mentioned products the catalogue has. A line too large to be an order line is left out
    /// rather than overflowing.
    static func orderLines(_ mentions: [Mention], catalogue: [String: Product], currency: Currency) -> [Order.Line] {
        mentions.compactMap { mention -> Order.Line? in
            guard let product = catalogue[mention.sku] else { return nil }
            let unitPrice = mention.price ?? product.price.flatMap { $0.currency == currency ? $0 : nil } ?? .zero(currency)
            guard unitPrice.times(mention.quantity) != nil else { return nil }
            return Order.Line(productID: product.id, sku: product.sku, name: product.name, quantity: mention.quantity, unitPrice: unitPrice, discount: .zero(currency))
        }
    }

    /// The order lines of the event's `products[]`; products new to the catalogue are added (origin `event`).
    static func lines(from properties: JSONValue, currency: Currency, in workspace: WorkspaceID, tx: TransactionStore, now: Date) async throws -> [Order.Line] {
        let mentions = orderMentions(in: properties, currency: currency)
        var catalogue = try await tx.products(skus: mentions.map(\.sku), in: workspace)
        for mention in mentions where catalogue[mention.sku] == nil {
            let product = Product(id: .generate(), workspaceID: workspace, sku: mention.sku, name: mention.name, category: mention.category, kind: .product,
                                  price: mention.price, origin: .event, createdAt: now, updatedAt: now)
            if try await tx.insert(product) { catalogue[mention.sku] = product }
        }
        return orderLines(mentions, catalogue: catalogue, currency: currency)
    }

    /// `Order Updated` for an order not yet fulfilled: the event's `products[]` (when it has any) become the order's
    /// lines, and its `tax`, `shipping` and `discount` (those it has) replace the order's, in the order's currency. What
    /// was paid stays; the balance then shows what is due or was paid too much.
    static func update(_ order: Order, properties: JSONValue, now: Date, tx: TransactionStore) async throws {
        var updated = order
        let currency = order.currency
        if case .array(let items)? = properties["products"], !items.isEmpty {
            let lines = try await lines(from: properties, currency: currency, in: order.workspaceID, tx: tx, now: now)
            guard !lines.isEmpty else { return }
            updated.lines = lines
        }
        updated.tax = amount("tax", in: properties, currency: currency) ?? order.tax
        updated.shipping = amount("shipping", in: properties, currency: currency) ?? order.shipping
        let discount = amount("discount", in: properties, currency: currency) ?? order.discount
        updated.discount = Money(minorUnits: min(discount.minorUnits, (updated.subtotal + updated.tax + updated.shipping).minorUnits), currency: currency)
        guard updated.lines != order.lines || updated.tax != order.tax || updated.shipping != order.shipping || updated.discount != order.discount else { return }
        updated.updatedAt = now
        try await tx.rewrite(order, as: updated)
    }

    /// The delivery events (docs/commerce.md): `Order Shipped` adds a shipment (or moves the one with that tracking
    /// number), `Delivery Status Updated` records the carrier's status, `Order Delivered` marks it delivered. The
    /// shipment is the order's one with the event's `tracking_number`, else its latest; an event for an order Cairn
    /// does not know, or a step the shipment cannot take, changes nothing.
    static func delivery(_ name: String, properties: JSONValue, reference: String, at: Date, by actor: String, workspace: WorkspaceID, tx: TransactionStore) async throws {
        guard let order = try await tx.order(reference: reference, in: workspace), order.status != .cancelled else { return }
        let orderID = order.id
        let tracking = text(properties["tracking_number"]).map { String($0.prefix(100)) }
        let status: Shipment.Status? = switch name {
        case "Order Shipped": .shipped
        case "Order Delivered": .delivered
        default: text(properties["status"]).flatMap(Shipment.Status.init(rawValue:))
        }
        guard let status else { return }
        let shipments = try await tx.shipments(ofOrder: orderID, in: workspace)
        let existing = tracking.flatMap { number in shipments.last { $0.trackingNumber == number } } ?? (tracking == nil ? shipments.last : nil)
        if let shipment = existing {
            guard shipment.status.next.contains(status) else { return }
            try await tx.append(Shipment.Update(status: status, at: at, by: actor, note: text(properties["location"]).map { String($0.prefix(500)) }), to: shipment.id, in: workspace)
        } else {
            let carrier = String((text(properties["carrier"]) ?? "unknown").prefix(100))
            let promised = text(properties["promised_at"]).flatMap(Timestamp.parse)
            try await tx.insert(Shipment(id: .generate(), workspaceID: workspace, orderID: orderID, carrier: carrier, trackingNumber: tracking, promisedAt: promised,
                                         status: status, createdAt: at, updatedAt: at, updates: [Shipment.Update(status: status, at: at, by: actor, note: nil)]))
        }
        try await Deliveries.follow(status, order: orderID, in: workspace, at: at, by: actor, tx: tx)
    }

    /// A refund from an event: `total` when it is given (at most what can still be given back), else everything paid.
    static func refund(_ order: Order, properties: JSONValue, at: Date, by actor: String, tx: TransactionStore) async throws {
        let refundable = order.balance.refundable
        guard refundable.minorUnits > 0 else { return }
        let asked = properties["total"].flatMap { Money(rounding: $0, currency: order.currency) }.flatMap { $0.minorUnits > 0 ? $0 : nil }
        let amount = Money(minorUnits: min(asked?.minorUnits ?? refundable.minorUnits, refundable.minorUnits), currency: order.currency)
        let refund = OrderTransaction(id: .generate(), orderID: order.id, kind: .refund, amount: amount, method: nil, providerReference: nil,
                                      status: .succeeded, at: at, by: actor)
        try await tx.insert(refund, in: order.workspaceID)
        var updated = order
        updated.transactions.append(refund)
        try await Orders.settle(updated, at: at, by: actor, tx: tx)
    }
}
