public import Foundation
import Synchronization

/// How Cairn's public JSON (API bodies, the event stream, exports) is written: one id casing everywhere, the tracking API's (`userId`, `messageId`, `profileId`,
/// `workspaceId`), and ISO 8601 times. Swift properties keep Swift's casing (`workspaceID`); a property name ending in
/// `ID` is written with `Id` here, in this one place, for every response body, event-stream message and export.
/// Only property names change: dictionary keys and the keys inside free JSON (traits, event properties, answers) are
/// the customer's own and go out as they came in.
public enum PublicJSON {
    /// An encoder for the public JSON; `formatting` adds to it (sorted keys, pretty printing, …).
    public static func encoder(_ formatting: JSONEncoder.OutputFormatting = []) -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = formatting
        encoder.dateEncodingStrategy = .iso8601
        encoder.keyEncodingStrategy = .custom { path in
            let key = path[path.count - 1]
            // Only a name ending in `ID` can change, and only a property's: synthesised and hand-written property keys
            // are types named CodingKeys, free JSON uses other key types. The name is looked at first because asking a
            // key's type for its name costs far more (it was most of the time of encoding a large report).
            guard key.stringValue.utf8.count > 2, key.stringValue.hasSuffix("ID"), isPropertyKey(type(of: key)) else { return key }
            return PropertyKey(stringValue: publicName(key.stringValue))
        }
        return encoder
    }

    /// Whether a key type is a type's own CodingKeys, remembered per type.
    private static func isPropertyKey(_ type: any CodingKey.Type) -> Bool {
        let id = ObjectIdentifier(type)
        if let known = propertyKeyTypes.withLock({ $0[id] }) { return known }
        let answer = String(describing: type) == "CodingKeys"
        propertyKeyTypes.withLock { $0[id] = answer }
        return answer
    }

    private static let propertyKeyTypes = Mutex<[ObjectIdentifier: Bool]>([:])

    /// `workspaceID` → `workspaceId`; `id` and names not ending in `ID` stay.
    public static func publicName(_ property: String) -> String {
        guard property.count > 2, property.hasSuffix("ID") else { return property }
        return property.dropLast(2) + "Id"
    }

    private struct PropertyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}
