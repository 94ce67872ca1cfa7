import CairnCore
import CairnEngine
@testable import CairnStore
import CairnTestSupport
import Foundation
import Logging
import SQLKit
import Testing

@Suite("What free-text answers say, kept with the responses")
struct ResponseInsightsTests {
    func response(_ id: SurveyResponseID, survey: SurveyID, workspace: WorkspaceID, text: String, language: String = "en", day: Int64 = 20_000) -> SurveyResponse {
        let at = Date(utcDay: day).addingTimeInterval(3_600)
        return SurveyResponse(id: id, workspaceID: workspace, surveyID: survey, profileID: nil, invitationID: nil, language: language,
                              answers: ["nps": .number(3), "why": .text(text)], complete: true, startedAt: at, updatedAt: at, completedAt: at)
    }

    @Test("Saving a response reads its text; topic counts and filters follow a changed answer", arguments: TestDatabase.engines)
    func savedAndChanged(engine: DatabaseEngine) async throws {
        try await TestDatabase.withStore(engine) { (store: Store) async throws in
            let seeded = try await SeededWorkspace.create(named: "Shop", in: store)
            let w = seeded.workspace.id
            let survey = try await seeded.survey(in: store)
            let first = SurveyResponseID.generate(), second = SurveyResponseID.generate(), third = SurveyResponseID.generate()
            let stored = try await ResponseReading(store: store).save(response(first, survey: survey, workspace: w, text: "The courier was late and the parcel arrived damaged."), tokenHash: "t1")
            #expect(stored.insights["why"]?.language == "en")
            #expect((stored.insights["why"]?.sentiment ?? 0) < 0)
            #expect(stored.topics == ["delivery", "quality"])
            try await ResponseReading(store: store).save(response(second, survey: survey, workspace: w, text: "Die Lieferung war schnell und sehr gut, danke!", language: "en"), tokenHash: "t2")
            try await ResponseReading(store: store).save(response(third, survey: survey, workspace: w, text: "快递很快，包裹完好。", language: "zh"), tokenHash: "t3")

            let read = try #require(try await store.latestResponses(in: w, survey: survey, completeOnly: false, sentiment: nil, topic: nil, limit: 10).first { $0.id == first })
            #expect(read.insights == stored.insights, "insights come back as stored")
            let positive = try await store.latestResponses(in: w, survey: nil, completeOnly: false, sentiment: "positive", topic: nil, limit: 10)
            #expect(Set(positive.map(\.id)) == [second, third], "German and Chinese praise")
            let german = try #require(positive.first { $0.id == second })
            #expect(german.textLanguage == "de", "the text's language is detected, whatever language the survey was shown in")
            #expect(try await store.latestResponses(in: w, survey: nil, completeOnly: false, sentiment: nil, topic: "delivery", limit: 10).count == 3)
            #expect(try await store.latestResponses(in: w, survey: nil, completeOnly: false, sentiment: "negative", topic: "delivery", limit: 10).map(\.id) == [first])

            func counts() async throws -> [String: [String: Int64]] {
                var result: [String: [String: Int64]] = [:]
                for cell in try await store.topicCounts(of: survey, in: w, period: .week, fromDay: 19_990, untilDay: 20_010) {
                    result[cell.topic, default: [:]][cell.label, default: 0] += cell.responses
                }
                return result
            }
            #expect(try await counts() == ["delivery": ["negative": 1, "positive": 2], "quality": ["negative": 1]])
            // The first customer changes their comment: it leaves delivery and quality and joins price.
            try await ResponseReading(store: store).save(response(first, survey: survey, workspace: w, text: "Far too expensive, a disappointing price."), tokenHash: "t1")
            #expect(try await counts() == ["delivery": ["positive": 2], "price": ["negative": 1]])
            // Another workspace sees none of it.
            let other = try await SeededWorkspace.create(named: "Other", in: store)
            #expect(try await store.latestResponses(in: other.workspace.id, survey: nil, completeOnly: false, sentiment: nil, topic: nil, limit: 10).isEmpty)
            #expect(try await store.topicCounts(of: nil, in: other.workspace.id, period: .week, fromDay: 0, untilDay: 30_000).isEmpty)
        }
    }

    @Test("Responses stored before insights existed are read by the job version 21 schedules", arguments: TestDatabase.engines)
    func backfill(engine: DatabaseEngine) async throws {
        try await TestDatabase.withStore(engine, migrateTo: 20) { (store: Store) async throws in
            let workspace = WorkspaceID.generate(), survey = SurveyID.generate(), id = SurveyResponseID.generate()
            try await store.database.withConnection { sql in
                try await sql.raw("INSERT INTO workspaces (id, name, created_at) VALUES (\(bind: workspace.rawValue), \(bind: "Shop"), \(bind: Int64(1)))").run()
                try await sql.raw("""
                    INSERT INTO survey_responses (id, workspace_id, survey_id, token_hash, language, answers, complete, started_at, updated_at, channel)
                    VALUES (\(bind: id.rawValue), \(bind: workspace.rawValue), \(bind: survey.rawValue), \(bind: "h"), \(bind: "de"),
                            \(bind: #"{"nps":2,"why":"Der Kundenservice war unfreundlich und die Rückerstattung dauert ewig."}"#), \(bind: Int64(1)),
                            \(bind: Int64(20_000) * 86_400_000), \(bind: Int64(20_000) * 86_400_000), \(bind: "web"))
                    """).run()
            }
            try await Migrator(database: store.database).migrate()
            #expect(try await store.scheduledJobs().contains(.rereadAnswers), "the migration schedules the reading; it does not read")
            try await ScheduledJobs(store: store, logger: Logger(label: "test")).runPending()
            #expect(try await store.scheduledJobs().isEmpty)
            while try await ResponseReading(store: store).rereadNextPage(limit: 200) > 0 {}
            let stored = try #require(try await store.latestResponses(in: workspace, survey: survey, completeOnly: false, sentiment: nil, topic: nil, limit: 5).first)
            #expect(stored.textLanguage == "de")
            #expect(stored.sentimentLabel == "negative")
            #expect(stored.topics == ["returns", "staff"])
            let cells = try await store.topicCounts(of: nil, in: workspace, period: .day, fromDay: 19_999, untilDay: 20_001)
            #expect(Set(cells.map(\.topic)) == ["returns", "staff"] && cells.allSatisfy { $0.label == "negative" && $0.responses == 1 })
        }
    }

    @Test("Answers stored before a workspace's topics change are read again, a page at a time; the counts follow, once", arguments: TestDatabase.engines)
    func rereadForNewTopics(engine: DatabaseEngine) async throws {
        try await TestDatabase.withStore(engine) { (store: Store) async throws in
            let seeded = try await SeededWorkspace.create(named: "Shop", in: store)
            let w = seeded.workspace.id
            let survey = try await seeded.survey(in: store)
            let texts = ["The car park was full.", "Kein Parkplatz weit und breit, sehr ärgerlich.", "Friendly staff, quick checkout.",
                         "Parking cost more than the coffee.", "The parcel arrived on time."]
            for (index, text) in texts.enumerated() {
                try await ResponseReading(store: store).save(response(.generate(), survey: survey, workspace: w, text: text, day: 20_000 + Int64(index)), tokenHash: "t\(index)")
            }
            let other = try await SeededWorkspace.create(named: "Other", in: store)
            let otherSurvey = try await other.survey(in: store)
            try await ResponseReading(store: store).save(response(.generate(), survey: otherSurvey, workspace: other.workspace.id, text: "No parking anywhere."), tokenHash: "o")
            #expect(try await ResponseReading(store: store).rereadNextPage(limit: 2) == 0, "nothing is waiting")

            func parking(_ workspace: WorkspaceID) async throws -> Int64 {
                try await store.topicCounts(of: nil, in: workspace, period: .month, fromDay: 19_000, untilDay: 21_000)
                    .filter { $0.topic == "parking" }.reduce(0) { $0 + $1.responses }
            }
            let topic = CustomTopic(id: "parking", name: "Parking", keywords: ["en": ["parking", "car park"], "de": ["parkplatz"]])
            try await store.replaceCustomTopics([topic], in: w, at: Date(timeIntervalSince1970: 1_800_000_000))
            let waiting = try #require(try await store.reanalysis(in: w))
            #expect(waiting.reason == "topics" && waiting.reread == 0)
            #expect(try await store.reanalysis(in: other.workspace.id) == nil)
            #expect(try await parking(w) == 0, "nothing is read again before the job runs")

            // One page, then the topics change again: the reading starts over and counts every answer once.
            #expect(try await ResponseReading(store: store).rereadNextPage(limit: 2) == 2)
            #expect(try await store.reanalysis(in: w)?.reread == 2)
            try await store.replaceCustomTopics([topic], in: w, at: Date(timeIntervalSince1970: 1_800_000_060))
            #expect(try await store.reanalysis(in: w)?.reread == 0)
            var pages = 0
            while try await ResponseReading(store: store).rereadNextPage(limit: 2) > 0 { pages += 1 }
            #expect(pages == 3, "5 responses, 2 a page")
            #expect(try await store.reanalysis(in: w) == nil, "done")
            #expect(try await parking(w) == 3)
            let found = try await store.latestResponses(in: w, survey: nil, completeOnly: false, sentiment: nil, topic: "parking", limit: 10)
            #expect(found.count == 3 && found.allSatisfy { $0.topics.contains("parking") })
            #expect(try await parking(other.workspace.id) == 0, "another workspace's answers are not read with these topics")

            // Dropping the topic takes it off the answers again.
            try await store.replaceCustomTopics([], in: w, at: Date(timeIntervalSince1970: 1_800_000_120))
            while try await ResponseReading(store: store).rereadNextPage(limit: 2) > 0 {}
            #expect(try await parking(w) == 0)
            #expect(try await store.latestResponses(in: w, survey: nil, completeOnly: false, sentiment: nil, topic: "parking", limit: 10).isEmpty)
        }
    }

    @Test("Chinese answers stored before Chinese sentiment existed are read again after version 26", arguments: TestDatabase.engines)
    func chineseSentimentReread(engine: DatabaseEngine) async throws {
        try await TestDatabase.withStore(engine, migrateTo: 25) { (store: Store) async throws in
            let workspace = WorkspaceID.generate(), survey = SurveyID.generate(), id = SurveyResponseID.generate()
            // As version 25 kept it: language and topics, no sentiment, counted under "none".
            let insight = TextInsight(language: "zh", sentiment: nil, label: nil, sentences: [], topics: ["delivery", "staff", "waiting"], keywords: ["快递", "客服"])
            let insights = String(decoding: try JSONEncoder().encode(["why": insight]), as: UTF8.self)
            try await store.database.withConnection { sql in
                try await sql.raw("INSERT INTO workspaces (id, name, created_at) VALUES (\(bind: workspace.rawValue), \(bind: "Shop"), \(bind: Int64(1)))").run()
                try await sql.raw("""
                    INSERT INTO survey_responses (id, workspace_id, survey_id, token_hash, language, answers, complete, started_at, updated_at, channel,
                                                  insights, text_language, topics)
                    VALUES (\(bind: id.rawValue), \(bind: workspace.rawValue), \(bind: survey.rawValue), \(bind: "h"), \(bind: "zh"),
                            \(bind: #"{"nps":3,"why":"快递太慢了，客服态度也不好。"}"#), \(bind: Int64(1)),
                            \(bind: Int64(20_000) * 86_400_000), \(bind: Int64(20_000) * 86_400_000), \(bind: "web"),
                            \(bind: insights), \(bind: "zh"), \(bind: " delivery staff waiting "))
                    """).run()
                for topic in insight.topics {
                    try await sql.raw("""
                        INSERT INTO survey_topics_daily (workspace_id, survey_id, topic, day, label, responses)
                        VALUES (\(bind: workspace.rawValue), \(bind: survey.rawValue), \(bind: topic), \(bind: Int64(20_000)), \(bind: "none"), \(bind: Int64(1)))
                        """).run()
                }
            }
            try await Migrator(database: store.database).migrate()
            #expect(try await store.scheduledJobs().contains(.rereadAnswers), "the migration schedules the reading; it does not read")
            try await ScheduledJobs(store: store, logger: Logger(label: "test")).runPending()
            #expect(try await store.scheduledJobs().isEmpty)
            #expect(try await store.reanalysis(in: workspace)?.reason == "analysis")
            while try await ResponseReading(store: store).rereadNextPage(limit: 200) > 0 {}
            let stored = try #require(try await store.latestResponses(in: workspace, survey: survey, completeOnly: false, sentiment: "negative", topic: nil, limit: 5).first)
            #expect(stored.id == id && stored.insights["why"]?.sentences.count == 1)
            let cells = try await store.topicCounts(of: nil, in: workspace, period: .day, fromDay: 19_999, untilDay: 20_001)
            #expect(Set(cells.map(\.topic)) == ["delivery", "staff", "waiting"] && cells.allSatisfy { $0.label == "negative" && $0.responses == 1 }, "\(cells)")
        }
    }
}
