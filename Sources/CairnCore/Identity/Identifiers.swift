import Foundation

/// A typed identifier: a random, URL-safe string that names one row of one kind.
public protocol EntityID: Hashable, Sendable, Codable, CustomStringConvertible, LosslessStringConvertible {
    var rawValue: String { get }
    init(rawValue: String)
}

extension EntityID {
    public init?(_ description: String) {
        guard Self.isWellFormed(description) else { return nil }
        self.init(rawValue: description)
    }
    public var description: String { rawValue }

    /// A new random identifier (a lowercase UUID).
    public static func generate() -> Self { Self(rawValue: UUID().uuidString.lowercased()) }

    /// Identifiers are lowercase UUIDs; anything else cannot name a row.
    public static func isWellFormed(_ text: String) -> Bool {
        text.count == 36 && UUID(uuidString: text) != nil
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard Self.isWellFormed(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not an identifier"))
        }
        self.init(rawValue: text.lowercased())
    }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

public struct WorkspaceID: EntityID { public let rawValue: String; public init(rawValue: String) { self.rawValue = rawValue } }
public struct UserID: EntityID { public let rawValue: String; public init(rawValue: String) { self.rawValue = rawValue } }
public struct APIKeyID: EntityID { public let rawValue: String; public init(rawValue: String) { self.rawValue = rawValue } }
public struct AuditEntryID: EntityID { public let rawValue: String; public init(rawValue: String) { self.rawValue = rawValue } }
