import CairnCore
import CairnEngine
import Foundation
import Hummingbird

/// `/api/v1/products`: the workspace's catalogue of products and services.
struct CommerceAPI {
    let catalogue: Catalogue

    func addRoutes(to group: RouterGroup<CairnRequestContext>) {
        group.get("products", use: listProducts)
        group.post("products", use: createProduct)
        group.get("products/{id}", use: product)
        group.patch("products/{id}", use: updateProduct)
    }

    /// `category` and `price`: absent leaves them, `null` clears them. `price` is a number or a decimal string in major
    /// units ("19.99"); it needs `currency` unless the product already has a price in the same currency.
    struct ProductFields: Decodable {
        var fields = Catalogue.Fields()

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            fields.sku = try container.decodeUnlessNull(String.self, forKey: .sku)
            fields.name = try container.decodeUnlessNull(String.self, forKey: .name)
            fields.kind = try container.decodeUnlessNull(String.self, forKey: .kind)
            fields.currency = try container.decodeUnlessNull(String.self, forKey: .currency)
            if container.contains(.category) {
                fields.category = .some(try container.decodeNil(forKey: .category) ? nil : try container.decode(String.self, forKey: .category))
            }
            if container.contains(.price) {
                fields.price = .some(try container.decodeNil(forKey: .price) ? nil : try container.decode(JSONValue.self, forKey: .price))
            }
        }
        enum CodingKeys: String, CodingKey { case sku, name, category, kind, price, currency }
    }

    /// Filters: `category` (exact) and `q` (text in the SKU or name).
    @Sendable func listProducts(_ request: Request, context: CairnRequestContext) async throws -> ListBody<Product> {
        let principal = try context.requirePrincipal()
        try principal.require(.commerceRead)
        let (cursor, limit) = try request.pagination()
        let query = request.uri.queryParameters
        var filter = ProductFilter(category: query["category"].map(String.init))
        if let text = query["q"].map(String.init) {
            guard text.count <= 200 else { throw ValidationError(field: "q", issue: .tooLong(limit: 200), hint: "Search for at most 200 characters.") }
            filter.search = text.trimmingCharacters(in: .whitespaces).isEmpty ? nil : text
        }
        return ListBody(try await catalogue.products(for: principal, matching: filter, after: cursor, limit: limit))
    }

    @Sendable func createProduct(_ request: Request, context: CairnRequestContext) async throws -> EditedResponse<Product> {
        let principal = try context.requirePrincipal()
        try principal.require(.commerceWrite)
        let body = try await request.decodeJSON(ProductFields.self, context: context)
        let product = try await catalogue.create(body.fields, by: principal)
        return EditedResponse(status: .created, headers: [.location: "/api/v1/products/\(product.id)"], response: product)
    }

    @Sendable func product(_ request: Request, context: CairnRequestContext) async throws -> Product {
        try await catalogue.product(try context.parameters.id(as: ProductID.self, kind: "product"), for: try context.requirePrincipal())
    }

    @Sendable func updateProduct(_ request: Request, context: CairnRequestContext) async throws -> Product {
        let principal = try context.requirePrincipal()
        try principal.require(.commerceWrite)
        let id = try context.parameters.id(as: ProductID.self, kind: "product")
        let body = try await request.decodeJSON(ProductFields.self, context: context)
        return try await catalogue.update(id, with: body.fields, by: principal)
    }
}

extension Product: ResponseEncodable {}
