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
}
