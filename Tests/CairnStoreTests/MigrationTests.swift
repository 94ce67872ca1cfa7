import CairnCore
@testable import CairnStore
import CairnTestSupport
import Foundation
import SQLKit
import Testing

@Suite("Migrations")
struct MigrationTests {
    @Test("A new database reaches the newest schema version", arguments: TestDatabase.engines)
    func freshDatabaseReachesNewestVersion(engine: DatabaseEngine) async throws {
        try await TestDatabase.withStore(engine) { (store: Store) async throws in
            let migrator = Migrator(database: store.database)
            #expect(try await migrator.appliedVersions() == Set(Schema.migrations.map(\.version)))
            #expect(try await migrator.migrate().isEmpty, "a second run applies nothing")
        }
    }

    @Test("A database made by schema version 1 migrates forward with its data intact", arguments: TestDatabase.engines)
    func olderDatabaseMigratesForwardWithDataIntact(engine: DatabaseEngine) async throws {
        try await TestDatabase.withStore(engine, migrateTo: 1) { (store: Store) async throws in
            let migrator = Migrator(database: store.database)
            #expect(try await migrator.appliedVersions() == [1])
            // Rows written the way version 1 of Cairn wrote them (no locale column, no audit log yet).
            let workspaceID = WorkspaceID.generate(), userID = UserID.generate(), keyID = APIKeyID.generate()
            try await store.database.withConnection { sql in
                try await sql.raw("INSERT INTO workspaces (id, name, created_at) VALUES (\(bind: workspaceID.rawValue), \(bind: "Acme Ltd"), \(bind: Int64(1_700_000_000_000)))").run()
                try await sql.raw("""
                    INSERT INTO users (id, workspace_id, email, display_name, role, password_hash, created_at)
                    VALUES (\(bind: userID.rawValue), \(bind: workspaceID.rawValue), \(bind: "ada@acme.example"), \(bind: "Ada"), \(bind: "manager"), \(bind: "$2b$04$hash"), \(bind: Int64(1_700_000_000_001)))
                    """).run()
                try await sql.raw("""
                    INSERT INTO api_keys (id, workspace_id, kind, name, role, token_hash, display_prefix, created_at)
                    VALUES (\(bind: keyID.rawValue), \(bind: workspaceID.rawValue), \(bind: "secret"), \(bind: "CRM"), \(bind: "viewer"), \(bind: "abc123"), \(bind: "cairn_sk_abcdef"), \(bind: Int64(1_700_000_000_002)))
                    """).run()
            }

            let applied = try await migrator.migrate()
            #expect(applied == Array(2...migrator.latestVersion))

            let workspace = try #require(try await store.workspace(id: workspaceID))
            #expect(workspace.name == "Acme Ltd")
            #expect(workspace.createdAt == Date(storageMillis: 1_700_000_000_000))
            let user = try #require(try await store.user(id: userID, in: workspaceID))
            #expect(user.email == "ada@acme.example")
            #expect(user.role == .manager)
            #expect(user.locale == nil, "the column added by version 2 starts empty")
            let key = try #require(try await store.key(id: keyID, in: workspaceID))
            #expect(key.name == "CRM" && key.role == .viewer && key.revokedAt == nil)
            // Version 2's audit log is usable on the migrated database.
            try await store.append(AuditEntry(id: .generate(), workspaceID: workspaceID, occurredAt: Date(storageMillis: 1_700_000_000_100),
                                              action: .userRoleChanged, actor: "console", target: "user:\(userID)", details: ["to": "admin"], ipAddress: nil))
            let log = try await store.auditLog(in: workspaceID, after: nil, limit: 10)
            #expect(log.items.map(\.action) == [.userRoleChanged])
            #expect(log.items.first?.details == ["to": "admin"])
        }
    }

    @Test("Write keys made before sources existed join a Default source when version 3 arrives", arguments: TestDatabase.engines)
    func writeKeysJoinADefaultSource(engine: DatabaseEngine) async throws {
        try await TestDatabase.withStore(engine, migrateTo: 2) { (store: Store) async throws in
            let workspaceID = WorkspaceID.generate(), writeKey = APIKeyID.generate(), secretKey = APIKeyID.generate()
            try await store.database.withConnection { sql in
                try await sql.raw("INSERT INTO workspaces (id, name, created_at) VALUES (\(bind: workspaceID.rawValue), \(bind: "Shop"), \(bind: Int64(1)))").run()
                for (id, kind) in [(writeKey, "write"), (secretKey, "secret")] {
                    try await sql.raw("""
                        INSERT INTO api_keys (id, workspace_id, kind, name, role, token_hash, display_prefix, created_at)
                        VALUES (\(bind: id.rawValue), \(bind: workspaceID.rawValue), \(bind: kind), \(bind: kind), \(bind: kind == "secret" ? "viewer" : nil as String?), \(bind: "h-" + kind), \(bind: "p"), \(bind: Int64(2)))
                        """).run()
                }
            }
            try await Migrator(database: store.database).migrate()
            let sources = try await store.sources(in: workspaceID, after: nil, limit: 10).items
            #expect(sources.map(\.name) == ["Default"])
            #expect(sources.first?.defaultChannel == .web)
            #expect(try await store.key(id: writeKey, in: workspaceID)?.sourceID == sources.first?.id)
            #expect(try await store.key(id: secretKey, in: workspaceID)?.sourceID == nil)
        }
    }

    @Test("A database newer than the build is refused, not damaged", arguments: TestDatabase.engines)
    func newerDatabaseIsRefused(engine: DatabaseEngine) async throws {
        try await TestDatabase.withStore(engine) { (store: Store) async throws in
            try await store.database.withConnection { sql in
                try await sql.raw("INSERT INTO cairn_schema_migrations (version, name, applied_at) VALUES (\(bind: Int64(999)), \(bind: "from the future"), \(bind: Int64(0)))").run()
            }
            await #expect(throws: MigrationError.self) { try await Migrator(database: store.database).migrate() }
        }
    }

    @Test("Migration versions are unique and ascending")
    func migrationVersionsAreAscending() {
        let versions = Schema.migrations.map(\.version)
        #expect(versions == versions.sorted())
        #expect(Set(versions).count == versions.count)
        #expect(versions.first == 1)
    }
}
