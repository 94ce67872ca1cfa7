import Foundation

public struct ProductID: EntityID { public let rawValue: String; public init(rawValue: String) { self.rawValue = rawValue } }

/// Something a workspace sells: a product or a service, with its SKU (unique in the workspace), name, category and
/// list price.
public struct Product: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        case product, service
    }

    /// Where the catalogue entry came from.
    public enum Origin: String, Sendable, Hashable, Codable {
        case api, `import`, event
    }

    public var id: ProductID
    public var workspaceID: WorkspaceID
    public var sku: String
    public var name: String
    public var category: String?
    public var kind: Kind
    /// The list price; `nil` when not known (a product first seen in an event without a price).
    public var price: Money?
    public var origin: Origin
    public var createdAt: Date
    public var updatedAt: Date

    public init(id: ProductID, workspaceID: WorkspaceID, sku: String, name: String, category: String?, kind: Kind, price: Money?, origin: Origin,
                createdAt: Date, updatedAt: Date) {
        self.id = id
        self.workspaceID = workspaceID
        self.sku = sku
        self.name = name
        self.category = category
        self.kind = kind
        self.price = price
        self.origin = origin
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// A SKU as sent, trimmed: 1 to 64 characters without control characters.
    public static func validateSKU(_ text: String, field: String = "sku") throws(ValidationError) -> String {
        let sku = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !sku.isEmpty else { throw ValidationError(field: field, issue: .missing, hint: "Give the product's SKU, e.g. \"TSHIRT-BLUE-M\".") }
        guard sku.count <= 64 else { throw ValidationError(field: field, issue: .tooLong(limit: 64), hint: "Use at most 64 characters.") }
        guard !sku.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw ValidationError(field: field, issue: .invalid, hint: "A SKU cannot contain control characters.")
        }
        return sku
    }
}

/// Narrows a product list.
public struct ProductFilter: Sendable, Hashable {
    public var category: String?
    /// Text in the SKU or the name (case does not matter).
    public var search: String?

    public init(category: String? = nil, search: String? = nil) {
        self.category = category
        self.search = search
    }
}

/// What the units-sold report groups by.
public enum UnitsSoldKey: String, Sendable, CaseIterable {
    case product, category, channel
}
