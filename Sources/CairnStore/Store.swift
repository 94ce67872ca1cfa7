public import CairnCore
import Foundation
import SQLKit
import Synchronization

/// The one data layer. Every method that touches workspace data takes the workspace and filters by it. The database
/// stays inside: the layers above ask the store by name.
public struct Store: Sendable {
    let database: CairnDatabase

    public init(database: CairnDatabase) {
        self.database = database
    }

    public var engine: DatabaseEngine { database.engine }

    /// Where the database lives, safe for logs.
    public var location: DatabaseLocation { database.location }

    /// Answers when the database does (readiness).
    public func ping() async throws {
        try await database.ping()
    }

    /// Whether clients' writes (ingestion, answers) went to the database within `window`: background work yields to them.
    public func hadForegroundWrites(within window: Duration) -> Bool {
        database.hadForegroundWrites(within: window)
    }

    /// The schema versions applied to the database.
    public func appliedSchemaVersions() async throws -> Set<Int> {
        try await Migrator(database: database).appliedVersions()
    }

    /// Closes the connections; the store is not used after.
    public func shutdown() async throws {
        try await database.shutdown()
    }

    /// Runs several store calls in one transaction. Once it commits, whoever waits for what it changed (a live chat,
    /// an open case page) is woken (``waitForChange(of:upTo:)``).
    public func transaction<T: Sendable>(priority: WritePriority = .foreground, _ body: @Sendable (TransactionStore) async throws -> T) async throws -> T {
        let engine = database.engine
        let changes = ChangeLog()
        let result = try await database.transaction(priority: priority) { sql in try await body(TransactionStore(sql: sql, engine: engine, changes: changes)) }
        for key in changes.keys { database.eventSignal.signal(key) }
        return result
    }

    /// Waits until a transaction changes the case (a message, its status, its assignee) — on this server, or on
    /// PostgreSQL on any server of the database — or `timeout` passes. True when woken by a change.
    public func waitForChange(of item: CaseID, upTo timeout: Duration) async -> Bool {
        await database.waitForEvents(in: ChangeLog.key(item), timeout: timeout)
    }
}

/// What a transaction changed that someone may be waiting for: told to this process's waiters after the commit.
final class ChangeLog: Sendable {
    private let changed = Mutex<Set<String>>([])

    static func key(_ item: CaseID) -> String { "case:\(item.rawValue)" }

    func add(_ key: String) { changed.withLock { _ = $0.insert(key) } }
    var keys: Set<String> { changed.withLock { $0 } }
}

/// Store calls bound to one open transaction.
public struct TransactionStore: Sendable {
    let sql: any SQLDatabase
    var engine: DatabaseEngine = .sqlite
    var changes: ChangeLog? = nil

    /// Notes that the transaction changed a case: waiters on this server are woken after the commit; on PostgreSQL a
    /// `NOTIFY` in the transaction tells every other server when it commits.
    func changed(_ item: CaseID) async throws {
        let key = ChangeLog.key(item)
        guard changes?.keys.contains(key) != true else { return }
        changes?.add(key)
        if engine == .postgres { _ = try await sql.raw("SELECT pg_notify(\(bind: EventSignal.channel), \(bind: key))").all() }
    }

    /// Runs `body` in a savepoint: if it throws, only its own writes are undone and the transaction goes on.
    public func withSavepoint(_ body: () async throws -> Void) async throws -> (any Error)? {
        try await sql.raw("SAVEPOINT part").run()
        do {
            try await body()
            try await sql.raw("RELEASE SAVEPOINT part").run()
            return nil
        } catch {
            try await sql.raw("ROLLBACK TO SAVEPOINT part").run()
            try await sql.raw("RELEASE SAVEPOINT part").run()
            return error
        }
    }
}

/// Sort direction and cursor arithmetic for keyset pagination, shared by every list.
enum Keyset {
    enum Direction { case ascending, descending }

    /// Adds `WHERE (sortColumn, id) > / < cursor` and the matching ORDER BY and LIMIT (one extra row to detect more).
    static func apply(_ query: SQLSelectBuilder, sortColumn: String, cursor: Cursor?, direction: Direction, limit: Int) -> SQLSelectBuilder {
        let comparison: SQLBinaryOperator = direction == .ascending ? .greaterThan : .lessThan
        if let cursor {
            query.where { group in
                group.where(SQLColumn(sortColumn), comparison, SQLBind(cursor.sortKey))
                    .orWhere { inner in
                        inner.where(SQLColumn(sortColumn), .equal, SQLBind(cursor.sortKey))
                            .where(SQLColumn("id"), comparison, SQLBind(cursor.id))
                    }
            }
        }
        let order: SQLDirection = direction == .ascending ? .ascending : .descending
        return query.orderBy(sortColumn, order).orderBy("id", order).limit(limit + 1)
    }

    static func page<T: Sendable>(_ items: [T], limit: Int, key: (T) -> Cursor) -> Page<T> {
        guard items.count > limit else { return Page(items: items, nextCursor: nil) }
        let kept = Array(items.prefix(limit))
        return Page(items: kept, nextCursor: kept.last.map { key($0).token })
    }
}
