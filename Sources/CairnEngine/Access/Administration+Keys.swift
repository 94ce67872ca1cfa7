public import CairnCore
import CairnStore
import Foundation
import Logging

extension Administration {
    public struct CreatedKey: Sendable {
        public var key: APIKey
        /// The full token. It is not stored and cannot be shown again.
        public var token: String
    }

    public func keys(for principal: Principal, after cursor: Cursor?, limit: PageSize) async throws -> Page<APIKey> {
        try principal.require(.keysManage)
        return try await store.keys(in: principal.workspaceID, after: cursor, limit: limit.value)
    }

    /// The role each secret key acts with now (its own, capped at its maker's current role); nil for write keys and
    /// for keys whose maker is gone.
    public func effectiveRoles(of keys: [APIKey], for principal: Principal) async throws -> [APIKeyID: Role] {
        try principal.require(.keysManage)
        var roles: [APIKeyID: Role] = [:]
        for key in keys where key.kind == .secret {
            roles[key.id] = try await Authenticator.effectiveRole(of: key, in: store)
        }
        return roles
    }

    public func key(_ id: APIKeyID, for principal: Principal) async throws -> APIKey {
        try principal.require(.keysManage)
        guard let key = try await store.key(id: id, in: principal.workspaceID) else { throw NotFoundError(kind: "key", id: id.rawValue) }
        return key
    }

    /// Creates a key. A secret key acts with `role` (default `viewer`), never above the creator's own role.
    /// Write keys send for `source` (default: the workspace's first source).
    public func createKey(kind: APIKey.Kind, name: String, role: Role?, source: SourceID? = nil, by principal: Principal, origin: RequestOrigin) async throws -> CreatedKey {
        try principal.require(.keysManage)
        let name = try APIKey.validateName(name)
        var keyRole: Role? = nil
        if kind == .secret {
            let wanted = role ?? .viewer
            guard wanted <= principal.role else {
                throw ValidationError(field: "role", issue: .notAllowed, hint: "A key cannot have more rights than you: choose \(principal.role.rawValue) or lower.")
            }
            keyRole = wanted
        } else if role != nil {
            throw ValidationError(field: "role", issue: .notAllowed, hint: "Write keys only send events and take no role; leave role out.")
        }
        var sourceID: SourceID?
        if kind == .write {
            if let source {
                guard try await store.source(id: source, in: principal.workspaceID) != nil else {
                    throw ValidationError(field: "source", issue: .invalid, hint: "No source with this id exists in the workspace. List sources first.")
                }
                sourceID = source
            } else {
                sourceID = try await defaultSource(in: principal.workspaceID).id
            }
        } else if source != nil {
            throw ValidationError(field: "source", issue: .notAllowed, hint: "Only write keys belong to a source; leave source out.")
        }
        let token = kind.tokenPrefix + Secrets.randomToken()
        let key = APIKey(id: .generate(), workspaceID: principal.workspaceID, kind: kind, name: name, role: keyRole, sourceID: sourceID,
                         displayPrefix: String(token.prefix(kind.tokenPrefix.count + 6)), createdAt: clock.now(), lastUsedAt: nil, revokedAt: nil,
                         createdBy: principal.kind == .operatorConsole ? nil : principal.actorReference)
        try await store.insert(key, tokenHash: Secrets.tokenHash(token))
        try await audit(.keyCreated, by: principal, target: "key:\(key.id)", details: ["kind": kind.rawValue], origin: origin)
        logger.info("key created", metadata: ["key.id": "\(key.id)", "key.kind": "\(kind.rawValue)"])
        return CreatedKey(key: key, token: token)
    }

    public func revokeKey(_ id: APIKeyID, by principal: Principal, origin: RequestOrigin) async throws -> APIKey {
        try principal.require(.keysManage)
        let existing = try await key(id, for: principal)
        if !existing.isRevoked {
            _ = try await store.revoke(key: id, in: principal.workspaceID, at: clock.now())
            try await audit(.keyRevoked, by: principal, target: "key:\(id)", details: ["kind": existing.kind.rawValue], origin: origin)
        }
        return try await key(id, for: principal)
    }
}
