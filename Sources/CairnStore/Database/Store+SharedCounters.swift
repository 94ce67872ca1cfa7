public import CairnCore
import SQLKit

/// A small piece of state that every server on one database must see alike: a sign-in throttle's failures, a
/// source's rate-limit bucket. One row per key in `shared_counters`.
public struct SharedCounter: Sendable, Hashable {
    public var value: Double
    /// Milliseconds since 1970 (the counter's own meaning: last refill, wait until…).
    public var at: Int64
    public var note: String

    public init(value: Double, at: Int64, note: String = "") {
        self.value = value
        self.at = at
        self.note = note
    }
}

extension Store {
    /// Reads a counter (nil when absent).
    public func sharedCounter(_ key: String) async throws -> SharedCounter? {
        try await database.withConnection { sql in
            try await sql.select().columns("value", "at", "note").from("shared_counters").where("key", .equal, key).first().map(SharedCounter.init(row:))
        }
    }

    /// Changes a counter atomically across servers: `change` gets the current value (nil when absent) and returns
    /// the new one (nil removes it) and a result. PostgreSQL locks the row for the transaction; SQLite's write lock
    /// covers it.
    public func updateSharedCounter<T: Sendable>(_ key: String, _ change: @escaping @Sendable (SharedCounter?) -> (SharedCounter?, T)) async throws -> T {
        try await transaction { tx in
            let sql = tx.sql
            if tx.engine == .postgres {
                // The row exists before it is locked, so two servers changing a new key wait for each other.
                try await sql.raw("INSERT INTO shared_counters (key, value, at, note) VALUES (\(bind: key), 0, -1, '') ON CONFLICT (key) DO NOTHING").run()
            }
            let lock = tx.engine == .postgres ? " FOR UPDATE" : ""
            let current = try await sql.raw("SELECT value, at, note FROM shared_counters WHERE key = \(bind: key)\(unsafeRaw: lock)").first()
                .map(SharedCounter.init(row:)).flatMap { $0.at == -1 ? nil : $0 }
            let (next, result) = change(current)
            if let next {
                try await sql.raw("""
                    INSERT INTO shared_counters (key, value, at, note) VALUES (\(bind: key), \(bind: next.value), \(bind: next.at), \(bind: next.note))
                    ON CONFLICT (key) DO UPDATE SET value = excluded.value, at = excluded.at, note = excluded.note
                    """).run()
            } else {
                try await sql.delete(from: "shared_counters").where("key", .equal, key).run()
            }
            return result
        }
    }

    /// Removes counters not touched since `before` (milliseconds), so the table stays small.
    public func pruneSharedCounters(olderThan before: Int64) async throws {
        try await transaction(priority: .background) { tx in
            try await tx.sql.delete(from: "shared_counters").where("at", .lessThan, before).run()
        }
    }
}

extension SharedCounter {
    init(row: any SQLRow) throws {
        self.init(value: try row.decode(column: "value", as: Double.self), at: try row.decode(column: "at", as: Int64.self),
                  note: try row.decode(column: "note", as: String.self))
    }
}
