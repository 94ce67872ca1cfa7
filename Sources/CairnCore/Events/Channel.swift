/// The touchpoint an event came through. Physical and digital channels share one vocabulary so they form one journey.
public struct Channel: Sendable, Hashable, Codable, CustomStringConvertible, RawRepresentable {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }

    public static let web = Channel(rawValue: "web")
    public static let app = Channel(rawValue: "app")
    public static let store = Channel(rawValue: "store")
    public static let callCenter = Channel(rawValue: "call_center")
    public static let chat = Channel(rawValue: "chat")
    public static let email = Channel(rawValue: "email")
    public static let delivery = Channel(rawValue: "delivery")

    /// The channels every workspace knows.
    public static let builtIn: [Channel] = [.web, .app, .store, .callCenter, .chat, .email, .delivery]

    /// Checks a channel name: a built-in one or a workspace's own (lowercase letters, digits, `_`, up to 32).
    public static func validate(_ text: String, field: String) throws(ValidationError) -> Channel {
        let isIdentifier = (1...32).contains(text.count) && text.first!.isLowercase
            && text.allSatisfy { ($0.isASCII && ($0.isLowercase || $0.isNumber)) || $0 == "_" }
        guard isIdentifier else {
            throw ValidationError(field: field, issue: .invalid,
                                  hint: "Use one of \(builtIn.map(\.rawValue).joined(separator: ", ")), or your own lowercase name (letters, digits, _; up to 32).")
        }
        return Channel(rawValue: text)
    }
}

/// A channel as a workspace lists it: the seven built in and those it defined itself, each with a label for people.
public struct WorkspaceChannel: Sendable, Hashable, Codable {
    public var name: Channel
    public var label: String
    public var isBuiltIn: Bool

    public init(name: Channel, label: String, isBuiltIn: Bool) {
        self.name = name
        self.label = label
        self.isBuiltIn = isBuiltIn
    }
}
