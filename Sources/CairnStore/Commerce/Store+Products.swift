public import CairnCore
import Foundation
import SQLKit

extension Store {
    static let productColumns = ["id", "workspace_id", "sku", "name", "category", "kind", "price_minor", "currency", "origin", "created_at", "updated_at"]

    static func values(of product: Product) -> [any SQLExpression] {
        [SQLBind(product.id.rawValue), SQLBind(product.workspaceID.rawValue), SQLBind(product.sku), SQLBind(product.name), SQLBind(product.category),
         SQLBind(product.kind.rawValue), SQLBind(product.price?.minorUnits), SQLBind(product.price?.currency.code), SQLBind(product.origin.rawValue),
         SQLBind(product.createdAt.storageMillis), SQLBind(product.updatedAt.storageMillis)]
    }

    /// Adds a product; `false` when the workspace already has one with its SKU.
    public func insert(_ product: Product) async throws -> Bool {
        try await database.withConnection { sql in try await TransactionStore(sql: sql, engine: engine).insert(product) }
    }

    public func product(id: ProductID, in workspace: WorkspaceID) async throws -> Product? {
        try await database.withConnection { sql in
            try await sql.select().columns(Self.productColumns).from("products")
                .where("workspace_id", .equal, workspace.rawValue).where("id", .equal, id.rawValue).first().map(Product.init(row:))
        }
    }

    /// Products by SKU (those the workspace has).
    public func products(skus: some Collection<String>, in workspace: WorkspaceID) async throws -> [String: Product] {
        let skus = Array(skus)
        return try await database.withConnection { sql in try await TransactionStore(sql: sql, engine: engine).products(skus: skus, in: workspace) }
    }

    /// Products by id (those the workspace has).
    public func products(ids: [ProductID], in workspace: WorkspaceID) async throws -> [ProductID: Product] {
        try await database.withConnection { sql in try await TransactionStore(sql: sql, engine: engine).products(ids: ids, in: workspace) }
    }

    /// The workspace's products in the order they were added, optionally narrowed.
    public func products(in workspace: WorkspaceID, matching filter: ProductFilter = ProductFilter(), after cursor: Cursor?, limit: Int) async throws -> Page<Product> {
        try await database.withConnection { sql in
            let query = sql.select().columns(Self.productColumns).from("products").where("workspace_id", .equal, workspace.rawValue)
            if let category = filter.category { query.where("category", .equal, category) }
            if let search = filter.search?.lowercased() {
                query.where { $0
                    .where(SQLLike(SQLFunction("LOWER", args: SQLColumn("sku")), contains: search))
                    .orWhere(SQLLike(SQLFunction("LOWER", args: SQLColumn("name")), contains: search))
                }
            }
            let rows = try await Keyset.apply(query, sortColumn: "created_at", cursor: cursor, direction: .ascending, limit: limit).all()
            return Keyset.page(try rows.map(Product.init(row:)), limit: limit) { Cursor(sortKey: $0.createdAt.storageMillis, id: $0.id.rawValue) }
        }
    }

    /// Writes a product's fields; returns it, or `nil` when the workspace has no such product. Throws
    /// ``ConflictError`` when the SKU is another product's.
    public func update(_ product: Product) async throws -> Product? {
        try await database.withConnection { sql in
            if let holder = try await sql.select().column("id").from("products")
                .where("workspace_id", .equal, product.workspaceID.rawValue).where("sku", .equal, product.sku).first()?
                .decode(column: "id", as: String.self), holder != product.id.rawValue {
                throw ConflictError(field: "sku", detail: "Another product of the workspace has the SKU \(product.sku).")
            }
            try await sql.update("products")
                .set("sku", to: product.sku).set("name", to: product.name).set("category", to: SQLBind(product.category))
                .set("kind", to: product.kind.rawValue).set("price_minor", to: SQLBind(product.price?.minorUnits))
                .set("currency", to: SQLBind(product.price?.currency.code)).set("updated_at", to: product.updatedAt.storageMillis)
                .where("workspace_id", .equal, product.workspaceID.rawValue).where("id", .equal, product.id.rawValue)
                .run()
            return try await sql.select().columns(Self.productColumns).from("products")
                .where("workspace_id", .equal, product.workspaceID.rawValue).where("id", .equal, product.id.rawValue).first().map(Product.init(row:))
        }
    }
}

extension TransactionStore {
    /// Adds a product; `false` when the workspace already has one with its SKU.
    public func insert(_ product: Product) async throws -> Bool {
        try await sql.insert(into: "products").columns(Store.productColumns).values(Store.values(of: product))
            .ignoringConflicts(with: ["workspace_id", "sku"]).returning("id").first() != nil
    }

    /// Products by SKU (those the workspace has).
    public func products(skus: [String], in workspace: WorkspaceID) async throws -> [String: Product] {
        Dictionary(uniqueKeysWithValues: try await products(whose: "sku", isIn: skus, in: workspace).map { ($0.sku, $0) })
    }

    /// Products by id (those the workspace has).
    public func products(ids: [ProductID], in workspace: WorkspaceID) async throws -> [ProductID: Product] {
        Dictionary(uniqueKeysWithValues: try await products(whose: "id", isIn: ids.map(\.rawValue), in: workspace).map { ($0.id, $0) })
    }

    private func products(whose column: String, isIn values: [String], in workspace: WorkspaceID) async throws -> [Product] {
        var found: [Product] = []
        for part in Array(Set(values)).chunked(into: 400) {
            found += try await sql.select().columns(Store.productColumns).from("products")
                .where("workspace_id", .equal, workspace.rawValue).where(column, .in, Array(part)).all().map(Product.init(row:))
        }
        return found
    }
}

extension Product {
    init(row: any SQLRow) throws {
        let price: Money? = try row.decode(column: "price_minor", as: Int64?.self).flatMap { minor in
            try row.decode(column: "currency", as: String?.self).map { Money(minorUnits: minor, currency: Currency(uncheckedCode: $0)) }
        }
        self.init(id: ProductID(rawValue: try row.decode(column: "id", as: String.self)),
                  workspaceID: WorkspaceID(rawValue: try row.decode(column: "workspace_id", as: String.self)),
                  sku: try row.decode(column: "sku", as: String.self), name: try row.decode(column: "name", as: String.self),
                  category: try row.decode(column: "category", as: String?.self),
                  kind: Product.Kind(rawValue: try row.decode(column: "kind", as: String.self)) ?? .product,
                  price: price, origin: Product.Origin(rawValue: try row.decode(column: "origin", as: String.self)) ?? .api,
                  createdAt: Date(storageMillis: try row.decode(column: "created_at", as: Int64.self)),
                  updatedAt: Date(storageMillis: try row.decode(column: "updated_at", as: Int64.self)))
    }
}
