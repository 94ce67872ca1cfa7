public import Foundation

public struct OfferDecisionID: EntityID { public let rawValue: String; public init(rawValue: String) { self.rawValue = rawValue } }

/// Where an offer is shown.
public enum OfferSurface: String, Sendable, Hashable, Codable, CaseIterable {
    /// A website or app asking server to server.
    case site
    /// An agent's screen (a case, a chat).
    case agent
    /// The chat bot answering a customer.
    case bot
}

/// One offered item and why.
public struct OfferItem: Sendable, Hashable, Codable {
    public var productID: ProductID
    public var sku: String
    public var name: String
    public var category: String?
    public var price: Money?
    public var score: Double
    /// `bought_together`, `persona` or `popular`.
    public var basis: String
    /// A sentence: why this item (e.g. "Bought by customers who bought Espresso beans (SKU-1)").
    public var reason: String
    /// For `bought_together`: the customer's items it came from (SKUs).
    public var because: [String]

    enum CodingKeys: String, CodingKey {
        case productID = "productId", sku, name, category, price, score, basis, reason, because
    }

    public init(productID: ProductID, sku: String, name: String, category: String?, price: Money?, score: Double, basis: String, reason: String, because: [String]) {
        self.productID = productID
        self.sku = sku
        self.name = name
        self.category = category
        self.price = price
        self.score = score
        self.basis = basis
        self.reason = reason
        self.because = because
    }
}

/// The nearest store offered with the items, and how its distance was known.
public struct NearestStore: Sendable, Hashable, Codable {
    public var storeID: RetailStoreID
    public var code: String
    public var name: String
    public var city: String
    /// nil when found by city (no coordinates).
    public var kilometres: Double?
    /// `request` (the location the caller sent), `profile` (the customer's latitude/longitude traits) or `city` (the
    /// customer's city trait).
    public var from: String

    enum CodingKeys: String, CodingKey {
        case storeID = "storeId", code, name, city, kilometres, from
    }

    public init(storeID: RetailStoreID, code: String, name: String, city: String, kilometres: Double?, from: String) {
        self.storeID = storeID
        self.code = code
        self.name = name
        self.city = city
        self.kilometres = kilometres
        self.from = from
    }
}

/// A next-best-offer decision as it was made and recorded: for whom, where, whether it was personal and why (the
/// consent to personalisation as it stood at that moment), and what was shown.
public struct OfferDecision: Sendable, Hashable, Codable {
    public var id: OfferDecisionID
    public var workspaceID: WorkspaceID
    public var profileID: ProfileID
    public var surface: OfferSurface
    public var decidedAt: Date
    /// Whether anything of the customer's own (purchases, persona, location traits) was used.
    public var personalised: Bool
    /// The consent to personalisation at the moment of the decision: `granted`, `withdrawn`, `default_granted` (an
    /// opt-out purpose nobody objected to) or `default_denied` (an opt-in purpose nobody agreed to).
    public var consent: String
    /// Why this was shown, in a sentence (the consent and what the offers are based on).
    public var reason: String
    public var items: [OfferItem]
    public var store: NearestStore?
    /// Who asked: a user, a key or the bot.
    public var requestedBy: String

    enum CodingKeys: String, CodingKey {
        case id, workspaceID = "workspaceId", profileID = "profileId", surface, decidedAt, personalised, consent, reason, items, store, requestedBy
    }

    public init(id: OfferDecisionID, workspaceID: WorkspaceID, profileID: ProfileID, surface: OfferSurface, decidedAt: Date, personalised: Bool,
                consent: String, reason: String, items: [OfferItem], store: NearestStore?, requestedBy: String) {
        self.id = id
        self.workspaceID = workspaceID
        self.profileID = profileID
        self.surface = surface
        self.decidedAt = decidedAt
        self.personalised = personalised
        self.consent = consent
        self.reason = reason
        self.items = items
        self.store = store
        self.requestedBy = requestedBy
    }
}
