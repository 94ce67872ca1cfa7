import CairnCore
import CairnEngine
import CairnStore
import CairnTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
import NIOCore

@Suite("Service spikes: everyone sees them the same day")
struct ServiceSpikesTests {
    @Test("34 cases about a blender on a Tuesday that usually has 4 ± 1.6: an alert with the reason in words, on the overview in four languages, in the API and by webhook, once",
          arguments: TestDatabase.engines)
    func spike(engine: DatabaseEngine) async throws {
        try await Harness.run(engine) { h in
            let manager = h.a.secretKeys[.manager]!, agent = h.a.secretKeys[.agent]!
            let product = try await h.api(.post, "/api/v1/products", key: manager, json: #"{"sku":"BLX","name":"Blender X","price":"89.00","currency":"EUR"}"#).json()
            let productID = try #require(product["id"] as? String)
            _ = try await h.api(.post, "/api/v1/webhooks", key: h.a.secretKeys[.admin]!, json: #"{"url":"https://hooks.example/spikes","events":["service.spike"]}"#)
            // To the next Tuesday, 09:00 UTC.
            let day = 86_400.0
            let now = h.clock.now.timeIntervalSince1970
            let today = (now / day).rounded(.down)
            let weekday = Int((today + 3).truncatingRemainder(dividingBy: 7))  // Monday = 0
            h.clock.advance(by: (today + Double((8 - weekday) % 7 == 0 ? 7 : (8 - weekday) % 7)) * day + 9 * 3600 - now)
            func open(_ count: Int) async throws {
                for _ in 0..<count {
                    #expect(try await h.api(.post, "/api/v1/cases", key: agent, json: #"{"contact":"x@example.com","channel":"email","subject":"Jug cracked","productId":"\#(productID)"}"#).status == .created)
                }
            }
            // Campaigns: Winter is first seen in the first week (and seen again on the spike's day: it keeps its start);
            // Spring's first page view is this morning; Catalogue (no links) is declared as starting yesterday.
            func page(campaign: String, at time: Date) async throws {
                let body = #"{"anonymousId":"visitor-\#(campaign)","name":"Home","timestamp":"\#(time.formatted(.iso8601))","context":{"campaign":{"name":"\#(campaign)","source":"newsletter"}}}"#
                let sent = try await h.client.execute(uri: "/v1/page", method: .post, headers: [.contentType: "application/json", .authorization: "Basic \(Data((h.a.writeKey + ":").utf8).base64EncodedString())"],
                                                      body: ByteBuffer(string: body))
                #expect(sent.status == .ok)
                try await IdentityResolver(store: h.store, clock: h.clock.source).resolvePending(in: h.a.workspace.id)
            }
            try await page(campaign: "Winter", at: h.clock.now)
            for count in [4, 6, 3, 5, 2, 4, 6, 2] {
                try await open(count)
                h.clock.advance(by: 7 * day)
            }
            try await page(campaign: "Winter", at: h.clock.now)
            try await page(campaign: "Spring", at: h.clock.now.addingTimeInterval(-3600))
            let badCampaign = try await h.api(.post, "/api/v1/campaigns", key: manager, json: #"{"name":" ","startedAt":"yesterday"}"#)
            #expect(badCampaign.status == .badRequest && badCampaign.text.contains("\"name\"") && badCampaign.text.contains("startedAt"))
            #expect(try await h.api(.post, "/api/v1/campaigns", key: agent, json: #"{"name":"Catalogue","startedAt":"2026-01-01T00:00:00Z"}"#).status == .forbidden)
            let yesterday = h.clock.now.addingTimeInterval(-day).formatted(.iso8601)
            #expect(try await h.api(.post, "/api/v1/campaigns", key: manager, json: #"{"name":"Catalogue","startedAt":"\#(yesterday)"}"#).status == .ok)
            let campaigns = ((try await h.api(.get, "/api/v1/campaigns", key: h.a.secretKeys[.viewer]!).json()["data"] as? [[String: Any]]) ?? [])
            #expect(campaigns.map { $0["name"] as? String } == ["Spring", "Catalogue", "Winter"])
            #expect(campaigns.map { $0["source"] as? String } == ["events", "declared", "events"])
            let spikes = ServiceSpikes(store: h.store, clock: h.clock.source)
            // Negative comments on a topic are a series too (read from the answers' daily topic counts).
            let survey = try await h.api(.post, "/api/v1/surveys", key: manager, json: #"{"template":"relationship_nps"}"#).json()
            _ = try await h.api(.post, "/api/v1/surveys/\(survey["id"] as? String ?? "")/status", key: manager, json: #"{"status":"published"}"#)
            var visitor = Browser(client: h.client)
            _ = try await visitor.send(.post, survey["link"] as? String ?? "", headers: [.contentType: "application/x-www-form-urlencoded"],
                                       body: "question=why&answer=" + Browser.encode("The delivery was late again, terrible courier"))
            #expect(try await h.store.negativeTopicSeries(in: h.a.workspace.id, fromDay: 0).keys.contains("delivery"))
            // Two cases by 09:00 are nothing unusual.
            try await open(2)
            #expect(try await spikes.scan(h.a.workspace.id).isEmpty)
            try await open(32)
            h.clock.advance(by: 6 * 3600)  // 15:00: 34 so far against a usual 4 for the whole day
            let raised = try await spikes.scan(h.a.workspace.id)
            #expect(raised.count >= 1)
            let alert = try #require(raised.first { $0.dimension == "product" })
            #expect(alert.message == "Blender X: 34 cases today against 4.0 ± 1.6 on a usual Tuesday; began the day campaign Spring started, the day after campaign Catalogue started")
            #expect(try await spikes.scan(h.a.workspace.id).isEmpty, "once a day")
            let listed = try await h.api(.get, "/api/v1/service-alerts", key: h.a.secretKeys[.viewer]!).json()
            #expect(((listed["data"] as? [[String: Any]]) ?? []).contains { $0["label"] as? String == "Blender X" && $0["observed"] as? Int == 34 })
            let hooks = try await h.store.webhookEndpoints(in: h.a.workspace.id)
            let deliveries = try await h.store.deliveries(of: try #require(hooks.first).id, in: h.a.workspace.id, after: nil, limit: 10).items
            #expect(deliveries.contains { $0.event == "service.spike" && $0.payload.contains("Blender X") })
            #expect(deliveries.contains { $0.payload.contains(#"{"daysBefore":0,"name":"Spring"}"#) && $0.payload.contains(#"{"daysBefore":1,"name":"Catalogue"}"#) })
            for (language, words, began) in [("en", "34 cases today against 4.0 ± 1.6 on a usual Tuesday", "; began the day campaign <bdi data-campaign>Spring</bdi> started"),
                                             ("de", "heute 34 Fälle gegenüber 4.0 ± 1.6 an einem üblichen Dienstag", "; begann am Tag, an dem die Kampagne <bdi data-campaign>Spring</bdi> startete"),
                                             ("zh-Hans", "今天 34 个工单，通常周二为 4.0 ± 1.6", "；始于活动 <bdi data-campaign>Spring</bdi> 开始当天"),
                                             ("he", "34 פניות היום לעומת 4.0 ± 1.6 ביום שלישי רגיל", "; החל ביום שבו התחיל הקמפיין <bdi data-campaign>Spring</bdi>")] {
                var browser = try await h.signIn(h.a.users[.viewer]!.email, headers: [.acceptLanguage: language])
                let (_, overview) = try await browser.get("/")
                #expect(overview.contains(#"id="spikes""#) && overview.contains("<bdi>Blender X</bdi>") && overview.contains(words + began), "\(language)")
                #expect(overview.contains("<bdi data-campaign>Catalogue</bdi>") && !overview.contains("Winter"), "\(language)")
            }
            // Workspace B sees none of it.
            var other = try await h.signIn(h.b.users[.viewer]!.email)
            #expect(!(try await other.get("/").1.contains(#"id="spikes""#)))
        }
    }
}
