import CairnCore
import CairnEngine
import CairnStore
import CairnTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@Suite("Service: the agent console and the cases API")
struct ServicePagesTests {
    @Test("An agent opens a case in the console, sees it beside the customer's orders, replies, notes, changes it in bulk; every language renders; another workspace sees nothing",
          arguments: TestDatabase.engines)
    func console(engine: DatabaseEngine) async throws {
        try await Harness.run(engine) { h in
            let customer = try await h.a.customer(in: h.store)
            let order = try await h.a.order(in: h.store)
            let agentKey = h.a.secretKeys[.agent]!
            // The API: a case about the customer's order, with a first message that needs escaping.
            let opened = try await h.api(.post, "/api/v1/cases", key: agentKey,
                                         json: #"{"profileId":"\#(customer)","channel":"email","subject":"Jug <b>cracked</b>","message":"שלום, the jug is cracked","orderId":"\#(order)","priority":"high"}"#)
            #expect(opened.status == .created)
            let id = try #require((try opened.json()["case"] as? [String: Any])?["id"] as? String)
            #expect(opened.headers[.location] == "/api/v1/cases/\(id)")
            // Bad input names each field; nothing is written.
            let bad = try await h.api(.post, "/api/v1/cases", key: agentKey, json: #"{"channel":"pigeon","subject":"","profileId":"\#(ProfileID.generate())"}"#)
            #expect(bad.status == .badRequest && bad.text.contains("channel") && bad.text.contains("subject") && bad.text.contains("profileId"))
            #expect(try await h.api(.patch, "/api/v1/cases/\(id)", key: agentKey, json: #"{"status":"teleported"}"#).status == .badRequest)
            #expect(try await h.api(.patch, "/api/v1/cases/\(id)", key: agentKey, json: #"{"assigneeId":null,"tags":["Jug"]}"#).status == .ok)
            #expect(try await h.api(.get, "/api/v1/cases?queue=sideways", key: agentKey).status == .badRequest)
            #expect(try await h.api(.get, "/api/v1/cases?queue=mine", key: agentKey).status == .badRequest, "mine belongs to a signed-in user")
            let listed = try await h.api(.get, "/api/v1/cases?profileId=\(customer)", key: h.a.secretKeys[.viewer]!)
            #expect(listed.status == .ok && listed.text.contains(id))

            var agent = try await h.signIn(h.a.users[.agent]!.email)
            let (_, queue) = try await agent.get("/service?queue=unassigned")
            #expect(queue.contains(#"data-case="\#(id)""#) && queue.contains("Jug &lt;b&gt;cracked&lt;/b&gt;") && queue.contains(#"data-count="unassigned">1<"#))
            // Assign it to me in bulk: it leaves "unassigned" and is mine.
            let bulk = try await agent.submit(on: "/service", to: "/service/bulk", fields: [("ids", id), ("action", "assign_me"), ("queue", "unassigned")])
            #expect(bulk.status == .seeOther || bulk.status == .found)
            let (_, mine) = try await agent.get("/service?queue=mine")
            #expect(mine.contains(#"data-case="\#(id)""#) && mine.contains(#"data-count="mine">1<"#))

            let (_, page) = try await agent.get("/service/cases/\(id)")
            #expect(page.contains(#"id="case-customer""#) && page.contains("/customers/\(customer)") && page.contains("ORDER-SEED"), "the case sits beside the customer's orders")
            #expect(page.contains(#"<p class="body" dir="auto">שלום, the jug is cracked</p>"#), "a message of unknown direction is isolated")
            #expect(page.contains(#"/static/service.js"#) && page.contains(#"id="reply-form""#))
            // A reply and an internal note from the page.
            #expect(try await agent.submit(on: "/service/cases/\(id)", to: "/service/cases/\(id)/reply", form: ["body": "A new jug is on its way."]).status.code < 400)
            #expect(try await agent.submit(on: "/service/cases/\(id)", to: "/service/cases/\(id)/reply", form: ["body": "Carrier was DHL", "internal": "1", "then": "pending"]).status.code < 400)
            let (_, after) = try await agent.get("/service/cases/\(id)")
            #expect(after.contains(#"data-author="agent""#) && after.contains(#"data-author="note""#) && after.contains(#"id="case-status">Waiting for customer<"#))
            // An empty reply is refused on the page, naming the field.
            let empty = try await agent.submit(on: "/service/cases/\(id)", to: "/service/cases/\(id)/reply", form: ["body": " "])
            #expect(empty.status == .badRequest && empty.text.contains("<strong>Text</strong>"))
            // The API tells the same story.
            let thread = try await h.api(.get, "/api/v1/cases/\(id)", key: agentKey).json()
            let messages = try #require(thread["messages"] as? [[String: Any]])
            #expect(messages.map { $0["author"] as? String } == ["customer", "agent", "note"])
            #expect(((thread["case"] as? [String: Any])?["firstResponseAt"] as? String) != nil)

            // Every language renders both pages; Hebrew is right to left.
            for language in ["en", "de", "zh-Hans", "he"] {
                var browser = try await h.signIn(h.a.users[.agent]!.email, headers: [.acceptLanguage: language])
                let (insightsResponse, insightsText) = try await browser.get("/service/insights?by=channel")
                #expect(insightsResponse.status == .ok && insightsText.contains(#"<tr data-key="email">"#) && insightsText.contains("<svg"), "\(language) insights")
                let (queueResponse, queueText) = try await browser.get("/service?queue=open")
                let (caseResponse, caseText) = try await browser.get("/service/cases/\(id)")
                #expect(queueResponse.status == .ok && caseResponse.status == .ok, "\(language)")
                #expect(!queueText.contains("{{") && !caseText.contains("{{"), "\(language): no template text left")
                for key in ["service_queue_open", "case_conversation", "case_internal_note"] where language != "en" {
                    #expect(!caseText.contains(">\(key)<") && !queueText.contains(">\(key)<"), "\(language) has \(key)")
                }
                if language == "he" { #expect(caseText.contains(#"dir="rtl""#) && caseText.contains("שיחה")) }
            }
            // The report: JSON, CSV, and a bad grouping named.
            let report = try await h.api(.get, "/api/v1/reports/service?by=priority", key: h.a.secretKeys[.viewer]!)
            #expect(report.status == .ok && report.text.contains(#""key":"high""#))
            let csv = try await h.api(.get, "/api/v1/reports/service?by=channel&format=csv", key: agentKey)
            #expect(csv.headers[.contentType]?.hasPrefix("text/csv") == true && csv.text.hasPrefix("channel,label,cases,"))
            let badReport = try await h.api(.get, "/api/v1/reports/service?by=mood&from=yesterday", key: agentKey)
            #expect(badReport.status == .badRequest && badReport.text.contains(#""field":"by""#) && badReport.text.contains(#""field":"from""#))
            // A viewer reads but has no forms; another workspace sees nothing.
            var viewer = try await h.signIn(h.a.users[.viewer]!.email)
            let (_, readOnly) = try await viewer.get("/service/cases/\(id)")
            #expect(readOnly.contains(#"id="conversation""#) && !readOnly.contains(#"id="reply-form""#))
            var other = try await h.signIn(h.b.users[.admin]!.email)
            #expect(try await other.get("/service/cases/\(id)").0.status == .notFound)
            #expect(try await other.get("/service?queue=open").1.contains(#"id="no-cases""#))
        }
    }

    @Test("Canned replies: written in four languages, offered in the case's language with the customer's name, sent from the console", arguments: TestDatabase.engines)
    func cannedReplies(engine: DatabaseEngine) async throws {
        try await Harness.run(engine) { h in
            let manager = h.a.secretKeys[.manager]!, agent = h.a.secretKeys[.agent]!
            let bad = try await h.api(.post, "/api/v1/canned-replies", key: manager, json: #"{"title":"","bodies":{"fr":"Bonjour","de":"Hallo"}}"#)
            #expect(bad.status == .badRequest && bad.text.contains("title") && bad.text.contains("bodies.fr") && bad.text.contains("bodies.en"))
            #expect(try await h.api(.post, "/api/v1/canned-replies", key: agent, json: #"{"title":"x","bodies":{"en":"x"}}"#).status == .forbidden)
            let made = try await h.api(.post, "/api/v1/canned-replies", key: manager, json: #"""
                {"title":"Refund","bodies":{"en":"Hello {name}, case {number}: your refund is on its way.","de":"Hallo {name}, Ihre Erstattung ist unterwegs.","zh":"{name}，您的退款正在处理中。","he":"שלום {name}, ההחזר בדרך."}}
                """#)
            #expect(made.status == .created)
            let customer = try await h.a.customer(in: h.store)
            let opened = try await h.api(.post, "/api/v1/cases", key: agent, json: #"{"profileId":"\#(customer)","channel":"chat","subject":"החזר","language":"he"}"#)
            let id = try #require((try opened.json()["case"] as? [String: Any])?["id"] as? String)
            var browser = try await h.signIn(h.a.users[.agent]!.email)
            let (_, page) = try await browser.get("/service/cases/\(id)")
            #expect(page.contains(#"data-text="שלום Customer of Alpha, ההחזר בדרך.""#), "the Hebrew text with the customer's name")
            let canned = try #require((try await h.api(.get, "/api/v1/canned-replies", key: agent).json()["data"] as? [[String: Any]])?.first?["id"] as? String)
            #expect(try await browser.submit(on: "/service/cases/\(id)", to: "/service/cases/\(id)/reply", form: ["body": "", "canned": canned]).status.code < 400)
            let messages = (try await h.api(.get, "/api/v1/cases/\(id)", key: agent).json()["messages"] as? [[String: Any]]) ?? []
            #expect(messages.last?["body"] as? String == "שלום Customer of Alpha, ההחזר בדרך.")
            #expect(try await h.api(.delete, "/api/v1/canned-replies/\(canned)", key: manager).status == .noContent)
            #expect(try await h.api(.delete, "/api/v1/canned-replies/\(canned)", key: manager).status == .notFound)
        }
    }

    @Test("A breached deadline reaches its assignee in Cairn: the service sections count it, the notifications page lists it in four languages, marking read clears it; others see none",
          arguments: TestDatabase.engines)
    func notifications(engine: DatabaseEngine) async throws {
        try await Harness.run(engine) { h in
            let manager = h.a.secretKeys[.manager]!, agentKey = h.a.secretKeys[.agent]!
            #expect(try await h.api(.post, "/api/v1/sla-policies", key: manager, json: #"{"name":"Fast","firstResponseMinutes":5,"warnBeforeMinutes":1}"#).status == .created)
            let agentID = h.a.users[.agent]!.id.rawValue
            let opened = try await h.api(.post, "/api/v1/cases", key: agentKey,
                                         json: #"{"contact":"kim@example.com","channel":"email","subject":"Lid <missing>","message":"Where is the lid?","assigneeId":"\#(agentID)"}"#)
            let id = try #require((try opened.json()["case"] as? [String: Any])?["id"] as? String)
            var agent = try await h.signIn(h.a.users[.agent]!.email)
            #expect(!(try await agent.get("/service").1.contains("data-unread")), "nothing yet")
            h.clock.advance(by: 6 * 60)
            #expect(try await Cases(store: h.store, clock: h.clock.source).escalateDue().count == 1)
            let (_, queue) = try await agent.get("/service")
            #expect(queue.contains(#"data-nav="service-notifications""#) && queue.contains(#"data-unread>1<"#))
            for (language, words) in [("en", "Service level missed"), ("de", "Service-Level verfehlt"), ("zh-Hans", "未达服务级别"), ("he", "רמת השירות הוחמצה")] {
                var reader = try await h.signIn(h.a.users[.agent]!.email, headers: [.acceptLanguage: language])
                let (response, page) = try await reader.get("/service/notifications")
                #expect(response.status == .ok && page.contains(words) && page.contains(#"href="/service/cases/\#(id)""#) && page.contains("<bdi>Lid &lt;missing&gt;</bdi>"), "\(language)")
            }
            // The viewer answers for nothing; workspace B sees nothing of it.
            var viewer = try await h.signIn(h.a.users[.viewer]!.email)
            #expect(try await viewer.get("/service/notifications").1.contains(#"id="no-notifications""#))
            var other = try await h.signIn(h.b.users[.agent]!.email)
            #expect(try await other.get("/service/notifications").1.contains(#"id="no-notifications""#))
            #expect(try await agent.submit(on: "/service/notifications", to: "/service/notifications/read", form: [:]).status.code < 400)
            let (_, after) = try await agent.get("/service/notifications")
            #expect(!after.contains("data-unread") && !after.contains(#"id="mark-read""#) && after.contains("Service level missed"))
        }
    }
}
