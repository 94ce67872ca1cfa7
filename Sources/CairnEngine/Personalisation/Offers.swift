public import CairnAnalytics
public import CairnCore
public import CairnStore
public import Foundation
import Synchronization

/// What the offers are ranked with, per workspace: items bought together (fitted on the purchases of customers whose
/// consent to personalisation stands), each persona's favourites, and the products' catalogue entries.
struct OfferModel: Sendable {
    var copurchase: CoPurchase
    var favourites: [String: [String]]
    var products: [String: Product]
    var builtAt: Date
    /// The consent ledger's mark for personalisation when fitted.
    var consentMark: String
}

/// The fitted models, kept for ten minutes per workspace (purchases change slowly; a decision must be fast) — but
/// fitted again at once when anyone's consent to personalisation changes, so a withdrawal takes effect at the next
/// decision.
public final class OfferModels: Sendable {
    private let held = Mutex<[WorkspaceID: OfferModel]>([:])
    public static let maximumAge: TimeInterval = 600

    public init() {}

    func model(for workspace: WorkspaceID, store: Store, now: Date) async throws -> OfferModel {
        let mark = try await store.consentMark(.personalization, in: workspace)
        if let known = held.withLock({ $0[workspace] }), now.timeIntervalSince(known.builtAt) < Self.maximumAge, now >= known.builtAt,
           known.consentMark == mark { return known }
        let model = try await Offers.fit(workspace, store: store, now: now, consentMark: mark)
        held.withLock { $0[workspace] = model }
        return model
    }

    /// Forgets a workspace's model (the next decision fits it again).
    public func forget(_ workspace: WorkspaceID) { _ = held.withLock { $0.removeValue(forKey: workspace) } }
}

/// Next best offers for a customer, for a site (server to server), an agent's screen or the bot: items bought together
/// with what the customer bought (or is looking at), lifted by what their persona favours, then the persona's and
/// everyone's favourites — and the nearest store. The consent to personalisation is read at the moment of each
/// decision: without it nothing of the customer's own is used (what everyone buys, the store nearest the location the
/// caller sent). Every decision is recorded with its reason. Reading needs `customers.read`.
public struct Offers: Sendable {
    let store: Store
    let models: OfferModels
    public let clock: DateSource

    public init(store: Store, models: OfferModels = OfferModels(), clock: DateSource = .system) {
        self.store = store
        self.models = models
        self.clock = clock
    }

    public static let maximumK = 20

    public struct Request: Sendable {
        public var profile: ProfileID
        public var k: Int
        public var surface: OfferSurface
        /// SKUs the customer is looking at now (a product page, the case's order).
        public var context: [String]
        /// Where the customer is, as the caller knows it (not stored on the profile).
        public var location: GeoPoint?

        public init(profile: ProfileID, k: Int = 5, surface: OfferSurface, context: [String] = [], location: GeoPoint? = nil) {
            self.profile = profile
            self.k = k
            self.surface = surface
            self.context = context
            self.location = location
        }
    }

    /// Decides, records and returns the offers for one customer.
    public func decide(_ request: Request, by principal: Principal) async throws -> OfferDecision {
        try principal.require(.customersRead)
        return try await decide(request, in: principal.workspaceID, requestedBy: principal.actorReference)
    }

    /// The bot's way in (it acts for the verified customer, not for a user or key).
    public func decideForBot(profile: ProfileID, k: Int, in workspace: WorkspaceID) async throws -> OfferDecision {
        try await decide(Request(profile: profile, k: k, surface: .bot), in: workspace, requestedBy: "bot")
    }

    func decide(_ request: Request, in workspace: WorkspaceID, requestedBy: String) async throws -> OfferDecision {
        guard (1...Self.maximumK).contains(request.k) else {
            throw ValidationError(field: "k", issue: .invalid, hint: "Ask for 1 to \(Self.maximumK) offers.")
        }
        guard let found = try await store.profile(id: request.profile, in: workspace) else { throw NotFoundError(kind: "profile", id: request.profile.rawValue) }
        let profile = found.profile
        let now = clock.now()
        let model = try await models.model(for: workspace, store: store, now: now)
        let skus = Dictionary(model.products.values.map { ($0.sku, $0.id.rawValue) }, uniquingKeysWith: { a, _ in a })
        let context = request.context.compactMap { skus[$0] }
        // The consent as it stands now, from the ledger.
        let (consent, allowed, consentText) = try await consentNow(of: profile.id, in: workspace)
        var ranked: [RankedOffer]
        var persona: Persona?
        var nearest: NearestStore?
        let stores = try await store.retailStores(in: workspace)
        if allowed {
            let bought = try await store.purchasedProducts(of: profile.id, in: workspace)
            if let key = try await store.persona(of: profile.id, in: workspace) {
                persona = try await store.personaModel(in: workspace)?.personas.first { $0.key == key }
            }
            ranked = OfferRanking.rank(model: model.copurchase, bought: bought, context: context,
                                       personaFavourites: persona.flatMap { model.favourites[$0.key] } ?? [], k: request.k)
            nearest = Self.nearest(stores, request: request.location, traits: profile.traits)
        } else {
            ranked = OfferRanking.popular(model: model.copurchase, context: context, k: request.k)
            nearest = Self.nearest(stores, request: request.location, traits: [:])
        }
        let items: [OfferItem] = ranked.compactMap { offer in
            guard let product = model.products[offer.item] else { return nil }
            let because = offer.because.prefix(3).compactMap { model.products[$0] }
            let reason: String
            switch offer.basis {
            case .boughtTogether:
                reason = "Bought by customers who also bought " + because.map { "\($0.name) (\($0.sku))" }.joined(separator: ", ")
            case .persona:
                reason = "Favoured by customers who value " + (persona?.leadingValues.joined(separator: " and ") ?? "the same things")
            case .popular:
                reason = "Among the most bought by all customers"
            }
            return OfferItem(productID: product.id, sku: product.sku, name: product.name, category: product.category, price: product.price,
                             score: (offer.score * 1_000).rounded() / 1_000, basis: offer.basis.rawValue, reason: reason, because: because.map(\.sku))
        }
        var reason = consentText
        if allowed {
            let bases = Set(items.map(\.basis))
            var used: [String] = []
            if bases.contains(OfferBasis.boughtTogether.rawValue) { used.append("what they bought\(context.isEmpty ? "" : " and are looking at")") }
            if bases.contains(OfferBasis.persona.rawValue), let persona { used.append("their persona (\(persona.leadingValues.joined(separator: ", ")))") }
            if bases.contains(OfferBasis.popular.rawValue) { used.append("what all customers buy") }
            reason += ": offers from " + used.joined(separator: ", then ")
        } else {
            reason += ": nothing of the customer's own was used; offers are what all customers buy"
        }
        if let nearest { reason += "; nearest store \(nearest.name) (\(Self.storeSource(nearest)))" }
        let decision = OfferDecision(id: .generate(), workspaceID: workspace, profileID: profile.id, surface: request.surface, decidedAt: now,
                                     personalised: allowed, consent: consent, reason: reason + ".", items: items, store: nearest, requestedBy: requestedBy)
        try await store.record(decision)
        return decision
    }

    static func storeSource(_ store: NearestStore) -> String {
        switch store.from {
        case "request": String(format: "%.1f km from the location sent", store.kilometres ?? 0)
        case "profile": String(format: "%.1f km from the customer's location", store.kilometres ?? 0)
        default: "in the customer's city"
        }
    }

    /// The consent to personalisation now: its state, whether personal data may be used, and a sentence.
    func consentNow(of profile: ProfileID, in workspace: WorkspaceID) async throws -> (state: String, allowed: Bool, text: String) {
        let purpose = ConsentPurpose.personalization
        let (held, ledger) = try await store.transaction { tx in
            (try await tx.consentPurposes(in: workspace)[purpose]?.mode, try await tx.consent(of: profile, in: workspace))
        }
        let mode = held ?? .default(for: purpose)
        if let latest = ledger.last(where: { $0.purpose == purpose }) {
            let day = latest.recordedAt.formatted(.iso8601.year().month().day())
            let via = latest.channel.map { " via \($0.rawValue)" } ?? ""
            return latest.status == .granted
                ? ("granted", true, "Consent to personalisation granted on \(day)\(via)")
                : ("withdrawn", false, "Consent to personalisation \(latest.status.rawValue) on \(day)\(via)")
        }
        return mode == .optOut
            ? ("default_granted", true, "Personalisation is opt-out here and the customer has not objected")
            : ("default_denied", false, "Personalisation is opt-in here and the customer has not agreed")
    }

    /// The store nearest the location the caller sent, else the customer's latitude/longitude traits, else a store in
    /// the customer's city (the `city` or `address.city` trait).
    static func nearest(_ stores: [RetailStore], request: GeoPoint?, traits: [String: Trait]) -> NearestStore? {
        func closest(to point: GeoPoint, from: String) -> NearestStore? {
            stores.compactMap { store in store.location.map { (store, $0.kilometres(to: point)) } }
                .min { ($0.1, $0.0.code) < ($1.1, $1.0.code) }
                .map { NearestStore(storeID: $0.0.id, code: $0.0.code, name: $0.0.name, city: $0.0.city, kilometres: ($0.1 * 10).rounded() / 10, from: from) }
        }
        if let request { return closest(to: request, from: "request") }
        func number(_ value: JSONValue?) -> Double? {
            switch value {
            case .integer(let n)?: Double(n)
            case .double(let d)?: d
            case .string(let s)?: Double(s)
            default: nil
            }
        }
        let latitude = number(traits["latitude"]?.value) ?? number(traits["location"]?.value["latitude"])
        let longitude = number(traits["longitude"]?.value) ?? number(traits["location"]?.value["longitude"])
        if let latitude, let longitude, let point = try? GeoPoint.validated(latitude: latitude, longitude: longitude, field: "location") {
            return closest(to: point, from: "profile")
        }
        let city = traits["city"]?.value.stringValue ?? traits["address"]?.value["city"]?.stringValue
        if let city = city?.trimmingCharacters(in: .whitespaces).lowercased(), !city.isEmpty,
           let store = stores.filter({ $0.city.lowercased() == city }).min(by: { $0.code < $1.code }) {
            return NearestStore(storeID: store.id, code: store.code, name: store.name, city: store.city, kilometres: nil, from: "city")
        }
        return nil
    }

    /// What all customers buy most (for a visitor nobody knows): nothing is recorded, nothing personal is used.
    public func popular(k: Int, in workspace: WorkspaceID) async throws -> [Product] {
        let model = try await models.model(for: workspace, store: store, now: clock.now())
        return model.copurchase.popular(excluding: [], limit: k).compactMap { model.products[$0] }
    }

    /// A customer's offer decisions, newest first (why each thing was shown).
    public func decisions(of profile: ProfileID, by principal: Principal, limit: Int = 50) async throws -> [OfferDecision] {
        try principal.require(.customersRead)
        guard let current = try await store.currentProfileID(of: profile, in: principal.workspaceID) else { throw NotFoundError(kind: "profile", id: profile.rawValue) }
        return try await store.offerDecisions(of: current, in: principal.workspaceID, limit: limit)
    }

    /// The offline evaluation on a time holdout: fitted on purchases before `holdoutDays` ago, measured on what
    /// customers bought after (hit rate and NDCG at k, against the most bought items). Needs `insights.read`.
    public func evaluate(holdoutDays: Int, k: Int, by principal: Principal) async throws -> OfferEvaluation.Result {
        try principal.require(.insightsRead)
        guard (1...730).contains(holdoutDays) else { throw ValidationError(field: "holdoutDays", issue: .invalid, hint: "Hold out 1 to 730 days.") }
        guard (1...Self.maximumK).contains(k) else { throw ValidationError(field: "k", issue: .invalid, hint: "Measure at 1 to \(Self.maximumK) offers.") }
        let workspace = principal.workspaceID
        let cutoff = clock.now().storageMillis - Int64(holdoutDays) * 86_400_000
        let purchases = try await Self.consentingPurchases(in: workspace, store: store)
            .map { OfferEvaluation.Purchase(customer: $0.profile, item: $0.product, at: $0.at) }
        let personas = try await store.personas(in: workspace)
        let training = purchases.filter { $0.at < cutoff }
        let favourites = Self.favourites(purchases: training.map { ($0.customer, $0.item) }, personas: personas)
        return OfferEvaluation.evaluate(purchases, cutoff: cutoff, k: k) { customer, _ in personas[customer].flatMap { favourites[$0] } ?? [] }
    }

    // MARK: Fitting

    /// The purchases that may shape offers: of customers whose consent to personalisation stands.
    static func consentingPurchases(in workspace: WorkspaceID, store: Store) async throws -> [(profile: String, product: String, at: Int64)] {
        let statements = try await store.consentStatements(.personalization, in: workspace)
        let latest = Dictionary(uniqueKeysWithValues: statements.latest.map { ($0.key.rawValue, $0.value) })
        return try await store.purchases(in: workspace).filter { SegmentMembership.effective(latest[$0.profile], mode: statements.mode) }
    }

    static func fit(_ workspace: WorkspaceID, store: Store, now: Date, consentMark: String) async throws -> OfferModel {
        let purchases = try await consentingPurchases(in: workspace, store: store)
        var baskets: [String: Set<String>] = [:]
        for purchase in purchases { baskets[purchase.profile, default: []].insert(purchase.product) }
        let copurchase = CoPurchase(baskets: baskets.keys.sorted().map { Array(baskets[$0]!) })
        let favourites = Self.favourites(purchases: purchases.map { ($0.profile, $0.product) }, personas: try await store.personas(in: workspace))
        let products = try await store.products(ids: copurchase.items.map(ProductID.init(rawValue:)), in: workspace)
        return OfferModel(copurchase: copurchase, favourites: favourites, products: Dictionary(uniqueKeysWithValues: products.map { ($0.key.rawValue, $0.value) }),
                          builtAt: now, consentMark: consentMark)
    }

    /// Each persona's favourites: items its customers buy more than everyone does (lift of the share of buyers), at
    /// least three of its customers, best ten.
    static func favourites(purchases: [(customer: String, item: String)], personas: [String: String]) -> [String: [String]] {
        guard !personas.isEmpty else { return [:] }
        var buyers: [String: Set<String>] = [:]
        for purchase in purchases { buyers[purchase.item, default: []].insert(purchase.customer) }
        let customers = Set(purchases.map(\.customer))
        var inPersona: [String: Int] = [:]
        for customer in customers { if let persona = personas[customer] { inPersona[persona, default: 0] += 1 } }
        var found: [String: [String]] = [:]
        for (persona, size) in inPersona where size > 0 {
            var lifts: [(item: String, lift: Double)] = []
            for (item, who) in buyers {
                let theirs = who.reduce(0) { $0 + (personas[$1] == persona ? 1 : 0) }
                guard theirs >= 3 else { continue }
                let lift = (Double(theirs) / Double(size)) / (Double(who.count) / Double(customers.count))
                if lift > 1 { lifts.append((item, lift)) }
            }
            found[persona] = lifts.sorted { ($0.lift, $1.item) > ($1.lift, $0.item) }.prefix(10).map(\.item)
        }
        return found
    }
}
