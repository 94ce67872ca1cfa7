public import CairnCore
public import Foundation
import SQLKit

extension SurveyResponse {
    /// The columns a stored response is found by: insights as JSON, and its text language, sentiment (in thousandths),
    /// label and topics (space-separated, with a space either side, so one is found with LIKE '% topic %').
    var insightColumns: (json: String, language: String?, sentimentMilli: Int64?, label: String?, topics: String) {
        let json = (try? String(decoding: JSONEncoder.sorted.encode(insights), as: UTF8.self)) ?? "{}"
        let topics = self.topics
        return (json, textLanguage, sentiment.map { Int64(($0 * 1_000).rounded()) }, sentimentLabel, topics.isEmpty ? "" : " " + topics.joined(separator: " ") + " ")
    }
}

extension SQLUpdateBuilder {
    /// Sets the columns a response's insights are kept in (``SurveyResponse/insightColumns``).
    @discardableResult
    func setInsights(of response: SurveyResponse) -> Self {
        let columns = response.insightColumns
        return set("insights", to: columns.json).set("text_language", to: columns.language).set("sentiment_milli", to: columns.sentimentMilli)
            .set("sentiment_label", to: columns.label).set("topics", to: columns.topics)
    }
}

/// How many responses mentioned each topic per survey, UTC day and the sentiment of what they said of the topic
/// (`survey_topics_daily`; the response's own label for answers read before version 28), kept in
/// the same transaction as the responses.
struct TopicCounts {
    struct Key: Hashable, Comparable {
        var workspace: String
        var survey: String
        var topic: String
        var day: Int64
        var label: String

        static func < (a: Key, b: Key) -> Bool { (a.workspace, a.survey, a.topic, a.day, a.label) < (b.workspace, b.survey, b.topic, b.day, b.label) }
    }

    private var counters = Counters<Key>(.init(name: "survey_topics_daily", keyColumns: ["workspace_id", "survey_id", "topic", "day", "label"],
                                               amountColumns: ["responses"])) { key in
        [SQLBind(key.workspace), SQLBind(key.survey), SQLBind(key.topic), SQLBind(key.day), SQLBind(key.label)]
    }

    mutating func add(_ response: SurveyResponse, sign: Int64) {
        for topic in response.topics {
            let key = Key(workspace: response.workspaceID.rawValue, survey: response.surveyID.rawValue, topic: topic, day: response.startedAt.utcDay,
                          label: response.sentimentLabel(of: topic) ?? "none")
            counters.add([sign], to: key)
        }
    }

    func write(to sql: any SQLDatabase) async throws {
        try await counters.write(to: sql)
    }

    /// Counts every stored response's topics again from the insights kept with it (a repair): the table is rebuilt whole.
    static func rebuild(_ sql: any SQLDatabase) async throws {
        try await sql.delete(from: "survey_topics_daily").run()
        var counts = TopicCounts()
        for row in try await sql.select().columns(Store.responseColumns).from("survey_responses").all() {
            counts.add(try SurveyResponse(row: row), sign: 1)
        }
        try await counts.write(to: sql)
    }
}

/// How many responses mentioned a topic in one period, by sentiment label.
public struct TopicCountCell: Sendable, Hashable {
    public var topic: String
    public var bucket: Int64
    public var label: String
    public var responses: Int64
}

extension Store {
    /// Responses mentioning each topic per period (``UnitsSoldPeriod`` numbering) and sentiment label over the UTC days
    /// [fromDay, untilDay), for one survey or all of the workspace's.
    public func topicCounts(of survey: SurveyID?, in workspace: WorkspaceID, period: UnitsSoldPeriod, fromDay: Int64, untilDay: Int64) async throws -> [TopicCountCell] {
        let bucket = period == .month ? "d.day" : Self.bucketExpression(period)
        let surveyClause: SQLQueryString = survey.map { "AND d.survey_id = \(bind: $0.rawValue)" } ?? ""
        let query: SQLQueryString = """
            SELECT d.topic AS t, \(unsafeRaw: bucket) AS b, d.label AS l, CAST(SUM(d.responses) AS BIGINT) AS n
            FROM survey_topics_daily d
            WHERE d.workspace_id = \(bind: workspace.rawValue) \(surveyClause) AND d.day >= \(bind: fromDay) AND d.day < \(bind: untilDay)
            GROUP BY d.topic, \(unsafeRaw: bucket), d.label
            HAVING SUM(d.responses) <> 0
            """
        let cells = try await database.withConnection { sql in
            try await sql.raw(query).all().map { row in
                TopicCountCell(topic: try row.decode(column: "t", as: String.self), bucket: try row.decode(column: "b", as: Int64.self),
                               label: try row.decode(column: "l", as: String.self), responses: try row.decode(column: "n", as: Int64.self))
            }
        }
        guard period == .month else { return cells }
        var months: [TopicCountCell: Int64] = [:]
        for cell in cells {
            var key = cell
            key.bucket = UnitsSoldPeriod.month.bucket(ofDay: cell.bucket)
            key.responses = 0
            months[key, default: 0] += cell.responses
        }
        return months.map { var cell = $0.key; cell.responses = $0.value; return cell }
    }

    /// The workspace's latest responses (of one survey or all), newest first, narrowed by completeness, sentiment label
    /// and topic in the query itself.
    public func latestResponses(in workspace: WorkspaceID, survey: SurveyID?, completeOnly: Bool, sentiment: String?, topic: String?, limit: Int) async throws -> [SurveyResponse] {
        try await database.withConnection { sql in
            let query = sql.select().columns(Self.responseColumns).from("survey_responses").where("workspace_id", .equal, workspace.rawValue)
            if let survey { query.where("survey_id", .equal, survey.rawValue) }
            if completeOnly { query.where("complete", .equal, Int64(1)) }
            if let sentiment { query.where("sentiment_label", .equal, sentiment) }
            if let topic { query.where("topics", .like, "% \(topic) %") }
            return try await query.orderBy("started_at", .descending).orderBy("id", .descending).limit(limit).all().map(SurveyResponse.init(row:))
        }
    }
}

extension Store {
    /// The workspace's own topics, by id.
    public func customTopics(in workspace: WorkspaceID) async throws -> [CustomTopic] {
        try await database.withConnection { sql in
            try await sql.select().columns("id", "name", "keywords").from("feedback_topics").where("workspace_id", .equal, workspace.rawValue).orderBy("id").all()
                .map { row in
                    CustomTopic(id: try row.decode(column: "id", as: String.self), name: try row.decode(column: "name", as: String.self),
                                keywords: (try? JSONDecoder().decode([String: [String]].self, from: Data(try row.decode(column: "keywords", as: String.self).utf8))) ?? [:])
                }
        }
    }

    /// Replaces the workspace's own topics and asks for the answers stored before to be read again with them
    /// (``reanalyseNextPage(limit:)``); responses stored from now on are read with them at once.
    public func replaceCustomTopics(_ topics: [CustomTopic], in workspace: WorkspaceID, at now: Date) async throws {
        try await transaction { tx in
            try await tx.requestReanalysis(in: workspace, reason: "topics", at: now)
            try await tx.sql.delete(from: "feedback_topics").where("workspace_id", .equal, workspace.rawValue).run()
            guard !topics.isEmpty else { return }
            let insert = tx.sql.insert(into: "feedback_topics").columns("workspace_id", "id", "name", "keywords", "created_at")
            for topic in topics {
                let keywords = String(decoding: try JSONEncoder.sorted.encode(topic.keywords), as: UTF8.self)
                insert.values(SQLBind(workspace.rawValue), SQLBind(topic.id), SQLBind(topic.name), SQLBind(keywords), SQLBind(now.storageMillis))
            }
            try await insert.run()
        }
    }
}

extension TransactionStore {
    /// Asks for the stored answers of every workspace that has some (`language`: only those with text in it) to be
    /// read again because the analysis learnt something.
    func requestReanalysisOfStoredAnswers(language: String?, at now: Date) async throws {
        let filter: SQLQueryString = language.map { "WHERE text_language = \(bind: $0)" } ?? ""
        for row in try await sql.raw("SELECT DISTINCT workspace_id AS w FROM survey_responses \(filter)").all() {
            try await requestReanalysis(in: WorkspaceID(rawValue: try row.decode(column: "w", as: String.self)), reason: "analysis", at: now)
        }
    }

    /// Asks for every stored response of the workspace to be read again, from the first; a request already under way
    /// starts over.
    func requestReanalysis(in workspace: WorkspaceID, reason: String, at now: Date) async throws {
        try await sql.insert(into: "response_reanalysis").columns("workspace_id", "after_id", "reason", "requested_at", "reread")
            .values(SQLBind(workspace.rawValue), SQLBind(""), SQLBind(reason), SQLBind(now.storageMillis), SQLBind(Int64(0)))
            .onConflict(with: ["workspace_id"]) { update in
                update.set(excludedValueOf: "after_id").set(excludedValueOf: "reason").set(excludedValueOf: "requested_at").set(excludedValueOf: "reread")
            }
            .run()
    }
}

extension Store {
    /// Where reading the workspace's stored answers again stands; nil when nothing is waiting.
    public func reanalysis(in workspace: WorkspaceID) async throws -> ReanalysisProgress? {
        try await database.withConnection { sql in
            try await sql.select().columns("reason", "requested_at", "reread").from("response_reanalysis")
                .where("workspace_id", .equal, workspace.rawValue).first()
                .map { row in
                    ReanalysisProgress(reason: try row.decode(column: "reason", as: String.self),
                                       requestedAt: Date(storageMillis: try row.decode(column: "requested_at", as: Int64.self)),
                                       reread: try row.decode(column: "reread", as: Int64.self))
                }
        }
    }

    /// The longest-waiting request to read a workspace's stored answers again; nil when nothing is waiting.
    public func nextReanalysisRequest() async throws -> ReanalysisRequest? {
        try await database.withConnection { sql in
            try await sql.select().columns("workspace_id", "after_id", "requested_at").from("response_reanalysis").orderBy("requested_at").limit(1).first()
                .map { row in
                    ReanalysisRequest(workspace: WorkspaceID(rawValue: try row.decode(column: "workspace_id", as: String.self)),
                                      afterID: try row.decode(column: "after_id", as: String.self),
                                      requestedAt: try row.decode(column: "requested_at", as: Int64.self))
                }
        }
    }

    /// Reads the next `limit` stored responses (by id) of a request again with `read` (the engine's text analysis); a
    /// response whose insights change is rewritten and the topic counts follow, in one transaction with the request's
    /// progress. The rows are locked while they are read, so an answer changed at the same moment is counted once.
    /// Returns how many responses were looked at.
    public func reread(_ request: ReanalysisRequest, limit: Int, with read: @Sendable (SurveyResponse) -> [String: TextInsight]) async throws -> Int {
        let workspace = request.workspace, requestedAt = request.requestedAt
        return try await transaction(priority: .background) { tx in
            let rows = try await tx.sql.select().columns(Self.responseColumns).from("survey_responses")
                .where("workspace_id", .equal, workspace.rawValue).where("id", .greaterThan, request.afterID)
                .orderBy("id").limit(limit).for(.update).all()
            var counts = TopicCounts()
            var lastID = request.afterID
            for row in rows {
                let before = try SurveyResponse(row: row)
                lastID = before.id.rawValue
                var response = before
                response.insights = read(response)
                guard response.insights != before.insights else { continue }
                counts.add(before, sign: -1)
                counts.add(response, sign: 1)
                try await tx.sql.update("survey_responses").setInsights(of: response)
                    .where("workspace_id", .equal, workspace.rawValue).where("id", .equal, response.id.rawValue).run()
            }
            try await counts.write(to: tx.sql)
            // A request made again meanwhile (its time changed) starts over and is left alone here.
            if rows.count < limit {
                try await tx.sql.delete(from: "response_reanalysis").where("workspace_id", .equal, workspace.rawValue)
                    .where("requested_at", .equal, requestedAt).run()
            } else {
                try await tx.sql.update("response_reanalysis").set("after_id", to: lastID)
                    .set("reread", to: SQLBinaryExpression(SQLColumn("reread"), .add, SQLBind(Int64(rows.count))))
                    .where("workspace_id", .equal, workspace.rawValue).where("requested_at", .equal, requestedAt).run()
            }
            return rows.count
        }
    }

}

extension Store {
    /// The responses whose text waits to be read (stored by the widget's API, which leaves reading to the
    /// background), the longest-waiting first. Read without a lock, so the text analysis runs outside any transaction.
    public func waitingResponses(limit: Int) async throws -> [SurveyResponse] {
        try await database.withConnection { sql in
            try await sql.select().columns(Self.responseColumns).from("survey_responses").where("waiting_since", .isNot, SQLLiteral.null)
                .orderBy("waiting_since").orderBy("id").limit(limit).all().map(SurveyResponse.init(row:))
        }
    }

    /// Stores what the text of waiting responses says, and the topic counts follow, in one transaction. A response
    /// changed since it was read (another answer, an erasure) is left waiting, to be read again as it now stands.
    /// Returns how many were stored.
    @discardableResult
    public func storeInsights(of read: [SurveyResponse]) async throws -> Int {
        guard !read.isEmpty else { return 0 }
        return try await transaction(priority: .background) { tx in
            var counts = TopicCounts()
            var stored = 0
            for response in read {
                guard let row = try await tx.sql.select().columns(Self.responseColumns).from("survey_responses")
                    .where("workspace_id", .equal, response.workspaceID.rawValue).where("id", .equal, response.id.rawValue)
                    .where("waiting_since", .isNot, SQLLiteral.null).for(.update).first() else { continue }
                let before = try SurveyResponse(row: row)
                guard before.updatedAt == response.updatedAt, before.answers == response.answers else { continue }
                counts.add(before, sign: -1)
                counts.add(response, sign: 1)
                try await tx.sql.update("survey_responses").setInsights(of: response).set("waiting_since", to: SQLLiteral.null)
                    .where("workspace_id", .equal, response.workspaceID.rawValue).where("id", .equal, response.id.rawValue).run()
                stored += 1
            }
            try await counts.write(to: tx.sql)
            return stored
        }
    }
}

/// A request to read a workspace's stored answers again, and how far it has come.
public struct ReanalysisRequest: Sendable, Hashable {
    public var workspace: WorkspaceID
    var afterID: String
    var requestedAt: Int64
}
