import Foundation
import SQLKit
import Synchronization

/// Group commit for appending events. Appends that arrive while a transaction is being committed share the next one:
/// their rows go in together (a few multi-row INSERTs instead of one per request) and each source's use is counted
/// once per group. Every append learns its result only after the shared COMMIT, so "returned" still means "durable";
/// one commit (one fsync) serves many concurrent requests. If a shared transaction fails, each of its appends is tried
/// again alone, so one append's failure is its own and never another's.
actor AppendGroup {
    struct Append: Sendable {
        let workspace: String
        let source: String
        let receivedAt: Int64
        let messageIDs: [String]
        let rows: [[any SQLExpression]]
        let continuation: CheckedContinuation<Int, any Error>
    }

    private let maximumRows: Int
    /// How many groups may be written at once: one for SQLite (one writer at a time anyway); more for PostgreSQL,
    /// whose server then works on several groups on several cores.
    private let maximumLeaders: Int
    private var queue: [Append] = []
    private var leaders = 0

    init(maximumRows: Int = 2_000, maximumLeaders: Int = 1) {
        self.maximumRows = maximumRows
        self.maximumLeaders = maximumLeaders
    }

    typealias RunTransaction = @Sendable (@escaping @Sendable (any SQLDatabase) async throws -> [Int]) async throws -> [Int]

    /// Queues an append; a caller arriving while fewer than `maximumLeaders` lead becomes a leader and commits groups
    /// until the queue is empty.
    func submit(_ append: Append, runTransaction: @escaping RunTransaction) async {
        queue.append(append)
        guard leaders < maximumLeaders else { return }
        leaders += 1
        while !queue.isEmpty {
            var taken = 0, rows = 0
            while taken < queue.count, taken == 0 || rows + queue[taken].rows.count <= maximumRows {
                rows += queue[taken].rows.count
                taken += 1
            }
            let appends = Array(queue.prefix(taken))
            queue.removeFirst(taken)
            do {
                let counts = try await runTransaction { sql in try await Self.write(appends, sql) }
                for (append, count) in zip(appends, counts) { append.continuation.resume(returning: count) }
            } catch where appends.count > 1 {
                for append in appends {
                    do {
                        let counts = try await runTransaction { sql in try await Self.write([append], sql) }
                        append.continuation.resume(returning: counts[0])
                    } catch {
                        append.continuation.resume(throwing: error)
                    }
                }
            } catch {
                appends[0].continuation.resume(throwing: error)
            }
        }
        leaders -= 1
    }

    private struct Key: Hashable {
        let workspace: String
        let messageID: String
    }

    /// Inserts the appends' rows, skipping messageIds their workspace already has (the unique index decides, quietly),
    /// counts each source's new events, and returns how many of each append's events were new.
    private static func write(_ appends: [Append], _ sql: any SQLDatabase) async throws -> [Int] {
        var inserted = Set<Key>()
        // Rows go in ordered by workspace and messageId, so that concurrent groups sharing a messageId (a client's
        // retry) wait for each other in one order and never deadlock.
        let rows = appends.flatMap { append in zip(append.messageIDs, append.rows).map { (Key(workspace: append.workspace, messageID: $0.0), $0.1) } }
            .sorted { ($0.0.workspace, $0.0.messageID) < ($1.0.workspace, $1.0.messageID) }.map(\.1)
        for chunk in rows.chunked(into: 500) {
            let insert = sql.insert(into: "events").columns(Store.eventColumns)
            for row in chunk { insert.values(row) }
            for row in try await insert.ignoringConflicts(with: ["workspace_id", "message_id"]).returning("workspace_id", "message_id").all() {
                inserted.insert(Key(workspace: try row.decode(column: "workspace_id", as: String.self), messageID: try row.decode(column: "message_id", as: String.self)))
            }
        }
        // A messageId stored by this group belongs to the first append that sent it.
        var counts: [Int] = []
        var bySource: [Key: (count: Int, receivedAt: Int64)] = [:]
        for append in appends {
            var stored = 0
            for messageID in append.messageIDs where inserted.remove(Key(workspace: append.workspace, messageID: messageID)) != nil { stored += 1 }
            counts.append(stored)
            let source = Key(workspace: append.workspace, messageID: append.source)
            let seen = bySource[source]
            bySource[source] = ((seen?.count ?? 0) + stored, max(seen?.receivedAt ?? .min, append.receivedAt))
        }
        // In one order, so that two processes' groups never wait for each other's source rows crosswise.
        for (source, use) in bySource.sorted(by: { ($0.key.workspace, $0.key.messageID) < ($1.key.workspace, $1.key.messageID) }) {
            try await sql.update("sources")
                .set("last_seen_at", to: use.receivedAt)
                .set(SQLIdentifier("event_count"), to: SQLBinaryExpression(SQLColumn("event_count"), .add, SQLBind(Int64(use.count))))
                .where("workspace_id", .equal, source.workspace).where("id", .equal, source.messageID)
                .run()
        }
        // Other servers' live streams learn of the new events when this transaction commits (PostgreSQL's NOTIFY is
        // delivered at commit, and never for a rolled-back one).
        if sql.dialect.name == "postgresql" {
            var notified: Set<String> = []
            for (append, stored) in zip(appends, counts) where stored > 0 && notified.insert(append.workspace).inserted {
                _ = try await sql.raw("SELECT pg_notify(\(bind: EventSignal.channel), \(bind: append.workspace))").all()
            }
        }
        return counts
    }
}

extension CairnDatabase {
    /// Appends event rows (in ``Store/eventColumns`` order) through the group commit; returns how many were new, after
    /// the commit.
    func appendGrouped(workspace: String, source: String, receivedAt: Int64, messageIDs: [String], rows: [[any SQLExpression]]) async throws -> Int {
        let group = appendGroup
        lastForegroundWrite.withLock { $0 = ContinuousClock.now }
        let stored = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Int, any Error>) in
            let append = AppendGroup.Append(workspace: workspace, source: source, receivedAt: receivedAt, messageIDs: messageIDs, rows: rows,
                                            continuation: continuation)
            Task { await group.submit(append) { work in try await self.transaction(work) } }
        }
        if stored > 0 { eventSignal.signal(workspace) }
        return stored
    }
}
