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

/// Simulated people of four planted personas, sent through the real paths (identifies through the tracking API, values
/// and NPS answers through the survey widget's use case, orders through the order import):
///
/// | persona | ranks first … last | buys in | category | orders a year | NPS |
/// |---|---|---|---|---|---|
/// | 0 | price, speed, quality, service, sustainability | web | Bargains | 6 | 3–6 |
/// | 1 | sustainability, quality, service, speed, price | store | Eco | 3 | 9–10 |
/// | 2 | speed, price, service, quality, sustainability | app | Express | 9 | 7–8 |
/// | 3 | quality, service, sustainability, speed, price | call centre | Premium | 2 | 8–10 |
///
/// 30 people each answer the values question (one adjacent pair swapped at random for half of them); a fifth of a
/// person's orders go to another persona's channel and category. 40 more people only buy (10 a persona).
@Suite("Values-based personas: planted personas recovered, named by their values, described; on the 360, as a segment, on the page")
struct PersonasTests {
    static let rankings = [["price", "speed", "quality", "service", "sustainability"], ["sustainability", "quality", "service", "speed", "price"],
                           ["speed", "price", "service", "quality", "sustainability"], ["quality", "service", "sustainability", "speed", "price"]]
    static let channels = ["web", "store", "app", "call_center"]
    static let categories = ["Bargains", "Eco", "Express", "Premium"]
    static let ordersPerYear = [6, 3, 9, 2]
    static let quantities = [1, 2, 1, 3]
    static let scores = [[3, 4, 5, 6], [9, 10], [7, 8], [8, 9, 10]]

    @Test("Four planted personas: k = 4 by silhouette, adjusted Rand ≥ 0.8 for those who answered and buyers placed by behaviour; names, NPS, segment, pages",
          arguments: TestDatabase.engines)
    func planted(engine: DatabaseEngine) async throws {
        try await Harness.run(engine) { h in
            let manager = h.a.secretKeys[.manager]!, viewer = h.a.secretKeys[.viewer]!, workspace = h.a.workspace.id
            for (index, category) in Self.categories.enumerated() {
                let made = try await h.api(.post, "/api/v1/products", key: manager,
                                           json: #"{"sku":"SKU-\#(index)","name":"\#(category) item","category":"\#(category)","price":"\#(10 + index * 30).00","currency":"EUR"}"#)
                #expect(made.status == .created, "\(made.text)")
            }
            var random = SplitMix64(seed: 2026)
            let answerers = 120, buyers = 40
            func planted(_ n: Int) -> Int { n < answerers ? n % 4 : (n - answerers) % 4 }
            #expect(try await h.track((0..<(answerers + buyers)).map { #"{"type":"identify","userId":"p\#($0)","traits":{"name":"Person \#($0)"},"messageId":"pi-\#($0)"}"# }))

            // Orders over the last year, through the order import.
            var orders: [OrderImporter.OrderRows] = []
            for n in 0..<(answerers + buyers) {
                let persona = planted(n)
                let count = Self.ordersPerYear[persona] + Int(random.next() % 3) - 1
                for number in 0..<max(1, count) {
                    let other = random.next() % 5 == 0 ? Int(random.next() % 4) : persona
                    let placed = h.clock.now.addingTimeInterval(-Double(random.next() % 360 + 1) * 86_400).formatted(.iso8601)
                    orders.append(.init(reference: "PO-\(n)-\(number)", rows: [.init(line: orders.count + 2, values: [
                        "order_id": "PO-\(n)-\(number)", "placed_at": placed, "currency": "EUR", "channel": Self.channels[other], "status": "delivered",
                        "user_id": "p\(n)", "sku": "SKU-\(other)", "quantity": "\(Self.quantities[persona])"])]))
                }
            }
            var memory = OrderImporter.Memory()
            let imported = try await OrderImporter(store: h.store, principal: h.a.principal(.manager), clock: h.clock.source).importBatch(orders, memory: &memory)
            #expect(imported.rejections.isEmpty && imported.orders == orders.count)

            // Values and NPS answers through the widget's API.
            func published(_ template: String) async throws -> String {
                let survey = try await h.api(.post, "/api/v1/surveys", key: manager, json: #"{"template":"\#(template)"}"#).json()
                let id = try #require(survey["id"] as? String)
                #expect(try await h.api(.post, "/api/v1/surveys/\(id)/status", key: manager, json: #"{"status":"published"}"#).status == .ok)
                return try #require((survey["link"] as? String)?.dropFirst(3)).description
            }
            let valuesSurvey = try await published("customer_values"), npsSurvey = try await published("relationship_nps")
            // The widget's own use case (its HTTP door limits how fast one address may answer).
            let answering = SurveyAnswering(store: h.store, clock: h.clock.source)
            func answer(_ token: String, _ user: String, _ answers: [String: JSONValue]) async throws {
                _ = try await answering.submitWhole(token: token, workspace: workspace, answers: answers, userID: user, anonymousID: nil, language: "en")
            }
            for n in 0..<answerers {
                let persona = planted(n)
                var ranking = Self.rankings[persona]
                if random.next() % 2 == 0 { let i = Int(random.next() % 4); ranking.swapAt(i, i + 1) }
                try await answer(valuesSurvey, "p\(n)", ["values": .array(ranking.map(JSONValue.string))])
                let options = Self.scores[persona]
                try await answer(npsSurvey, "p\(n)", ["nps": .integer(Int64(options[Int(random.next() % UInt64(options.count))]))])
            }
            try await h.readWaitingAnswers()

            // Bad input and permissions.
            #expect(try await h.api(.get, "/api/v1/personas", key: viewer).json()["model"] is NSNull)
            #expect(try await h.api(.post, "/api/v1/personas/recompute", key: viewer).status == .forbidden)
            #expect(try await h.api(.get, "/api/v1/profiles?persona=" + String(repeating: "x", count: 201), key: viewer).status == .badRequest)

            let recomputed = try await h.api(.post, "/api/v1/personas/recompute", key: manager)
            #expect(recomputed.status == .ok, "\(recomputed.text)")
            let model = try #require(try recomputed.json()["model"] as? [String: Any])
            #expect(model["k"] as? Int == 4, "\(model["candidates"] ?? "")")
            #expect(model["clustered"] as? Int == answerers && model["assignedByBehaviour"] as? Int == buyers)
            #expect((model["stability"] as? Double ?? 0) >= 0.8, "\(model["stability"] ?? "")")

            // Recovered: each person's persona against the planted one.
            let assigned = try await h.store.personas(in: workspace)
            var truth: [Int] = [], found: [Int] = [], keys: [String: Int] = [:]
            var buyerTruth: [Int] = [], buyerFound: [Int] = []
            for n in 0..<(answerers + buyers) {
                let profile = try #require(try await h.store.profileID(for: Identifier(kind: .userID, value: "p\(n)"), in: workspace)).rawValue
                let key = try #require(assigned[profile], "p\(n) has a persona")
                let label = keys[key] ?? keys.count
                keys[key] = label
                if n < answerers { truth.append(planted(n)); found.append(label) } else { buyerTruth.append(planted(n)); buyerFound.append(label) }
            }
            #expect(ClusterQuality.adjustedRandIndex(truth, found) >= 0.8, "those who answered")
            #expect(ClusterQuality.adjustedRandIndex(truth + buyerTruth, found + buyerFound) >= 0.8, "with those placed by how they buy")

            // Named by their values and described: the sustainability persona leads with it, its NPS is high.
            let personas = try #require(model["personas"] as? [[String: Any]])
            #expect(Set(personas.compactMap { ($0["leadingValues"] as? [String])?.first }) == ["price", "sustainability", "speed", "quality"])
            let green = try #require(personas.first { ($0["leadingValues"] as? [String])?.first == "sustainability" })
            let greenKey = try #require(green["key"] as? String)
            #expect(((green["nps"] as? [String: Any])?["score"] as? Double ?? 0) >= 80)
            #expect(((green["channels"] as? [[String: Any]])?.first?["name"] as? String) == "store")
            #expect(((green["categories"] as? [[String: Any]])?.first?["name"] as? String) == "Eco")
            let priceFirst = try #require(personas.first { ($0["leadingValues"] as? [String])?.first == "price" })
            #expect(((priceFirst["nps"] as? [String: Any])?["score"] as? Double ?? 0) <= -50)

            // On the customer's record, as a filter and as a segment kept current.
            let p1 = try #require(try await h.store.profileID(for: Identifier(kind: .userID, value: "p1"), in: workspace)).rawValue
            #expect(((try await h.api(.get, "/api/v1/profiles/\(p1)/persona", key: viewer).json()["persona"] as? [String: Any])?["key"] as? String) == greenKey)
            let listed = (try await h.api(.get, "/api/v1/profiles?persona=\(greenKey)&limit=200", key: viewer).json()["data"] as? [Any])?.count
            #expect(listed == green["members"] as? Int)
            let segment = try await h.api(.post, "/api/v1/segments", key: manager, json: #"{"name":"Green shoppers","rule":{"persona":["\#(greenKey)"]}}"#)
            let segmentSize = try segment.json()["memberCount"] as? Int
            #expect(segment.status == .created && segmentSize == green["members"] as? Int, "\(segment.text)")

            // Personas as a breakdown: the scorecard's NPS by persona (planted: the sustainability persona answers 9–10,
            // the price persona 3–6), and a funnel's people by persona (every buyer identified, then bought).
            let card = try await h.api(.get, "/api/v1/insights/scorecard?metric=nps&by=persona&from=\(h.clock.now.addingTimeInterval(-86_400).formatted(.iso8601.year().month().day()))", key: viewer)
            #expect(card.status == .ok, "\(card.text)")
            let cells = (try card.json()["cells"] as? [[String: Any]]) ?? []
            let priceKey = try #require(priceFirst["key"] as? String)
            #expect(Set(cells.compactMap { $0["column"] as? String }) == Set(personas.compactMap { $0["key"] as? String }), "\(cells.map { $0["column"] ?? "" })")
            #expect(cells.first { $0["column"] as? String == greenKey }.flatMap { $0["score"] as? Double }.map { $0 >= 80 } == true)
            #expect(cells.first { $0["column"] as? String == priceKey }.flatMap { $0["score"] as? Double }.map { $0 <= -50 } == true)
            #expect(try await h.api(.get, "/api/v1/insights/scorecard?by=personas", key: viewer).status == .badRequest)
            // Everyone views a product; only those who answered with sustainability first go on to order.
            let greenPeople = (0..<answerers).filter { planted($0) == 1 }
            let viewedAt = h.clock.now.addingTimeInterval(-7_200).formatted(.iso8601), orderedAt = h.clock.now.addingTimeInterval(-3_600).formatted(.iso8601)
            #expect(try await h.track((0..<answerers).map { #"{"type":"track","event":"Product Viewed","userId":"p\#($0)","messageId":"pv-\#($0)","timestamp":"\#(viewedAt)"}"# }
                                      + greenPeople.map { #"{"type":"track","event":"Order Completed","userId":"p\#($0)","messageId":"oc-\#($0)","timestamp":"\#(orderedAt)"}"# }))
            let funnel = try await h.api(.post, "/api/v1/funnels/query", key: viewer, json: """
                {"steps":[{"event":"Product Viewed"},{"event":"Order Completed"}],"breakdown":{"by":"persona"}}
                """)
            #expect(funnel.status == .ok, "\(funnel.text)")
            let groups = (try funnel.json()["groups"] as? [[String: Any]]) ?? []
            let byKey = Dictionary(groups.compactMap { group in (group["value"] as? String).map { ($0, group) } }, uniquingKeysWith: { a, _ in a })
            // Personas recover the planted ones with adjusted Rand ≥ 0.8, not perfectly: most of the green persona
            // converts, almost none of the price persona.
            func share(_ key: String) -> Double {
                Double(byKey[key]?["converted"] as? Int ?? 0) / Double(max(1, byKey[key]?["entered"] as? Int ?? 0))
            }
            #expect(share(greenKey) >= 0.8 && share(priceKey) <= 0.2, "\(funnel.text.prefix(800))")

            // The page in four languages; the 360 names the persona.
            for (language, name) in [("en", "Sustainability"), ("de", "Nachhaltigkeit"), ("zh-Hans", "可持续性"), ("he", "קיימות")] {
                var browser = try await h.signIn(h.a.users[.viewer]!.email, headers: [.acceptLanguage: language])
                let (response, page) = try await browser.get("/insights/personas")
                #expect(response.status == .ok && page.contains(#"id="personas-k"><bdi>4</bdi>"#) && page.contains(name) && page.contains(#"data-persona="\#(greenKey)""#), "\(language)")
                // The scorecard's and the funnel's persona columns carry the persona's name, not its key.
                let (_, card) = try await browser.get("/insights/scorecard?metric=nps&by=persona&from=\(h.clock.now.addingTimeInterval(-86_400).formatted(.iso8601.year().month().day()))")
                #expect(card.contains("<th class=\"num\"><bdi>\(name)") && !card.contains("<bdi>\(greenKey)</bdi>"), "\(language): scorecard")
                let (_, funnelPage) = try await browser.get("/journeys?step=Product+Viewed&step=Order+Completed&by=persona")
                #expect(funnelPage.contains(name) && !funnelPage.contains(">\(greenKey)<"), "\(language): funnel")
                let (_, record) = try await browser.get("/customers/\(p1)")
                #expect(record.contains(#"id="customer-persona""#) && record.contains(name), "\(language)")
            }
        }
    }
}
