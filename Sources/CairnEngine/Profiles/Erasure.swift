public import CairnCore
public import CairnStore
import Crypto
import Foundation
public import Logging

/// Data-subject erasure: removes a person's personal data and keeps their identifiers only as salted hashes, so that
/// later events carrying them are recognised as the erased person's and build no new profile.
public struct Erasure: Sendable {
    let store: Store
    public let clock: DateSource
    let logger: Logger

    public init(store: Store, clock: DateSource = .system, logger: Logger = Logger(label: "cairn.erasure")) {
        self.store = store
        self.clock = clock
        self.logger = logger
    }

    /// SHA-256 of the workspace's secret salt and the identifier, hex-encoded.
    public static func hash(_ identifier: Identifier, salt: String) -> String {
        Hex.encode(SHA256.hash(data: Data("\(salt)|\(identifier.kind.rawValue)|\(identifier.value)".utf8)))
    }

    /// Erases the profile (needs `data.erase`); returns how many of its events were scrubbed. Audited as `data.erased`.
    @discardableResult
    public func erase(_ id: ProfileID, by principal: Principal, origin: RequestOrigin) async throws -> Int {
        try principal.require(.dataErase)
        let workspace = principal.workspaceID
        guard let stored = try await store.profile(id: id, in: workspace) else { throw NotFoundError(kind: "profile", id: id.rawValue) }
        let profile = stored.profile.id
        let now = clock.now()
        let scrubbed = try await store.transaction { tx in
            // Serialised with identity resolution, so no event of this person slips in between.
            try await tx.lockWorkspaceForResolution(workspace)
            let salt = try await tx.erasureSalt(in: workspace) { Secrets.randomToken() }
            let hashes = try await tx.identifiers(of: profile, in: workspace).map { Self.hash($0, salt: salt) }
            let scrubbed = try await tx.erase(profile, in: workspace, hashes: hashes, at: now)
            try await tx.forgetSegments(of: profile, in: workspace)
            return scrubbed
        }
        try await store.append(AuditEntry(id: .generate(), workspaceID: workspace, occurredAt: now, action: .dataErased,
                                          actor: principal.actorReference, target: "profile:\(profile)", details: ["events": "\(scrubbed)"],
                                          ipAddress: origin.ipAddress))
        // Committed is not forgotten: the database files still hold the old pages until told otherwise.
        if try await !store.forgetErasedValues() {
            logger.warning("erased values may stay in the write-ahead log until its next checkpoint", metadata: ["profile.id": "\(profile)"])
        }
        return scrubbed
    }

    /// The workspace decides that an erased person's identifier may be used again — the person came back and
    /// agreed to be a customer anew. Later events with it build a new profile; the erased profile stays erased.
    /// Needs `data.erase`; audited as `erasure.released` (without the identifier). Throws ``NotFoundError`` when the
    /// identifier is not held as erased.
    public func release(_ identifier: Identifier, by principal: Principal, origin: RequestOrigin) async throws {
        try principal.require(.dataErase)
        let workspace = principal.workspaceID
        guard let identifier = Identifier.normalised(kind: identifier.kind, identifier.value) else {
            throw NotFoundError(kind: "erased identifier", id: "\(identifier.kind.rawValue):(the value sent)")
        }
        let released = try await store.transaction { tx in
            try await tx.lockWorkspaceForResolution(workspace)
            let salt = try await tx.erasureSalt(in: workspace) { Secrets.randomToken() }
            return try await tx.releaseErasedIdentities(hashes: [Self.hash(identifier, salt: salt)], in: workspace)
        }
        guard released > 0 else { throw NotFoundError(kind: "erased identifier", id: "\(identifier.kind.rawValue):(the value sent)") }
        try await store.append(AuditEntry(id: .generate(), workspaceID: workspace, occurredAt: clock.now(), action: .erasureReleased,
                                          actor: principal.actorReference, target: "identifier:\(identifier.kind.rawValue)", details: [:],
                                          ipAddress: origin.ipAddress))
    }
}
