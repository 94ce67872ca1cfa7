public import CairnCore
public import CairnStore
import Foundation

/// Taking orders and moving them through their life. Reading needs `commerce.read`, changing `commerce.write`.
public struct Orders: Sendable {
    let store: Store
    public let clock: DateSource

    public init(store: Store, clock: DateSource = .system) {
        self.store = store
        self.clock = clock
    }

    /// An order as a client sends it; every field is checked and every problem reported at once.
    public struct Input: Sendable {
        public struct Line: Sendable {
            public var sku: String?
            public var productID: String?
            public var quantity: JSONValue?
            /// Defaults to the product's list price when that is in the order's currency.
            public var unitPrice: JSONValue?
            public var discount: JSONValue?

            public init(sku: String? = nil, productID: String? = nil, quantity: JSONValue? = nil, unitPrice: JSONValue? = nil, discount: JSONValue? = nil) {
                self.sku = sku
                self.productID = productID
                self.quantity = quantity
                self.unitPrice = unitPrice
                self.discount = discount
            }
        }

        public var reference: String?
        public var userID: String?
        public var email: String?
        public var anonymousID: String?
        public var channel: String?
        public var currency: String?
        public var lines: [Line]?
        public var discount: JSONValue?
        public var tax: JSONValue?
        public var shipping: JSONValue?
        public var placedAt: String?

        public init(reference: String? = nil, userID: String? = nil, email: String? = nil, anonymousID: String? = nil, channel: String? = nil,
                    currency: String? = nil, lines: [Line]? = nil, discount: JSONValue? = nil, tax: JSONValue? = nil, shipping: JSONValue? = nil,
                    placedAt: String? = nil) {
            self.reference = reference
            self.userID = userID
            self.email = email
            self.anonymousID = anonymousID
            self.channel = channel
            self.currency = currency
            self.lines = lines
            self.discount = discount
            self.tax = tax
            self.shipping = shipping
            self.placedAt = placedAt
        }
    }

    /// Takes an order. The same reference twice is one order: the second call changes nothing and answers with the
    /// order as stored (`created == false`).
    public func place(_ input: Input, by principal: Principal) async throws -> (order: Order, created: Bool) {
        try principal.require(.commerceWrite)
        let workspace = principal.workspaceID
        var issues = ValidationCollector()
        let id = OrderID.generate()
        let reference = (input.reference ?? id.rawValue).trimmingCharacters(in: .whitespacesAndNewlines)
        if reference.isEmpty || reference.count > 100 {
            issues.add(FieldIssue(field: "orderId", issue: .invalid, hint: "Use your own order id of 1 to 100 characters, or leave it out for Cairn to make one."))
        }
        let channel = issues.check { () throws(ValidationError) in try Channel.validate(input.channel ?? "web", field: "channel") }
        let currency = issues.check { () throws(ValidationError) in
            guard let text = input.currency else {
                throw ValidationError(field: "currency", issue: .missing, hint: "Give the order's currency as an ISO 4217 code, e.g. EUR.")
            }
            return try Currency(validating: text)
        }
        var placedAt = clock.now()
        if let text = input.placedAt {
            if let date = Timestamp.parse(text) { placedAt = date } else {
                issues.add(FieldIssue(field: "placedAt", issue: .invalid, hint: "Use ISO 8601, e.g. 2026-11-23T10:15:00Z."))
            }
        }
        let email = input.email.map { Identifier.normalised(kind: .email, $0)?.value }
        if case .some(.none) = email { issues.add(FieldIssue(field: "email", issue: .invalid, hint: "Send an address like ada@example.com, or leave it out.")) }
        let lineInputs = input.lines ?? []
        if lineInputs.isEmpty { issues.add(FieldIssue(field: "lines", issue: .missing, hint: "An order needs at least one line: a product and a quantity.")) }
        if lineInputs.count > 1_000 { issues.add(FieldIssue(field: "lines", issue: .tooLong(limit: 1_000), hint: "Send at most 1000 lines per order.")) }

        // Every product the lines name, read at once.
        let skus = lineInputs.compactMap { $0.sku?.trimmingCharacters(in: .whitespacesAndNewlines) }
        let bySKU = try await store.products(skus: skus, in: workspace)
        let byID = try await store.products(ids: lineInputs.compactMap { $0.productID.flatMap(ProductID.init) }, in: workspace)
        var lines: [Order.Line] = []
        if let currency {
            func amount(_ value: JSONValue?, field: String, default fallback: Money? = nil) -> Money? {
                guard let value else { return fallback ?? .zero(currency) }
                guard let money = issues.check({ () throws(ValidationError) in try Money(json: value, currency: currency, field: field) }) else { return nil }
                if money.minorUnits < 0 { issues.add(FieldIssue(field: field, issue: .invalid, hint: "Amounts on an order cannot be negative.")); return nil }
                return money
            }
            for (index, line) in lineInputs.enumerated() {
                let field = "lines[\(index)]"
                let product: Product?
                if let idText = line.productID {
                    product = ProductID(idText).flatMap { byID[$0] }
                    if product == nil { issues.add(FieldIssue(field: "\(field).productId", issue: .unknownValue(allowed: []), hint: "No product with this id; see GET /api/v1/products.")) }
                } else if let sku = line.sku?.trimmingCharacters(in: .whitespacesAndNewlines), !sku.isEmpty {
                    product = bySKU[sku]
                    if product == nil { issues.add(FieldIssue(field: "\(field).sku", issue: .unknownValue(allowed: []), hint: "No product has the SKU \(sku); add it first with POST /api/v1/products.")) }
                } else {
                    product = nil
                    issues.add(FieldIssue(field: "\(field).sku", issue: .missing, hint: "Name the product by its sku (or productId)."))
                }
                var quantity: Int64?
                switch line.quantity {
                case .integer(let whole) where whole > 0 && whole <= 1_000_000: quantity = whole
                case .none: issues.add(FieldIssue(field: "\(field).quantity", issue: .missing, hint: "Give how many were ordered, a whole number above 0."))
                default: issues.add(FieldIssue(field: "\(field).quantity", issue: .invalid, hint: "Quantity is a whole number from 1 to 1000000."))
                }
                let listPrice = product?.price.flatMap { $0.currency == currency ? $0 : nil }
                if line.unitPrice == nil, product != nil, listPrice == nil {
                    issues.add(FieldIssue(field: "\(field).unitPrice", issue: .missing, hint: "The product has no list price in \(currency.code); send the unit price."))
                    continue
                }
                let unitPrice = amount(line.unitPrice, field: "\(field).unitPrice", default: listPrice)
                let discount = amount(line.discount, field: "\(field).discount")
                guard let product, let quantity, let unitPrice, let discount else { continue }
                guard let gross = unitPrice.times(quantity) else {
                    issues.add(FieldIssue(field: "\(field).quantity", issue: .invalid, hint: "The line's price times its quantity is too large."))
                    continue
                }
                if discount.minorUnits > gross.minorUnits {
                    issues.add(FieldIssue(field: "\(field).discount", issue: .invalid, hint: "A line's discount cannot exceed its price times its quantity."))
                    continue
                }
                lines.append(Order.Line(productID: product.id, sku: product.sku, name: product.name, quantity: quantity, unitPrice: unitPrice, discount: discount))
            }
            let discount = amount(input.discount, field: "discount"), tax = amount(input.tax, field: "tax"), shipping = amount(input.shipping, field: "shipping")
            try issues.throwIfAny()
            // Without issues every checked value is there.
            guard let channel, let discount, let tax, let shipping else { preconditionFailure("checked values missing without an issue") }
            try await Administration.requireKnownChannel(channel, field: "channel", in: workspace, store: store)
            let now = clock.now()
            var order = Order(id: id, workspaceID: workspace, reference: reference, profileID: nil, userID: input.userID, email: email ?? nil,
                              channel: channel, currency: currency, lines: lines, discount: discount, tax: tax, shipping: shipping, status: .placed,
                              placedAt: placedAt, updatedAt: now, changes: [Order.Change(status: .placed, at: placedAt, by: principal.actorReference)])
            if order.total.minorUnits < 0 {
                throw ValidationError(field: "discount", issue: .invalid, hint: "The order's discount cannot exceed its lines plus tax and shipping.")
            }
            order.profileID = try await customer(of: input, email: email ?? nil, in: workspace)
            return try await store.insert(order)
        }
        try issues.throwIfAny()
        throw ValidationError(issues: issues.issues)
    }

    /// The profile the order's identifiers lead to, strongest first (user id, email, anonymous id).
    func customer(of input: Input, email: String?, in workspace: WorkspaceID) async throws -> ProfileID? {
        let candidates = [input.userID.flatMap { Identifier.normalised(kind: .userID, $0) }, email.map { Identifier(kind: .email, value: $0) },
                          input.anonymousID.flatMap { Identifier.normalised(kind: .anonymousID, $0) }].compactMap { $0 }
        for identifier in candidates {
            if let profile = try await store.profileID(for: identifier, in: workspace) { return profile }
        }
        return nil
    }

    public func order(_ id: OrderID, for principal: Principal) async throws -> Order {
        try principal.require(.commerceRead)
        guard let order = try await store.order(id: id, in: principal.workspaceID) else { throw NotFoundError(kind: "order", id: id.rawValue) }
        return order
    }

    /// The workspace's orders among these ids, by id.
    public func orders(_ ids: [OrderID], for principal: Principal) async throws -> [OrderID: Order] {
        try principal.require(.commerceRead)
        return try await store.orders(ids: ids, in: principal.workspaceID)
    }

    public func orders(for principal: Principal, status: Order.Status?, profile: ProfileID?, after cursor: Cursor?, limit: PageSize) async throws -> Page<Order> {
        try principal.require(.commerceRead)
        return try await store.orders(in: principal.workspaceID, status: status, profile: profile, after: cursor, limit: limit.value)
    }

    /// Moves an order to its next status; a step the lifecycle does not allow is refused naming what is allowed.
    /// Refunds are not a status to set but money to record (``record(_:on:by:)``); marking an order paid records a
    /// payment of what was due, so its balance agrees.
    public func move(_ id: OrderID, to status: Order.Status, by principal: Principal) async throws -> Order {
        try principal.require(.commerceWrite)
        let workspace = principal.workspaceID
        let now = clock.now(), actor = principal.actorReference
        try await store.transaction { tx in
            guard let order = try await tx.order(id, in: workspace) else { throw NotFoundError(kind: "order", id: id.rawValue) }
            let current = order.status
            guard current.manualNext.contains(status) else {
                let allowed = current.manualNext.map(\.rawValue).sorted()
                let refund = [.refunded, .partiallyRefunded].contains(status) ? " Record a refund instead: POST /api/v1/orders/\(id)/transactions." : ""
                throw ValidationError(field: "status", issue: .unknownValue(allowed: allowed),
                                      hint: (allowed.isEmpty ? "The order is \(current.rawValue); it cannot be moved by hand any more."
                                                             : "An order that is \(current.rawValue) can become \(allowed.joined(separator: ", ")).") + refund)
            }
            if status == .paid {
                try await Self.markPaid(order, at: now, by: actor, tx: tx)
            } else {
                try await tx.setStatus(of: id, to: Order.Change(status: status, at: now, by: actor), in: workspace)
            }
        }
        return try await order(id, for: principal)
    }

    /// A payment, refund or chargeback as a client sends it.
    public struct TransactionInput: Sendable {
        public var kind: String?
        public var amount: JSONValue?
        public var currency: String?
        public var method: String?
        public var providerReference: String?
        public var status: String?

        public init(kind: String? = nil, amount: JSONValue? = nil, currency: String? = nil, method: String? = nil, providerReference: String? = nil, status: String? = nil) {
            self.kind = kind
            self.amount = amount
            self.currency = currency
            self.method = method
            self.providerReference = providerReference
            self.status = status
        }
    }

    /// Records money moving for an order. It must be in the order's currency; a refund or chargeback may not exceed
    /// what was paid and not yet given back. A succeeded payment that covers the order makes it paid; succeeded
    /// refunds make it partially refunded, or refunded once everything paid was given back.
    public func record(_ input: TransactionInput, on id: OrderID, by principal: Principal) async throws -> Order {
        try principal.require(.commerceWrite)
        let workspace = principal.workspaceID
        let now = clock.now(), actor = principal.actorReference
        try await store.transaction { tx in
            guard let order = try await tx.order(id, in: workspace) else { throw NotFoundError(kind: "order", id: id.rawValue) }
            var issues = ValidationCollector()
            let kind = input.kind.flatMap(OrderTransaction.Kind.init(rawValue:))
            if kind == nil {
                issues.add(FieldIssue(field: "kind", issue: .unknownValue(allowed: OrderTransaction.Kind.allCases.map(\.rawValue)), hint: "Use payment, refund or chargeback."))
            }
            let status = input.status.map { OrderTransaction.Status(rawValue: $0) } ?? .succeeded
            if status == nil {
                issues.add(FieldIssue(field: "status", issue: .unknownValue(allowed: OrderTransaction.Status.allCases.map(\.rawValue)), hint: "Use succeeded, pending or failed."))
            }
            if let text = input.currency {
                let currency = issues.check { () throws(ValidationError) in try Currency(validating: text) }
                if let currency, currency != order.currency {
                    issues.add(FieldIssue(field: "currency", issue: .invalid, hint: "The order is in \(order.currency.code); record its money in \(order.currency.code)."))
                }
            }
            var amount: Money?
            if let value = input.amount {
                amount = issues.check { () throws(ValidationError) in try Money(json: value, currency: order.currency, field: "amount") }
                if let given = amount, given.minorUnits <= 0 {
                    issues.add(FieldIssue(field: "amount", issue: .invalid, hint: "An amount above zero."))
                    amount = nil
                }
            } else {
                issues.add(FieldIssue(field: "amount", issue: .missing, hint: "Give the amount in major units, e.g. \"19.99\"."))
            }
            for (field, text, limit) in [("method", input.method, 50), ("providerReference", input.providerReference, 200)] {
                if let text, text.count > limit { issues.add(FieldIssue(field: field, issue: .tooLong(limit: limit), hint: "Use at most \(limit) characters.")) }
            }
            try issues.throwIfAny()
            guard let kind, let status = status ?? nil, let amount else { preconditionFailure("checked values missing without an issue") }
            let balance = order.balance
            if kind == .payment, [.cancelled, .refunded].contains(order.status) {
                throw ValidationError(field: "kind", issue: .invalid, hint: "The order is \(order.status.rawValue); it takes no more payments.")
            }
            if kind != .payment, status == .succeeded {
                if amount.minorUnits > balance.refundable.minorUnits {
                    throw ValidationError(field: "amount", issue: .invalid,
                                          hint: "At most \(balance.refundable) can be given back: that is what was paid and not yet refunded.")
                }
            }
            var transaction = OrderTransaction(id: .generate(), orderID: id, kind: kind, amount: amount, method: input.method, providerReference: input.providerReference,
                                               status: status, at: now, by: actor)
            transaction.method = transaction.method?.trimmingCharacters(in: .whitespacesAndNewlines)
            try await tx.insert(transaction, in: workspace)
            var updated = order
            updated.transactions.append(transaction)
            try await Self.settle(updated, at: now, by: actor, tx: tx)
        }
        return try await order(id, for: principal)
    }

    /// Marks an order paid, recording a payment of what was still due so its balance agrees.
    static func markPaid(_ order: Order, at date: Date, by actor: String, tx: TransactionStore) async throws {
        if order.balance.due.minorUnits > 0 {
            try await tx.insert(OrderTransaction(id: .generate(), orderID: order.id, kind: .payment, amount: order.balance.due, method: nil, providerReference: nil,
                                                 status: .succeeded, at: date, by: actor), in: order.workspaceID)
        }
        try await tx.setStatus(of: order.id, to: Order.Change(status: .paid, at: date, by: actor), in: order.workspaceID)
    }

    /// Moves an order's status to follow its money: paid once payments cover it; partially refunded, or refunded once
    /// everything paid was given back.
    static func settle(_ order: Order, at date: Date, by actor: String, tx: TransactionStore) async throws {
        let balance = order.balance
        var status = order.status
        if status == .placed, balance.paid.minorUnits > 0, balance.due.minorUnits <= 0 {
            status = .paid
            try await tx.setStatus(of: order.id, to: Order.Change(status: status, at: date, by: actor), in: order.workspaceID)
        }
        let givenBack = balance.refunded + balance.chargedBack
        guard givenBack.minorUnits > 0 else { return }
        let target: Order.Status = givenBack.minorUnits >= balance.paid.minorUnits ? .refunded : .partiallyRefunded
        if status.next.contains(target) {
            try await tx.setStatus(of: order.id, to: Order.Change(status: target, at: date, by: actor), in: order.workspaceID)
        }
    }
}
