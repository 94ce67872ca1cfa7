/// A topic a workspace added to the standard ones: keywords per language (en, de, he, zh).
public struct CustomTopic: Sendable, Hashable, Codable {
    public var id: String
    public var name: String
    public var keywords: [String: [String]]

    public init(id: String, name: String, keywords: [String: [String]]) {
        self.id = id
        self.name = name
        self.keywords = keywords
    }
}
