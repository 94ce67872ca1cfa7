import CairnCore
import CairnServer
import Foundation
import Testing

@Suite("Message catalogues")
struct CatalogueTests {
    static let catalogue = try! MessageCatalogue.bundled()

    @Test("Every catalogue has every key English has, and no stray ones", arguments: InterfaceLanguage.allCases)
    func catalogueIsComplete(language: InterfaceLanguage) {
        #expect(Self.catalogue.missingKeys(in: language) == [], "\(language.rawValue) lacks keys English has")
        let extra = Set(Self.catalogue.messages[language]?.keys ?? [:].keys).subtracting(Self.catalogue.messages[.english]?.keys ?? [:].keys)
        #expect(extra.isEmpty, "\(language.rawValue) has keys English lacks: \(extra.sorted())")
    }

    @Test("Translations keep their placeholders", arguments: InterfaceLanguage.allCases)
    func placeholdersSurvive(language: InterfaceLanguage) throws {
        let english = try #require(Self.catalogue.messages[.english])
        let translated = try #require(Self.catalogue.messages[language])
        let placeholder = /\{[a-zA-Z]+\}/
        for (key, text) in english {
            let expected = Set(text.matches(of: placeholder).map { String($0.0) })
            let found = Set((translated[key] ?? "").matches(of: placeholder).map { String($0.0) })
            #expect(expected == found, "\(language.rawValue).\(key) must keep \(expected.sorted())")
        }
    }

    @Test("Every text a template asks for exists in English")
    func templatesUseKnownKeys() throws {
        let directory = try #require(Bundle.cairnServerResources?.url(forResource: "Templates", withExtension: nil))
        let english = try #require(Self.catalogue.messages[.english])
        var used = Set<String>()
        for file in try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil) where file.pathExtension == "mustache" {
            let template = try String(contentsOf: file, encoding: .utf8)
            used.formUnion(template.matches(of: /\{\{t\.([a-zA-Z0-9_.-]+)\}\}/).map { String($0.1) })
        }
        #expect(used.count > 50)
        #expect(used.subtracting(english.keys).isEmpty, "templates use missing keys: \(used.subtracting(english.keys).sorted())")
    }

    @Test("Every role, permission and audit action has a text")
    func domainValuesHaveTexts() throws {
        let english = try #require(Self.catalogue.messages[.english])
        for role in Role.allCases { #expect(english["role_\(role.rawValue)"] != nil) }
        for permission in Permission.allCases { #expect(english["perm_\(permission.rawValue)"] != nil) }
        for action in AuditEntry.Action.allCases { #expect(english["audit_\(action.rawValue)"] != nil) }
    }
}

extension Bundle {
    /// The server target's resource bundle, found beside the test bundle.
    static var cairnServerResources: Bundle? {
        let candidates = [Bundle.main.bundleURL, Bundle(for: BundleLocator.self).bundleURL.deletingLastPathComponent()]
        for base in candidates {
            if let bundle = Bundle(url: base.appendingPathComponent("cairn_CairnServer.resources")) { return bundle }
        }
        return nil
    }
}

private final class BundleLocator {}
