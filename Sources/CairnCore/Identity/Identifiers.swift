public import Foundation
import Synchronization

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

    /// A new identifier: a lowercase, time-ordered UUID (version 7: 48 bits of Unix milliseconds, then 74 random bits).
    /// Rows made one after the other land next to each other in the database's indexes instead of at random places,
    /// which keeps inserts cheap; the random part keeps identifiers unguessable.
    public static func generate() -> Self { Self(rawValue: timeOrderedUUID().uuidString.lowercased()) }

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

/// The last identifier's millisecond and counter, so that identifiers made one after another in this process sort in
/// the order they were made, also within one millisecond.
private let lastTimeOrdered = Mutex<(millis: UInt64, counter: UInt16)>((0, 0))

/// A version 7 UUID for now: 48 bits of Unix milliseconds, a 12-bit counter (RFC 9562, method 1) that starts at a
/// random value each millisecond and counts up within it, then 62 random bits. Identifiers of this process are strictly
/// increasing, so the events of one request keep their order where their times are equal.
public func timeOrderedUUID() -> UUID {
    var generator = SystemRandomNumberGenerator()
    let now = UInt64(max(0, Date().timeIntervalSince1970 * 1000))
    let (millis, counter) = lastTimeOrdered.withLock { last -> (UInt64, UInt16) in
        if now > last.millis {
            last = (now, UInt16.random(in: 0..<0x800, using: &generator))
        } else if last.counter < 0xFFF {
            last.counter += 1
        } else {
            // 4096 in one millisecond (or the clock went back): borrow the next millisecond.
            last = (last.millis + 1, UInt16.random(in: 0..<0x800, using: &generator))
        }
        return (last.millis, last.counter)
    }
    let random = generator.next() as UInt64
    var bytes = [UInt8](repeating: 0, count: 16)
    for index in 0..<6 { bytes[index] = UInt8(truncatingIfNeeded: millis >> (8 * (5 - index))) }
    bytes[6] = 0x70 | UInt8(truncatingIfNeeded: counter >> 8)
    bytes[7] = UInt8(truncatingIfNeeded: counter)
    bytes[8] = 0x80 | UInt8(truncatingIfNeeded: random & 0x3F)
    for index in 9..<16 { bytes[index] = UInt8(truncatingIfNeeded: random >> (8 * (index - 8))) }
    return UUID(uuid: (bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                       bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]))
}
