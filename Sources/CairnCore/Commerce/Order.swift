public import Foundation

public struct OrderID: EntityID { public let rawValue: String; public init(rawValue: String) { self.rawValue = rawValue } }

/// A customer's order: lines of products at their prices, tax, shipping and discount in one currency, and where it is
/// in its life (placed → paid → fulfilled → delivered, or cancelled / refunded).
public struct Order: Sendable, Hashable, Encodable {
    public enum Status: String, Sendable, Hashable, Codable, CaseIterable {
        case placed, paid, fulfilled, delivered, cancelled, refunded, partiallyRefunded = "partially_refunded"

        /// The statuses an order may be moved to by hand (`POST …/status`); refunded and partially refunded follow
        /// from refund transactions instead.
        public var manualNext: Set<Status> { next.subtracting([.refunded, .partiallyRefunded]) }

        /// The statuses an order may move to from this one.
        public var next: Set<Status> {
            switch self {
            case .placed: [.paid, .fulfilled, .cancelled]
            case .paid: [.fulfilled, .delivered, .cancelled, .refunded, .partiallyRefunded]
            case .fulfilled: [.delivered, .refunded, .partiallyRefunded]
            case .delivered: [.refunded, .partiallyRefunded]
            case .partiallyRefunded: [.refunded, .partiallyRefunded]
            case .cancelled, .refunded: []
            }
        }
    }

    public struct Line: Sendable, Hashable, Encodable {
        public var productID: ProductID
        public var sku: String
        public var name: String
        public var quantity: Int64
        public var unitPrice: Money
        /// Taken off this line (not per unit).
        public var discount: Money
        public var total: Money { unitPrice * quantity - discount }

        public init(productID: ProductID, sku: String, name: String, quantity: Int64, unitPrice: Money, discount: Money) {
            self.productID = productID
            self.sku = sku
            self.name = name
            self.quantity = quantity
            self.unitPrice = unitPrice
            self.discount = discount
        }

        enum CodingKeys: String, CodingKey { case productID, sku, name, quantity, unitPrice, discount, total }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(productID, forKey: .productID)
            try container.encode(sku, forKey: .sku)
            try container.encode(name, forKey: .name)
            try container.encode(quantity, forKey: .quantity)
            try container.encode(unitPrice, forKey: .unitPrice)
            try container.encode(discount, forKey: .discount)
            try container.encode(total, forKey: .total)
        }
    }

    /// One step of the order's life.
    public struct Change: Sendable, Hashable, Codable {
        public var status: Status
        public var at: Date
        /// Who or what made it: `user:…`, `key:…`, or `event:…`.
        public var by: String

        public init(status: Status, at: Date, by: String) {
            self.status = status
            self.at = at
            self.by = by
        }
    }

    public var id: OrderID
    public var workspaceID: WorkspaceID
    /// The client's own order id (`order_id` in E-commerce events); unique in the workspace.
    public var reference: String
    /// The customer, when the order names one Cairn knows.
    public var profileID: ProfileID?
    public var userID: String?
    public var email: String?
    public var channel: Channel
    public var currency: Currency
    public var lines: [Line]
    public var discount: Money
    public var tax: Money
    public var shipping: Money
    public var status: Status
    public var placedAt: Date
    public var updatedAt: Date
    public var changes: [Change]
    /// Payments, refunds and chargebacks, oldest first.
    public var transactions: [OrderTransaction] = []

    public var subtotal: Money { lines.reduce(Money.zero(currency)) { $0 + $1.total } }
    public var balance: OrderBalance { OrderBalance(total: total, transactions: transactions) }
    public var total: Money { subtotal - discount + tax + shipping }

    public init(id: OrderID, workspaceID: WorkspaceID, reference: String, profileID: ProfileID?, userID: String?, email: String?, channel: Channel,
                currency: Currency, lines: [Line], discount: Money, tax: Money, shipping: Money, status: Status, placedAt: Date, updatedAt: Date,
                changes: [Change]) {
        self.id = id
        self.workspaceID = workspaceID
        self.reference = reference
        self.profileID = profileID
        self.userID = userID
        self.email = email
        self.channel = channel
        self.currency = currency
        self.lines = lines
        self.discount = discount
        self.tax = tax
        self.shipping = shipping
        self.status = status
        self.placedAt = placedAt
        self.updatedAt = updatedAt
        self.changes = changes
    }

    enum CodingKeys: String, CodingKey {
        case id, workspaceID, reference, profileID, userID, email, channel, currency, lines, subtotal, discount, tax, shipping, total, status, placedAt,
             updatedAt, changes, transactions, balance
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(workspaceID, forKey: .workspaceID)
        try container.encode(reference, forKey: .reference)
        try container.encode(profileID, forKey: .profileID)
        try container.encode(userID, forKey: .userID)
        try container.encode(email, forKey: .email)
        try container.encode(channel, forKey: .channel)
        try container.encode(currency, forKey: .currency)
        try container.encode(lines, forKey: .lines)
        try container.encode(subtotal, forKey: .subtotal)
        try container.encode(discount, forKey: .discount)
        try container.encode(tax, forKey: .tax)
        try container.encode(shipping, forKey: .shipping)
        try container.encode(total, forKey: .total)
        try container.encode(status, forKey: .status)
        try container.encode(placedAt, forKey: .placedAt)
        try container.encode(updatedAt, forKey: .updatedAt)
        try container.encode(changes, forKey: .changes)
        try container.encode(transactions, forKey: .transactions)
        try container.encode(balance, forKey: .balance)
    }
}

public struct TransactionID: EntityID { public let rawValue: String; public init(rawValue: String) { self.rawValue = rawValue } }

/// Money moving for an order: a payment, a refund, or a chargeback, in the order's currency.
public struct OrderTransaction: Sendable, Hashable, Encodable {
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        case payment, refund, chargeback
    }

    public enum Status: String, Sendable, Hashable, Codable, CaseIterable {
        case succeeded, pending, failed
    }

    public var id: TransactionID
    public var orderID: OrderID
    public var kind: Kind
    public var amount: Money
    public var method: String?
    /// The payment provider's own reference (e.g. a charge id).
    public var providerReference: String?
    public var status: Status
    public var at: Date
    public var by: String

    public init(id: TransactionID, orderID: OrderID, kind: Kind, amount: Money, method: String?, providerReference: String?, status: Status, at: Date, by: String) {
        self.id = id
        self.orderID = orderID
        self.kind = kind
        self.amount = amount
        self.method = method
        self.providerReference = providerReference
        self.status = status
        self.at = at
        self.by = by
    }
}

/// What an order's succeeded transactions add up to.
public struct OrderBalance: Sendable, Hashable, Encodable {
    public var paid: Money
    public var refunded: Money
    public var chargedBack: Money
    /// What the customer still owes: total − paid + refunded + charged back (negative when they paid too much).
    public var due: Money
    /// What was paid and not yet given back: the most a refund or chargeback may be.
    public var refundable: Money { paid - refunded - chargedBack }

    public init(total: Money, transactions: [OrderTransaction]) {
        let currency = total.currency
        func sum(_ kind: OrderTransaction.Kind) -> Money {
            transactions.filter { $0.kind == kind && $0.status == .succeeded }.reduce(Money.zero(currency)) { $0 + $1.amount }
        }
        paid = sum(.payment)
        refunded = sum(.refund)
        chargedBack = sum(.chargeback)
        due = total - paid + refunded + chargedBack
    }
}
