import CairnCore
import CairnStore
import CairnTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

@Suite("The overview a CX lead opens in the morning")
struct OverviewTests {
    @Test("NPS of the last 30 days with its interval, open cases and those about to breach, late parcels — each linking to its detail; another workspace sees its own",
          arguments: TestDatabase.engines)
    func glance(engine: DatabaseEngine) async throws {
        try await Harness.run(engine) { h in
            let manager = h.a.secretKeys[.manager]!, agent = h.a.secretKeys[.agent]!
            let made = try await h.api(.post, "/api/v1/surveys", key: manager, json: #"{"template":"relationship_nps"}"#).json()
            let surveyID = try #require(made["id"] as? String), token = try #require((made["link"] as? String)?.dropFirst(3)).description
            _ = try await h.api(.post, "/api/v1/surveys/\(surveyID)/status", key: manager, json: #"{"status":"published"}"#)
            // Two promoters and a detractor: NPS (2 − 1) / 3 = 33.
            for score in [10, 9, 3] {
                let body = #"{"writeKey":"\#(h.a.writeKey)","answers":{"nps":\#(score)}}"#
                #expect(try await h.client.execute(uri: "/v1/surveys/\(token)/responses", method: .post, headers: [.contentType: "application/json"],
                                                   body: ByteBuffer(string: body)).status == .created)
            }
            for subject in ["Lid missing", "Wrong colour"] {
                #expect(try await h.api(.post, "/api/v1/cases", key: agent, json: #"{"contact":"kim@example.com","channel":"email","subject":"\#(subject)"}"#).status == .created)
            }
            let order = try await h.a.order(in: h.store)
            let yesterday = ISO8601DateFormatter().string(from: h.clock.now.addingTimeInterval(-86_400))
            #expect(try await h.api(.post, "/api/v1/shipments", key: manager, json: #"{"orderId":"\#(order)","carrier":"DHL","trackingNumber":"JD7","promisedAt":"\#(yesterday)"}"#).status == .created)

            for (language, label) in [("en", "NPS, last 30 days"), ("he", "NPS, 30 הימים האחרונים")] {
                var viewer = try await h.signIn(h.a.users[.viewer]!.email, headers: [.acceptLanguage: language])
                let (_, page) = try await viewer.get("/")
                #expect(page.contains(#"<li data-tile="nps"><a href="/feedback">"#) && page.contains(label) && page.contains("<bdi>33</bdi>"), "\(language)")
                // Split by colour: 2 of 3 promoters (67 %), no passives, 1 detractor (33 %), the bar's widths to match.
                let split = language == "en" ? ["promoters 67 %", "passives 0 %", "detractors 33 %"] : ["ממליצים 67 %", "פסיביים 0 %", "מלעיזים 33 %"]
                #expect(split.allSatisfy { page.contains("<bdi>\($0)</bdi>") }, "\(language)")
                #expect(page.contains(#"<rect class="nps-promoters" x="0.00" y="0" width="66.67" height="6"/><rect class="nps-passives" x="66.67" y="0" width="0.00" height="6"/>"#))
                #expect(page.contains(#"<li data-tile="cases"><a href="/service?queue=open">"#) && page.contains("<bdi>2</bdi>"), "\(language)")
                #expect(page.contains(#"<li data-tile="late"><a href="/commerce/deliveries?flag=late">"#) && page.contains("<bdi>1</bdi>"), "\(language)")
            }
            // Customers and orders: a new customer and a new order move the tiles by one each (of A only).
            func tile(_ id: String, in page: String) -> (value: String, detail: String)? {
                guard let start = page.range(of: #"<li data-tile="\#(id)">"#), let end = page[start.upperBound...].range(of: "</li>") else { return nil }
                let html = String(page[start.upperBound..<end.lowerBound])
                let bdis = html.components(separatedBy: "<bdi>").dropFirst().map { String($0.prefix { $0 != "<" }) }
                return bdis.count == 2 ? (bdis[0], bdis[1]) : nil
            }
            var viewer = try await h.signIn(h.a.users[.viewer]!.email)
            let (_, before) = try await viewer.get("/")
            let customers = try #require(tile("customers", in: before)), orders = try #require(tile("orders", in: before))
            _ = try await h.a.customer(in: h.store, named: "newcomer")
            _ = try await h.a.order(in: h.store, fresh: true)
            let (_, after) = try await viewer.get("/")
            #expect(Int(try #require(tile("customers", in: after)).value) == Int(customers.value)! + 1)
            #expect(Int(try #require(tile("orders", in: after)).value) == Int(orders.value)! + 1 && tile("orders", in: after)!.detail.contains("EUR"), "\(after)")
            #expect(after.contains(#"<li data-tile="customers"><a href="/customers">"#) && after.contains(#"<li data-tile="orders"><a href="/commerce">"#))
            var other = try await h.signIn(h.b.users[.viewer]!.email)
            let (_, theirs) = try await other.get("/")
            #expect(!theirs.contains(#"data-tile="nps""#) && theirs.contains(#"data-tile="cases""#) && !theirs.contains("<bdi>33</bdi>"))
        }
    }
}
