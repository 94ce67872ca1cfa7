import CairnAnalytics
import CairnCore
import CairnEngine
import CairnStore
import Foundation
import Logging
import NIOCore
import NIOPosix
import NIOHTTP1
import SQLKit
import NIOFoundationEssentialsCompat

/// The service part of `cairn bench`: many open cases with their conversations loaded straight into the tables as the
/// engine leaves them, then the agent console's reads through the API (queues, a case with its messages) and a year's
/// service report, one request at a time.
extension Bench {
    struct ServiceResult {
        var cases: Int
        var messages: Int
        var loadSeconds: Double
        var queries: [(query: String, samples: Int, latency: LatencySummary)]
        /// The same reads' SQL timed straight against the database in the same run, without Cairn around it (no HTTP,
        /// no access checks, no JSON): what the database itself needs.
        var reference: [(query: String, samples: Int, latency: LatencySummary)]
        /// The server's resident memory after the reads, and its peak, in MiB.
        var memoryMiB: (current: Int, peak: Int)
    }

    /// The reads' own SQL (as the store sends it, with the workspace and the year bound), timed one after another.
    static func referenceQueries(workspace: String, from: Int64, until: Int64, now: Int64) -> [(label: String, sql: SQLQueryString)] {
        [
            ("queue counts: one pass over the open cases", """
                SELECT COUNT(*) AS n, SUM(CASE WHEN assignee_id = '' THEN 1 ELSE 0 END) AS mine, SUM(CASE WHEN team_id IN (NULL) THEN 1 ELSE 0 END) AS team,
                  SUM(CASE WHEN assignee_id IS NULL THEN 1 ELSE 0 END) AS unassigned,
                  SUM(CASE WHEN sla_next_due < \(bind: now + 3_600_000) THEN 1 ELSE 0 END) AS due
                FROM cases WHERE workspace_id = \(bind: workspace) AND is_open = 1
                """),
            ("a year's report by channel: the grouped pass", """
                SELECT channel AS k, COUNT(*) AS n, SUM(CASE WHEN first_response_s IS NOT NULL THEN 1 ELSE 0 END) AS responded,
                  AVG(CAST(first_response_s AS DOUBLE PRECISION)) AS frt, SUM(CASE WHEN status IN ('solved', 'closed') THEN 1 ELSE 0 END) AS solved,
                  AVG(CAST(resolution_s AS DOUBLE PRECISION)) AS rt, SUM(CASE WHEN sla_outcome = 'met' THEN 1 ELSE 0 END) AS met,
                  SUM(CASE WHEN sla_outcome = 'breached' THEN 1 ELSE 0 END) AS breached, SUM(CASE WHEN reopens > 0 THEN 1 ELSE 0 END) AS reopened,
                  SUM(CASE WHEN status IN ('solved', 'closed') AND reopens = 0 AND agent_replies <= 1 THEN 1 ELSE 0 END) AS fcr,
                  COUNT(csat_score) AS csat_n, SUM(CASE WHEN csat_score >= 4 THEN 1 ELSE 0 END) AS csat_ok, COUNT(ces_score) AS ces_n,
                  CAST(SUM(ces_score) AS BIGINT) AS ces_sum
                FROM cases WHERE workspace_id = \(bind: workspace) AND created_at >= \(bind: from) AND created_at < \(bind: until) AND merged_into IS NULL
                GROUP BY channel
                """),
            ("a year's report: channel × day", """
                SELECT channel AS c, created_at / 86400000 AS d, COUNT(*) AS n, SUM(CAST(first_response_s AS DOUBLE PRECISION)) AS frt,
                  SUM(CASE WHEN first_response_s IS NOT NULL THEN 1 ELSE 0 END) AS responded FROM cases
                WHERE workspace_id = \(bind: workspace) AND created_at >= \(bind: from) AND created_at < \(bind: until) AND merged_into IS NULL
                GROUP BY channel, created_at / 86400000
                """),
        ]
    }

    func measureService(_ target: BenchDatabase, logger: Logger) async throws -> ServiceResult {
        try await target.withFresh(logger: logger) { location in
            let seed = try await BenchSeed.create(in: location, logger: logger)
            let database = try CairnDatabase.open(location, logger: logger)
            let loadStart = ContinuousClock.now
            let workspace = seed.workspace.rawValue
            // A year up to now; a third of the cases solved, the rest open (the open ones are `cases`).
            let now = Date()
            let yearAgo = now.addingTimeInterval(-365 * 86_400)
            let solved = cases / 2
            let total = cases + solved
            var random = SplitMix64(seed: 11)
            var caseIDs: [String] = []
            caseIDs.reserveCapacity(total)
            let agents = (0..<20).map { _ in UserID.generate().rawValue }
            let teams = (0..<4).map { _ in TeamID.generate().rawValue }
            let channels = ["email", "email", "chat", "chat", "phone", "web", "store"], topics = ["delivery", "price", "quality", "staff", nil]
            do {
                try await database.transaction { sql in
                    for (index, team) in teams.enumerated() {
                        try await sql.insert(into: "teams").columns("workspace_id", "id", "name", "calendar", "created_at")
                            .values(SQLBind(workspace), SQLBind(team), SQLBind("Team \(index + 1)"),
                                    SQLBind(String(decoding: try JSONEncoder().encode(BusinessCalendar.alwaysOpen), as: UTF8.self)), SQLBind(now.storageMillis)).run()
                    }
                }
                var rows: [[any SQLExpression]] = [], changes: [[any SQLExpression]] = []
                func flushCases() async throws {
                    guard !rows.isEmpty else { return }
                    let caseRows = rows, changeRows = changes
                    try await database.transaction { sql in
                        try await sql.insert(into: "cases").columns("workspace_id", "id", "number", "contact", "channel", "subject", "status", "is_open", "priority", "team_id",
                                                                    "assignee_id", "tags", "created_at", "updated_at", "first_response_at", "solved_at", "sla_next_due",
                                                                    "topic", "first_response_s", "resolution_s", "reopens", "agent_replies", "sla_outcome")
                            .rows(caseRows).run()
                        try await sql.insert(into: "case_status_changes").columns("workspace_id", "case_id", "position", "status", "at", "actor").rows(changeRows).run()
                    }
                    rows.removeAll(keepingCapacity: true)
                    changes.removeAll(keepingCapacity: true)
                }
                for index in 0..<total {
                    let id = CaseID.generate().rawValue
                    caseIDs.append(id)
                    let open = index >= solved
                    let created = yearAgo.addingTimeInterval(Double(random.next() % 31_536_000))
                    let updated = created.addingTimeInterval(Double(random.next() % 86_400))
                    let responded = random.next() % 10 < 8
                    let firstResponse = responded ? Int64(random.next() % 14_400) : nil
                    let assignee: String? = random.next() % 10 < 7 ? agents[Int(random.next() % 20)] : nil
                    let status = open ? (random.next() % 4 == 0 ? "pending" : "open") : "solved"
                    let due = open ? now.addingTimeInterval(Double(Int(random.next() % 345_600)) - 172_800).storageMillis : nil
                    rows.append([SQLBind(workspace), SQLBind(id), SQLBind(Int64(index + 1)), SQLBind("customer\(index)@example.com"),
                                 SQLBind(channels[Int(random.next() % 7)]), SQLBind("Case \(index): the parcel arrived damaged"), SQLBind(status), SQLBind(open ? 1 : 0),
                                 SQLBind(["low", "normal", "normal", "high", "urgent"][Int(random.next() % 5)]), SQLBind(teams[Int(random.next() % 4)]), SQLBind(assignee),
                                 SQLBind("[]"), SQLBind(created.storageMillis), SQLBind(updated.storageMillis),
                                 SQLBind(firstResponse.map { created.storageMillis + $0 * 1000 }), SQLBind(open ? nil : updated.storageMillis), SQLBind(due),
                                 SQLBind(topics[Int(random.next() % 5)]), SQLBind(firstResponse), SQLBind(open ? nil : Int64(updated.timeIntervalSince(created))),
                                 SQLBind(Int64(random.next() % 20 == 0 ? 1 : 0)), SQLBind(Int64(random.next() % 4)),
                                 SQLBind(open ? nil : (random.next() % 10 < 8 ? "met" : "breached"))])
                    changes.append([SQLBind(workspace), SQLBind(id), SQLBind(Int64(0)), SQLBind(status), SQLBind(created.storageMillis), SQLBind("bench")])
                    if rows.count == 1_000 { try await flushCases() }
                }
                try await flushCases()
                try await database.transaction { sql in
                    try await sql.raw("INSERT INTO case_counters (workspace_id, last) VALUES (\(bind: workspace), \(bind: Int64(total)))").run()
                }
                // Messages: `caseMessages` spread over the cases, a conversation of customer and agent turns.
                var messageRows: [[any SQLExpression]] = []
                for index in 0..<caseMessages {
                    let caseID = caseIDs[Int(random.next() % UInt64(total))]
                    let author = index % 2 == 0 ? "customer" : "agent"
                    let at = yearAgo.addingTimeInterval(Double(random.next() % 31_536_000))
                    messageRows.append([SQLBind(workspace), SQLBind(CaseMessageID.generate().rawValue), SQLBind(caseID), SQLBind(author),
                                        SQLBind(author == "agent" ? "user:\(agents[index % 20])" : "customer"), SQLBind(Self.sampleComments[index % Self.sampleComments.count]),
                                        SQLBind("[]"), SQLBind("email"), SQLBind(at.storageMillis)])
                    if messageRows.count == 2_000 {
                        let batch = messageRows
                        try await database.transaction { sql in
                            try await sql.insert(into: "case_messages").columns("workspace_id", "id", "case_id", "author", "actor", "body", "attachments", "channel", "at")
                                .rows(batch).run()
                        }
                        messageRows.removeAll(keepingCapacity: true)
                    }
                }
                if !messageRows.isEmpty {
                    let batch = messageRows
                    try await database.transaction { sql in
                        try await sql.insert(into: "case_messages").columns("workspace_id", "id", "case_id", "author", "actor", "body", "attachments", "channel", "at")
                            .rows(batch).run()
                    }
                }
                if database.engine == .postgres { try await database.withConnection { sql in try await sql.raw("ANALYZE").run() } }
            } catch {
                try? await database.shutdown()
                throw error
            }
            let loadSeconds = seconds(ContinuousClock.now - loadStart)
            try await database.shutdown()

            // The reference: the reads' SQL straight against the database, on a connection of its own, before the server runs.
            var reference: [(String, Int, LatencySummary)] = []
            let direct = try CairnDatabase.open(location, logger: logger)
            do {
                let from = Date(utcDay: yearAgo.utcDay).storageMillis, until = Date(utcDay: now.utcDay + 1).storageMillis
                for query in Self.referenceQueries(workspace: workspace, from: from, until: until, now: now.storageMillis) {
                    var samples: [Double] = []
                    for round in 0...(query.label.hasPrefix("queue") ? 200 : 20) {
                        let started = ContinuousClock.now
                        _ = try await direct.withConnection { sql in try await sql.raw(query.sql).all() }
                        if round > 0 { samples.append(seconds(ContinuousClock.now - started)) }
                    }
                    reference.append((query.label, samples.count, LatencySummary(samples)))
                }
                try await direct.shutdown()
            } catch {
                try? await direct.shutdown()
                throw error
            }

            let server = try await BenchServer.start(database: location, logger: logger)
            do {
                let connection = try await LoadConnection.connect(host: "127.0.0.1", port: server.port, group: MultiThreadedEventLoopGroup.singleton)
                let headers = [("Authorization", "Bearer \(seed.secretKey)")]
                let from = Date(utcDay: yearAgo.utcDay).formatted(.iso8601.year().month().day()), until = now.formatted(.iso8601.year().month().day())
                var queries: [(String, Int, LatencySummary)] = []
                func time(_ label: String, rounds: Int, _ path: @escaping (Int) -> String) async throws {
                    var samples: [Double] = []
                    for round in 0...rounds {
                        let target = path(round)
                        let sent = ContinuousClock.now
                        let (status, _) = try await connection.send(.GET, target, headers: headers, body: nil)
                        guard status == 200 else { throw BenchFailure("GET \(target) answered \(status)") }
                        if round > 0 { samples.append(seconds(ContinuousClock.now - sent)) }
                    }
                    queries.append((label, samples.count, LatencySummary(samples)))
                }
                try await time("/api/v1/cases?queue=open&limit=50", rounds: 200) { _ in "/api/v1/cases?queue=open&limit=50" }
                try await time("/api/v1/cases?queue=unassigned&limit=50", rounds: 200) { _ in "/api/v1/cases?queue=unassigned&limit=50" }
                try await time("/api/v1/cases?queue=breaching&limit=50", rounds: 200) { _ in "/api/v1/cases?queue=breaching&limit=50" }
                try await time("/api/v1/case-queues", rounds: 200) { _ in "/api/v1/case-queues" }
                let picks = (0..<201).map { _ in caseIDs[Int(random.next() % UInt64(caseIDs.count))] }
                try await time("/api/v1/cases/{id} (a case with its messages)", rounds: 200) { "/api/v1/cases/\(picks[$0])" }
                try await time("/api/v1/reports/service?by=channel (a year)", rounds: 20) { _ in "/api/v1/reports/service?by=channel&from=\(from)&until=\(until)" }
                try await time("/api/v1/reports/service?by=agent (a year)", rounds: 20) { _ in "/api/v1/reports/service?by=agent&from=\(from)&until=\(until)" }
                await connection.close()
                let memory = server.residentMiB()
                try await server.stop()
                return ServiceResult(cases: cases, messages: caseMessages, loadSeconds: loadSeconds, queries: queries, reference: reference, memoryMiB: memory)
            } catch {
                try? await server.stop()
                throw error
            }
        }
    }
}
