import CairnCore
import CairnEngine
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Settings: workspace, users and roles, API keys, the audit log, and one's own profile.
struct SettingsPages {
    let renderer: WebRenderer
    let administration: Administration

    func addRoutes(to router: Router<CairnRequestContext>) {
        router.get("settings", use: { _, _ in WebRenderer.redirect(to: "/settings/workspace") })
        router.get("settings/workspace", use: workspace)
        router.post("settings/workspace", use: renameWorkspace)
        router.get("settings/users", use: users)
        router.post("settings/users", use: createUser)
        router.post("settings/users/{id}/role", use: changeRole)
        router.post("settings/users/{id}/remove", use: removeUser)
        router.get("settings/keys", use: keys)
        router.post("settings/keys", use: createKey)
        router.post("settings/keys/{id}/revoke", use: revokeKey)
        router.get("settings/sources", use: sources)
        router.post("settings/sources", use: createSource)
        router.post("settings/sources/{id}", use: updateSource)
        router.post("settings/channels", use: defineChannel)
        router.get("settings/audit", use: audit)
        router.post("settings/audit/export", use: exportAudit)
        router.get("settings/profile", use: profile)
        router.post("settings/profile", use: updateProfile)
    }

    private func texts(_ context: CairnRequestContext) -> [String: String] { renderer.catalogue.texts(for: context.language) }

    private func flash(_ request: Request, _ context: CairnRequestContext) -> String? {
        request.uri.queryParameters["done"].flatMap { texts(context)["flash_\($0)"] }
    }

    // MARK: Workspace

    @Sendable func workspace(_ request: Request, context: CairnRequestContext) async throws -> Response {
        try await workspacePage(request, context: context)
    }

    private func workspacePage(_ request: Request, context: CairnRequestContext, errors: [String: Any]? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        let (principal, _) = try context.requireUser()
        let workspace = try await administration.workspace(for: principal)
        return try renderer.page("settings_workspace", titleKey: "settings_workspace", section: "settings-workspace", context: context, values: [
            "workspace": ["name": workspace.name, "id": workspace.id.rawValue, "created": displayDate(workspace.createdAt)],
            "canManage": principal.can(.workspaceManage),
            "flash": flash(request, context) as Any,
            "errors": errors as Any,
        ], status: status)
    }

    @Sendable func renameWorkspace(_ request: Request, context: CairnRequestContext) async throws -> Response {
        let (principal, _) = try context.requireUser()
        let form = try await request.form()
        do {
            _ = try await administration.renameWorkspace(to: form["name"] ?? "", by: principal, origin: context.origin)
            return WebRenderer.redirect(to: "/settings/workspace?done=saved")
        } catch let error as ValidationError {
            return try await workspacePage(request, context: context, errors: fieldErrors(error, texts: renderer.catalogue, language: context.language), status: .badRequest)
        }
    }

    // MARK: Users

    @Sendable func users(_ request: Request, context: CairnRequestContext) async throws -> Response {
        try await usersPage(request, context: context)
    }

    private func usersPage(_ request: Request, context: CairnRequestContext, extra: [String: Any] = [:], status: HTTPResponse.Status = .ok) async throws -> Response {
        let (principal, me) = try context.requireUser()
        let (cursor, limit) = try request.pagination()
        let page = try await administration.users(for: principal, after: cursor, limit: limit)
        let texts = texts(context)
        let canManage = principal.can(.usersManage)
        var values: [String: Any] = [
            "users": page.items.map { user -> [String: Any] in
                [
                    "id": user.id.rawValue, "email": user.email, "name": user.displayName,
                    "role": texts["role_\(user.role.rawValue)"] ?? user.role.rawValue,
                    "created": displayDate(user.createdAt), "isMe": user.id == me.id,
                    "roleOptions": Role.allCases.map { ["value": $0.rawValue, "label": texts["role_\($0.rawValue)"] ?? $0.rawValue, "selected": $0 == user.role] },
                ]
            },
            "nextCursor": page.nextCursor as Any,
            "canManage": canManage,
            "roleOptions": Role.allCases.map { ["value": $0.rawValue, "label": texts["role_\($0.rawValue)"] ?? $0.rawValue, "selected": $0 == .viewer] },
            "roles": Role.allCases.map { role -> [String: Any] in
                ["name": texts["role_\(role.rawValue)"] ?? role.rawValue,
                 "permissions": Permission.allCases.filter(role.can).map { texts["perm_\($0.rawValue)"] ?? $0.summary }]
            },
            "flash": flash(request, context) as Any,
        ]
        values.merge(extra) { _, new in new }
        return try renderer.page("settings_users", titleKey: "settings_users", section: "settings-users", context: context, values: values, status: status)
    }

    @Sendable func createUser(_ request: Request, context: CairnRequestContext) async throws -> Response {
        let (principal, _) = try context.requireUser()
        try principal.require(.usersManage)
        let form = try await request.form()
        do {
            let role = try parseRole(form["role"])
            let created = try await administration.createUser(.init(email: form["email"] ?? "", displayName: form["displayName"] ?? "", role: role),
                                                              by: principal, origin: context.origin)
            return try await usersPage(request, context: context, extra: [
                "created": ["email": created.user.email, "password": created.generatedPassword ?? ""],
            ], status: .created)
        } catch let error as ValidationError {
            return try await usersPage(request, context: context, extra: ["errors": fieldErrors(error, texts: renderer.catalogue, language: context.language), "email": form["email"] ?? ""], status: .badRequest)
        } catch let error as ConflictError {
            return try await usersPage(request, context: context, extra: ["errors": fieldErrors(error, texts: renderer.catalogue, language: context.language), "email": form["email"] ?? ""], status: .conflict)
        }
    }

    @Sendable func changeRole(_ request: Request, context: CairnRequestContext) async throws -> Response {
        let (principal, _) = try context.requireUser()
        try principal.require(.usersManage)
        let id = try context.parameters.id(as: UserID.self, kind: "user")
        let form = try await request.form()
        do {
            _ = try await administration.changeRole(of: id, to: try parseRole(form["role"]), by: principal, origin: context.origin)
            return WebRenderer.redirect(to: "/settings/users?done=role_changed")
        } catch let error as AccessError where error == .lastAdministrator {
            return try await usersPage(request, context: context, extra: ["errors": fieldErrors(error, texts: renderer.catalogue, language: context.language)], status: .conflict)
        }
    }

    @Sendable func removeUser(_ request: Request, context: CairnRequestContext) async throws -> Response {
        let (principal, _) = try context.requireUser()
        try principal.require(.usersManage)
        let id = try context.parameters.id(as: UserID.self, kind: "user")
        do {
            try await administration.removeUser(id, by: principal, origin: context.origin)
            return WebRenderer.redirect(to: "/settings/users?done=user_removed")
        } catch let error as AccessError where error == .lastAdministrator {
            return try await usersPage(request, context: context, extra: ["errors": fieldErrors(error, texts: renderer.catalogue, language: context.language)], status: .conflict)
        }
    }

    // MARK: Keys

    @Sendable func keys(_ request: Request, context: CairnRequestContext) async throws -> Response {
        try await keysPage(request, context: context)
    }

    private func keysPage(_ request: Request, context: CairnRequestContext, extra: [String: Any] = [:], status: HTTPResponse.Status = .ok) async throws -> Response {
        let (principal, _) = try context.requireUser()
        let (cursor, limit) = try request.pagination()
        let page = try await administration.keys(for: principal, after: cursor, limit: limit)
        let texts = texts(context)
        let makers = try await administration.actorNames(Set(page.items.compactMap(\.createdBy)), for: principal)
        let acting = try await administration.effectiveRoles(of: page.items, for: principal)
        var values: [String: Any] = [
            "keys": page.items.map { key -> [String: Any] in
                let roleName = { (role: Role) in texts["role_\(role.rawValue)"] ?? role.rawValue }
                var role = key.role.map(roleName) ?? "—"
                if let own = key.role, !key.isRevoked, let now = acting[key.id], now < own {
                    role = (texts["key_role_capped"] ?? "%1$@, acts as %2$@").replacingOccurrences(of: "%1$@", with: roleName(own))
                        .replacingOccurrences(of: "%2$@", with: roleName(now))
                }
                return [
                    "id": key.id.rawValue, "name": key.name, "prefix": key.displayPrefix,
                    "kind": texts["key_kind_\(key.kind.rawValue)"] ?? key.kind.rawValue,
                    "maker": key.createdBy.map { actorText($0, makers, texts: texts) } ?? (texts["key_maker_console"] ?? "—"),
                    "role": role,
                    "created": displayDate(key.createdAt), "lastUsed": displayDate(key.lastUsedAt),
                    "revoked": key.revokedAt.map(displayDate) as Any, "isActive": !key.isRevoked,
                ]
            },
            "nextCursor": page.nextCursor as Any,
            "roleOptions": Role.allCases.filter { $0 <= principal.role }.map { ["value": $0.rawValue, "label": texts["role_\($0.rawValue)"] ?? $0.rawValue, "selected": $0 == .viewer] },
            "sourceOptions": try await administration.sources(for: principal, after: nil, limit: PageSize(PageSize.maximum)).items.map { ["value": $0.id.rawValue, "label": $0.name] },
            "flash": flash(request, context) as Any,
        ]
        values.merge(extra) { _, new in new }
        return try renderer.page("settings_keys", titleKey: "settings_keys", section: "settings-keys", context: context, values: values, status: status)
    }

    @Sendable func createKey(_ request: Request, context: CairnRequestContext) async throws -> Response {
        let (principal, _) = try context.requireUser()
        try principal.require(.keysManage)
        let form = try await request.form()
        do {
            guard let kind = form["kind"].flatMap(APIKey.Kind.init(rawValue:)) else {
                throw ValidationError(field: "kind", issue: .unknownValue(allowed: ["write", "secret"]), hint: "Choose write or secret.")
            }
            let role = kind == .secret ? try parseRole(form["role"]) : nil
            let source = kind == .write ? form["source"].flatMap { SourceID($0) } : nil
            let created = try await administration.createKey(kind: kind, name: form["name"] ?? "", role: role, source: source, by: principal, origin: context.origin)
            return try await keysPage(request, context: context, extra: ["createdToken": created.token], status: .created)
        } catch let error as ValidationError {
            return try await keysPage(request, context: context, extra: ["errors": fieldErrors(error, texts: renderer.catalogue, language: context.language)], status: .badRequest)
        }
    }

    @Sendable func revokeKey(_ request: Request, context: CairnRequestContext) async throws -> Response {
        let (principal, _) = try context.requireUser()
        _ = try await administration.revokeKey(try context.parameters.id(as: APIKeyID.self, kind: "key"), by: principal, origin: context.origin)
        return WebRenderer.redirect(to: "/settings/keys?done=key_revoked")
    }

    // MARK: Sources

    @Sendable func sources(_ request: Request, context: CairnRequestContext) async throws -> Response {
        try await sourcesPage(request, context: context)
    }

    private func sourcesPage(_ request: Request, context: CairnRequestContext, errors: [String: Any]? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        let (principal, _) = try context.requireUser()
        let (cursor, limit) = try request.pagination()
        let page = try await administration.sources(for: principal, after: cursor, limit: limit)
        let texts = texts(context)
        let known = try await administration.channels(for: principal)
        func label(_ channel: CairnCore.Channel) -> String {
            texts["channel_\(channel.rawValue)"] ?? known.first { $0.name == channel }?.label ?? channel.rawValue
        }
        func channelOptions(_ selected: CairnCore.Channel) -> [[String: Any]] {
            var channels = known.map(\.name)
            if !channels.contains(selected) { channels.append(selected) }
            return channels.map { ["value": $0.rawValue, "label": label($0), "selected": $0 == selected] }
        }
        return try renderer.page("settings_sources", titleKey: "settings_sources", section: "settings-sources", context: context, values: [
            "sources": page.items.map { source -> [String: Any] in
                [
                    "id": source.id.rawValue, "name": source.name,
                    "channel": label(source.defaultChannel),
                    "channelOptions": channelOptions(source.defaultChannel),
                    "rateLimit": source.rateLimit.map(String.init) ?? "",
                    "lastSeen": displayDate(source.lastSeenAt), "events": String(source.eventCount),
                ]
            },
            "channelOptions": channelOptions(.web),
            "ownChannels": known.filter { !$0.isBuiltIn }.map { ["name": $0.name.rawValue, "label": $0.label] },
            "canDefineChannels": principal.role.can(.workspaceManage),
            "nextCursor": page.nextCursor as Any,
            "flash": flash(request, context) as Any,
            "errors": errors as Any,
        ], status: status)
    }

    /// An empty rate field means "no limit".
    private func rateLimit(_ text: String?) throws(ValidationError) -> Int? {
        guard let text = text?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
        guard let value = Int(text) else { throw ValidationError(field: "rateLimit", issue: .invalid, hint: "Use a whole number of events per second, or leave it empty.") }
        return value
    }

    /// A form posted from the sources page: saved, then back to the page; a mistake shows the page again with it.
    private func sourcesForm(_ request: Request, context: CairnRequestContext, needs permission: Permission,
                             _ save: (Principal, FormFields) async throws -> Void) async throws -> Response {
        let (principal, _) = try context.requireUser()
        try principal.require(permission)
        let form = try await request.form()
        do {
            try await save(principal, form)
            return WebRenderer.redirect(to: "/settings/sources?done=saved")
        } catch let error as ValidationError {
            return try await sourcesPage(request, context: context, errors: fieldErrors(error, texts: renderer.catalogue, language: context.language), status: .badRequest)
        }
    }

    @Sendable func createSource(_ request: Request, context: CairnRequestContext) async throws -> Response {
        try await sourcesForm(request, context: context, needs: .keysManage) { principal, form in
            let channel = try CairnCore.Channel.validate(form["defaultChannel"] ?? "", field: "defaultChannel")
            _ = try await administration.createSource(name: form["name"] ?? "", defaultChannel: channel, rateLimit: try rateLimit(form["rateLimit"]),
                                                      by: principal, origin: context.origin)
        }
    }

    /// A channel of the workspace's own, for events and sources (workspace.manage).
    @Sendable func defineChannel(_ request: Request, context: CairnRequestContext) async throws -> Response {
        try await sourcesForm(request, context: context, needs: .workspaceManage) { principal, form in
            _ = try await administration.defineChannel(form["name"] ?? "", label: form["label"] ?? "", by: principal, origin: context.origin)
        }
    }

    @Sendable func updateSource(_ request: Request, context: CairnRequestContext) async throws -> Response {
        let id = try context.parameters.id(as: SourceID.self, kind: "source")
        return try await sourcesForm(request, context: context, needs: .keysManage) { principal, form in
            let channel = try CairnCore.Channel.validate(form["defaultChannel"] ?? "", field: "defaultChannel")
            _ = try await administration.updateSource(id, name: nil, defaultChannel: channel, rateLimit: .some(try rateLimit(form["rateLimit"])),
                                                      by: principal, origin: context.origin)
        }
    }

    // MARK: Audit log

    @Sendable func audit(_ request: Request, context: CairnRequestContext) async throws -> Response {
        let (principal, _) = try context.requireUser()
        let (cursor, limit) = try request.pagination()
        let page = try await administration.auditLog(for: principal, after: cursor, limit: limit)
        let texts = texts(context)
        // Users and keys are named, whether they acted or were acted on; other targets (profile:…, source:…) stay as ids.
        let people = page.items.compactMap(\.target).filter { $0.hasPrefix("user:") || $0.hasPrefix("key:") }
        let actors = try await administration.actorNames(Set(page.items.map(\.actor) + people), for: principal)
        return try renderer.page("settings_audit", titleKey: "settings_audit", section: "settings-audit", context: context, values: [
            "entries": page.items.map { entry -> [String: Any] in
                [
                    "when": displayDate(entry.occurredAt), "action": texts["audit_\(entry.action.rawValue)"] ?? entry.action.rawValue,
                    "actor": actorText(entry.actor, actors, texts: texts), "actorReference": entry.actor, "target": entry.target.map { people.contains($0) ? actorText($0, actors, texts: texts) : $0 } ?? "—", "ip": entry.ipAddress ?? "—",
                    "details": entry.details.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", "),
                ]
            },
            "nextCursor": page.nextCursor as Any,
            "canExport": principal.can(.dataExport),
        ])
    }

    /// A POST (with the CSRF token) because an export is an audited, security-relevant action.
    @Sendable func exportAudit(_ request: Request, context: CairnRequestContext) async throws -> Response {
        let (principal, _) = try context.requireUser()
        let csv = try await administration.exportAuditLog(for: principal, origin: context.origin)
        return Response(status: .ok, headers: [
            .contentType: "text/csv; charset=utf-8",
            .contentDisposition: "attachment; filename=\"cairn-audit-log.csv\"",
        ], body: .init(byteBuffer: ByteBuffer(string: csv)))
    }

    // MARK: Profile

    @Sendable func profile(_ request: Request, context: CairnRequestContext) async throws -> Response {
        try profilePage(request, context: context)
    }

    private func profilePage(_ request: Request, context: CairnRequestContext, errors: [String: Any]? = nil, status: HTTPResponse.Status = .ok) throws -> Response {
        let (_, user) = try context.requireUser()
        let texts = texts(context)
        var options: [[String: Any]] = [["value": "", "label": texts["profile_language_browser"] ?? "", "selected": user.locale == nil]]
        options += InterfaceLanguage.allCases.map { ["value": $0.rawValue, "label": $0.endonym, "selected": $0 == user.locale] }
        return try renderer.page("settings_profile", titleKey: "settings_profile", section: "settings-profile", context: context, values: [
            "user": ["email": user.email, "name": user.displayName, "role": texts["role_\(user.role.rawValue)"] ?? user.role.rawValue],
            "languageOptions": options,
            "flash": flash(request, context) as Any,
            "errors": errors as Any,
        ], status: status)
    }

    @Sendable func updateProfile(_ request: Request, context: CairnRequestContext) async throws -> Response {
        let (principal, _) = try context.requireUser()
        let form = try await request.form()
        do {
            let language = try parseLanguage(form["locale"])
            _ = try await administration.updatePreferences(displayName: form["displayName"], locale: .some(language), by: principal, origin: context.origin)
            return WebRenderer.redirect(to: "/settings/profile?done=saved")
        } catch let error as ValidationError {
            return try profilePage(request, context: context, errors: fieldErrors(error, texts: renderer.catalogue, language: context.language), status: .badRequest)
        }
    }
}
