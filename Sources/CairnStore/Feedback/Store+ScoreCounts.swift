public import CairnCore
import Foundation
import SQLKit

/// The daily count of each scale answer (`survey_scores_daily`), kept in the same transaction as the responses.
struct ScoreCounts {
    struct Key: Hashable, Comparable {
        var workspace: String
        var survey: String
        var question: String
        var day: Int64
        var channel: String
        var value: Int64

        static func < (a: Key, b: Key) -> Bool {
            (a.workspace, a.survey, a.question, a.day, a.channel, a.value) < (b.workspace, b.survey, b.question, b.day, b.channel, b.value)
        }
    }

    private var counters = Counters<Key>(.init(name: "survey_scores_daily", keyColumns: ["workspace_id", "survey_id", "question", "day", "channel", "value"],
                                               amountColumns: ["answers"])) { key in
        [SQLBind(key.workspace), SQLBind(key.survey), SQLBind(key.question), SQLBind(key.day), SQLBind(key.channel), SQLBind(key.value)]
    }

    /// Adds (`sign` 1) or takes away (`sign` -1) a response's scale answers, counted on the day it started.
    mutating func add(_ answers: [String: SurveyAnswer], of response: SurveyResponse, sign: Int64) {
        for (question, answer) in answers {
            guard case .number(let value) = answer else { continue }
            let key = Key(workspace: response.workspaceID.rawValue, survey: response.surveyID.rawValue, question: question, day: response.startedAt.utcDay,
                          channel: response.channel.rawValue, value: Int64(value))
            counters.add([sign], to: key)
        }
    }

    func write(to sql: any SQLDatabase) async throws {
        try await counters.write(to: sql)
    }

    /// Counts every stored response again (a job a migration scheduled, or a repair): the table is rebuilt whole.
    static func rebuild(_ sql: any SQLDatabase) async throws {
        try await sql.delete(from: "survey_scores_daily").run()
        var counts = ScoreCounts()
        for row in try await sql.select().columns(Store.responseColumns).from("survey_responses").all() {
            let response = try SurveyResponse(row: row)
            counts.add(response.answers, of: response, sign: 1)
        }
        try await counts.write(to: sql)
    }
}

/// How many answers of each value a question got in one period and channel.
public struct ScoreCountCell: Sendable, Hashable {
    public var bucket: Int64
    public var channel: String
    public var value: Int
    public var answers: Int64
}

extension Store {
    /// Answer counts of one question per period (``UnitsSoldPeriod`` numbering) and, when `byChannel`, channel, over
    /// the UTC days [fromDay, untilDay): one aggregate statement over the daily counts.
    public func scoreCounts(of survey: SurveyID, question: String, in workspace: WorkspaceID, period: UnitsSoldPeriod, byChannel: Bool,
                            fromDay: Int64, untilDay: Int64) async throws -> [ScoreCountCell] {
        // The counts keep no month: months are summed from their days below.
        let bucket = period == .month ? "d.day" : Self.bucketExpression(period)
        let channel = byChannel ? "d.channel" : "CAST('' AS TEXT)"
        let query: SQLQueryString = """
            SELECT \(unsafeRaw: bucket) AS b, \(unsafeRaw: channel) AS c, d.value AS v, CAST(SUM(d.answers) AS BIGINT) AS n
            FROM survey_scores_daily d
            WHERE d.workspace_id = \(bind: workspace.rawValue) AND d.survey_id = \(bind: survey.rawValue) AND d.question = \(bind: question)
              AND d.day >= \(bind: fromDay) AND d.day < \(bind: untilDay)
            GROUP BY \(unsafeRaw: bucket), \(unsafeRaw: channel), d.value
            HAVING SUM(d.answers) <> 0
            """
        let cells = try await database.withConnection { sql in
            try await sql.raw(query).all().map { row in
                ScoreCountCell(bucket: try row.decode(column: "b", as: Int64.self), channel: try row.decode(column: "c", as: String.self),
                               value: Int(try row.decode(column: "v", as: Int64.self)), answers: try row.decode(column: "n", as: Int64.self))
            }
        }
        // Months are calendar months: the days are summed into them here (a few hundred rows at most per month).
        guard period == .month else { return cells }
        var months: [ScoreCountCell: Int64] = [:]
        for cell in cells {
            var key = cell
            key.bucket = UnitsSoldPeriod.month.bucket(ofDay: cell.bucket)
            key.answers = 0
            months[key, default: 0] += cell.answers
        }
        return months.map { var cell = $0.key; cell.answers = $0.value; return cell }
    }
}

extension Store {
    /// How many answers each value of each scale question of a survey got over the UTC days [fromDay, untilDay).
    public func scoreTotals(of survey: SurveyID, in workspace: WorkspaceID, fromDay: Int64 = -1_000_000, untilDay: Int64 = 1_000_000) async throws -> [String: [Int: Int64]] {
        try await database.withConnection { sql in
            var totals: [String: [Int: Int64]] = [:]
            for row in try await sql.raw("""
                SELECT question AS q, value AS v, CAST(SUM(answers) AS BIGINT) AS n FROM survey_scores_daily
                WHERE workspace_id = \(bind: workspace.rawValue) AND survey_id = \(bind: survey.rawValue) AND day >= \(bind: fromDay) AND day < \(bind: untilDay)
                GROUP BY question, value
                """).all() {
                totals[try row.decode(column: "q", as: String.self), default: [:]][Int(try row.decode(column: "v", as: Int64.self))] = try row.decode(column: "n", as: Int64.self)
            }
            return totals
        }
    }

    /// How many responses a survey has, and how many of them are complete.
    public func responseCounts(of survey: SurveyID, in workspace: WorkspaceID) async throws -> (total: Int, complete: Int) {
        try await database.withConnection { sql in
            // Grouped by completeness, both counts come from the (workspace, survey, complete) index alone.
            var total: Int64 = 0, complete: Int64 = 0
            for row in try await sql.raw("""
                SELECT complete AS c, CAST(COUNT(*) AS BIGINT) AS n FROM survey_responses
                WHERE workspace_id = \(bind: workspace.rawValue) AND survey_id = \(bind: survey.rawValue) GROUP BY complete
                """).all() {
                let count = try row.decode(column: "n", as: Int64.self)
                total += count
                if try row.decode(column: "c", as: Int64.self) != 0 { complete += count }
            }
            return (Int(total), Int(complete))
        }
    }
}

extension Store {
    /// Stores many new responses at once (an import, or a benchmark's load), with the insights they carry: multi-row
    /// inserts, and the daily counts once for all, in one transaction.
    public func insert(responses: [SurveyResponse]) async throws {
        guard !responses.isEmpty else { return }
        try await transaction { tx in
            var counts = ScoreCounts()
            var topicCounts = TopicCounts()
            for part in responses.chunked(into: 300) {
                let insert = tx.sql.insert(into: "survey_responses").columns(Self.responseWriteColumns)
                for response in part {
                    insert.values(Self.responseValues(response, tokenHash: "import-" + response.id.rawValue))
                    counts.add(response.answers, of: response, sign: 1)
                    topicCounts.add(response, sign: 1)
                }
                try await insert.run()
            }
            try await counts.write(to: tx.sql)
            try await topicCounts.write(to: tx.sql)
        }
    }
}

/// A new response to store with others that arrived at the same moment (``Store/insertNew(_:)``).
public struct NewResponse: Sendable {
    public var response: SurveyResponse
    public var tokenHash: String
    public var alerts: [(alert: FeedbackAlert, event: String, payload: String)]
    /// Its text is read later, off the answer's path (``Store/waitingResponses(limit:)``).
    public var unread: Bool
    /// The case the answers are about, with their CSAT/CES scores (kept on the case in the same transaction).
    public var caseScore: CaseScore?

    public init(response: SurveyResponse, tokenHash: String, alerts: [(alert: FeedbackAlert, event: String, payload: String)], unread: Bool, caseScore: CaseScore? = nil) {
        self.response = response
        self.caseScore = caseScore
        self.tokenHash = tokenHash
        self.alerts = alerts
        self.unread = unread
    }
}

extension Store {
    /// Stores new responses that arrived together — each with its counts and alerts, as ``save(_:tokenHash:raising:recording:unread:)``
    /// keeps one — in one transaction and a few multi-row statements. A response whose id is already stored (the
    /// same retry arriving twice at once) is left as it is, with its counts and alerts. Returns the ids stored now.
    public func insertNew(_ items: [NewResponse]) async throws -> Set<SurveyResponseID> {
        guard !items.isEmpty else { return [] }
        return try await transaction { tx in
            var inserted: Set<String> = []
            for part in items.chunked(into: 200) {
                let insert = tx.sql.insert(into: "survey_responses").columns(Self.responseWriteColumns + ["waiting_since"])
                for item in part {
                    insert.values(Self.responseValues(item.response, tokenHash: item.tokenHash) + [SQLBind(item.unread ? item.response.updatedAt.storageMillis : nil)])
                }
                for row in try await insert.ignoringConflicts(with: ["id"]).returning("id").all() {
                    inserted.insert(try row.decode(column: "id", as: String.self))
                }
            }
            var counts = ScoreCounts()
            var topics = TopicCounts()
            var stored: Set<SurveyResponseID> = []
            for item in items where inserted.contains(item.response.id.rawValue) && !stored.contains(item.response.id) {
                stored.insert(item.response.id)
                counts.add(item.response.answers, of: item.response, sign: 1)
                topics.add(item.response, sign: 1)
                if item.response.complete, let invitation = item.response.invitationID {
                    try await tx.sql.update("survey_invitations").set("answered_at", to: item.response.completedAt?.storageMillis)
                        .where("workspace_id", .equal, item.response.workspaceID.rawValue).where("id", .equal, invitation.rawValue).run()
                }
                for raised in item.alerts { try await tx.raise(raised.alert, event: raised.event, payload: raised.payload) }
                if let score = item.caseScore, let profile = item.response.profileID { try await tx.sql.record(score, by: profile, in: item.response.workspaceID) }
            }
            // Complete answers may move their customers between segments.
            let answered = items.filter { stored.contains($0.response.id) && $0.response.complete && $0.response.profileID != nil }
            for (workspace, group) in Dictionary(grouping: answered, by: { $0.response.workspaceID }) {
                try await tx.markSegmentsStale(group.compactMap(\.response.profileID), in: workspace, at: group.map(\.response.updatedAt).max() ?? Date())
            }
            try await counts.write(to: tx.sql)
            try await topics.write(to: tx.sql)
            return stored
        }
    }
}
