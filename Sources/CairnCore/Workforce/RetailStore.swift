public import Foundation

public struct RetailStoreID: EntityID { public let rawValue: String; public init(rawValue: String) { self.rawValue = rawValue } }

/// A physical store of the workspace: where customers can go (the nearest one is offered with personalised offers),
/// and a place people work (its employee experience beside its customers' experience). Its `code` is how events,
/// orders and answers name it (`context.store` or a `store` property, e.g. "berlin-mitte").
public struct RetailStore: Sendable, Hashable, Codable {
    public var id: RetailStoreID
    public var workspaceID: WorkspaceID
    public var code: String
    public var name: String
    public var city: String
    /// ISO 3166-1 alpha-2, upper case.
    public var country: String
    public var location: GeoPoint?
    public var createdAt: Date
    public var updatedAt: Date

    enum CodingKeys: String, CodingKey {
        case id, workspaceID = "workspaceId", code, name, city, country, location, createdAt, updatedAt
    }

    public init(id: RetailStoreID, workspaceID: WorkspaceID, code: String, name: String, city: String, country: String, location: GeoPoint?,
                createdAt: Date, updatedAt: Date) {
        self.id = id
        self.workspaceID = workspaceID
        self.code = code
        self.name = name
        self.city = city
        self.country = country
        self.location = location
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// A store code: 1–64 of a–z, 0–9, '-' and '_', starting with a letter or digit.
    public static func validate(code text: String, field: String = "code") throws(ValidationError) -> String {
        let code = text.trimmingCharacters(in: .whitespaces).lowercased()
        guard !code.isEmpty else { throw ValidationError(field: field, issue: .missing, hint: "Give the store a code, e.g. \"berlin-mitte\".") }
        guard code.count <= 64 else { throw ValidationError(field: field, issue: .tooLong(limit: 64), hint: "Use at most 64 characters.") }
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789-_")
        guard code.allSatisfy(allowed.contains), code.first.map({ $0 != "-" && $0 != "_" }) ?? false else {
            throw ValidationError(field: field, issue: .invalid, hint: "Use lower-case letters, digits, '-' and '_' (starting with a letter or digit), e.g. \"berlin-mitte\".")
        }
        return code
    }
}

/// A place on Earth in degrees (WGS 84).
public struct GeoPoint: Sendable, Hashable, Codable {
    public var latitude: Double
    public var longitude: Double

    public init(latitude: Double, longitude: Double) {
        self.latitude = latitude
        self.longitude = longitude
    }

    /// Checks both degrees; `field` prefixes the names ("location" → "location.latitude").
    public static func validated(latitude: Double?, longitude: Double?, field: String) throws(ValidationError) -> GeoPoint? {
        switch (latitude, longitude) {
        case (nil, nil): return nil
        case (nil, _): throw ValidationError(field: "\(field).latitude", issue: .missing, hint: "Give the latitude with the longitude (degrees, -90 … 90).")
        case (_, nil): throw ValidationError(field: "\(field).longitude", issue: .missing, hint: "Give the longitude with the latitude (degrees, -180 … 180).")
        case let (latitude?, longitude?):
            guard latitude.isFinite, (-90...90).contains(latitude) else {
                throw ValidationError(field: "\(field).latitude", issue: .invalid, hint: "A latitude is between -90 and 90 degrees, e.g. 52.52.")
            }
            guard longitude.isFinite, (-180...180).contains(longitude) else {
                throw ValidationError(field: "\(field).longitude", issue: .invalid, hint: "A longitude is between -180 and 180 degrees, e.g. 13.405.")
            }
            return GeoPoint(latitude: latitude, longitude: longitude)
        }
    }

    /// Great-circle distance in kilometres (haversine, mean Earth radius 6,371.0088 km).
    public func kilometres(to other: GeoPoint) -> Double {
        let radians = Double.pi / 180
        let dLat = (other.latitude - latitude) * radians, dLon = (other.longitude - longitude) * radians
        let a = sin(dLat / 2) * sin(dLat / 2) + cos(latitude * radians) * cos(other.latitude * radians) * sin(dLon / 2) * sin(dLon / 2)
        return 2 * 6_371.0088 * asin(min(1, a.squareRoot()))
    }
}
