import CairnCore
import Foundation
import HTTPTypes
import Hummingbird
import Mustache
import NIOCore

/// Renders server-side pages: mustache templates shipped as resources, texts from the message catalogues.
public struct WebRenderer: Sendable {
    let library: MustacheLibrary
    public let catalogue: MessageCatalogue

    public init(catalogue: MessageCatalogue) async throws {
        guard let directory = Bundle.module.url(forResource: "Templates", withExtension: nil)?.path else {
            throw RendererError.templatesMissing
        }
        self.library = try await MustacheLibrary(directory: directory)
        self.catalogue = catalogue
    }

    enum RendererError: Error { case templatesMissing, templateFailed(String) }

    /// The values every page's layout needs: language, direction, texts, navigation, the CSRF token.
    func layout(title: String, context: CairnRequestContext, section: String) -> [String: Any] {
        let language = context.language
        let texts = catalogue.texts(for: language)
        var values: [String: Any] = [
            "lang": language.rawValue,
            "dir": language.isRightToLeft ? "rtl" : "ltr",
            "t": texts,
            "title": title,
            "requestID": context.requestID,
            "inSettings": section.hasPrefix("settings-"),
        ]
        if let identity = context.identity, let user = identity.user {
            let principal = identity.principal
            values["signedIn"] = true
            values["csrf"] = identity.session?.csrfToken ?? ""
            values["me"] = ["name": user.displayName.isEmpty ? user.email : user.displayName, "role": texts["role_\(user.role.rawValue)"] ?? user.role.rawValue]
            let main: [(String, String, String, Permission)] = [
                ("overview", "/", "nav_overview", .workspaceRead),
                ("customers", "/customers", "nav_customers", .customersRead),
                ("live", "/live", "nav_live", .customersRead),
                ("commerce", "/commerce", "nav_commerce", .commerceRead),
                ("feedback", "/feedback", "nav_feedback", .feedbackRead),
                ("service", "/service", "nav_service", .serviceRead),
                ("journeys", "/journeys", "nav_journeys", .journeysRead),
                ("insights", "/insights", "nav_insights", .insightsRead),
                ("workforce", "/workforce", "nav_workforce", .workforceManage),
                ("mystore", "/workforce/my-store", "nav_my_store", .serviceWork),
            ]
            values["nav"] = main.filter { principal.can($0.3) }.map { item -> [String: Any] in
                ["id": item.0, "href": item.1, "label": texts[item.2] ?? item.2, "current": item.0 == section]
            }
            let settings: [(String, String, String, Permission?)] = [
                ("workspace", "/settings/workspace", "settings_workspace", .workspaceRead),
                ("users", "/settings/users", "settings_users", .usersRead),
                ("keys", "/settings/keys", "settings_keys", .keysManage),
                ("sources", "/settings/sources", "settings_sources", .keysManage),
                ("audit", "/settings/audit", "settings_audit", .auditRead),
                ("profile", "/settings/profile", "settings_profile", nil),
            ]
            values["settingsNav"] = settings.filter { $0.3.map(principal.can) ?? true }.map { item -> [String: Any] in
                ["id": item.0, "href": item.1, "label": texts[item.2] ?? item.2, "current": "settings-\(item.0)" == section]
            }
        }
        return values
    }

    /// Renders `template` inside the layout as an HTML response.
    func page(_ template: String, titleKey: String, section: String, context: CairnRequestContext,
              values: [String: Any] = [:], status: HTTPResponse.Status = .ok) throws -> Response {
        let title = catalogue.text(titleKey, context.language)
        var all = layout(title: title, context: context, section: section)
        for (key, value) in values { all[key] = value }
        guard let html = library.render(Self.present(all) ?? [:], withTemplate: template) else { throw RendererError.templateFailed(template) }
        return Self.html(html, status: status)
    }

    /// Renders a template that carries its own layout (the public survey pages) with exactly these values.
    func standalone(_ template: String, values: [String: Any], status: HTTPResponse.Status = .ok) throws -> Response {
        guard let html = library.render(Self.present(values) ?? [:], withTemplate: template) else { throw RendererError.templateFailed(template) }
        return Self.html(html, status: status)
    }

    /// The values as mustache must see them: an `Optional` boxed in `Any` unwrapped, and a missing one left out, at
    /// every depth — otherwise mustache prints "nil" (`/customers/nil`, `<img src="nil">`) and opens the section of an
    /// absent value (an empty error box).
    static func present(_ value: Any) -> Any? {
        let mirror = Mirror(reflecting: value)
        if mirror.displayStyle == .optional {
            guard let wrapped = mirror.children.first?.value else { return nil }
            return present(wrapped)
        }
        if let dictionary = value as? [String: Any] {
            var kept: [String: Any] = [:]
            for (key, item) in dictionary { if let item = present(item) { kept[key] = item } }
            return kept
        }
        if let array = value as? [Any] { return array.compactMap(present) }
        return value
    }

    static func html(_ html: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    static func redirect(to location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location])
    }
}
