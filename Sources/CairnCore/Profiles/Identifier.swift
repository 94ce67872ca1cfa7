public import Foundation

public struct ProfileID: EntityID { public let rawValue: String; public init(rawValue: String) { self.rawValue = rawValue } }

/// Something that identifies a person: a user id, an anonymous id, an email address, a phone number, or an id of
/// another system (`context.externalIds`). Values are normalised so that the same person matches however it was typed.
public struct Identifier: Sendable, Hashable, Codable, CustomStringConvertible {
    public struct Kind: Sendable, Hashable, Codable, RawRepresentable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        public static let userID = Kind(rawValue: "user_id")
        public static let anonymousID = Kind(rawValue: "anonymous_id")
        public static let email = Kind(rawValue: "email")
        public static let phone = Kind(rawValue: "phone")

        /// The kinds people may name, as they name them (`ext:TYPE` stands for any external id type).
        public static let names = ["user_id", "anonymous_id", "email", "phone", "ext:TYPE"]

        /// The kind a person or client named: a built-in one or `ext:` and a type; `nil` for anything else.
        public init?(naming text: String) {
            guard [Kind.userID, .anonymousID, .email, .phone].map(\.rawValue).contains(text) || (text.hasPrefix("ext:") && text.count > 4) else { return nil }
            self.init(rawValue: text)
        }

        /// An id type of another system (`context.externalIds[].type`), e.g. `ext:crm_id`.
        public static func external(_ type: String) -> Kind { Kind(rawValue: "ext:" + type.lowercased()) }

        /// Which identifier names a person most surely; the profile it points to wins a merge.
        public var strength: Int {
            switch self {
            case .userID: 4
            case .email: 3
            case .phone: 2
            case .anonymousID: 0
            default: 1
            }
        }
    }

    public var kind: Kind
    public var value: String

    public init(kind: Kind, value: String) {
        self.kind = kind
        self.value = value
    }

    public var description: String { "\(kind.rawValue):\(value)" }

    /// A normalised identifier, or `nil` when the text cannot identify anyone (empty, an impossible email or phone).
    public static func normalised(kind: Kind, _ text: String) -> Identifier? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, trimmed.count <= 255, TextSafety.isSafeIdentifier(trimmed) else { return nil }
        switch kind {
        case .email:
            guard let email = try? Credentials.validateEmail(trimmed) else { return nil }
            return Identifier(kind: .email, value: email)
        case .phone:
            return normalisedPhone(trimmed).map { Identifier(kind: .phone, value: $0) }
        default:
            return Identifier(kind: kind, value: trimmed)
        }
    }

    /// E.164: `+` and 8 to 15 digits. Accepts spaces, dots, dashes, brackets and a leading `00`. Numbers without a
    /// country code cannot be normalised safely and are not used to identify anyone.
    static func normalisedPhone(_ text: String) -> String? {
        var digits = text.filter { !" .-()/".contains($0) }
        if digits.hasPrefix("00") { digits = "+" + digits.dropFirst(2) }
        guard digits.hasPrefix("+") else { return nil }
        let number = digits.dropFirst()
        guard (8...15).contains(number.count), number.allSatisfy(\.isASCII), number.allSatisfy(\.isNumber), number.first != "0" else { return nil }
        return "+" + number
    }
}

/// How a workspace keeps its golden records: how many identifiers of a kind one profile may hold before a merge is
/// refused (stops one profile swallowing many people, e.g. through a shared device's anonymous id; kinds not listed are
/// unlimited), and which sources a trait's value is taken from first (survivorship; traits not listed keep the latest
/// value).
public struct IdentityPolicy: Sendable, Hashable, Codable {
    public var limits: [String: Int]
    /// Trait name → source ids, most trusted first. A listed source's value of that trait beats any later value from a
    /// source listed after it or not at all; among equals the latest observation wins.
    public var traitSourcePriority: [String: [SourceID]]

    public init(limits: [String: Int] = [Identifier.Kind.userID.rawValue: 1, Identifier.Kind.email.rawValue: 1],
                traitSourcePriority: [String: [SourceID]] = [:]) {
        self.limits = limits
        self.traitSourcePriority = traitSourcePriority
    }

    public func limit(for kind: Identifier.Kind) -> Int? { limits[kind.rawValue] }

    /// Whether an observation of `trait` from `source` at `observedAt` replaces the one the profile holds.
    public func replaces(trait: String, source: SourceID, observedAt: Date, heldFrom heldSource: SourceID, heldAt: Date) -> Bool {
        if let order = traitSourcePriority[trait] {
            let rank = { (id: SourceID) in order.firstIndex(of: id) ?? order.count }
            let new = rank(source), held = rank(heldSource)
            if new != held { return new < held }
        }
        // Latest wins; ties go to the newcomer.
        return observedAt >= heldAt
    }
}
