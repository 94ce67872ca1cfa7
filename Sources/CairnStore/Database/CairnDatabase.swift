import Foundation
import Synchronization
public import Logging
import NIOCore
public import NIOPosix
@preconcurrency public import PostgresKit
import SQLiteKit

/// Which SQL engine a database runs on.
public enum DatabaseEngine: String, Sendable, Hashable, CaseIterable {
    case sqlite
    case postgres
}

/// Where the database lives, parsed from `--database` / `CAIRN_DATABASE_URL`.
public enum DatabaseLocation: Sendable, Hashable, CustomStringConvertible {
    /// An SQLite file (created if missing).
    case sqliteFile(path: String)
    /// A PostgreSQL server, by URL (`postgres://user:password@host:5432/name`).
    case postgres(url: String, searchPath: [String]?)

    /// The embedded default: `./cairn.sqlite`.
    public static let embeddedDefault = DatabaseLocation.sqliteFile(path: "cairn.sqlite")

    /// Parses `sqlite:PATH`, `sqlite://PATH`, a plain file path, or `postgres://…` / `postgresql://…`.
    public init(parsing text: String) throws(DatabaseConfigurationError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { throw .empty }
        if trimmed.hasPrefix("postgres://") || trimmed.hasPrefix("postgresql://") {
            guard (try? SQLPostgresConfiguration(url: trimmed)) != nil else { throw .malformedPostgresURL }
            self = .postgres(url: trimmed, searchPath: nil)
        } else if trimmed.hasPrefix("sqlite://") {
            self = .sqliteFile(path: String(trimmed.dropFirst("sqlite://".count)))
        } else if trimmed.hasPrefix("sqlite:") {
            self = .sqliteFile(path: String(trimmed.dropFirst("sqlite:".count)))
        } else if trimmed.contains("://") {
            throw .unsupportedScheme(String(trimmed.prefix(while: { $0 != ":" })))
        } else {
            self = .sqliteFile(path: trimmed)
        }
    }

    public var engine: DatabaseEngine {
        switch self {
        case .sqliteFile: .sqlite
        case .postgres: .postgres
        }
    }

    /// A description safe for logs: never the password.
    public var description: String {
        switch self {
        case .sqliteFile(let path): "sqlite:\(path)"
        case .postgres(let url, _):
            if let components = URLComponents(string: url) {
                "postgres://\(components.host ?? "?"):\(components.port ?? 5432)\(components.path)"
            } else {
                "postgres://…"
            }
        }
    }
}

/// A database URL that cannot be used.
public enum DatabaseConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    case empty
    case malformedPostgresURL
    case unsupportedScheme(String)

    public var description: String {
        switch self {
        case .empty: "The database URL is empty. Pass a file path such as cairn.sqlite or a postgres:// URL."
        case .malformedPostgresURL: "The PostgreSQL URL could not be read. Use postgres://USER:PASSWORD@HOST:5432/DATABASE."
        case .unsupportedScheme(let scheme): "Databases of kind \"\(scheme)\" are not supported. Use an SQLite file path or a postgres:// URL."
        }
    }
}

/// A pool of connections to one SQLite or PostgreSQL database. All queries are written once with SQLKit;
/// the few dialect differences live in ``CairnDatabase/Dialect``.
public final class CairnDatabase: Sendable {
    public let engine: DatabaseEngine
    public let location: DatabaseLocation
    private let connections: any ConnectionLeasing
    /// SQLite: the one connection every transaction of this process writes through. In WAL mode a connection's page
    /// cache is thrown away whenever another connection has written; with one writer, its cache stays warm from one
    /// transaction to the next instead of every write reading its index pages from the file again.
    private let writer: (any ConnectionLeasing)?
    /// SQLite has one writer at a time. Writers of this process queue here instead of spinning in SQLite's busy
    /// handler, which sleeps in growing steps and makes concurrent writers slow; other processes still wait on the
    /// busy timeout.
    private let writeGate: WriteGate?
    private let isOpen = Mutex(true)
    /// Concurrent appends share transactions (group commit).
    let appendGroup: AppendGroup
    /// When this process last appended events for a client.
    let lastForegroundWrite = Mutex<ContinuousClock.Instant?>(nil)
    /// Wakes live streams when events arrive (see ``EventSignal``).
    let eventSignal = EventSignal()
    /// PostgreSQL: how to open the connection that listens for other servers' appends.
    private let listening: (configuration: PostgresConnection.Configuration, eventLoop: any EventLoop, logger: Logger)?

    /// Waits until events arrive for the workspace — appended by this process, or on PostgreSQL by any server on the
    /// database (`LISTEN`/`NOTIFY`) — or `timeout` passes. True when woken by events.
    public func waitForEvents(in workspace: String, timeout: Duration) async -> Bool {
        if let listening { eventSignal.listen(configuration: listening.configuration, on: listening.eventLoop, logger: listening.logger) }
        return await eventSignal.wait(for: workspace, timeout: timeout)
    }

    /// Whether clients' writes arrived within `window`: background work (identity resolution) then takes smaller
    /// steps with pauses, leaving the processor to the requests waiting for their acknowledgement.
    public func hadForegroundWrites(within window: Duration) -> Bool {
        guard let last = lastForegroundWrite.withLock({ $0 }) else { return false }
        return ContinuousClock.now - last < window
    }

    private init(engine: DatabaseEngine, location: DatabaseLocation, connections: any ConnectionLeasing, writer: (any ConnectionLeasing)? = nil,
                 listening: (configuration: PostgresConnection.Configuration, eventLoop: any EventLoop, logger: Logger)? = nil) {
        self.engine = engine
        self.location = location
        self.connections = connections
        self.writer = writer
        self.listening = listening
        self.writeGate = engine == .sqlite ? WriteGate() : nil
        self.appendGroup = AppendGroup(maximumLeaders: engine == .sqlite ? 1 : 2)
    }


    /// Opens a pool; nothing connects until the first query.
    /// When an SQLite commit is on disk: at once (`synchronous = FULL`, what an acknowledged event relies on), or at
    /// the next checkpoint (`NORMAL`: a power cut may lose the last commits, never the file's consistency) — for a
    /// database that can be made again, such as the demo world's.
    public enum Durability: Sendable {
        case everyCommit
        case checkpoints
    }

    public static func open(_ location: DatabaseLocation, logger: Logger, eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
                            durability: Durability = .everyCommit) throws -> CairnDatabase {
        switch location {
        case .sqliteFile(let path):
            // SQLite calls block a thread, and a connection waiting for a lock sleeps on it. One thread per connection,
            // in a pool of this database's own, means a connection holding a lock always has a thread to finish on.
            let connectionsPerLoop = 2
            let threads = NIOThreadPool(numberOfThreads: 1 + connectionsPerLoop * eventLoopGroup.makeIterator().reduce(0) { count, _ in count + 1 })
            threads.start()
            let synchronous = durability == .everyCommit ? "FULL" : "NORMAL"
            let source = SQLiteFileSource(path: path, threadPool: threads, synchronous: synchronous)
            let pool = EventLoopGroupConnectionPool(source: source, maxConnectionsPerEventLoop: connectionsPerLoop, logger: logger, on: eventLoopGroup)
            let writerPool = EventLoopGroupConnectionPool(source: SQLiteFileSource(path: path, threadPool: threads, synchronous: synchronous, cacheMiB: 64), maxConnectionsPerEventLoop: 1,
                                                          logger: logger, on: eventLoopGroup.next())
            return CairnDatabase(engine: .sqlite, location: location, connections: Pooled(pool: pool, logger: logger, threadPool: threads) { $0.sql(queryLogLevel: nil) },
                                 writer: Pooled(pool: writerPool, logger: logger) { $0.sql(queryLogLevel: nil) })
        case .postgres(let url, let searchPath):
            var configuration = try SQLPostgresConfiguration(url: url)
            configuration.searchPath = searchPath
            let source = PostgresConnectionSource(sqlConfiguration: configuration)
            let pool = EventLoopGroupConnectionPool(source: source, maxConnectionsPerEventLoop: 4, requestTimeout: .seconds(10), logger: logger, on: eventLoopGroup)
            return CairnDatabase(engine: .postgres, location: location, connections: Pooled(pool: pool, logger: logger) { $0.sql(queryLogLevel: nil) },
                                 listening: (configuration.coreConfiguration, eventLoopGroup.next(), logger))
        }
    }

    /// Runs `body` with one connection from the pool.
    public func withConnection<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await connections.withConnection(body)
    }

    /// Runs `body` in one transaction: committed when it returns, rolled back when it throws.
    /// `priority: .background` (identity resolution) lets waiting foreground writers (acknowledging clients) go first
    /// on SQLite, but still gets a turn after every few of theirs.
    public func transaction<T: Sendable>(priority: WritePriority = .foreground, _ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        if let writeGate {
            await writeGate.enter(priority)
            do {
                let result = try await runTransaction(body)
                await writeGate.leave()
                return result
            } catch {
                await writeGate.leave()
                throw error
            }
        }
        return try await runTransaction(body)
    }

    private func runTransaction<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await (writer ?? connections).withConnection { sql in
            try await sql.raw(SQLQueryString(Dialect(engine: self.engine).beginTransaction)).run()
            do {
                let result = try await body(sql)
                try await sql.raw("COMMIT").run()
                return result
            } catch {
                try? await sql.raw("ROLLBACK").run()
                throw error
            }
        }
    }

    /// Answers whether the database is reachable.
    public func ping() async throws {
        try await withConnection { sql in _ = try await sql.raw("SELECT 1 AS one").first() }
    }

    /// Closes every connection, after the last query. Later calls do nothing.
    public func shutdown() async throws {
        guard isOpen.withLock({ open in defer { open = false }; return open }) else { return }
        eventSignal.close()
        try await writer?.shutdown()
        try await connections.shutdown()
    }

    /// The small, named place where SQLite and PostgreSQL differ.
    public struct Dialect: Sendable {
        public let engine: DatabaseEngine

        /// SQLite takes the write lock up front so that concurrent writers wait (busy timeout) instead of failing.
        var beginTransaction: String {
            switch engine {
            case .sqlite: "BEGIN IMMEDIATE"
            case .postgres: "BEGIN"
            }
        }

        /// Whether an error is a violated unique constraint.
        public static func isUniqueViolation(_ error: any Error) -> Bool {
            if let psql = error as? PSQLError, psql.serverInfo?[.sqlState] == "23505" { return true }
            if let sqlite = error as? SQLiteError, sqlite.reason == .constraintUniqueFailed || sqlite.reason == .constraintPrimaryKeyFailed { return true }
            return false
        }
    }
}

/// Who waits for SQLite's single writer first.
public enum WritePriority: Sendable {
    case foreground
    case background
}

/// A first-come, first-served lock for async code, where foreground writers pass background ones — except that a
/// background writer waiting behind `fairness` foreground turns in a row gets the next turn.
actor WriteGate {
    private var busy = false
    private var foreground: [CheckedContinuation<Void, Never>] = []
    private var background: [CheckedContinuation<Void, Never>] = []
    private var foregroundTurnsInARow = 0
    private let fairness = 8

    func enter(_ priority: WritePriority = .foreground) async {
        if !busy { busy = true; return }
        await withCheckedContinuation { continuation in
            switch priority {
            case .foreground: foreground.append(continuation)
            case .background: background.append(continuation)
            }
        }
    }

    func leave() {
        if !background.isEmpty && (foreground.isEmpty || foregroundTurnsInARow >= fairness) {
            foregroundTurnsInARow = 0
            background.removeFirst().resume()
        } else if !foreground.isEmpty {
            foregroundTurnsInARow += 1
            foreground.removeFirst().resume()
        } else {
            busy = false
        }
    }
}

/// Hands out pooled connections as `SQLDatabase`s.
protocol ConnectionLeasing: Sendable {
    func withConnection<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T
    func shutdown() async throws
}

/// `EventLoopGroupConnectionPool` guards its state with a lock but predates `Sendable`; it is safe to share.
private struct Pooled<Source: ConnectionPoolSource>: ConnectionLeasing, @unchecked Sendable where Source.Connection: Sendable {
    let pool: EventLoopGroupConnectionPool<Source>
    let logger: Logger
    let makeSQL: @Sendable (Source.Connection) -> any SQLDatabase
    /// A thread pool owned by this database (SQLite), shut down with it.
    let threadPool: NIOThreadPool?

    init(pool: EventLoopGroupConnectionPool<Source>, logger: Logger, threadPool: NIOThreadPool? = nil, makeSQL: @escaping @Sendable (Source.Connection) -> any SQLDatabase) {
        self.pool = pool
        self.logger = logger
        self.threadPool = threadPool
        self.makeSQL = makeSQL
    }

    func withConnection<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        let connection = try await pool.requestConnection(logger: logger).get()
        do {
            let result = try await body(makeSQL(connection))
            pool.releaseConnection(connection, logger: logger)
            return result
        } catch {
            pool.releaseConnection(connection, logger: logger)
            throw error
        }
    }

    func shutdown() async throws {
        try await pool.shutdownAsync()
        try await threadPool?.shutdownGracefully()
    }
}

/// Opens SQLite files with the settings Cairn relies on: WAL, foreign keys, a busy timeout.
struct SQLiteFileSource: ConnectionPoolSource {
    let path: String
    let threadPool: NIOThreadPool
    /// `FULL` (every commit on disk before it returns) or `NORMAL` (on disk at checkpoints).
    var synchronous = "FULL"
    /// Page cache per connection.
    var cacheMiB = 32

    func makeConnection(logger: Logger, on eventLoop: any EventLoop) -> EventLoopFuture<SQLiteConnection> {
        SQLiteConnection.open(storage: .file(path: path), threadPool: threadPool, logger: logger, on: eventLoop).flatMap { connection in
            // The busy timeout comes first: even switching to WAL waits for other connections' locks.
            let pragmas = ["PRAGMA busy_timeout = 15000", "PRAGMA journal_mode = WAL", "PRAGMA foreign_keys = ON", "PRAGMA synchronous = \(synchronous)",
                           // Page cache (32 MiB for a reader, more for the writer), and fewer, larger checkpoints (every 40 MiB of log).
                           "PRAGMA cache_size = -\(cacheMiB * 1024)", "PRAGMA wal_autocheckpoint = 10000",
                           // Deleted and overwritten content is zeroed in the file, so erased personal data does not linger.
                           "PRAGMA secure_delete = ON"]
            var chain = eventLoop.makeSucceededVoidFuture()
            for pragma in pragmas {
                chain = chain.flatMap { connection.query(pragma).map { _ in } }
            }
            return chain.map { connection }.flatMapError { error in
                connection.close().flatMapThrowing { throw error }
            }
        }
    }
}
