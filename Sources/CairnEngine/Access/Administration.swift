public import CairnCore
public import CairnStore
public import Foundation
public import Logging

/// Workspace settings, users and roles, API keys and the audit log. Every call checks the principal's permission
/// and stays inside the principal's workspace; security-relevant changes are audited.
public struct Administration: Sendable {
    let store: Store
    public let passwordHasher: PasswordHasher
    public let clock: DateSource
    let logger: Logger

    public init(store: Store, passwordHasher: PasswordHasher, clock: DateSource = .system, logger: Logger = Logger(label: "cairn.admin")) {
        self.store = store
        self.passwordHasher = passwordHasher
        self.clock = clock
        self.logger = logger
    }

    func audit(_ action: AuditEntry.Action, by principal: Principal, target: String? = nil, details: [String: String] = [:], origin: RequestOrigin) async throws {
        try await store.append(AuditEntry(id: .generate(), workspaceID: principal.workspaceID, occurredAt: clock.now(), action: action,
                                          actor: principal.actorReference, target: target, details: details, ipAddress: origin.ipAddress))
    }

    // MARK: Workspace

    public func workspace(for principal: Principal) async throws -> Workspace {
        try principal.require(.workspaceRead)
        guard let workspace = try await store.workspace(id: principal.workspaceID) else {
            throw NotFoundError(kind: "workspace", id: principal.workspaceID.rawValue)
        }
        return workspace
    }

    public func renameWorkspace(to name: String, by principal: Principal, origin: RequestOrigin) async throws -> Workspace {
        try principal.require(.workspaceManage)
        let name = try Workspace.validateName(name)
        try await store.rename(workspace: principal.workspaceID, to: name)
        try await audit(.workspaceUpdated, by: principal, target: "workspace:\(principal.workspaceID)", details: ["field": "name"], origin: origin)
        return try await workspace(for: principal)
    }

    // MARK: Identity policy

    /// How many identifiers of each kind one profile may hold (merge protection).
    public func identityPolicy(for principal: Principal) async throws -> IdentityPolicy {
        try principal.require(.workspaceRead)
        return try await store.transaction { tx in try await tx.identityPolicy(in: principal.workspaceID) } ?? IdentityPolicy()
    }

    /// Sets the workspace's identity policy. `limits`: merge protection, a limit (1 to 1000) per identifier kind; kinds
    /// left out are unlimited. `traitSourcePriority`: per trait name, the workspace's sources most trusted first.
    /// Either left `nil` stays as it is.
    public func setIdentityPolicy(limits: [String: Int]?, traitSourcePriority: [String: [String]]? = nil, by principal: Principal,
                                  origin: RequestOrigin) async throws -> IdentityPolicy {
        try principal.require(.workspaceManage)
        var issues = ValidationCollector()
        for (kind, limit) in (limits ?? [:]).sorted(by: { $0.key < $1.key }) {
            if Identifier.Kind(naming: kind) == nil { issues.add(FieldIssue(field: "limits.\(kind)", issue: .unknownValue(allowed: Identifier.Kind.names),
                                              hint: "Use user_id, anonymous_id, email, phone or ext:TYPE.")) }
            if !(1...1000).contains(limit) { issues.add(FieldIssue(field: "limits.\(kind)", issue: .invalid, hint: "Use a limit from 1 to 1000, or leave the kind out for no limit.")) }
        }
        var priorities: [String: [SourceID]]?
        if let traitSourcePriority {
            let known = Set(try await store.sources(in: principal.workspaceID, after: nil, limit: 10_000).items.map(\.id.rawValue))
            var checked: [String: [SourceID]] = [:]
            for (trait, sources) in traitSourcePriority.sorted(by: { $0.key < $1.key }) {
                let field = "traitSourcePriority.\(trait)"
                if trait.isEmpty || trait.count > 100 {
                    issues.add(FieldIssue(field: field, issue: .invalid, hint: "Name a trait of 1 to 100 characters, e.g. email or plan."))
                }
                if sources.isEmpty || sources.count > 50 {
                    issues.add(FieldIssue(field: field, issue: .invalid, hint: "List 1 to 50 source ids, most trusted first, or leave the trait out."))
                }
                if Set(sources).count != sources.count {
                    issues.add(FieldIssue(field: field, issue: .invalid, hint: "List each source once."))
                }
                for (index, source) in sources.enumerated() where !known.contains(source.lowercased()) {
                    issues.add(FieldIssue(field: "\(field)[\(index)]", issue: .unknownValue(allowed: []),
                                          hint: "Use the id of one of this workspace's sources (Settings › Sources, or GET /api/v1/sources)."))
                }
                checked[trait] = sources.map { SourceID(rawValue: $0.lowercased()) }
            }
            priorities = checked
        }
        try issues.throwIfAny()
        let workspace = principal.workspaceID
        let newPriorities = priorities
        let policy = try await store.transaction { tx in
            let current = try await tx.identityPolicy(in: workspace) ?? IdentityPolicy()
            let policy = IdentityPolicy(limits: limits ?? current.limits, traitSourcePriority: newPriorities ?? current.traitSourcePriority)
            try await tx.setIdentityPolicy(policy, in: workspace)
            return policy
        }
        try await audit(.workspaceUpdated, by: principal, target: "workspace:\(principal.workspaceID)", details: ["field": "identity_policy"], origin: origin)
        return policy
    }

    // MARK: Events

    /// The workspace's events, newest first (customers.read).
    public func events(for principal: Principal, matching filter: EventFilter, after cursor: Cursor?, limit: PageSize) async throws -> Page<Event> {
        try principal.require(.customersRead)
        return try await store.events(in: principal.workspaceID, matching: filter, after: cursor, limit: limit.value)
    }

    /// Events received after `cursor`, oldest first, for a live stream (customers.read).
    public func eventsReceived(for principal: Principal, matching filter: EventFilter, after cursor: Cursor?, limit: Int) async throws -> [Event] {
        try principal.require(.customersRead)
        return try await store.eventsReceived(in: principal.workspaceID, matching: filter, after: cursor, limit: limit)
    }

    /// Waits until events arrive for the principal's workspace (on any server of the database) or `timeout` passes;
    /// true when woken by events. A live stream reads again either way.
    public func waitForEvents(for principal: Principal, upTo timeout: Duration) async -> Bool {
        await store.waitForEvents(in: principal.workspaceID, upTo: timeout)
    }

    // MARK: Audit log

    public func auditLog(for principal: Principal, after cursor: Cursor?, limit: PageSize) async throws -> Page<AuditEntry> {
        try principal.require(.auditRead)
        return try await store.auditLog(in: principal.workspaceID, after: cursor, limit: limit.value)
    }

    /// The whole audit log as CSV (newest first), for an administrator to take away. The export itself is audited.
    public func exportAuditLog(for principal: Principal, origin: RequestOrigin) async throws -> String {
        try principal.require(.auditRead)
        try principal.require(.dataExport)
        var rows = ["occurred_at,action,actor,target,details,ip_address"]
        try await Page.walk({ cursor in try await store.auditLog(in: principal.workspaceID, after: cursor, limit: PageSize.maximum) }) { items in
            for entry in items {
                let details = entry.details.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ";")
                rows.append([ISO8601DateFormatter().string(from: entry.occurredAt), entry.action.rawValue, entry.actor,
                             entry.target ?? "", details, entry.ipAddress ?? ""].map(CSVWriter.field).joined(separator: ","))
            }
        }
        try await audit(.dataExported, by: principal, target: "audit_log", details: ["rows": "\(rows.count - 1)"], origin: origin)
        return rows.joined(separator: "\r\n") + "\r\n"
    }
}
