import CairnCore
import CairnEngine
import CairnStore
import CairnTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

@Suite("Distribution and breakdowns on the survey page")
struct DistributionPagesTests {
    @Test("A manager invites by email from the survey page (skips explained), sets triggers and the recontact limit with every problem named, and breaks the figures down",
          arguments: TestDatabase.engines)
    func distribution(engine: DatabaseEngine) async throws {
        try await Harness.run(engine) { h in
            let manager = h.a.secretKeys[.manager]!
            let survey = try await h.api(.post, "/api/v1/surveys", key: manager, json: #"{"template":"post_delivery_csat"}"#).json()
            let id = try #require(survey["id"] as? String), link = try #require(survey["link"] as? String)
            _ = try await h.api(.post, "/api/v1/surveys/\(id)/status", key: manager, json: #"{"status":"published"}"#)
            let customer = try await h.a.customer(in: h.store)
            _ = try await h.api(.post, "/api/v1/profiles/\(customer)/consent", key: h.a.secretKeys[.agent]!, json: #"{"purpose":"surveys","status":"granted"}"#)

            var browser = try await h.signIn(h.a.users[.manager]!.email)
            let page = "/feedback/surveys/\(id)"
            let (_, before) = try await browser.get(page)
            #expect(before.contains(#"id="invite-form""#) && before.contains(#"id="trigger-form""#) && before.contains(#"name="recontactDays" value="30""#))

            let invited = try await browser.submit(on: page, to: page + "/email-invitations", form: ["customers": "customer1@alpha.example\nnobody@example.com", "reminderAfterHours": "48", "expiresInDays": "7"])
            let outcome = String(buffer: invited.body)
            #expect(invited.status == .ok && outcome.contains(#"id="invite-outcome""#) && outcome.contains("<strong>1</strong>") && outcome.contains("nobody@example.com"), "\(outcome.components(separatedBy: "invite-outcome").dropFirst().first?.prefix(300) ?? "")")
            #expect(outcome.contains(#"<table id="email-log">"#) && outcome.components(separatedBy: #"<tr data-status="scheduled">"#).count - 1 == 2, "the invitation and its reminder wait in the outbox")
            let again = String(buffer: try await browser.submit(on: page, to: page + "/email-invitations", form: ["customers": customer.rawValue]).body)
            #expect(again.contains("already invited"))
            let none = try await browser.submit(on: page, to: page + "/email-invitations", form: ["customers": "nobody@example.com"])
            #expect(none.status == .badRequest && String(buffer: none.body).contains("customers"))

            let badTriggers = try await browser.submit(on: page, to: page + "/triggers", form: ["triggers": #"[{"event":"Order Delivered","action":"fax","samplePercent":0}]"#])
            #expect(badTriggers.status == .badRequest && String(buffer: badTriggers.body).contains("triggers[0].action") && String(buffer: badTriggers.body).contains("triggers[0].samplePercent"))
            #expect(String(buffer: badTriggers.body).contains("fax"), "the draft is kept in the form")
            let notJSON = try await browser.submit(on: page, to: page + "/triggers", form: ["triggers": "[{"])
            #expect(notJSON.status == .badRequest)
            let saved = try await browser.submit(on: page, to: page + "/triggers", form: ["triggers": #"[{"event":"Order Delivered","action":"email","delayMinutes":1440,"samplePercent":50}]"#])
            #expect(saved.status == .seeOther)
            let stored = (try await h.api(.get, "/api/v1/surveys/\(id)/triggers", key: manager).json()["data"] as? [[String: Any]]) ?? []
            #expect(stored.count == 1 && stored.first?["delayMinutes"] as? Int == 1440 && stored.first?["samplePercent"] as? Int == 50)
            let (_, after) = try await browser.get(page)
            #expect(after.contains("&quot;delayMinutes&quot; : 1440") || after.contains("\"delayMinutes\" : 1440"), "the triggers show as JSON")
            #expect(try await browser.submit(on: page, to: "/feedback/contact-settings", form: ["recontactDays": "999", "survey": id]).status == .badRequest)
            #expect(try await browser.submit(on: page, to: "/feedback/contact-settings", form: ["recontactDays": "14", "survey": id]).status == .seeOther)
            #expect(try await h.api(.get, "/api/v1/survey-contact-settings", key: manager).json()["recontactDays"] as? Int == 14)

            // Answers from two channels, broken down on the page.
            _ = try await h.api(.put, "/api/v1/channels/app", key: h.a.secretKeys[.admin]!, json: #"{"label":"App"}"#)
            for (score, channel) in [(5, "app"), (2, "app"), (4, "web")] {
                _ = try await h.client.execute(uri: "/v1/surveys/\(link.dropFirst(3))/responses", method: .post, headers: [.contentType: "text/plain"],
                                               body: ByteBuffer(string: #"{"writeKey":"\#(h.a.writeKey)","channel":"\#(channel)","answers":{"csat":\#(score)}}"#))
            }
            let (_, broken) = try await browser.get(page + "?question=csat&by=channel")
            #expect(broken.contains(#"<tr data-key="app">"#) && broken.contains(#"<tr data-key="web">"#))
            // app 1 of 2 satisfied, web 1 of 1: SciPy chi2_contingency([[1, 1], [1, 0]], correction=False) = 0.75, p 0.386.
            #expect(broken.contains(#"id="breakdown-test">No evidence that the groups differ: χ²(1) = 0.75, p = 0.386, Cramér V = 0.50. Approximate"#))
            let (_, byTrait) = try await browser.get(page + "?question=csat&by=touchpoint&trait=tier")
            #expect(byTrait.contains(#"<tr data-key="unknown">"#), "answers from nobody known have no tier")

            // Viewers see the logs but no forms.
            var viewer = try await h.signIn(h.a.users[.viewer]!.email)
            let (_, readOnly) = try await viewer.get(page)
            #expect(!readOnly.contains(#"id="invite-form""#) && readOnly.contains(#"<table id="email-log">"#))
        }
    }
}
