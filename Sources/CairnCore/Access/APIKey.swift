public import Foundation

/// A credential for machines. Only its hash is stored; the full token is shown once, when it is created.
public struct APIKey: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        /// Public: may only send events to the tracking endpoints. Safe to embed in a web page or an app.
        case write
        /// Private: authenticates the management API with the role it was created with.
        case secret

        /// The token prefix that tells the kind at a glance.
        public var tokenPrefix: String {
            switch self {
            case .write: "cairn_wk_"
            case .secret: "cairn_sk_"
            }
        }
    }

    public var id: APIKeyID
    public var workspaceID: WorkspaceID
    public var kind: Kind
    public var name: String
    /// The role a secret key acts with; write keys have none.
    public var role: Role?
    /// The source a write key sends for; secret keys have none.
    public var sourceID: SourceID?
    /// The first characters of the token, enough to recognise it in a list.
    public var displayPrefix: String
    public var createdAt: Date
    public var lastUsedAt: Date?
    public var revokedAt: Date?
    /// Who made it (`user:<id>` or `key:<id>`; nil for keys made on the command line, which answer to no one). A
    /// secret key never acts above its maker's role as it is now, and is revoked when its maker is removed.
    public var createdBy: String?

    public init(id: APIKeyID, workspaceID: WorkspaceID, kind: Kind, name: String, role: Role?, sourceID: SourceID? = nil, displayPrefix: String, createdAt: Date,
                lastUsedAt: Date?, revokedAt: Date?, createdBy: String? = nil) {
        self.createdBy = createdBy
        self.sourceID = sourceID
        self.id = id
        self.workspaceID = workspaceID
        self.kind = kind
        self.name = name
        self.role = role
        self.displayPrefix = displayPrefix
        self.createdAt = createdAt
        self.lastUsedAt = lastUsedAt
        self.revokedAt = revokedAt
    }

    public var isRevoked: Bool { revokedAt != nil }

    public static func validateName(_ name: String, field: String = "name") throws(ValidationError) -> String {
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw ValidationError(field: field, issue: .missing, hint: "Name the key after what uses it, e.g. \"Web shop\".") }
        guard trimmed.count <= 100 else { throw ValidationError(field: field, issue: .tooLong(limit: 100), hint: "Use at most 100 characters.") }
        return trimmed
    }
}
