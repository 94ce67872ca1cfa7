import SQLKit

extension Store {
    /// Runs `body` only if no other server on the same database is running work of this `name` now, and returns its
    /// result; returns nil (doing nothing) when another holds it. Background services (webhooks, the delivery
    /// monitor, survey emails, triggers, re-reading) take their rounds this way, so with several `cairn serve`
    /// processes on one PostgreSQL each item is worked once. PostgreSQL: a session advisory lock on a connection held
    /// for the round, released at its end — or by the server when a process dies. SQLite serves one process: `body`
    /// always runs.
    public func exclusively<T: Sendable>(_ name: String, _ body: @Sendable () async throws -> T) async throws -> T? {
        guard engine == .postgres else { return try await body() }
        return try await database.withConnection { sql in
            let key = "cairn.round." + name
            // The lock's name holds the database and schema, so separate Cairns on one PostgreSQL server never meet.
            let lockID: SQLQueryString = "hashtext(current_database() || '.' || current_schema() || '.' || \(bind: key))"
            let taken = try await sql.raw("SELECT pg_try_advisory_lock(\(lockID)) AS taken").first()?.decode(column: "taken", as: Bool.self) ?? false
            guard taken else { return nil }
            do {
                let result = try await body()
                _ = try await sql.raw("SELECT pg_advisory_unlock(\(lockID))").run()
                return result
            } catch {
                _ = try? await sql.raw("SELECT pg_advisory_unlock(\(lockID))").run()
                throw error
            }
        }
    }
}
