import Foundation
import SQLKit

/// Group commit: units of work that arrive while a transaction is being committed share the next one. Each unit runs
/// inside its own savepoint, so a failing unit is rolled back alone and gets its own error; every unit learns its
/// result only after the shared COMMIT, so "returned" still means "durable". One commit (one fsync on SQLite) then
/// serves many concurrent requests.
actor TransactionGroup {
    struct Unit: Sendable {
        let work: @Sendable (any SQLDatabase) async throws -> any Sendable
        let continuation: CheckedContinuation<any Sendable, any Error>
    }

    private let maximumUnits: Int
    private var queue: [Unit] = []
    private var leading = false

    init(maximumUnits: Int = 64) {
        self.maximumUnits = maximumUnits
    }

    typealias Results = [Result<any Sendable, any Error>]
    typealias RunTransaction = @Sendable (@escaping @Sendable (any SQLDatabase) async throws -> Results) async throws -> Results

    /// Queues a unit; the first caller while none leads becomes the leader and commits groups until the queue is empty.
    func submit(_ unit: Unit, runTransaction: @escaping RunTransaction) async {
        queue.append(unit)
        guard !leading else { return }
        leading = true
        await lead(runTransaction)
    }

    private func lead(_ runTransaction: RunTransaction) async {
        while !queue.isEmpty {
            let units = Array(queue.prefix(maximumUnits))
            queue.removeFirst(units.count)
            do {
                let results = try await runTransaction { sql in
                    var results: [Result<any Sendable, any Error>] = []
                    for (index, unit) in units.enumerated() {
                        try await sql.raw("SAVEPOINT \(unsafeRaw: "unit\(index)")").run()
                        do {
                            let value = try await unit.work(sql)
                            try await sql.raw("RELEASE SAVEPOINT \(unsafeRaw: "unit\(index)")").run()
                            results.append(.success(value))
                        } catch {
                            try await sql.raw("ROLLBACK TO SAVEPOINT \(unsafeRaw: "unit\(index)")").run()
                            try await sql.raw("RELEASE SAVEPOINT \(unsafeRaw: "unit\(index)")").run()
                            results.append(.failure(error))
                        }
                    }
                    return results
                }
                for (unit, result) in zip(units, results) { unit.continuation.resume(with: result) }
            } catch {
                for unit in units { unit.continuation.resume(throwing: error) }
            }
        }
        leading = false
    }
}

extension CairnDatabase {
    /// Runs `body` in a transaction that concurrent callers may share (group commit); returns after the commit.
    /// `body` must only write what it is given to write: a unit that throws is rolled back alone.
    public func groupedTransaction<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        let group = transactionGroup
        lastForegroundWrite.withLock { $0 = ContinuousClock.now }
        let value = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<any Sendable, any Error>) in
            let unit = TransactionGroup.Unit(work: { sql in try await body(sql) }, continuation: continuation)
            Task { await group.submit(unit) { work in try await self.transaction(work) } }
        }
        return value as! T
    }
}
