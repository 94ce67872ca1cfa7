import CairnCore
import CairnEngine
import CairnStore
import CairnTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing
import NIOFoundationEssentialsCompat

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

    @Test("CSAT and CES asked because a case was solved count as that case's in the service report (email link and widget); another customer naming the case changes nothing",
          arguments: TestDatabase.engines)
    func answersAfterContactReachTheReport(engine: DatabaseEngine) async throws {
        let mailServer = try await SMTPSink.start()
        try await Harness.run(engine) { h in
            let manager = h.a.secretKeys[.manager]!, agent = h.a.secretKeys[.agent]!
            // Both surveys follow every solved case; the recontact limit is off so that each customer is asked both.
            #expect(try await h.api(.put, "/api/v1/survey-contact-settings", key: manager, json: #"{"recontactDays":0}"#).status == .ok)
            var surveys: [String: (id: String, token: String)] = [:]
            for (template, action) in [("post_contact_ces", "email"), ("post_delivery_csat", "show")] {
                let made = try await h.api(.post, "/api/v1/surveys", key: manager, json: #"{"template":"\#(template)"}"#).json()
                let id = try #require(made["id"] as? String), token = try #require((made["link"] as? String)?.dropFirst(3)).description
                _ = try await h.api(.post, "/api/v1/surveys/\(id)/status", key: manager, json: #"{"status":"published"}"#)
                #expect(try await h.api(.put, "/api/v1/surveys/\(id)/triggers", key: manager,
                                        json: #"{"triggers":[{"event":"Support Case Solved","action":"\#(action)","delayMinutes":0,"samplePercent":100}]}"#).status == .ok)
                surveys[template] = (id, token)
            }
            let ada = try await h.a.customer(in: h.store, named: "ada"), bob = try await h.a.customer(in: h.store, named: "bob")
            _ = try await h.a.customer(in: h.store, named: "cleo")
            var cases: [ProfileID: String] = [:]
            for (person, channel) in [(ada, "phone"), (bob, "web")] {
                #expect(try await h.api(.post, "/api/v1/profiles/\(person)/consent", key: agent, json: #"{"purpose":"surveys","status":"granted"}"#).status.code < 300)
                let opened = try await h.api(.post, "/api/v1/cases", key: agent, json: #"{"profileId":"\#(person)","channel":"\#(channel)","subject":"Where is my parcel?"}"#).json()
                cases[person] = try #require((opened["case"] as? [String: Any])?["id"] as? String)
                #expect(try await h.api(.patch, "/api/v1/cases/\(cases[person]!)", key: agent, json: #"{"status":"solved"}"#).status == .ok)
            }
            try await IdentityResolver(store: h.store, clock: h.clock.source).resolvePending(in: h.a.workspace.id)
            let mailer = SMTPMailer(configuration: SMTPConfiguration(host: "127.0.0.1", port: mailServer.port, from: "Alpha <service@alpha.example>"))
            let emails = SurveyEmails(store: h.store, clock: h.clock.source, mailer: mailer, publicURL: "http://127.0.0.1")
            _ = try await SurveyTriggers(store: h.store, clock: h.clock.source, emails: emails).processDue()
            _ = try await emails.sendDue()

            // Ada answers the CES email's personal link, as the mail server received it: 6 of 7.
            let adaMail = try #require(mailServer.messages.first { $0.header("To")?.contains("customer1@ada.example") == true })
            let link = try #require(adaMail.body.range(of: #"/s/[A-Za-z0-9_-]+"#, options: .regularExpression).map { String(adaMail.body[$0]) })
            _ = try await answer(h, link, [("question", "ces"), ("answer", "6")])

            // Bob's widget shows the CSAT survey with the case it is about, and sends the case back with his 4 of 5.
            let prompt = try await h.client.execute(uri: "/v1/survey-prompt?writeKey=\(h.a.writeKey)&userId=customer-bob", method: .get)
            let shown = try #require(try JSONSerialization.jsonObject(with: Data(buffer: prompt.body)) as? [String: Any])
            #expect(shown["survey"] as? String == surveys["post_delivery_csat"]!.token && shown["caseId"] as? String == cases[bob])
            func submit(_ fields: [String: Any]) async throws -> TestResponse {
                let body = try JSONSerialization.data(withJSONObject: fields.merging(["writeKey": h.a.writeKey]) { a, _ in a })
                return try await h.client.execute(uri: "/v1/surveys/\(surveys["post_delivery_csat"]!.token)/responses", method: .post,
                                                  headers: [.contentType: "application/json"], body: ByteBuffer(bytes: Array(body)))
            }
            #expect(try await submit(["userId": "customer-bob", "caseId": cases[bob]!, "answers": ["csat": 4]]).status == .created)
            // Cleo names Ada's case with a 1: stored as her answer, but it is not Ada's case's score.
            #expect(try await submit(["userId": "customer-cleo", "caseId": cases[ada]!, "answers": ["csat": 1]]).status == .created)
            let bad = try await submit(["userId": "customer-cleo", "caseId": 7, "answers": ["csat": 1]])
            #expect(bad.status == .badRequest && bad.text.contains("caseId"))

            let tomorrow = h.clock.now.addingTimeInterval(86_400).formatted(.iso8601.year().month().day())
            let report = try await h.api(.get, "/api/v1/reports/service?by=channel&until=\(tomorrow)", key: h.a.secretKeys[.viewer]!).json()
            let rows = try #require(report["rows"] as? [[String: Any]])
            func row(_ key: String) -> [String: Any] { rows.first { $0["key"] as? String == key } ?? [:] }
            // Hand-worked: phone — one CES of 6, no CSAT; web — one CSAT of 4 (satisfied), no CES; total — 1 of 1, mean CES 6.
            #expect(row("phone")["cesAfterContact"] as? Double == 6 && row("phone")["cesAnswers"] as? Int == 1)
            #expect((row("phone")["csatAfterContact"] as? [String: Any])?["n"] as? Int == 0)
            #expect((row("web")["csatAfterContact"] as? [String: Any])?["n"] as? Int == 1 && (row("web")["csatAfterContact"] as? [String: Any])?["successes"] as? Int == 1)
            #expect(row("web")["cesAnswers"] as? Int == 0)
            let total = try #require(report["total"] as? [String: Any])
            #expect((total["csatAfterContact"] as? [String: Any])?["n"] as? Int == 1 && total["cesAfterContact"] as? Double == 6)
            var browser = try await h.signIn(h.a.users[.viewer]!.email)
            let (_, csv) = try await browser.get("/service/insights.csv?by=channel&until=\(tomorrow)")
            #expect(csv.contains("csat_after_contact_percent") && csv.split(separator: "\n").contains { $0.hasPrefix("phone,") && $0.contains(",6.00,1,") })
        }
        await mailServer.stop()
    }
}
