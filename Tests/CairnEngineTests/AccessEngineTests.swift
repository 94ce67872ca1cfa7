import CairnCore
import CairnEngine
import CairnStore
import CairnTestSupport
import Foundation
import Testing

@Suite("Access use cases")
struct AccessEngineTests {
    @Test("Passwords are stored as bcrypt hashes, never in the clear", arguments: TestDatabase.engines)
    func passwordsAreHashed(engine: DatabaseEngine) async throws {
        try await TestDatabase.withStore(engine) { (store: Store) async throws in
            let seeded = try await SeededWorkspace.create(named: "Hash", in: store)
            let stored = try #require(try await store.credentials(email: seeded.users[.agent]!.email))
            #expect(stored.passwordHash.hasPrefix("$2b$04$"))
            #expect(!stored.passwordHash.contains(SeededWorkspace.password))
        }
    }

    @Test("Key tokens are stored only as hashes, and a revoked key stops authenticating", arguments: TestDatabase.engines)
    func keysAreHashedAndRevocable(engine: DatabaseEngine) async throws {
        try await TestDatabase.withStore(engine) { (store: Store) async throws in
            let clock = TestClock()
            let seeded = try await SeededWorkspace.create(named: "Keys", in: store, clock: clock.source)
            let admin = Administration(store: store, passwordHasher: testPasswordHasher, clock: clock.source)
            let auth = Authenticator(store: store, configuration: .init(passwordHasher: testPasswordHasher), clock: clock.source)
            let created = try await admin.createKey(kind: .secret, name: "BI", role: .manager, by: seeded.principal(.admin), origin: .console)
            #expect(created.token.hasPrefix("cairn_sk_"))
            #expect(try await store.key(tokenHash: created.token) == nil, "the token itself is not a lookup key")
            #expect(try await store.key(tokenHash: Secrets.tokenHash(created.token))?.id == created.key.id)
            let principal = try #require(try await auth.principal(forSecretKey: created.token))
            #expect(principal.role == .manager && principal.workspaceID == seeded.workspace.id)
            #expect(try await store.key(id: created.key.id, in: seeded.workspace.id)?.lastUsedAt == clock.now, "use is recorded")
            #expect(try await auth.key(token: created.token, kind: .write) == nil, "a secret key is not a write key")
            _ = try await admin.revokeKey(created.key.id, by: seeded.principal(.admin), origin: .console)
            #expect(try await auth.principal(forSecretKey: created.token) == nil)
            let actions = try await store.auditLog(in: seeded.workspace.id, after: nil, limit: 100).items.map(\.action)
            #expect(actions.contains(.keyCreated) && actions.contains(.keyRevoked))
        }
    }

    @Test("A key never gets more rights than its creator; write keys take no role")
    func keyRoleIsBounded() async throws {
        try await TestDatabase.withStore(.sqlite) { (store: Store) async throws in
            let seeded = try await SeededWorkspace.create(named: "Bound", in: store)
            let admin = Administration(store: store, passwordHasher: testPasswordHasher)
            let managerWithKeys = Principal(workspaceID: seeded.workspace.id, kind: .operatorConsole, role: .manager)
            await #expect(throws: AccessError.forbidden(.keysManage)) {
                _ = try await admin.createKey(kind: .secret, name: "x", role: .viewer, by: managerWithKeys, origin: .console)
            }
            await #expect(throws: ValidationError.self) {
                _ = try await admin.createKey(kind: .write, name: "x", role: .admin, by: seeded.principal(.admin), origin: .console)
            }
            await #expect(throws: ValidationError.self) {
                _ = try await admin.createKey(kind: .write, name: "   ", role: nil, by: seeded.principal(.admin), origin: .console)
            }
        }
    }

    @Test("Waits grow per account and address: the guesser slows down, the owner at another address never waits", arguments: TestDatabase.engines)
    func growingDelays(engine: DatabaseEngine) async throws {
        try await TestDatabase.withStore(engine) { (store: Store) async throws in
            let throttle = LoginThrottle(policy: .init(freeFailures: 3, addressFreeFailures: 100, firstDelay: .seconds(2), maximumDelay: .seconds(60), window: .seconds(900)), store: store)
            let now = Date(timeIntervalSince1970: 1_000)
            for _ in 0..<3 { #expect(try await throttle.recordFailure(account: "ada", address: "10.0.0.9", now: now) == nil, "three free failures") }
            // Then 2, 4, 8, 16, 32, 60, 60 seconds (doubling up to the ceiling).
            var waits: [Int?] = []
            for _ in 0..<7 { waits.append(try await throttle.recordFailure(account: "ada", address: "10.0.0.9", now: now)) }
            #expect(waits == [2, 4, 8, 16, 32, 60, 60])
            #expect(try await throttle.retryAfter(account: "ada", address: "10.0.0.9", now: now.addingTimeInterval(10)) == 50)
            #expect(try await throttle.retryAfter(account: "ada", address: "10.0.0.7", now: now) == nil, "Ada herself, at her own address, is not held back")
            #expect(try await throttle.retryAfter(account: "ada", address: "10.0.0.9", now: now.addingTimeInterval(61)) == nil)
            // A success from an address forgets that pair's failures.
            try await throttle.recordSuccess(account: "ada", address: "10.0.0.9")
            #expect(try await throttle.recordFailure(account: "ada", address: "10.0.0.9", now: now.addingTimeInterval(70)) == nil)
        }
    }

    @Test("One address trying many accounts waits too", arguments: TestDatabase.engines)
    func addressThrottle(engine: DatabaseEngine) async throws {
        try await TestDatabase.withStore(engine) { (store: Store) async throws in
            let throttle = LoginThrottle(policy: .init(freeFailures: 5, addressFreeFailures: 3, firstDelay: .seconds(2), maximumDelay: .seconds(120), window: .seconds(60)), store: store)
            let now = Date(timeIntervalSince1970: 1_000)
            for account in ["a", "b", "c"] { #expect(try await throttle.recordFailure(account: account, address: "10.0.0.1", now: now) == nil) }
            #expect(try await throttle.recordFailure(account: "d", address: "10.0.0.1", now: now) == 2)
            #expect(try await throttle.retryAfter(account: "e", address: "10.0.0.1", now: now.addingTimeInterval(1)) == 1)
            #expect(try await throttle.retryAfter(account: "e", address: "10.0.0.2", now: now.addingTimeInterval(1)) == nil)
        }
    }

    @Test("Failures outside the window are forgotten", arguments: TestDatabase.engines)
    func windowForgets(engine: DatabaseEngine) async throws {
        try await TestDatabase.withStore(engine) { (store: Store) async throws in
            let throttle = LoginThrottle(policy: .init(freeFailures: 3, addressFreeFailures: 100, window: .seconds(60)), store: store)
            let start = Date(timeIntervalSince1970: 0)
            for minute in 0..<6 {
                #expect(try await throttle.recordFailure(account: "slow", address: nil, now: start.addingTimeInterval(Double(minute) * 61)) == nil)
            }
        }
    }

    @Test("First-run setup happens once", arguments: TestDatabase.engines)
    func firstRunOnce(engine: DatabaseEngine) async throws {
        try await TestDatabase.withStore(engine) { (store: Store) async throws in
            let firstRun = FirstRun(store: store, passwordHasher: testPasswordHasher)
            #expect(try await firstRun.isOpen())
            let result = try await firstRun.createFirstAdministrator(workspaceName: "Acme", email: "Root@Acme.example", password: nil, origin: .console)
            #expect(result.admin.role == .admin && result.admin.email == "root@acme.example")
            let generated = try #require(result.generatedPassword)
            #expect(generated.count == 23)
            #expect(try await !firstRun.isOpen())
            await #expect(throws: AccessError.setupAlreadyCompleted) {
                _ = try await firstRun.createFirstAdministrator(workspaceName: "Evil", email: "e@x.example", password: "a long enough password", origin: .console)
            }
            let auth = Authenticator(store: store, configuration: .init(passwordHasher: testPasswordHasher))
            #expect(try await auth.signIn(email: "root@acme.example", password: generated, origin: .console).user.id == result.admin.id)
        }
    }
}
