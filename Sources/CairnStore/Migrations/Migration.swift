import Foundation
import SQLKit

/// One step of the schema. Migrations are append-only: a released step is never edited, only followed by a new one.
public struct Migration: Sendable {
    public let version: Int
    public let name: String
    let apply: @Sendable (any SQLDatabase) async throws -> Void

    init(version: Int, name: String, apply: @escaping @Sendable (any SQLDatabase) async throws -> Void) {
        self.version = version
        self.name = name
        self.apply = apply
    }
}

/// Applies pending migrations in order, each in its own transaction, and records them.
public struct Migrator: Sendable {
    public let database: CairnDatabase
    public let migrations: [Migration]

    public init(database: CairnDatabase, migrations: [Migration] = Schema.migrations) {
        self.database = database
        self.migrations = migrations
    }

    /// The newest version this build knows.
    public var latestVersion: Int { migrations.map(\.version).max() ?? 0 }

    /// The versions already applied to the database.
    public func appliedVersions() async throws -> Set<Int> {
        try await ensureLedger()
        return try await database.withConnection { sql in
            let rows = try await sql.select().column("version").from("cairn_schema_migrations").all()
            return Set(try rows.map { Int(try $0.decode(column: "version", as: Int64.self)) })
        }
    }

    /// Applies every pending migration up to `target` (default: all). Returns the versions it applied.
    @discardableResult
    public func migrate(upTo target: Int? = nil, now: Date = Date()) async throws -> [Int] {
        let applied = try await appliedVersions()
        if let unknown = applied.filter({ $0 > latestVersion }).max() {
            throw MigrationError.databaseIsNewer(databaseVersion: unknown, buildVersion: latestVersion)
        }
        var done: [Int] = []
        for migration in migrations.sorted(by: { $0.version < $1.version })
        where !applied.contains(migration.version) && migration.version <= (target ?? Int.max) {
            try await database.transaction { sql in
                try await migration.apply(sql)
                try await sql.insert(into: "cairn_schema_migrations")
                    .columns("version", "name", "applied_at")
                    .values(SQLBind(Int64(migration.version)), SQLBind(migration.name), SQLBind(now.storageMillis))
                    .run()
            }
            done.append(migration.version)
        }
        return done
    }

    private func ensureLedger() async throws {
        try await database.withConnection { sql in
            try await sql.create(table: "cairn_schema_migrations")
                .ifNotExists()
                .column("version", type: .bigint, .primaryKey(autoIncrement: false))
                .column("name", type: .text, .notNull)
                .column("applied_at", type: .bigint, .notNull)
                .run()
        }
    }
}

public enum MigrationError: Error, Sendable, Hashable, CustomStringConvertible {
    case databaseIsNewer(databaseVersion: Int, buildVersion: Int)

    public var description: String {
        switch self {
        case .databaseIsNewer(let databaseVersion, let buildVersion):
            "The database has schema version \(databaseVersion) but this cairn build knows only up to \(buildVersion). Run a newer cairn."
        }
    }
}

extension Date {
    /// Timestamps are stored as integer milliseconds since 1970 on both engines.
    public var storageMillis: Int64 { Int64((timeIntervalSince1970 * 1000).rounded()) }

    public init(storageMillis: Int64) {
        self.init(timeIntervalSince1970: TimeInterval(storageMillis) / 1000)
    }
}
