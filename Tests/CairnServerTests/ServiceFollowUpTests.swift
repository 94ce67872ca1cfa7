import CairnCore
import CairnEngine
import CairnStore
import CairnTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

@Suite("Closing the loop: low feedback opens a follow-up case; a solved case asks for CES")
struct ServiceFollowUpTests {
    func answer(_ h: Harness, _ link: String, _ fields: [(String, String)]) async throws -> String {
        var browser = Browser(client: h.client)
        let body = fields.map { "\(Browser.encode($0.0))=\(Browser.encode($0.1))" }.joined(separator: "&")
        let response = try await browser.send(.post, link, headers: [.contentType: "application/x-www-form-urlencoded"], body: body)
        let html = String(buffer: response.body)
        guard let range = html.range(of: #"name="r" value="([^"]*)""#, options: .regularExpression) else { return "" }
        return html[range].split(separator: "\"")[3].description
    }

    @Test("A detractor with consent gets a follow-up case with the score and comment, assigned by the rule; without consent none; each alert once",
          arguments: TestDatabase.engines)
    func detractorsAreFollowedUp(engine: DatabaseEngine) async throws {
        try await Harness.run(engine) { h in
            let manager = h.a.secretKeys[.manager]!, agent = h.a.secretKeys[.agent]!
            let agentID = h.a.users[.agent]!.id
            // Bad settings name each field; nothing is saved.
            let bad = try await h.api(.put, "/api/v1/service-settings", key: manager,
                                      json: #"{"followUp":{"kinds":["angry"],"priority":"asap","assigneeId":"\#(h.a.users[.viewer]!.id)"},"costPerContact":{"fax":"1.00","email":"-2"},"currency":"EUR"}"#)
            #expect(bad.status == .badRequest)
            for field in ["followUp.kinds", "followUp.priority", "followUp.assigneeId", "costPerContact.fax", "costPerContact.email"] {
                #expect(bad.text.contains(field), "names \(field)")
            }
            #expect(try await h.api(.put, "/api/v1/service-settings", key: agent, json: #"{"followUp":{"enabled":true}}"#).status == .forbidden)
            let saved = try await h.api(.put, "/api/v1/service-settings", key: manager,
                                        json: #"{"followUp":{"enabled":true,"kinds":["detractor"],"priority":"high","assigneeId":"\#(agentID)"},"costPerContact":{"email":"2.50","phone":"6.00"},"currency":"EUR"}"#)
            #expect(saved.status == .ok)
            let settings = try await h.api(.get, "/api/v1/service-settings", key: h.a.secretKeys[.viewer]!).json()
            #expect((settings["costPerContact"] as? [String: String]) == ["email": "2.50", "phone": "6.00"])
            #expect((settings["followUp"] as? [String: Any])?["priority"] as? String == "high")

            let survey = try await h.api(.post, "/api/v1/surveys", key: manager, json: #"{"template":"relationship_nps"}"#).json()
            let surveyID = try #require(survey["id"] as? String)
            _ = try await h.api(.post, "/api/v1/surveys/\(surveyID)/status", key: manager, json: #"{"status":"published"}"#)
            let ada = try await h.a.customer(in: h.store, named: "ada")
            let bob = try await h.a.customer(in: h.store, named: "bob")
            var links: [ProfileID: String] = [:]
            for person in [ada, bob] {
                #expect(try await h.api(.post, "/api/v1/profiles/\(person)/consent", key: agent, json: #"{"purpose":"surveys","status":"granted"}"#).status.code < 300)
                links[person] = try #require(try await h.api(.post, "/api/v1/surveys/\(surveyID)/invitations", key: manager, json: #"{"profileId":"\#(person)"}"#).json()["link"] as? String)
            }
            for person in [ada, bob] {
                let held = try await answer(h, links[person]!, [("question", "nps"), ("answer", "2")])
                _ = try await answer(h, links[person]!, [("question", "why"), ("answer", "The blender broke after a week"), ("r", held)])
            }
            // Bob withdraws consent before the rule runs: no case for him.
            h.clock.advance(by: 1)
            #expect(try await h.api(.post, "/api/v1/profiles/\(bob)/consent", key: agent, json: #"{"purpose":"surveys","status":"withdrawn"}"#).status.code < 300)

            let cases = Cases(store: h.store, clock: h.clock.source)
            // The responses are not finished (the survey has more questions): the rule gives them two minutes for a comment.
            #expect(try await cases.followUpAlerts() == 0)
            h.clock.advance(by: Cases.commentGrace)
            #expect(try await cases.followUpAlerts() == 1)
            #expect(try await cases.followUpAlerts() == 0, "each alert is followed up once")
            let listed = try await h.api(.get, "/api/v1/cases?profileId=\(ada)", key: agent).json()
            let opened = try #require((listed["data"] as? [[String: Any]])?.first)
            #expect(opened["priority"] as? String == "high" && opened["assigneeId"] as? String == agentID.rawValue)
            #expect((opened["tags"] as? [String]) == ["follow-up", "detractor"])
            let thread = try await h.api(.get, "/api/v1/cases/\(opened["id"] as? String ?? "")", key: agent).json()
            let bodies = ((thread["messages"] as? [[String: Any]]) ?? []).compactMap { $0["body"] as? String }
            #expect(bodies.first == "The blender broke after a week")
            #expect(bodies.contains { $0.hasPrefix("NPS 2 (question nps)") })
            #expect(((try await h.api(.get, "/api/v1/cases?profileId=\(bob)", key: agent).json()["data"] as? [[String: Any]]) ?? []).isEmpty)
            let alerts = try await h.store.alerts(in: h.a.workspace.id, after: nil, limit: 10).items
            let bobs = try #require(alerts.first { $0.profileID == bob })
            #expect(try await cases.followUp(of: bobs.id, for: h.a.principal(.viewer))?.note == "no consent to surveys")
            // Another workspace's rule does not see A's alerts.
            #expect(((try await h.api(.get, "/api/v1/cases", key: h.b.secretKeys[.admin]!).json()["data"] as? [[String: Any]]) ?? []).isEmpty)
        }
    }

    @Test("Solving a case records Support Case Solved on the customer's timeline; a survey trigger on it asks for CES once", arguments: TestDatabase.engines)
    func solvedCasesAskForFeedback(engine: DatabaseEngine) async throws {
        try await Harness.run(engine) { h in
            let manager = h.a.secretKeys[.manager]!, agent = h.a.secretKeys[.agent]!
            let customer = try await h.a.customer(in: h.store)
            let ces = try await h.api(.post, "/api/v1/surveys", key: manager, json: #"{"template":"post_contact_ces"}"#).json()
            let cesID = try #require(ces["id"] as? String)
            _ = try await h.api(.post, "/api/v1/surveys/\(cesID)/status", key: manager, json: #"{"status":"published"}"#)
            #expect(try await h.api(.put, "/api/v1/surveys/\(cesID)/triggers", key: manager,
                                    json: #"{"triggers":[{"event":"Support Case Solved","action":"email","delayMinutes":60,"samplePercent":100}]}"#).status == .ok)
            let opened = try await h.api(.post, "/api/v1/cases", key: agent, json: #"{"profileId":"\#(customer)","channel":"phone","subject":"Refund?"}"#).json()
            let id = try #require((opened["case"] as? [String: Any])?["id"] as? String)
            #expect(try await h.api(.patch, "/api/v1/cases/\(id)", key: agent, json: #"{"status":"solved"}"#).status == .ok)
            // Saving it solved again changes nothing and records nothing more.
            #expect(try await h.api(.patch, "/api/v1/cases/\(id)", key: agent, json: #"{"status":"solved"}"#).status == .ok)
            try await IdentityResolver(store: h.store, clock: h.clock.source).resolvePending(in: h.a.workspace.id)
            let events = try await h.api(.get, "/api/v1/profiles/\(customer)/events", key: agent).json()
            let solved = ((events["data"] as? [[String: Any]]) ?? []).filter { $0["name"] as? String == "Support Case Solved" }
            #expect(solved.count == 1)
            let firings = try await h.api(.get, "/api/v1/surveys/\(cesID)/trigger-firings", key: manager).json()
            let list = (firings["data"] as? [[String: Any]]) ?? []
            #expect(list.count == 1 && list.first?["profileId"] as? String == customer.rawValue && list.first?["action"] as? String == "email")
        }
    }
}
