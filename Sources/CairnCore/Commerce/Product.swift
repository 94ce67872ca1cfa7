public import Foundation

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

/// The periods units sold are counted in, in UTC: a day, a week starting on Monday, or a calendar month. Each has a
/// number: days since 1970-01-01, weeks since the Monday 1969-12-29, months since January 1970.
public enum UnitsSoldPeriod: String, Sendable, CaseIterable {
    case day, week, month

    /// The number of the period a day (days since 1970-01-01) falls in.
    public func bucket(ofDay day: Int64) -> Int64 {
        switch self {
        case .day: day
        case .week: Self.floorDivide(day + 3, 7)
        case .month: Self.month(ofDay: day)
        }
    }

    /// The first day of a period, as days since 1970-01-01.
    public func firstDay(ofBucket bucket: Int64) -> Int64 {
        switch self {
        case .day: bucket
        case .week: bucket * 7 - 3
        case .month: Int64(Timestamp.daysFromCivil(year: Int(Self.floorDivide(bucket, 12)) + 1970, month: Int(bucket - Self.floorDivide(bucket, 12) * 12) + 1, day: 1))
        }
    }

    /// The label of a period: `2026-11-23` for a day, the Monday a week starts on, `2026-11` for a month.
    public func label(ofBucket bucket: Int64) -> String {
        let (year, month, day) = Timestamp.civil(fromDays: firstDay(ofBucket: bucket))
        let text = String(format: "%04d-%02d", year, month)
        return self == .month ? text : text + String(format: "-%02d", day)
    }

    /// Months since January 1970 of a day (days since 1970-01-01).
    public static func month(ofDay day: Int64) -> Int64 {
        let (year, month, _) = Timestamp.civil(fromDays: day)
        return Int64(year - 1970) * 12 + Int64(month - 1)
    }

    public static func floorDivide(_ value: Int64, _ divisor: Int64) -> Int64 {
        let (quotient, remainder) = value.quotientAndRemainder(dividingBy: divisor)
        return remainder < 0 ? quotient - 1 : quotient
    }
}

extension Date {
    /// The UTC day this instant falls on, as whole days since 1970-01-01 (floored, so an instant before 1970 falls on
    /// its own day), from the instant in whole milliseconds as it is stored.
    public var utcDay: Int64 { UnitsSoldPeriod.floorDivide(Int64((timeIntervalSince1970 * 1000).rounded()), 86_400_000) }

    /// The UTC day's first instant.
    public init(utcDay: Int64) { self.init(timeIntervalSince1970: TimeInterval(utcDay * 86_400)) }

    /// The whole UTC days [from, until) touches: from the day `from` falls on to the day after the one just before
    /// `until` (so `until` at midnight is not counted and `until` in the afternoon counts its day).
    public static func utcDays(from: Date, until: Date) -> (from: Int64, until: Int64) {
        (from.utcDay, until.addingTimeInterval(-0.001).utcDay + 1)
    }
}
