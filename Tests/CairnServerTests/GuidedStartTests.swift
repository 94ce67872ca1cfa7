import CairnCore
import CairnServer
import CairnStore
import CairnTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

@Suite("Guided start")
struct GuidedStartTests {
    @Test("An empty workspace's overview leads to a source and write key, a snippet with it, and a test event that arrives", arguments: TestDatabase.engines)
    func emptyWorkspaceLeadsToTheFirstEvent(engine: DatabaseEngine) async throws {
        try await Harness.run(engine) { h in
            // A viewer sees the steps but is sent to an administrator for the key.
            var viewer = try await h.signIn(h.a.users[.viewer]!.email)
            let (_, viewing) = try await viewer.get("/")
            #expect(viewing.contains(#"id="get-started""#))
            #expect(!viewing.contains(#"action="/start/source""#))
            #expect(try await viewer.submit(on: "/", to: "/start/source", form: ["name": "Web", "defaultChannel": "web"]).status == .forbidden)

            var admin = try await h.signIn(h.a.users[.admin]!.email, headers: [.acceptLanguage: "de"])
            let (_, empty) = try await admin.get("/")
            #expect(empty.contains("Erste Schritte") && empty.contains(#"action="/start/source""#))
            // A bad channel is named and nothing is made.
            let refused = try await admin.submit(on: "/", to: "/start/source", form: ["name": "Web", "defaultChannel": "carrier pigeon"])
            #expect(refused.status == .badRequest)
            #expect(try await h.store.sources(in: h.a.workspace.id, after: nil, limit: 50).items.allSatisfy { $0.name != "Web" })

            let made = try await admin.submit(on: "/", to: "/start/source", form: ["name": "Webshop", "defaultChannel": "web"])
            #expect(made.status == .ok)
            let page = String(buffer: made.body)
            let token = try #require(page.range(of: #"cairn_wk_[A-Za-z0-9_-]+"#, options: .regularExpression).map { String(page[$0]) })
            #expect(page.contains(#"data-copy="start-key""#) && page.contains("curl -u \(token):"), "the key, its copy button and the snippet")
            #expect(page.contains(#"data-write-key="\#(token)""#), "the test button carries the key")
            #expect(try await h.store.sources(in: h.a.workspace.id, after: nil, limit: 50).items.contains { $0.name == "Webshop" && $0.defaultChannel.rawValue == "web" })

            // The test event the button sends (as the page's script sends it) is accepted and arrives.
            let sent = try await h.client.execute(uri: "/v1/track", method: .post, headers: [.contentType: "text/plain"],
                                                  body: .init(string: #"{"writeKey":"\#(token)","userId":"first-customer","event":"Test Event Sent"}"#))
            #expect(sent.status == .ok)
            let events = try await h.api(.get, "/api/v1/events?event=Test%20Event%20Sent", key: h.a.secretKeys[.admin]!)
            #expect(String(buffer: events.body).contains("first-customer"))
            let (live, _) = try await admin.get("/live")
            #expect(live.status == .ok)
        }
    }

    @Test("In an empty workspace no page is a dead end: each empty area links to its next step, and the guided start has a page of its own",
          arguments: TestDatabase.engines)
    func emptyPagesLeadOn(engine: DatabaseEngine) async throws {
        try await Harness.run(engine) { h in
            var admin = try await h.signIn(h.a.users[.admin]!.email, headers: [.acceptLanguage: "he"])
            let steps: [(page: String, target: String)] = [
                ("/customers", "/start"), ("/live", "/start"), ("/commerce", "/start"), ("/commerce/deliveries", "/start"), ("/commerce/products", "/start"),
                ("/commerce/units-sold", "/start"), ("/feedback", "/feedback/surveys"), ("/feedback/responses", "/feedback/surveys"),
                ("/insights", "/feedback/surveys"), ("/insights/personas", "/feedback/surveys"), ("/insights/value", "/start"), ("/insights/forecast", "/start"),
                ("/insights/roi", "/insights/value"), ("/journeys/map", "/start"), ("/service", "/service/setup"), ("/service/insights", "/service/setup"),
            ]
            for step in steps {
                let (response, page) = try await admin.get(step.page)
                #expect(response.status == .ok, "\(step.page)")
                #expect(page.contains(#"<a href="\#(step.target)" data-next-step>"#), "\(step.page) leads to \(step.target)")
            }
            // The guided start on its own page, in Hebrew; making the source there stays there.
            let (_, start) = try await admin.get("/start")
            #expect(start.contains(#"id="get-started""#) && start.contains(#"name="page" value="start""#) && start.contains(#"dir="rtl""#))
            let made = try await admin.submit(on: "/start", to: "/start/source", fields: [("page", "start"), ("name", "Kasse"), ("defaultChannel", "store")])
            let page = String(buffer: made.body)
            #expect(made.status == .ok && page.contains(#"data-copy="start-key""#) && page.contains(#"name="page""#) == false)
            let wrong = try await admin.submit(on: "/start", to: "/start/source", fields: [("page", "start"), ("name", ""), ("defaultChannel", "store")])
            #expect(wrong.status == .badRequest && String(buffer: wrong.body).contains(#"id="start-source""#))
        }
    }
}
