public import CairnCore
import Foundation

/// UI text in every supported language, loaded from `Messages/<language>.json`. English is complete by definition;
/// a test fails when another catalogue lacks one of its keys.
public struct MessageCatalogue: Sendable {
    public let messages: [InterfaceLanguage: [String: String]]

    public init(messages: [InterfaceLanguage: [String: String]]) {
        self.messages = messages
    }

    /// Loads the catalogues shipped with the server.
    public static func bundled() throws -> MessageCatalogue {
        var messages: [InterfaceLanguage: [String: String]] = [:]
        for language in InterfaceLanguage.allCases {
            guard let url = Bundle.module.url(forResource: language.rawValue, withExtension: "json", subdirectory: "Messages") else {
                throw CatalogueError.missing(language.rawValue)
            }
            messages[language] = try JSONDecoder().decode([String: String].self, from: Data(contentsOf: url))
        }
        return MessageCatalogue(messages: messages)
    }

    /// The texts for a language, English filling any gap.
    public func texts(for language: InterfaceLanguage) -> [String: String] {
        let english = messages[.english] ?? [:]
        return english.merging(messages[language] ?? [:]) { _, translated in translated }
    }

    /// One text, with `{name}` placeholders filled.
    public func text(_ key: String, _ language: InterfaceLanguage, _ arguments: [String: String] = [:]) -> String {
        var text = messages[language]?[key] ?? messages[.english]?[key] ?? key
        for (name, value) in arguments { text = text.replacingOccurrences(of: "{\(name)}", with: value) }
        return text
    }

    /// Keys English has that `language` lacks.
    public func missingKeys(in language: InterfaceLanguage) -> [String] {
        let english = Set(messages[.english]?.keys ?? [:].keys)
        return english.subtracting(messages[language]?.keys ?? [:].keys).sorted()
    }

    enum CatalogueError: Error { case missing(String) }
}
