import CairnCore
import CairnEngine
import Foundation
import HTTPTypes
import Hummingbird

/// `/api/v1`: the caller, roles, the workspace, users, API keys and the audit log.
struct AccessAPI {
    let administration: Administration

    func addRoutes(to group: RouterGroup<CairnRequestContext>) {
        group.get("me", use: me)
        group.get("roles", use: roles)
        group.get("workspace", use: workspace)
        group.patch("workspace", use: updateWorkspace)
        group.get("users", use: listUsers)
        group.post("users", use: createUser)
        group.get("users/{id}", use: user)
        group.patch("users/{id}", use: updateUser)
        group.delete("users/{id}", use: removeUser)
        group.get("keys", use: listKeys)
        group.post("keys", use: createKey)
        group.get("keys/{id}", use: key)
        group.post("keys/{id}/revoke", use: revokeKey)
        group.get("audit-log", use: auditLog)
        group.get("identity-policy", use: identityPolicy)
        group.put("identity-policy", use: setIdentityPolicy)
        group.get("events", use: listEvents)
        group.get("sources", use: listSources)
        group.post("sources", use: createSource)
        group.get("sources/{id}", use: source)
        group.patch("sources/{id}", use: updateSource)
        group.get("channels", use: listChannels)
        group.put("channels/{name}", use: defineChannel)
    }

    // MARK: Caller and roles

    struct MeBody: ResponseEncodable {
        var workspace: Workspace
        var role: Role
        var permissions: [String]
        var user: User?
        var keyId: String?
    }

    @Sendable func me(_ request: Request, context: CairnRequestContext) async throws -> MeBody {
        let principal = try context.requirePrincipal()
        let workspace = try await administration.workspace(for: principal)
        var keyID: String?
        if case .key(let id) = principal.kind { keyID = id.rawValue }
        return MeBody(workspace: workspace, role: principal.role, permissions: principal.role.permissions.map(\.rawValue).sorted(),
                      user: context.identity?.user, keyId: keyID)
    }

    struct RolesBody: ResponseEncodable {
        struct Entry: Encodable { var role: Role; var permissions: [PermissionEntry] }
        struct PermissionEntry: Encodable { var id: String; var summary: String }
        var data: [Entry]
    }

    @Sendable func roles(_ request: Request, context: CairnRequestContext) async throws -> RolesBody {
        _ = try context.requirePrincipal()
        return RolesBody(data: Role.allCases.map { role in
            .init(role: role, permissions: Permission.allCases.filter(role.can).map { .init(id: $0.rawValue, summary: $0.summary) })
        })
    }

    // MARK: Workspace

    @Sendable func workspace(_ request: Request, context: CairnRequestContext) async throws -> Workspace {
        try await administration.workspace(for: try context.requirePrincipal())
    }

    struct WorkspaceUpdate: Decodable {
        var name: String?
        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            name = try container.decodeUnlessNull(String.self, forKey: .name)
        }
        enum CodingKeys: String, CodingKey { case name }
    }

    @Sendable func updateWorkspace(_ request: Request, context: CairnRequestContext) async throws -> Workspace {
        let principal = try context.requirePrincipal()
        try principal.require(.workspaceManage)
        let update = try await request.decodeJSON(WorkspaceUpdate.self, context: context)
        guard let name = update.name else { return try await administration.workspace(for: principal) }
        return try await administration.renameWorkspace(to: name, by: principal, origin: context.origin)
    }

    // MARK: Users

    @Sendable func listUsers(_ request: Request, context: CairnRequestContext) async throws -> ListBody<User> {
        let principal = try context.requirePrincipal()
        try principal.require(.usersRead)
        let (cursor, limit) = try request.pagination()
        return ListBody(try await administration.users(for: principal, after: cursor, limit: limit))
    }

    struct UserCreation: Decodable {
        var email: String?
        var displayName: String?
        var role: String?
        var password: String?
        var locale: String?
        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            email = try container.decodeUnlessNull(String.self, forKey: .email)
            displayName = try container.decodeUnlessNull(String.self, forKey: .displayName)
            role = try container.decodeUnlessNull(String.self, forKey: .role)
            password = try container.decodeUnlessNull(String.self, forKey: .password)
            // `locale: null` means "follow the browser", as in the response.
            locale = try container.decodeIfPresent(String.self, forKey: .locale)
        }
        enum CodingKeys: String, CodingKey { case email, displayName, role, password, locale }
    }

    struct CreatedUserBody: ResponseEncodable {
        var user: User
        /// Present only when Cairn generated the password; it is not shown again.
        var generatedPassword: String?
    }

    @Sendable func createUser(_ request: Request, context: CairnRequestContext) async throws -> EditedResponse<CreatedUserBody> {
        let principal = try context.requirePrincipal()
        try principal.require(.usersManage)
        let body = try await request.decodeJSON(UserCreation.self, context: context)
        var issues = ValidationCollector()
        _ = issues.check { () throws(ValidationError) in try Credentials.validateEmail(body.email ?? "") }
        _ = issues.check { () throws(ValidationError) in try Credentials.validateDisplayName(body.displayName ?? "") }
        if let password = body.password { _ = issues.check { () throws(ValidationError) in try Credentials.validateNewPassword(password) } }
        let role = issues.check { () throws(ValidationError) in try parseRole(body.role) }
        let locale = issues.check { () throws(ValidationError) in try parseLanguage(body.locale) }
        try issues.throwIfAny()
        let created = try await administration.createUser(
            .init(email: body.email ?? "", displayName: body.displayName ?? "", role: role!, password: body.password, locale: locale ?? nil),
            by: principal, origin: context.origin)
        return EditedResponse(status: .created, headers: [.location: "/api/v1/users/\(created.user.id)"],
                              response: CreatedUserBody(user: created.user, generatedPassword: created.generatedPassword))
    }

    @Sendable func user(_ request: Request, context: CairnRequestContext) async throws -> User {
        let principal = try context.requirePrincipal()
        return try await administration.user(try context.parameters.id(as: UserID.self, kind: "user"), for: principal)
    }

    struct UserUpdate: Decodable {
        var role: String?
        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            role = try container.decodeUnlessNull(String.self, forKey: .role)
        }
        enum CodingKeys: String, CodingKey { case role }
    }

    @Sendable func updateUser(_ request: Request, context: CairnRequestContext) async throws -> User {
        let principal = try context.requirePrincipal()
        try principal.require(.usersManage)
        let id = try context.parameters.id(as: UserID.self, kind: "user")
        let body = try await request.decodeJSON(UserUpdate.self, context: context)
        guard body.role != nil else { return try await administration.user(id, for: principal) }
        return try await administration.changeRole(of: id, to: try parseRole(body.role), by: principal, origin: context.origin)
    }

    @Sendable func removeUser(_ request: Request, context: CairnRequestContext) async throws -> HTTPResponse.Status {
        let principal = try context.requirePrincipal()
        try await administration.removeUser(try context.parameters.id(as: UserID.self, kind: "user"), by: principal, origin: context.origin)
        return .noContent
    }

    // MARK: Keys

    @Sendable func listKeys(_ request: Request, context: CairnRequestContext) async throws -> ListBody<APIKey> {
        let principal = try context.requirePrincipal()
        try principal.require(.keysManage)
        let (cursor, limit) = try request.pagination()
        return ListBody(try await administration.keys(for: principal, after: cursor, limit: limit))
    }

    struct KeyCreation: Decodable {
        var kind: String?
        var name: String?
        var role: String?
        var source: String?
        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            kind = try container.decodeUnlessNull(String.self, forKey: .kind)
            name = try container.decodeUnlessNull(String.self, forKey: .name)
            role = try container.decodeUnlessNull(String.self, forKey: .role)
            source = try container.decodeUnlessNull(String.self, forKey: .source)
        }
        enum CodingKeys: String, CodingKey { case kind, name, role, source }
    }

    struct CreatedKeyBody: ResponseEncodable {
        var key: APIKey
        /// The full token, shown only in this response.
        var token: String
    }

    @Sendable func createKey(_ request: Request, context: CairnRequestContext) async throws -> EditedResponse<CreatedKeyBody> {
        let principal = try context.requirePrincipal()
        try principal.require(.keysManage)
        let body = try await request.decodeJSON(KeyCreation.self, context: context)
        var issues = ValidationCollector()
        let kind = issues.check { () throws(ValidationError) -> APIKey.Kind in
            guard let text = body.kind, let kind = APIKey.Kind(rawValue: text) else {
                throw ValidationError(field: "kind", issue: body.kind == nil ? .missing : .unknownValue(allowed: ["write", "secret"]),
                                      hint: "Use \"write\" for sending events or \"secret\" for the management API.")
            }
            return kind
        }
        let role = issues.check { () throws(ValidationError) -> Role? in
            guard let text = body.role else { return nil }
            return try parseRole(text)
        } ?? nil
        _ = issues.check { () throws(ValidationError) in try APIKey.validateName(body.name ?? "") }
        var sourceID: SourceID?
        if let text = body.source {
            sourceID = SourceID(text.lowercased())
            if sourceID == nil { issues.add(FieldIssue(field: "source", issue: .invalid, hint: "Send a source id from GET /api/v1/sources.")) }
        }
        try issues.throwIfAny()
        let created = try await administration.createKey(kind: kind!, name: body.name ?? "", role: role, source: sourceID, by: principal, origin: context.origin)
        return EditedResponse(status: .created, headers: [.location: "/api/v1/keys/\(created.key.id)"],
                              response: CreatedKeyBody(key: created.key, token: created.token))
    }

    @Sendable func key(_ request: Request, context: CairnRequestContext) async throws -> APIKey {
        try await administration.key(try context.parameters.id(as: APIKeyID.self, kind: "key"), for: try context.requirePrincipal())
    }

    @Sendable func revokeKey(_ request: Request, context: CairnRequestContext) async throws -> APIKey {
        try await administration.revokeKey(try context.parameters.id(as: APIKeyID.self, kind: "key"), by: try context.requirePrincipal(), origin: context.origin)
    }

    // MARK: Audit log

    @Sendable func auditLog(_ request: Request, context: CairnRequestContext) async throws -> ListBody<AuditEntry> {
        let principal = try context.requirePrincipal()
        try principal.require(.auditRead)
        let (cursor, limit) = try request.pagination()
        return ListBody(try await administration.auditLog(for: principal, after: cursor, limit: limit))
    }
}
