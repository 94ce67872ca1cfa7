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

/// The feedback half of `cairn bench`: figures over many responses (by week × channel, through the API), and answers
/// sent through the widget's API by concurrent clients.
extension Bench {
    /// Comments the load carries, in the four languages of the survey pages (written for the benchmark).
    static let sampleComments: [String] = [
        "The parcel arrived two days late and the courier never rang the bell. Very disappointing.",
        "Great service, the staff were friendly and the price was fair!",
        "Die Lieferung kam pünktlich, aber die Verpackung war beschädigt.",
        "Sehr guter Kundenservice, ich bin wirklich zufrieden.",
        "快递很快，包装也很好，客服态度不错。",
        "质量太差了，用了两天就坏了，要求退款。",
        "המשלוח הגיע מהר והשירות היה מצוין",
        "The app kept logging me out during checkout, so I paid by phone instead.",
    ]

    /// Comments analysed per second (language, sentiment, topics, keywords), one comment after another, per language.
    static func measureTextAnalysis(seconds budget: Double = 1.5) -> [(language: String, perSecond: Double)] {
        let byLanguage: [(String, [String])] = [("en", [sampleComments[0], sampleComments[1], sampleComments[7]]), ("de", [sampleComments[2], sampleComments[3]]),
                                                ("zh", [sampleComments[4], sampleComments[5]]), ("he", [sampleComments[6]])]
        _ = TextAnalysis.of(sampleComments[0])  // the lexicons load once
        return byLanguage.map { language, comments in
            let start = ContinuousClock.now
            var done = 0
            while seconds(ContinuousClock.now - start) < budget {
                for comment in comments { _ = TextAnalysis.of(comment) }
                done += comments.count
            }
            return (language, Double(done) / seconds(ContinuousClock.now - start))
        }
    }

    struct FeedbackResult {
        var responses: Int
        var loadSeconds: Double
        var scoreCells: Int
        var queries: [(query: String, rows: Int, latency: LatencySummary)]
        var submissions: Int
        var submissionsPerSecond: Double
        var submissionLatency: LatencySummary
        var rejected: Int
    }

    func measureFeedback(_ target: BenchDatabase, logger: Logger) async throws -> FeedbackResult {
        try await target.withFresh(logger: logger) { location in
            let seed = try await BenchSeed.create(in: location, logger: logger)
            let database = try CairnDatabase.open(location, logger: logger)
            let store = Store(database: database)
            let console = Principal(workspaceID: seed.workspace, kind: .operatorConsole, role: .admin)
            let survey: Survey
            let loadStart = ContinuousClock.now
            var cells = 0
            do {
                let surveys = Surveys(store: store)
                survey = try await surveys.move(try await surveys.create(.init(template: "relationship_nps"), by: console).id, to: .published, by: console)
                // One year of answers: four channels, NPS mostly promoters and passives, a reason from one in three.
                var random = SplitMix64(seed: 5)
                let start = 1_763_942_400.0  // 2025-11-24T00:00:00Z
                let channels: [CairnCore.Channel] = [.web, .web, .web, .web, .app, .app, .app, .email, .email, .store]
                var batch: [SurveyResponse] = []
                for index in 0..<feedbackResponses {
                    let at = Date(timeIntervalSince1970: start + Double(random.next() % 31_536_000))
                    let roll = Int(random.next() % 100)
                    let score = roll < 45 ? 9 + Int(random.next() % 2) : roll < 75 ? 7 + Int(random.next() % 2) : Int(random.next() % 7)
                    var answers: [String: SurveyAnswer] = ["nps": .number(score)]
                    if index % 3 == 0 { answers["why"] = .text(Self.sampleComments[index % Self.sampleComments.count]) }
                    batch.append(SurveyResponse(id: .generate(), workspaceID: seed.workspace, surveyID: survey.id, profileID: nil, invitationID: nil, language: "en",
                                                answers: answers, channel: channels[Int(random.next() % 10)], complete: true, startedAt: at, updatedAt: at, completedAt: at))
                    if batch.count == 5_000 {
                        try await ResponseReading(store: store).insert(batch)
                        batch.removeAll(keepingCapacity: true)
                    }
                }
                try await ResponseReading(store: store).insert(batch)
                cells = try await database.withConnection { sql in
                    Int(try await sql.raw("SELECT COUNT(*) AS n FROM survey_scores_daily").first()?.decode(column: "n", as: Int64.self) ?? 0)
                }
                // What was kept while loading must agree with what the responses say (cairn verify's check).
                let drift = try await store.verifyRollups(repair: false).filter(\.hasDrift)
                guard drift.isEmpty else { throw BenchFailure("after the response load the roll-ups drifted from their base rows: \(drift.map(\.table))") }
                say("  roll-ups agree with their base rows after the load")
            } catch {
                try? await database.shutdown()
                throw error
            }
            let loadSeconds = seconds(ContinuousClock.now - loadStart)
            try await database.shutdown()

            let server = try await BenchServer.start(database: location, logger: logger, arguments: ["--answers-per-address", "1000000"])
            do {
                let group = MultiThreadedEventLoopGroup.singleton
                let connection = try await LoadConnection.connect(host: "127.0.0.1", port: server.port, group: group)
                let headers = [("Authorization", "Bearer \(seed.secretKey)")]
                var queries: [(String, Int, LatencySummary)] = []
                for query in ["trend?question=nps&period=week&by=channel&from=2025-11-24&until=2026-11-24", "trend?question=nps&period=month&from=2025-11-24&until=2026-11-24",
                              "summary"] {
                    let path = "/api/v1/surveys/\(survey.id)/\(query)"
                    var samples: [Double] = []
                    var rows = 0
                    for round in 0..<6 {
                        let sent = ContinuousClock.now
                        let (status, body) = try await connection.send(.GET, path, headers: headers, body: nil)
                        guard status == 200 else { throw BenchFailure("GET \(path) answered \(status)") }
                        if round > 0 { samples.append(seconds(ContinuousClock.now - sent)) }
                        let parsed = try? JSONValue.parse(Data(buffer: body))
                        if case .array(let items)? = parsed?["data"] ?? parsed?["figures"] { rows = items.count }
                    }
                    queries.append((query, rows, LatencySummary(samples)))
                }
                await connection.close()

                // Answers through the widget's API, by `widgetClients` clients at once.
                let submissions = widgetAnswers
                let next = Tickets()
                let token = survey.token, writeKey = seed.writeKey
                let started = ContinuousClock.now
                let results = try await withThrowingTaskGroup(of: ([Double], Int).self) { tasks in
                    for _ in 0..<widgetClients {
                        tasks.addTask {
                            let client = try await LoadConnection.connect(host: "127.0.0.1", port: server.port, group: group)
                            var latencies: [Double] = [], rejected = 0
                            while true {
                                let index = next.take()
                                guard index < submissions else { break }
                                let comment = String(decoding: try JSONEncoder().encode(Self.sampleComments[index % Self.sampleComments.count]), as: UTF8.self)
                                let body = #"{"writeKey":"\#(writeKey)","channel":"app","answers":{"nps":\#(index % 11),"why":\#(comment)}}"#
                                let sent = ContinuousClock.now
                                let (status, _) = try await client.send(.POST, "/v1/surveys/\(token)/responses", headers: [("Content-Type", "text/plain")],
                                                                        body: ByteBuffer(string: body))
                                latencies.append(seconds(ContinuousClock.now - sent))
                                if status != 201 { rejected += 1 }
                            }
                            await client.close()
                            return (latencies, rejected)
                        }
                    }
                    var all: [([Double], Int)] = []
                    for try await result in tasks { all.append(result) }
                    return all
                }
                let elapsed = seconds(ContinuousClock.now - started)
                try await server.stop()
                return FeedbackResult(responses: feedbackResponses, loadSeconds: loadSeconds, scoreCells: cells, queries: queries, submissions: submissions,
                                      submissionsPerSecond: Double(submissions) / elapsed, submissionLatency: LatencySummary(results.flatMap(\.0)),
                                      rejected: results.reduce(0) { $0 + $1.1 })
            } catch {
                try? await server.stop()
                throw error
            }
        }
    }
}
