/// What a person or a key may do in a workspace. The written list lives in `Role.permissions` and `docs/roles.md`.
public enum Role: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    case admin
    case manager
    case agent
    case viewer

    /// Everything this role may do.
    public var permissions: Set<Permission> {
        switch self {
        case .admin:
            Set(Permission.allCases)
        case .manager:
            [.workspaceRead, .usersRead, .customersRead, .customersWrite, .commerceRead, .commerceWrite,
             .feedbackRead, .feedbackManage, .serviceRead, .serviceWork, .serviceManage, .journeysRead, .journeysManage,
             .insightsRead, .valueManage, .segmentsManage, .workforceManage, .dataExport]
        case .agent:
            [.workspaceRead, .customersRead, .customersWrite, .commerceRead, .feedbackRead, .serviceRead,
             .serviceWork, .journeysRead, .insightsRead]
        case .viewer:
            [.workspaceRead, .customersRead, .commerceRead, .feedbackRead, .serviceRead, .journeysRead, .insightsRead]
        }
    }

    public func can(_ permission: Permission) -> Bool { permissions.contains(permission) }

    private var rank: Int {
        switch self {
        case .admin: 3
        case .manager: 2
        case .agent: 1
        case .viewer: 0
        }
    }

    public static func < (lhs: Role, rhs: Role) -> Bool { lhs.rank < rhs.rank }
}

/// One thing a role may do. Raw values are stable: they appear in the API and in problem details.
public enum Permission: String, Sendable, Hashable, Codable, CaseIterable {
    case workspaceRead = "workspace.read"
    case workspaceManage = "workspace.manage"
    case usersRead = "users.read"
    case usersManage = "users.manage"
    case keysManage = "keys.manage"
    case auditRead = "audit.read"
    case customersRead = "customers.read"
    case customersWrite = "customers.write"
    case commerceRead = "commerce.read"
    case commerceWrite = "commerce.write"
    case feedbackRead = "feedback.read"
    case feedbackManage = "feedback.manage"
    case serviceRead = "service.read"
    case serviceWork = "service.work"
    case serviceManage = "service.manage"
    case journeysRead = "journeys.read"
    case journeysManage = "journeys.manage"
    case insightsRead = "insights.read"
    case valueManage = "value.manage"
    case segmentsManage = "segments.manage"
    case workforceManage = "workforce.manage"
    case dataExport = "data.export"
    case dataErase = "data.erase"

    /// A one-line, English description for the written list (the UI translates by raw value).
    public var summary: String {
        switch self {
        case .workspaceRead: "See the workspace and its navigation"
        case .workspaceManage: "Rename the workspace and change its settings"
        case .usersRead: "See who has access and with which role"
        case .usersManage: "Invite and remove users, change roles"
        case .keysManage: "Create, list and revoke API keys"
        case .auditRead: "Read the audit log"
        case .customersRead: "See customer profiles and their history"
        case .customersWrite: "Edit customer profiles and record consent"
        case .commerceRead: "See orders, payments and deliveries"
        case .commerceWrite: "Take orders and record payments and refunds"
        case .feedbackRead: "See survey results and responses"
        case .feedbackManage: "Create and send surveys"
        case .serviceRead: "See service cases"
        case .serviceWork: "Open, answer and close service cases"
        case .serviceManage: "Set up teams, service-level policies and case statuses"
        case .journeysRead: "See customer journeys"
        case .journeysManage: "Define journeys and stages"
        case .insightsRead: "See scorecards, drivers and alerts"
        case .valueManage: "Recompute customer value and its models"
        case .segmentsManage: "Define, change and delete segments"
        case .workforceManage: "Keep the directory of stores, teams and employees, and run employee pulses"
        case .dataExport: "Export data out of Cairn"
        case .dataErase: "Erase a customer's personal data"
        }
    }
}

/// Who is acting: a signed-in user or an API key, always inside one workspace.
public struct Principal: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        case user(UserID)
        case key(APIKeyID)
        /// The `cairn` command line, run by someone with access to the database.
        case operatorConsole
    }

    public var workspaceID: WorkspaceID
    public var kind: Kind
    public var role: Role

    public init(workspaceID: WorkspaceID, kind: Kind, role: Role) {
        self.workspaceID = workspaceID
        self.kind = kind
        self.role = role
    }

    public func can(_ permission: Permission) -> Bool { role.can(permission) }

    /// Throws ``AccessError/forbidden(_:)`` unless the principal's role grants `permission`.
    public func require(_ permission: Permission) throws(AccessError) {
        guard can(permission) else { throw .forbidden(permission) }
    }

    /// A short, non-personal description for the audit log (`user:<id>`, `key:<id>`, `console`).
    public var actorReference: String {
        switch kind {
        case .user(let id): "user:\(id)"
        case .key(let id): "key:\(id)"
        case .operatorConsole: "console"
        }
    }

    public var userID: UserID? {
        if case .user(let id) = kind { return id }
        return nil
    }
}
