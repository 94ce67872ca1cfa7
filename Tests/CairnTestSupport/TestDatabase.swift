import CairnEngine
public import CairnStore
import Foundation
import Logging
import PostgresKit
import Testing

/// The engines every store-backed test runs on: SQLite always, PostgreSQL when `CAIRN_TEST_POSTGRES_URL` is set.
public enum TestDatabase {
    /// Both engines; tests call ``withStore(_:migrateTo:_:)`` which skips PostgreSQL (saying why) when it is not configured.
    public static let engines: [DatabaseEngine] = [.sqlite, .postgres]

    public static var postgresURL: String? {
        guard let url = ProcessInfo.processInfo.environment["CAIRN_TEST_POSTGRES_URL"], !url.isEmpty else { return nil }
        return url
    }

    static let logger: Logger = {
        var logger = Logger(label: "cairn.test")
        logger.logLevel = .warning
        return logger
    }()

    /// Runs `body` with a fresh, empty database of `engine`, migrated to `version` (default: newest), and removes it after.
    /// SQLite: a new file in the temporary directory. PostgreSQL: a new schema on the test server.
    public static func withStore<T: Sendable>(_ engine: DatabaseEngine, migrateTo version: Int? = nil,
                                             _ body: (Store) async throws -> T) async throws -> T {
        switch engine {
        case .sqlite:
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("cairn-test-\(UUID().uuidString).sqlite").path
            let database = try CairnDatabase.open(.sqliteFile(path: path), logger: logger)
            defer {
                for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
            }
            return try await run(database, version: version, body)
        case .postgres:
            guard let url = postgresURL else {
                try Test.cancel("PostgreSQL run skipped: set CAIRN_TEST_POSTGRES_URL (e.g. postgres://cairn:cairn@127.0.0.1:54329/cairn) to run it")
            }
            let schema = "cairn_test_\(UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16))"
            try await onServer(url) { sql in try await sql.raw("CREATE SCHEMA \(ident: schema)").run() }
            let database = try CairnDatabase.open(.postgres(url: url, searchPath: [schema]), logger: logger)
            do {
                let result = try await run(database, version: version, body)
                try await onServer(url) { sql in try await sql.raw("DROP SCHEMA \(ident: schema) CASCADE").run() }
                return result
            } catch {
                try? await onServer(url) { sql in try await sql.raw("DROP SCHEMA \(ident: schema) CASCADE").run() }
                throw error
            }
        }
    }

    /// One short-lived connection to the test server, for making and dropping schemas.
    private static func onServer(_ url: String, _ body: @Sendable (any SQLDatabase) async throws -> Void) async throws {
        let server = try CairnDatabase.open(.postgres(url: url, searchPath: nil), logger: logger)
        do {
            try await server.withConnection(body)
            try await server.shutdown()
        } catch {
            try? await server.shutdown()
            throw error
        }
    }

    private static func run<T: Sendable>(_ database: CairnDatabase, version: Int?, _ body: (Store) async throws -> T) async throws -> T {
        do {
            try await Migrator(database: database).migrate(upTo: version)
            // As the composition root does: the jobs migrations leave are done once the schema is current.
            if version == nil { try await ScheduledJobs(store: Store(database: database), logger: Logger(label: "cairn.test")).runPending() }
            let result = try await body(Store(database: database))
            try await database.shutdown()
            return result
        } catch {
            try? await database.shutdown()
            throw error
        }
    }
}
