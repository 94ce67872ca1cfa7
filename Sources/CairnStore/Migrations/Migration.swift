public import Foundation
import SQLKit
import CairnCore

/// One step of the schema: plain schema changes and SQL. Migrations are append-only: a released step is never edited,
/// only followed by a new one. Work that needs more than SQL (rebuilding a roll-up, reading stored answers again) is
/// never done here: a migration names the jobs it schedules, and the engine runs them once the schema is current
/// (``Store/scheduledJobs()``).
public struct Migration: Sendable {
    public let version: Int
    public let name: String
    /// The jobs this step schedules, recorded in the same transaction as the step.
    public let jobs: [ScheduledJob]
    let apply: @Sendable (any SQLDatabase) async throws -> Void

    init(version: Int, name: String, jobs: [ScheduledJob] = [], apply: @escaping @Sendable (any SQLDatabase) async throws -> Void) {
        self.version = version
        self.name = name
        self.jobs = jobs
        self.apply = apply
    }
}

/// Work a migration leaves for after the schema is current: the store's own rebuilds from base rows, and requests to
/// read stored answers again with today's text analysis.
public enum ScheduledJob: String, Sendable, Hashable, CaseIterable {
    /// Rebuild the daily units-sold roll-up from the orders.
    case rebuildUnitsSold = "rebuild-units-sold"
    /// Rebuild the daily score counts from the responses.
    case rebuildScoreCounts = "rebuild-score-counts"
    /// Rebuild every customer's order figures from the orders.
    case rebuildCustomerFigures = "rebuild-customer-figures"
    /// Read every workspace's stored answers again.
    case rereadAnswers = "reread-answers"
    /// Read again the stored answers of workspaces with Chinese text.
    case rereadChineseAnswers = "reread-chinese-answers"
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
                for job in migration.jobs {
                    try await sql.insert(into: "cairn_scheduled_jobs").columns("job", "scheduled_at")
                        .values(SQLBind(job.rawValue), SQLBind(now.storageMillis))
                        .ignoringConflicts(with: ["job"])
                        .run()
                }
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
            // The jobs applied migrations left for the engine (``ScheduledJob``); a row goes when its job is done.
            try await sql.create(table: "cairn_scheduled_jobs")
                .ifNotExists()
                .column("job", type: .text, .primaryKey(autoIncrement: false))
                .column("scheduled_at", type: .bigint, .notNull)
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
