import CairnCore
import CairnStore
import CairnTestSupport
import Foundation
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
            let stored = try await store.save(response(first, survey: survey, workspace: w, text: "The courier was late and the parcel arrived damaged."), tokenHash: "t1")
            #expect(stored.insights["why"]?.language == "en")
            #expect((stored.insights["why"]?.sentiment ?? 0) < 0)
            #expect(stored.topics == ["delivery", "quality"])
            try await store.save(response(second, survey: survey, workspace: w, text: "Die Lieferung war schnell und sehr gut, danke!", language: "en"), tokenHash: "t2")
            try await store.save(response(third, survey: survey, workspace: w, text: "快递很快，包裹完好。", language: "zh"), tokenHash: "t3")

            let read = try #require(try await store.latestResponses(in: w, survey: survey, completeOnly: false, sentiment: nil, topic: nil, limit: 10).first { $0.id == first })
            #expect(read.insights == stored.insights, "insights come back as stored")
            let german = try #require(try await store.latestResponses(in: w, survey: nil, completeOnly: false, sentiment: "positive", topic: nil, limit: 10).first)
            #expect(german.id == second && german.textLanguage == "de", "the text's language is detected, whatever language the survey was shown in")
            #expect(try await store.latestResponses(in: w, survey: nil, completeOnly: false, sentiment: nil, topic: "delivery", limit: 10).count == 3)
            #expect(try await store.latestResponses(in: w, survey: nil, completeOnly: false, sentiment: "negative", topic: "delivery", limit: 10).map(\.id) == [first])

            func counts() async throws -> [String: [String: Int64]] {
                var result: [String: [String: Int64]] = [:]
                for cell in try await store.topicCounts(of: survey, in: w, period: .week, fromDay: 19_990, untilDay: 20_010) {
                    result[cell.topic, default: [:]][cell.label, default: 0] += cell.responses
                }
                return result
            }
            #expect(try await counts() == ["delivery": ["negative": 1, "positive": 1, "none": 1], "quality": ["negative": 1]])
            // The first customer changes their comment: it leaves delivery and quality and joins price.
            try await store.save(response(first, survey: survey, workspace: w, text: "Far too expensive, a disappointing price."), tokenHash: "t1")
            #expect(try await counts() == ["delivery": ["positive": 1, "none": 1], "price": ["negative": 1]])
            // Another workspace sees none of it.
            let other = try await SeededWorkspace.create(named: "Other", in: store)
            #expect(try await store.latestResponses(in: other.workspace.id, survey: nil, completeOnly: false, sentiment: nil, topic: nil, limit: 10).isEmpty)
            #expect(try await store.topicCounts(of: nil, in: other.workspace.id, period: .week, fromDay: 0, untilDay: 30_000).isEmpty)
        }
    }

    @Test("Responses stored before insights existed are read when version 21 arrives", arguments: TestDatabase.engines)
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
            let stored = try #require(try await store.latestResponses(in: workspace, survey: survey, completeOnly: false, sentiment: nil, topic: nil, limit: 5).first)
            #expect(stored.textLanguage == "de")
            #expect(stored.sentimentLabel == "negative")
            #expect(stored.topics == ["returns", "staff"])
            let cells = try await store.topicCounts(of: nil, in: workspace, period: .day, fromDay: 19_999, untilDay: 20_001)
            #expect(Set(cells.map(\.topic)) == ["returns", "staff"] && cells.allSatisfy { $0.label == "negative" && $0.responses == 1 })
        }
    }
}
