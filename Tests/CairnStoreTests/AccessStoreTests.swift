import CairnCore
import CairnStore
import CairnTestSupport
import Foundation
import Testing

@Suite("Access data in the store")
struct AccessStoreTests {
    func workspace(_ name: String, in store: Store) async throws -> Workspace {
        let workspace = Workspace(id: .generate(), name: name, createdAt: Date(storageMillis: 1_800_000_000_000))
        try await store.insert(workspace)
        return workspace
    }

    func user(_ email: String, in workspace: Workspace, at millis: Int64, role: Role = .agent) -> User {
        User(id: .generate(), workspaceID: workspace.id, email: email, displayName: email, role: role, locale: nil, createdAt: Date(storageMillis: millis))
    }

    @Test("Rows of one workspace are invisible from another", arguments: TestDatabase.engines)
    func rowsStayInTheirWorkspace(engine: DatabaseEngine) async throws {
        try await TestDatabase.withStore(engine) { (store: Store) async throws in
            let a = try await workspace("A", in: store), b = try await workspace("B", in: store)
            let userOfB = user("b@b.example", in: b, at: 1)
            try await store.insert(userOfB, passwordHash: "x")
            let keyOfB = APIKey(id: .generate(), workspaceID: b.id, kind: .secret, name: "k", role: .admin, displayPrefix: "cairn_sk_x",
                                createdAt: Date(storageMillis: 2), lastUsedAt: nil, revokedAt: nil)
            try await store.insert(keyOfB, tokenHash: "hash-b")
            try await store.append(AuditEntry(id: .generate(), workspaceID: b.id, occurredAt: Date(storageMillis: 3), action: .keyCreated,
                                              actor: "console", target: nil, details: [:], ipAddress: nil))

            #expect(try await store.user(id: userOfB.id, in: a.id) == nil)
            #expect(try await store.users(in: a.id, after: nil, limit: 50).items.isEmpty)
            #expect(try await store.key(id: keyOfB.id, in: a.id) == nil)
            #expect(try await store.keys(in: a.id, after: nil, limit: 50).items.isEmpty)
            #expect(try await store.auditLog(in: a.id, after: nil, limit: 50).items.isEmpty)
            #expect(try await store.revoke(key: keyOfB.id, in: a.id, at: Date()) == false)
            #expect(try await store.update(user: userOfB.id, in: a.id, role: .admin) == false)
            #expect(try await store.user(id: userOfB.id, in: b.id)?.role == .agent, "B's user is unchanged")
            #expect(try await store.key(id: keyOfB.id, in: b.id)?.revokedAt == nil, "B's key is unchanged")
        }
    }

    @Test("Keyset pagination returns every row exactly once, in order", arguments: TestDatabase.engines)
    func paginationVisitsEveryRowOnce(engine: DatabaseEngine) async throws {
        try await TestDatabase.withStore(engine) { (store: Store) async throws in
            let w = try await workspace("W", in: store)
            // Several users share a timestamp so the id tie-breaker is exercised.
            var inserted: [UserID] = []
            for index in 0..<23 {
                let u = user("u\(index)@w.example", in: w, at: Int64(1000 + index / 3))
                try await store.insert(u, passwordHash: "x")
                inserted.append(u.id)
            }
            var seen: [User] = []
            var cursor: Cursor?
            var pages = 0
            repeat {
                let page = try await store.users(in: w.id, after: cursor, limit: 5)
                seen += page.items
                cursor = try page.nextCursor.map { try Cursor(token: $0) }
                pages += 1
            } while cursor != nil
            #expect(pages == 5)
            #expect(Set(seen.map(\.id)) == Set(inserted))
            #expect(seen.count == 23)
            let keys = seen.map { ($0.createdAt.storageMillis, $0.id.rawValue) }
            #expect(zip(keys, keys.dropFirst()).allSatisfy { $0 < $1 }, "ascending by (created_at, id): \(keys)")
        }
    }

    @Test("An email can belong to one user only", arguments: TestDatabase.engines)
    func duplicateEmailIsAConflict(engine: DatabaseEngine) async throws {
        try await TestDatabase.withStore(engine) { (store: Store) async throws in
            let a = try await workspace("A", in: store), b = try await workspace("B", in: store)
            try await store.insert(user("same@example.com", in: a, at: 1), passwordHash: "x")
            await #expect(throws: ConflictError.self) {
                try await store.insert(user("same@example.com", in: b, at: 2), passwordHash: "y")
            }
        }
    }

    @Test("Expired sessions are not returned", arguments: TestDatabase.engines)
    func expiredSessionsAreIgnored(engine: DatabaseEngine) async throws {
        try await TestDatabase.withStore(engine) { (store: Store) async throws in
            let w = try await workspace("W", in: store)
            let u = user("s@w.example", in: w, at: 1)
            try await store.insert(u, passwordHash: "x")
            let start = Date(storageMillis: 1_800_000_000_000)
            try await store.insert(WebSession(tokenHash: "t", workspaceID: w.id, userID: u.id, csrfToken: "c", createdAt: start, expiresAt: start.addingTimeInterval(60)))
            #expect(try await store.session(tokenHash: "t", now: start.addingTimeInterval(59))?.userID == u.id)
            #expect(try await store.session(tokenHash: "t", now: start.addingTimeInterval(60)) == nil)
        }
    }

    @Test("Audit entries are counted per UTC day", arguments: TestDatabase.engines)
    func auditCountsPerDay(engine: DatabaseEngine) async throws {
        try await TestDatabase.withStore(engine) { (store: Store) async throws in
            let w = try await workspace("W", in: store)
            let day = Int64(86_400_000)
            for offset in [0, 1, 1, 3, 3, 3] {
                try await store.append(AuditEntry(id: .generate(), workspaceID: w.id, occurredAt: Date(storageMillis: day * (20_000 + Int64(offset)) + 5),
                                                  action: .loginSucceeded, actor: "console", target: nil, details: [:], ipAddress: nil))
            }
            let counts = try await store.auditCountsByDay(in: w.id, since: Date(storageMillis: day * 20_001))
            #expect(counts.map(\.day) == [20_001, 20_003])
            #expect(counts.map(\.count) == [2, 3])
        }
    }
}
