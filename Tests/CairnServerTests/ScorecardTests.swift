import CairnAnalytics
import CairnCore
import CairnEngine
import CairnStore
import CairnTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

@Suite("Scorecard")
struct ScorecardTests {
    @Test("The pooled NPS is the customers': an employee eNPS survey keeps its own line and never joins it", arguments: TestDatabase.engines)
    func employeesApart(engine: DatabaseEngine) async throws {
        try await Harness.run(engine) { h in
            let manager = h.a.secretKeys[.manager]!
            func survey(_ template: String) async throws -> (id: String, token: String) {
                let survey = try await h.api(.post, "/api/v1/surveys", key: manager, json: #"{"template":"\#(template)"}"#).json()
                let id = try #require(survey["id"] as? String)
                #expect(try await h.api(.post, "/api/v1/surveys/\(id)/status", key: manager, json: #"{"status":"published"}"#).status == .ok)
                return (id, try #require((survey["link"] as? String)?.dropFirst(3)).description)
            }
            let customers = try await survey("relationship_nps"), employees = try await survey("employee_enps")
            let definition = try await h.api(.get, "/api/v1/surveys/\(employees.id)", key: manager).json()["definition"] as? [String: Any]
            #expect(definition?["audience"] as? String == "employees")
            func answer(_ token: String, _ question: String, _ score: Int) async throws {
                let response = try await h.client.execute(uri: "/v1/surveys/\(token)/responses", method: .post, headers: [.contentType: "text/plain"],
                                                          body: ByteBuffer(string: #"{"writeKey":"\#(h.a.writeKey)","answers":{"\#(question)":\#(score)}}"#))
                #expect(response.status == .created)
            }
            // Customers: 3 promoters, 1 detractor (NPS 50). Employees: 4 detractors (eNPS −100).
            for score in [10, 9, 9, 2] { try await answer(customers.token, "nps", score) }
            for score in [0, 1, 2, 3] { try await answer(employees.token, "enps", score) }
            let card = try await SurveyResults(store: h.store, clock: h.clock.source)
                .scorecard(for: h.a.principal(.manager), from: h.clock.now.addingTimeInterval(-30 * 86_400), until: h.clock.now.addingTimeInterval(86_400))
            #expect(card.combinedNPS.n == 4 && card.combinedNPS.score == 50, "only the customers' answers are pooled")
            #expect(card.lines.contains { $0.question.id == "enps" && $0.current.nps?.score == -100 }, "the employees' eNPS has its own line")
            // An audience that is neither is named.
            let bad = try await h.api(.post, "/api/v1/surveys", key: manager,
                                      json: #"{"name":"X","definition":{"audience":"robots","title":{"en":"X"},"questions":[{"id":"nps","type":"nps","text":{"en":"?"}}]}}"#)
            #expect(bad.status == .badRequest && bad.text.contains("definition.audience"), "\(bad.text)")
        }
    }
    @Test("The pooled NPS counts each customer once per period, with their latest answer; anonymous answers count one each", arguments: TestDatabase.engines)
    func eachRespondentOnce(engine: DatabaseEngine) async throws {
        try await Harness.run(engine) { h in
            let manager = h.a.secretKeys[.manager]!
            func survey() async throws -> String {
                let survey = try await h.api(.post, "/api/v1/surveys", key: manager, json: #"{"template":"relationship_nps"}"#).json()
                let id = try #require(survey["id"] as? String)
                #expect(try await h.api(.post, "/api/v1/surveys/\(id)/status", key: manager, json: #"{"status":"published"}"#).status == .ok)
                return try #require((survey["link"] as? String)?.dropFirst(3)).description
            }
            let first = try await survey(), second = try await survey()
            let key = try #require(try await Authenticator(store: h.store, configuration: .init(passwordHasher: testPasswordHasher)).key(token: h.a.writeKey, kind: .write))
            for user in ["ann", "ben"] {
                let identify = try JSONDecoder().decode(JSONValue.self, from: Data(#"{"userId":"\#(user)"}"#.utf8)).objectValue!
                _ = try await Ingestor(store: h.store).ingest([try TrackingMessage.parse(identify, kind: .identify, makeMessageID: { "identify-\(user)" }).get()], key: key)
            }
            try await IdentityResolver(store: h.store).resolvePending(in: h.a.workspace.id)
            func answer(_ token: String, _ score: Int, user: String?) async throws {
                let who = user.map { #","userId":"\#($0)""# } ?? ""
                let response = try await h.client.execute(uri: "/v1/surveys/\(token)/responses", method: .post, headers: [.contentType: "text/plain"],
                                                          body: ByteBuffer(string: #"{"writeKey":"\#(h.a.writeKey)"\#(who),"answers":{"nps":\#(score)}}"#))
                #expect(response.status == .created)
                h.clock.advance(by: 60)
            }
            // Ann answers three times (detractor, detractor, then promoter): she counts once, as a promoter. Ben once
            // (detractor) in both surveys' pool; two anonymous answers (promoter, passive) count one each.
            try await answer(first, 0, user: "ann")
            try await answer(second, 3, user: "ann")
            try await answer(first, 2, user: "ben")
            try await answer(second, 10, user: nil)
            try await answer(first, 8, user: nil)
            try await answer(second, 10, user: "ann")
            let card = try await SurveyResults(store: h.store, clock: h.clock.source)
                .scorecard(for: h.a.principal(.manager), from: h.clock.now.addingTimeInterval(-30 * 86_400), until: h.clock.now.addingTimeInterval(86_400))
            // By hand: respondents Ann 10 (promoter), Ben 2 (detractor), anonymous 10 and 8: P 2, passives 1, D 1 → n 4, NPS 25.
            #expect(card.combinedNPS.n == 4, "\(card.combinedNPS)")
            #expect(card.combinedNPS.promoters == 2 && card.combinedNPS.passives == 1 && card.combinedNPS.detractors == 1)
            // Each survey's own line still counts its answers (6 in all).
            #expect(card.lines.compactMap(\.current.nps?.n).reduce(0, +) == 6)
        }
    }
}
