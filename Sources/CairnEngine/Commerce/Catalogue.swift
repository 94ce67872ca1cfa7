public import CairnCore
public import CairnStore
import Foundation

/// The products and services a workspace sells. Reading needs `commerce.read`, changing `commerce.write`.
public struct Catalogue: Sendable {
    let store: Store
    public let clock: DateSource

    public init(store: Store, clock: DateSource = .system) {
        self.store = store
        self.clock = clock
    }

    /// A product's fields as a client sends them; `nil` leaves a field as it is (on update) or uses its default.
    public struct Fields: Sendable {
        public var sku: String?
        public var name: String?
        /// `.some(nil)` clears the category.
        public var category: String??
        public var kind: String?
        /// The list price in major units as text or a JSON number; `.some(nil)` clears it.
        public var price: JSONValue??
        public var currency: String?

        public init(sku: String? = nil, name: String? = nil, category: String?? = nil, kind: String? = nil, price: JSONValue?? = nil, currency: String? = nil) {
            self.sku = sku
            self.name = name
            self.category = category
            self.kind = kind
            self.price = price
            self.currency = currency
        }
    }

    public func products(for principal: Principal, matching filter: ProductFilter = ProductFilter(), after cursor: Cursor?, limit: PageSize) async throws -> Page<Product> {
        try principal.require(.commerceRead)
        return try await store.products(in: principal.workspaceID, matching: filter, after: cursor, limit: limit.value)
    }

    public func product(_ id: ProductID, for principal: Principal) async throws -> Product {
        try principal.require(.commerceRead)
        guard let product = try await store.product(id: id, in: principal.workspaceID) else { throw NotFoundError(kind: "product", id: id.rawValue) }
        return product
    }

    public func create(_ fields: Fields, origin: Product.Origin = .api, by principal: Principal) async throws -> Product {
        try principal.require(.commerceWrite)
        let now = clock.now()
        var product = Product(id: .generate(), workspaceID: principal.workspaceID, sku: "", name: "", category: nil, kind: .product, price: nil,
                              origin: origin, createdAt: now, updatedAt: now)
        try Self.apply(fields, to: &product, creating: true)
        guard try await store.insert(product) else {
            throw ConflictError(field: "sku", detail: "The workspace already has a product with the SKU \(product.sku); change that one (PATCH /api/v1/products/{id}) or use another SKU.")
        }
        return product
    }

    public func update(_ id: ProductID, with fields: Fields, by principal: Principal) async throws -> Product {
        try principal.require(.commerceWrite)
        guard var product = try await store.product(id: id, in: principal.workspaceID) else { throw NotFoundError(kind: "product", id: id.rawValue) }
        try Self.apply(fields, to: &product, creating: false)
        product.updatedAt = clock.now()
        guard let updated = try await store.update(product) else { throw NotFoundError(kind: "product", id: id.rawValue) }
        return updated
    }

    /// Adds the product with the fields' SKU, or, when the workspace has it already, changes that one (an import of
    /// the catalogue: running it again changes nothing). Returns the product and whether it was new.
    public func upsert(_ fields: Fields, by principal: Principal) async throws -> (product: Product, created: Bool) {
        try principal.require(.commerceWrite)
        let sku = fields.sku?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        if !sku.isEmpty, let held = try await store.products(skus: [sku], in: principal.workspaceID)[sku] {
            var change = fields
            change.sku = nil
            return (try await update(held.id, with: change, by: principal), false)
        }
        return (try await create(fields, origin: .import, by: principal), true)
    }

    /// Checks every field and reports all problems at once; a price needs its currency (the product's own when it has one).
    static func apply(_ fields: Fields, to product: inout Product, creating: Bool) throws(ValidationError) {
        var issues = ValidationCollector()
        if let sku = fields.sku ?? (creating ? "" : nil) {
            if let valid = issues.check({ () throws(ValidationError) in try Product.validateSKU(sku) }) { product.sku = valid }
        }
        if let name = fields.name ?? (creating ? "" : nil) {
            let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.isEmpty { issues.add(FieldIssue(field: "name", issue: .missing, hint: "Name the product as customers know it.")) }
            else if trimmed.count > 200 { issues.add(FieldIssue(field: "name", issue: .tooLong(limit: 200), hint: "Use at most 200 characters.")) }
            else { product.name = trimmed }
        }
        if let category = fields.category {
            let trimmed = category?.trimmingCharacters(in: .whitespacesAndNewlines)
            if let trimmed, trimmed.count > 100 { issues.add(FieldIssue(field: "category", issue: .tooLong(limit: 100), hint: "Use at most 100 characters.")) }
            else { product.category = trimmed?.isEmpty == true ? nil : trimmed }
        }
        if let kind = fields.kind {
            if let valid = Product.Kind(rawValue: kind) { product.kind = valid } else {
                issues.add(FieldIssue(field: "kind", issue: .unknownValue(allowed: Product.Kind.allCases.map(\.rawValue)), hint: "Use product or service."))
            }
        }
        let currency: Currency? = fields.currency.flatMap { text in issues.check { () throws(ValidationError) in try Currency(validating: text) } }
        switch fields.price {
        case .some(.some(let amount)):
            if let currency = currency ?? (fields.currency == nil ? product.price?.currency : nil) {
                if let price = issues.check({ () throws(ValidationError) in try Money(json: amount, currency: currency, field: "price") }) {
                    if price.minorUnits < 0 { issues.add(FieldIssue(field: "price", issue: .invalid, hint: "A list price cannot be negative.")) }
                    else { product.price = price }
                }
            } else if fields.currency == nil {
                issues.add(FieldIssue(field: "currency", issue: .missing, hint: "Give the price's currency as an ISO 4217 code, e.g. EUR."))
            }
        case .some(.none):
            product.price = nil
        case .none:
            if let currency, let held = product.price, held.currency != currency {
                issues.add(FieldIssue(field: "price", issue: .missing, hint: "Send the price in \(currency.code) together with the new currency."))
            }
        }
        try issues.throwIfAny()
    }
}
