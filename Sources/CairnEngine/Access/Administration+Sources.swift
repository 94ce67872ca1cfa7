public import CairnCore
import CairnStore
import Foundation

extension Administration {
    public func sources(for principal: Principal, after cursor: Cursor?, limit: PageSize) async throws -> Page<Source> {
        try principal.require(.keysManage)
        return try await store.sources(in: principal.workspaceID, after: cursor, limit: limit.value)
    }

    public func source(_ id: SourceID, for principal: Principal) async throws -> Source {
        try principal.require(.keysManage)
        guard let source = try await store.source(id: id, in: principal.workspaceID) else { throw NotFoundError(kind: "source", id: id.rawValue) }
        return source
    }

    /// Checks a source's settings as people type them.
    static func validateSource(name: String?, rateLimit: Int??) throws(ValidationError) -> String? {
        var issues = ValidationCollector()
        var checkedName: String?
        if let name {
            let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.isEmpty { issues.add(FieldIssue(field: "name", issue: .missing, hint: "Name the source after where events come from, e.g. \"Web shop\" or \"Store 12 till\".")) }
            else if trimmed.count > 100 { issues.add(FieldIssue(field: "name", issue: .tooLong(limit: 100), hint: "Use at most 100 characters.")) }
            checkedName = trimmed
        }
        if case .some(.some(let limit)) = rateLimit, !(1...1_000_000).contains(limit) {
            issues.add(FieldIssue(field: "rateLimit", issue: .invalid, hint: "Use events per second from 1 to 1000000, or null for no limit."))
        }
        try issues.throwIfAny()
        return checkedName
    }

    public func createSource(name: String, defaultChannel: Channel, rateLimit: Int?, by principal: Principal, origin: RequestOrigin) async throws -> Source {
        try principal.require(.keysManage)
        let name = try Self.validateSource(name: name, rateLimit: .some(rateLimit)) ?? name
        try await requireKnownChannel(defaultChannel, field: "defaultChannel", in: principal.workspaceID)
        let source = Source(id: .generate(), workspaceID: principal.workspaceID, name: name, defaultChannel: defaultChannel, rateLimit: rateLimit,
                            createdAt: clock.now(), lastSeenAt: nil, eventCount: 0)
        try await store.insert(source)
        try await audit(.sourceCreated, by: principal, target: "source:\(source.id)", origin: origin)
        return source
    }

    public func updateSource(_ id: SourceID, name: String?, defaultChannel: Channel?, rateLimit: Int??, by principal: Principal, origin: RequestOrigin) async throws -> Source {
        try principal.require(.keysManage)
        let name = try Self.validateSource(name: name, rateLimit: rateLimit)
        if let defaultChannel { try await requireKnownChannel(defaultChannel, field: "defaultChannel", in: principal.workspaceID) }
        guard let source = try await store.update(source: id, in: principal.workspaceID, name: name, defaultChannel: defaultChannel, rateLimit: rateLimit) else {
            throw NotFoundError(kind: "source", id: id.rawValue)
        }
        try await audit(.sourceUpdated, by: principal, target: "source:\(id)", origin: origin)
        return source
    }

    /// The workspace's first source, made ("Default", channel web) when it has none. Write keys without a chosen source join it.
    public func defaultSource(in workspace: WorkspaceID) async throws -> Source {
        if let first = try await store.sources(in: workspace, after: nil, limit: 1).items.first { return first }
        let source = Source(id: .generate(), workspaceID: workspace, name: "Default", defaultChannel: .web, rateLimit: nil,
                            createdAt: clock.now(), lastSeenAt: nil, eventCount: 0)
        try await store.insert(source)
        return source
    }
}
