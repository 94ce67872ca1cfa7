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

@Suite("The widget asks which survey a trigger readied")
struct SurveyPromptTests {
    @Test("A Case Resolved event readies the CES survey for the customer; the widget's prompt shows it once, to that customer only",
          arguments: TestDatabase.engines)
    func prompt(engine: DatabaseEngine) async throws {
        try await Harness.run(engine) { h in
            let manager = h.a.secretKeys[.manager]!
            let survey = try await h.api(.post, "/api/v1/surveys", key: manager, json: #"{"template":"post_contact_ces"}"#).json()
            let id = try #require(survey["id"] as? String), token = try #require((survey["link"] as? String)?.dropFirst(3)).description
            _ = try await h.api(.post, "/api/v1/surveys/\(id)/status", key: manager, json: #"{"status":"published"}"#)
            let bad = try await h.api(.put, "/api/v1/surveys/\(id)/triggers", key: manager, json: #"{"triggers":[{"event":"Case Resolved","action":"popup"}]}"#)
            #expect(bad.status == .badRequest && bad.text.contains("triggers[0].action"))
            let set = try await h.api(.put, "/api/v1/surveys/\(id)/triggers", key: manager, json: #"{"triggers":[{"event":"Case Resolved","action":"show"}]}"#)
            let setData = try set.json()["data"] as? [[String: Any]]
            #expect(set.status == .ok && setData?.first?["action"] as? String == "show")

            let customer = try await h.a.customer(in: h.store)
            _ = try await h.api(.post, "/api/v1/profiles/\(customer)/consent", key: h.a.secretKeys[.agent]!, json: #"{"purpose":"surveys","status":"granted"}"#)
            let track = try await h.client.execute(uri: "/v1/track", method: .post, headers: [.contentType: "application/json", .authorization: "Basic \(Data((h.a.writeKey + ":").utf8).base64EncodedString())"],
                                                   body: ByteBuffer(string: #"{"userId":"customer-alpha","event":"Case Resolved","properties":{"case_id":"c-1"}}"#))
            #expect(track.status == .ok)
            try await IdentityResolver(store: h.store, clock: h.clock.source).resolvePending(in: h.a.workspace.id)
            let emails = SurveyEmails(store: h.store, clock: h.clock.source, mailer: nil, publicURL: "http://127.0.0.1")
            #expect(try await SurveyTriggers(store: h.store, clock: h.clock.source, emails: emails).processDue() == 1)

            func prompt(_ query: String) async throws -> (TestResponse, [String: Any]) {
                let response = try await h.client.execute(uri: "/v1/survey-prompt?\(query)", method: .get)
                return (response, (try? JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]) ?? [:])
            }
            #expect(try await prompt("writeKey=\(h.a.writeKey)").0.status == .badRequest, "the user id is needed")
            #expect(try await prompt("writeKey=nope&userId=customer-alpha").0.status == .unauthorized)
            #expect(try await prompt("writeKey=\(h.b.writeKey)&userId=customer-alpha").1["show"] as? Bool == false, "another workspace's key sees nothing")
            #expect(try await prompt("writeKey=\(h.a.writeKey)&userId=someone-else").1["show"] as? Bool == false)
            let (shown, body) = try await prompt("writeKey=\(h.a.writeKey)&userId=customer-alpha")
            #expect(shown.headers[.accessControlAllowOrigin] == "*")
            #expect(body["show"] as? Bool == true && body["survey"] as? String == token)
            #expect(try await prompt("writeKey=\(h.a.writeKey)&userId=customer-alpha").1["show"] as? Bool == false, "shown once")
            let firings = (try await h.api(.get, "/api/v1/surveys/\(id)/trigger-firings", key: manager).json()["data"] as? [[String: Any]]) ?? []
            #expect(firings.count == 1 && firings.first?["status"] as? String == "done")
            #expect(try await h.api(.put, "/api/v1/survey-contact-settings", key: manager, json: #"{"recontactDays":-1}"#).status == .badRequest)
        }
    }
}
