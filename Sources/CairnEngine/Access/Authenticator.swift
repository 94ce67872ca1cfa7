public import CairnCore
public import CairnStore
import Foundation
public import Logging

/// Signs people in and out and recognises sessions and API keys.
public struct Authenticator: Sendable {
    let store: Store
    public let configuration: AccessConfiguration
    public let clock: DateSource
    public let throttle: LoginThrottle
    private let decoyHash: String
    private let logger: Logger

    public init(store: Store, configuration: AccessConfiguration, clock: DateSource = .system, logger: Logger = Logger(label: "cairn.access")) {
        self.store = store
        self.configuration = configuration
        self.clock = clock
        self.throttle = LoginThrottle(policy: configuration.throttle, store: store)
        self.decoyHash = configuration.passwordHasher.decoyHash()
        self.logger = logger
    }

    /// A new browser session: the cookie token (shown once) and the stored session.
    public struct SignedIn: Sendable {
        public var token: String
        public var session: WebSession
        public var user: User
    }

    /// Checks email and password; on success opens a session. Failures are audited and slowed down per account and
    /// address together (``LoginThrottle``).
    public func signIn(email rawEmail: String, password: String, origin: RequestOrigin) async throws -> SignedIn {
        let email = rawEmail.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        let now = clock.now()
        if let wait = try await throttle.retryAfter(account: email, address: origin.ipAddress, now: now) {
            logger.notice("sign-in refused while throttled")
            throw AccessError.throttled(retryAfterSeconds: wait)
        }
        let stored = try await store.credentials(email: email)
        let matches = try await configuration.passwordHasher.verify(password, against: stored?.passwordHash ?? decoyHash)
        guard let stored, matches else {
            let lockout = try await throttle.recordFailure(account: email, address: origin.ipAddress, now: now)
            if let stored {
                try await store.append(AuditEntry(id: .generate(), workspaceID: stored.user.workspaceID, occurredAt: now, action: .loginFailed,
                                                  actor: "user:\(stored.user.id)", target: "user:\(stored.user.id)", details: [:], ipAddress: origin.ipAddress))
                if let lockout {
                    try await store.append(AuditEntry(id: .generate(), workspaceID: stored.user.workspaceID, occurredAt: now, action: .loginThrottled,
                                                      actor: "user:\(stored.user.id)", target: "user:\(stored.user.id)",
                                                      details: ["seconds": "\(lockout)"], ipAddress: origin.ipAddress))
                }
            }
            logger.notice("sign-in failed", metadata: ["account.known": "\(stored != nil)"])
            if let lockout { throw AccessError.throttled(retryAfterSeconds: lockout) }
            throw AccessError.invalidCredentials
        }
        try await throttle.recordSuccess(account: email, address: origin.ipAddress)
        let token = Secrets.randomToken()
        let session = WebSession(tokenHash: Secrets.tokenHash(token), workspaceID: stored.user.workspaceID, userID: stored.user.id,
                                 csrfToken: Secrets.randomToken(), createdAt: now,
                                 expiresAt: now.addingTimeInterval(configuration.sessionLifetime.seconds))
        try await store.insert(session)
        try await store.append(AuditEntry(id: .generate(), workspaceID: stored.user.workspaceID, occurredAt: now, action: .loginSucceeded,
                                          actor: "user:\(stored.user.id)", target: nil, details: [:], ipAddress: origin.ipAddress))
        logger.info("signed in", metadata: ["user.id": "\(stored.user.id)"])
        return SignedIn(token: token, session: session, user: stored.user)
    }

    /// The signed-in user behind a session cookie, or `nil` when the token is unknown or expired.
    public func session(token: String) async throws -> (session: WebSession, user: User)? {
        guard !token.isEmpty, token.count <= 128 else { return nil }
        guard let session = try await store.session(tokenHash: Secrets.tokenHash(token), now: clock.now()),
              let user = try await store.user(id: session.userID, in: session.workspaceID) else { return nil }
        return (session, user)
    }

    public func signOut(token: String, principal: Principal, origin: RequestOrigin) async throws {
        try await store.deleteSession(tokenHash: Secrets.tokenHash(token))
        try await store.append(AuditEntry(id: .generate(), workspaceID: principal.workspaceID, occurredAt: clock.now(), action: .logout,
                                          actor: principal.actorReference, target: nil, details: [:], ipAddress: origin.ipAddress))
    }

    /// The key behind a presented token, if it exists, is not revoked and is of the wanted kind. Records its use.
    public func key(token: String, kind: APIKey.Kind) async throws -> APIKey? {
        guard token.hasPrefix(kind.tokenPrefix), token.count <= 128 else { return nil }
        guard let key = try await store.key(tokenHash: Secrets.tokenHash(token)), key.kind == kind, !key.isRevoked else { return nil }
        let now = clock.now()
        // One write a minute per key is enough for "last used" and keeps the hot path read-only.
        if key.lastUsedAt.map({ now.timeIntervalSince($0) >= 60 }) ?? true {
            try await store.touch(key: key.id, in: key.workspaceID, at: now)
        }
        return key
    }

    /// The principal a secret key acts as: its role, capped at its maker's role as it is now (a key made by an admin
    /// who is now a viewer reads as a viewer); nil when its maker is gone.
    public func principal(forSecretKey token: String) async throws -> Principal? {
        guard let key = try await key(token: token, kind: .secret), let role = try await effectiveRole(of: key) else { return nil }
        return Principal(workspaceID: key.workspaceID, kind: .key(key.id), role: role)
    }

    /// Who a long-lived request (an event stream) acts as now: the same principal with its current role, or nil when
    /// its key was revoked, its maker removed, its session signed out or expired, or its user removed. Reads only.
    public func current(_ principal: Principal, sessionToken: String?) async throws -> Principal? {
        switch principal.kind {
        case .key(let id):
            guard let key = try await store.key(id: id, in: principal.workspaceID), let role = try await effectiveRole(of: key) else { return nil }
            return Principal(workspaceID: principal.workspaceID, kind: principal.kind, role: role)
        case .user(let id):
            guard let sessionToken, let (session, user) = try await session(token: sessionToken), session.userID == id,
                  user.workspaceID == principal.workspaceID else { return nil }
            return Principal(workspaceID: principal.workspaceID, kind: principal.kind, role: user.role)
        case .operatorConsole:
            return principal
        }
    }

    /// A secret key's role as it acts now: the lower of its own and its maker's (a key made by a key answers to that
    /// key's maker, and so on); nil when a maker is removed or revoked.
    public func effectiveRole(of key: APIKey) async throws -> Role? {
        try await Self.effectiveRole(of: key, in: store)
    }

    static func effectiveRole(of key: APIKey, in store: Store, depth: Int = 0) async throws -> Role? {
        guard !key.isRevoked, depth < 8 else { return nil }
        let own = key.role ?? .viewer
        guard let maker = key.createdBy else { return own }
        if maker.hasPrefix("user:") {
            guard let user = try await store.user(id: UserID(rawValue: String(maker.dropFirst(5))), in: key.workspaceID) else { return nil }
            return min(own, user.role)
        }
        if maker.hasPrefix("key:") {
            guard let parent = try await store.key(id: APIKeyID(rawValue: String(maker.dropFirst(4))), in: key.workspaceID),
                  let parentRole = try await effectiveRole(of: parent, in: store, depth: depth + 1) else { return nil }
            return min(own, parentRole)
        }
        return own
    }
}
