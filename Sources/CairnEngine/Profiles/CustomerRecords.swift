import CairnCore
import CairnStore
import Foundation

/// Reading customers: the golden record, its merges, its timeline. Every call needs `customers.read`.
public struct CustomerRecords: Sendable {
    public let store: Store

    public init(store: Store) {
        self.store = store
    }

    public struct Record: Sendable {
        public var profile: Profile
        /// Set when the requested id was merged into `profile`.
        public var mergedInto: ProfileID?
        public var merges: [ProfileMerge]
    }

    public func profiles(for principal: Principal, after cursor: Cursor?, limit: PageSize) async throws -> Page<Profile> {
        try principal.require(.customersRead)
        return try await store.profiles(in: principal.workspaceID, after: cursor, limit: limit.value)
    }

    public func record(_ id: ProfileID, for principal: Principal) async throws -> Record {
        try principal.require(.customersRead)
        guard let stored = try await store.profile(id: id, in: principal.workspaceID) else { throw NotFoundError(kind: "profile", id: id.rawValue) }
        return Record(profile: stored.profile, mergedInto: stored.mergedInto,
                      merges: try await store.merges(of: stored.profile.id, in: principal.workspaceID))
    }

    /// The profile holding an identifier (emails and phones are normalised first).
    public func record(identifiedBy identifier: Identifier, for principal: Principal) async throws -> Record {
        try principal.require(.customersRead)
        guard let normalised = Identifier.normalised(kind: identifier.kind, identifier.value),
              let id = try await store.profileID(for: normalised, in: principal.workspaceID) else {
            throw NotFoundError(kind: "profile", id: "\(identifier.kind.rawValue) identifier")
        }
        return try await record(id, for: principal)
    }

    public func timeline(of id: ProfileID, for principal: Principal, after cursor: Cursor?, limit: PageSize) async throws -> Page<Event> {
        let record = try await record(id, for: principal)
        return try await store.events(in: principal.workspaceID, matching: EventFilter(profileID: record.profile.id), after: cursor, limit: limit.value)
    }
}
